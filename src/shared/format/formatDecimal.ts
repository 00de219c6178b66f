/** Decimal numbers as both of the app's languages write them, without Intl. Pure. */

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
