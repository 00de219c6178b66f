/**
 * What the window may load, open and call. Pure functions, unit-tested; `main.ts` only wires them
 * to Electron's events.
 */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://zoo`

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * `scheme://host[:port]`. Not `URL.origin`: that is "null" for custom schemes like ours under
 * Node's URL, which would make every app:// URL look alike.
 */
export function originOf(url: string): string | null {
  const parsed = parse(url)
  return parsed && parsed.host ? `${parsed.protocol}//${parsed.host}` : null
}

/** The window only ever shows our own pages: navigation elsewhere is cancelled. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin
}

/** Links to the web (model papers, PaddleClas docs) open in the system browser, https only. */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parse(url)
  if (!parsed || parsed.protocol !== 'https:' || parsed.username || parsed.password) return null
  return parsed.href
}

/** IPC is answered only for our own top-level page, never for a frame from elsewhere. */
export function isTrustedSender(frameUrl: string | undefined, appOrigin: string): boolean {
  return frameUrl !== undefined && isAppUrl(frameUrl, appOrigin)
}
