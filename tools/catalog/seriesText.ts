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
      text: plainText(paragraph),
      source: { document, section: title, line: index + 1, raw: heading[1]!.trim() },
    })
  })
  return sections
}

/** `<a name="ref1">[1]</a> He K, …` entries of the bibliography. */
export function readReferences(text: string): Map<number, string> {
  const references = new Map<number, string>()
  for (const match of text.matchAll(/<a name="ref(\d+)">\[\d+\]<\/a>\s*(.+)/g)) {
    references.set(Number(match[1]), match[2]!.trim())
  }
  return references
}
