/** Numbers on the Classify view's cards: probabilities, stage times, file sizes. Pure, locale passed in. */

const cache = new Map<string, Intl.NumberFormat>()
function format(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}/${JSON.stringify(options)}`
  let formatter = cache.get(key)
  if (!formatter) cache.set(key, (formatter = new Intl.NumberFormat(locale, options)))
  return formatter
}

/** 0.8734 → "87.3%"; tiny but non-zero scores read "<0.1%" rather than a misleading "0.0%". */
export function formatProbability(probability: number, locale: string): string {
  const percent = format(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  })
  if (probability > 0 && probability < 0.0005) return `<${percent.format(0.001)}`
  return percent.format(probability)
}

/** Stage times: one decimal under 100 ms, whole milliseconds above. */
export function formatMs(ms: number, locale: string): string {
  const digits = ms < 100 ? 1 : 0
  return `${format(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ms)} ms`
}

const units = ['B', 'KB', 'MB', 'GB'] as const

/** 3_482_112 → "3.3 MB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number, locale: string): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${format(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)} ${units[unit]}`
}
