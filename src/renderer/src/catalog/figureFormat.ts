/** Number and source formatting shared by the table, the detail panel, Compare and Explore. Pure. */
import type { SourceRef } from '@shared/catalog/types'

/** Accuracy is stored as a fraction; shown in percent without floating-point noise (79.12, not 79.1199…). */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 1e8) / 1e6
}

/** "1.2345e+3" → digits "12345" with 4 of them before the decimal point. */
function shortestDigits(magnitude: number): { digits: string; point: number } {
  const [mantissa = '0', exponent = '0'] = magnitude.toExponential().split('e')
  return { digits: mantissa.replace('.', ''), point: Number(exponent) + 1 }
}

/** Adds one in the last place of a string of digits: "0999" → "1000". */
function incremented(digits: string): string {
  const chars = digits.split('')
  let i = chars.length - 1
  while (i >= 0 && chars[i] === '9') chars[i--] = '0'
  if (i < 0) return `1${chars.join('')}`
  chars[i] = String(Number(chars[i]) + 1)
  return chars.join('')
}

/**
 * A number with `minDigits` to `maxDigits` decimals, grouped by thousands, as both of the app's
 * languages write it ("1,234.5"), rounded half away from zero on its shortest decimal form like
 * Intl.NumberFormat. Plain string work instead of Intl: a window's first Intl formatter costs it
 * 15–40 ms of ICU set-up, on the way to the first chart. A test holds this to Intl's output for
 * every language in `locales`.
 */
export function formatDecimal(value: number, minDigits: number, maxDigits: number): string {
  if (!Number.isFinite(value)) return String(value)
  let { digits, point } = shortestDigits(Math.abs(value))
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  const kept = point + maxDigits
  if (digits.length > kept) {
    const roundUp = digits.charAt(kept) >= '5'
    digits = digits.slice(0, kept)
    if (roundUp) {
      const carried = incremented(digits)
      if (carried.length > digits.length) point += 1
      digits = carried
    }
  }
  const whole = (digits.slice(0, point).padEnd(point, '0') || '0').replace(
    /\B(?=(\d{3})+(?!\d))/g,
    ',',
  )
  let fraction = digits.slice(point).padEnd(minDigits, '0')
  while (fraction.length > minDigits && fraction.endsWith('0')) fraction = fraction.slice(0, -1)
  const sign = value < 0 || Object.is(value, -0) ? '-' : ''
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`
}

/** A number with exactly `digits` decimals, for aligned table columns. */
export function formatFixed(value: number, digits: number): string {
  return formatDecimal(value, digits, digits)
}

/** A number at the precision it has (up to 6 decimals), for the detail panel. */
export function formatFull(value: number): string {
  return formatDecimal(value, 0, 6)
}

/** `reference/paddleclas/docs/model_list.zh_CN.md` → `model_list.zh_CN.md`. */
export function fileName(path: string): string {
  const clean = path.replace(/[?#].*$/, '')
  return clean.slice(clean.lastIndexOf('/') + 1) || path
}

/** `model_list.zh_CN.md:164`: what a reader needs to find the figure in the source. */
export function sourceLocation(source: Pick<SourceRef, 'document' | 'line'>): string {
  return `${fileName(source.document)}:${source.line}`
}

/** Only https links become anchors: the Electron shell opens https in the system browser. */
export function isSafeLink(url: string | null | undefined): url is string {
  if (!url) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password
  } catch {
    return false
  }
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

/**
 * How many decimals the source published a figure with, in the unit it is shown in: raw "0.8300"
 * shown as a percent (scale 100) has 2, so 83 is shown "83.00" and not "83". Null when the raw text
 * is in another unit (FLOPs written "46M" but shown in G): then the value speaks for itself.
 */
export function publishedDigits(value: number, raw: string, scale = 1): number | null {
  const match = /-?\d+(?:\.(\d+))?/.exec(raw.replace(/,/g, ''))
  if (!match) return null
  const written = Number(match[0])
  const decimals = match[1]?.length ?? 0
  const shown = value * scale
  if (close(written, shown)) return decimals
  if (close(written * scale, shown)) return Math.max(0, decimals - Math.round(Math.log10(scale)))
  return null
}

/** A figure in its display unit, at the precision it was published with. */
export function formatPublished(value: number, raw: string, scale: number): string {
  const shown = scale === 100 ? toPercent(value) : value * scale
  const digits = publishedDigits(value, raw, scale)
  return digits === null ? formatFull(shown) : formatFixed(shown, digits)
}
