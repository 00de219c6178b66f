/**
 * The Downloads view's settings fields as the user types them: a mirror base URL and a budget in
 * GB. Each parser returns the value to send to `weights.configure`, or the reason (an i18n key
 * under `downloads.settings.invalid`) it cannot be sent. Pure.
 */

export type MirrorProblem = 'notUrl' | 'notHttp' | 'credentials' | 'queryOrHash'

export type Parsed<T, P extends string> = { ok: true; value: T } | { ok: false; problem: P }

/**
 * An empty field means "no mirror" (PaddleClas's own host). Otherwise an http(s) base URL without
 * credentials, query or fragment: the artifact's path is appended to it.
 */
export function parseMirror(text: string): Parsed<string | null, MirrorProblem> {
  const trimmed = text.trim()
  if (!trimmed) return { ok: true, value: null }
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return { ok: false, problem: 'notUrl' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, problem: 'notHttp' }
  if (!url.hostname) return { ok: false, problem: 'notUrl' }
  if (url.username || url.password) return { ok: false, problem: 'credentials' }
  if (url.search || url.hash || /[?#]/.test(trimmed)) return { ok: false, problem: 'queryOrHash' }
  // As typed, without a trailing slash: the main side joins paths with exactly one.
  return { ok: true, value: trimmed.replace(/\/+$/, '') }
}

export type BudgetProblem = 'notNumber' | 'negative' | 'tooLarge'

const GB = 1024 ** 3
/** The contract's ceiling (2^50 bytes, a petabyte). */
const MAX_BYTES = 2 ** 50

/** "20", "2.5", "0,5" (a decimal comma) → bytes, in binary GB as the sizes are shown. */
export function parseBudgetGb(text: string): Parsed<number, BudgetProblem> {
  const normalised = text.trim().replace(',', '.')
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(normalised)) {
    return { ok: false, problem: normalised.startsWith('-') ? 'negative' : 'notNumber' }
  }
  const bytes = Math.round(Number(normalised) * GB)
  if (!Number.isFinite(bytes) || bytes > MAX_BYTES) return { ok: false, problem: 'tooLarge' }
  return { ok: true, value: bytes }
}

/** Bytes → the GB figure the field shows: two decimals at most, three digits under 1 GB. */
export function budgetGbText(bytes: number): string {
  const gb = bytes / GB
  return String(gb >= 1 ? Math.round(gb * 100) / 100 : Number(gb.toPrecision(3)))
}
