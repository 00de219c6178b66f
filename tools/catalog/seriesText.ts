/**
 * Series descriptions and paper references: Chinese from the model list's own paragraphs, English
 * from the English overview page, references from the model list's bibliography.
 */
import type { SourceRef } from '../../src/shared/catalog/types'
import { plainText } from './markdownText'

export interface EnglishSection {
  names: string[]
  text: string
  source: SourceRef
}

/** The English page groups series differently; these names stand for several of ours. */
export const ENGLISH_GROUPS: Record<string, string[]> = {
  SEResNeXt: ['SENet', 'ResNeXt'],
  Mobile: ['MobileNetV1', 'MobileNetV2', 'MobileNetV3', 'ShuffleNetV2', 'GhostNet', 'ESNet'],
  'Other models': ['AlexNet', 'SqueezeNet', 'DarkNet'],
  SwinTransformer: ['SwinTransformer', 'SwinTransformerV2'],
  'PP-LCNet': ['PP-LCNet', 'PP-LCNetV2'],
}

/** `## 4. ResNet series` sections with the paragraph under them. */
export function readEnglishSections(text: string, document: string): EnglishSection[] {
  const lines = text.split(/\r?\n/)
  const sections: EnglishSection[] = []
  lines.forEach((line, index) => {
    const heading = /^##\s+\d+\.\s+(.*)$/.exec(line)
    if (!heading) return
    const title = plainText(heading[1]!)
    const names = /^Other models$/i.test(title)
      ? ['Other models']
      : title
          .replace(/\s+series$/i, '')
          .split(/\s+and\s+|\s+ans\s+/i)
          .map((name) => name.trim())
    const paragraph = lines.slice(index + 1).find((l) => l.trim() !== '' && !l.startsWith('<'))
    if (!paragraph || paragraph.startsWith('|') || paragraph.startsWith('#')) return
    sections.push({
      names: names.flatMap((name) => ENGLISH_GROUPS[name] ?? [name]),
      text: seriesBlurb(paragraph, 'en'),
      source: { document, section: title, line: index + 1, raw: heading[1]!.trim() },
    })
  })
  return sections
}

const LINK = /\[([^\]]+)\]\(([^)\s]+)\)/

/**
 * A series paragraph of the lists says only "the figures are in the table below; more in [the
 * series document](path)". Shown beside one model the table is not there, so what is kept is the
 * document it names (title and file as written); any other paragraph is kept as text.
 */
export function seriesBlurb(markdown: string, language: 'en' | 'zh'): string {
  const link = LINK.exec(markdown)
  const boilerplate =
    language === 'zh' ? /如下表所示/.test(markdown) : /shown in the following table/i.test(markdown)
  if (!boilerplate || !link) return plainText(markdown)
  const title = plainText(link[1]!)
  const file = link[2]!.split('/').at(-1)!
  return language === 'zh'
    ? `PaddleClas 的系列文档：${title}（${file}）。`
    : `PaddleClas documents this series in “${title}” (${file}).`
}

/** `<a name="ref1">[1]</a> He K, …` entries of the bibliography. */
export function readReferences(text: string): Map<number, string> {
  const references = new Map<number, string>()
  for (const match of text.matchAll(/<a name="ref(\d+)">\[\d+\]<\/a>\s*(.+)/g)) {
    references.set(Number(match[1]), match[2]!.trim())
  }
  return references
}
