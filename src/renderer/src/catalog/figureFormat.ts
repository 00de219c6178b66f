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
