/** Number and source formatting shared by the table, the detail panel, Compare and Explore. Pure. */
import type { SourceRef } from '@shared/catalog/types'
import { formatDecimal } from '@shared/format/formatDecimal'

/** Accuracy is stored as a fraction; shown in percent without floating-point noise (79.12, not 79.1199…). */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 1e8) / 1e6
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

export type SourceDocument =
  | { kind: 'modelList' | 'overviewEn' | 'overview' | 'survey' | 'deployConfig' }
  | { kind: 'olderList'; number: number }
  | { kind: 'config'; file: string }
  | { kind: 'other'; file: string }

/**
 * Which of the sources a figure's document is, for a name a person reads ("Model list, line 630")
 * instead of a file name: the seeds are numbered files (000 the zoo overview, 001–003 older lists,
 * 004 the backbone survey), the reference documents have their PaddleClas names.
 */
export function sourceDocument(document: string): SourceDocument {
  const file = fileName(document)
  const seed = /^(\d{3})_[0-9a-f]+\.txt$/.exec(file)
  if (seed) {
    const number = Number(seed[1])
    if (number === 0) return { kind: 'overview' }
    if (number === 4) return { kind: 'survey' }
    return { kind: 'olderList', number }
  }
  if (file === 'model_list.zh_CN.md') return { kind: 'modelList' }
  if (file === 'ImageNet_models.en.md') return { kind: 'overviewEn' }
  if (file === 'inference_cls.yaml') return { kind: 'deployConfig' }
  if (/\.ya?ml$/.test(file)) return { kind: 'config', file }
  return { kind: 'other', file }
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
