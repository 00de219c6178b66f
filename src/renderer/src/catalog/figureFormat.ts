/** Number and source formatting shared by the table and the detail panel. Pure, locale passed in. */
import type { SourceRef } from '@shared/catalog/types'

/** Accuracy is stored as a fraction; shown in percent without floating-point noise (79.12, not 79.1199…). */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 1e8) / 1e6
}

const fixedFormats = new Map<string, Intl.NumberFormat>()

/** A number with exactly `digits` decimals, for aligned table columns. */
export function formatFixed(value: number, digits: number, locale: string): string {
  const key = `${locale}/${digits}`
  let format = fixedFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    })
    fixedFormats.set(key, format)
  }
  return format.format(value)
}

/** A number at the precision it has (up to 6 decimals), for the detail panel. */
export function formatFull(value: number, locale: string): string {
  return formatFixedRange(value, 0, 6, locale)
}

function formatFixedRange(value: number, min: number, max: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: min,
    maximumFractionDigits: max,
  }).format(value)
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
