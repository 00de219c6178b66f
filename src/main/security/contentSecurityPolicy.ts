/**
 * The page's Content-Security-Policy, the same for the Electron window and browser mode: only our
 * own scripts, no eval, no plugins, no framing, network only back to where the page came from.
 */
export interface CspOptions {
  /** Extra origins the page may fetch from (the Vite dev server's websocket in development). */
  connectSrc?: readonly string[]
  /** Development builds inject scripts and styles from the Vite dev server. */
  dev?: boolean
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])]
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    // ECharts tooltips and Vue transitions write inline style attributes; styles cannot run code.
    'style-src': ["'self'", "'unsafe-inline'"],
    // zoo-thumb: batch thumbnails in the desktop app (browser mode serves them from 'self').
    'img-src': ["'self'", 'data:', 'blob:', 'zoo-thumb:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': connect,
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
}
