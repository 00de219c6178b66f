/**
 * Where a table sits in the model list: which part of the zoo (SSLD, CNN/Transformer, server/
 * mobile) and which series heading it is under. Headings that hold several architectures in one
 * table are split into one series per architecture by the model id's prefix.
 */
import type { SectionId } from '../../src/shared/catalog/types'
import { ImportError } from './importError'
import type { MarkdownTable } from './markdownTables'
import { plainText } from './markdownText'

export type TablePart = SectionId | 'ssld'

const PARTS: [RegExp, TablePart][] = [
  [/^二、SSLD/, 'ssld'],
  [/^3\.1\s/, 'cnn-server'],
  [/^3\.2\s/, 'cnn-mobile'],
  [/^4\.1\s/, 'transformer-server'],
  [/^4\.2\s/, 'transformer-mobile'],
]

/** Headings whose one table holds several architectures: [series name, id prefix] in match order. */
export const SPLIT_HEADINGS: Record<string, [string, RegExp][]> = {
  移动端: [
    ['MobileNetV1', /^MobileNetV1(_|$)/],
    ['MobileNetV2', /^MobileNetV2(_|$)/],
    ['MobileNetV3', /^MobileNetV3_/],
    ['ShuffleNetV2', /^ShuffleNetV2(_|$)/],
    ['GhostNet', /^GhostNet_/],
    ['ESNet', /^ESNet_/],
  ],
  其他模型: [
    ['AlexNet', /^AlexNet$/],
    ['SqueezeNet', /^SqueezeNet/],
    ['DarkNet', /^DarkNet/],
  ],
  'PP-LCNet & PP-LCNetV2': [
    ['PP-LCNetV2', /^PPLCNetV2_/],
    ['PP-LCNet', /^PPLCNet_/],
  ],
  SwinTransformer: [
    ['SwinTransformerV2', /^SwinTransformerV2_/],
    ['SwinTransformer', /^SwinTransformer_/],
  ],
}

export interface TableContext {
  part: TablePart
  /** The series heading's name ("ResNet", "移动端系列"); null for the SSLD tables. */
  group: string | null
  groupHeading: { text: string; line: number } | null
  /** Reference numbers in the heading's `<sup>` ([1], [7]). */
  references: number[]
  section: string
}

export function tableContext(table: MarkdownTable, document: string): TableContext {
  let partIndex = -1
  let part: TablePart | null = null
  table.headings.forEach((heading, index) => {
    const match = PARTS.find(([pattern]) => pattern.test(heading.text))
    if (match) {
      partIndex = index
      part = match[1]
    }
  })
  if (part === null) {
    throw new ImportError('table is under no known part of the model list', {
      document,
      line: table.headerLine,
    })
  }
  const last = table.headings.at(-1)!
  const isSeriesHeading = table.headings.length - 1 > partIndex
  if (part === 'ssld' || !isSeriesHeading) {
    if (part !== 'ssld') {
      throw new ImportError('model table without a series heading', {
        document,
        line: table.headerLine,
      })
    }
    return { part, group: null, groupHeading: null, references: [], section: plainText(last.text) }
  }
  const references = [...last.text.matchAll(/\[\[(\d+)\]/g)].map((m) => Number(m[1]))
  const group = plainText(last.text)
    .replace(/\s*系列$/, '')
    .trim()
  return {
    part,
    group,
    groupHeading: { text: last.text, line: last.line },
    references,
    section: plainText(last.text),
  }
}

/** The series a model belongs to, given its table's group heading. */
export function seriesOf(
  id: string,
  group: string,
  where: { document: string; line: number },
): string {
  const split = SPLIT_HEADINGS[group]
  if (!split) return group
  const match = split.find(([, prefix]) => prefix.test(id))
  if (!match) throw new ImportError(`model ${id} matches no series under "${group}"`, where)
  return match[0]
}
