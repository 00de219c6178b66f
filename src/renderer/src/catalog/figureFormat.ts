/** Number and source formatting shared by the table, the detail panel, Compare and Explore. Pure. */
import type { SourceRef } from '@shared/catalog/types'
// Published precision lives in src/shared so that the CLI prints figures the same way.
export {
  formatFixed,
  formatFull,
  formatPublished,
  publishedDigits,
  toPercent,
} from '@shared/format/publishedPrecision'

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
