/**
 * The older PaddleClas model lists (seeds 001–003): other names for today's models, the links
 * they used to be downloaded from, and the papers behind each reference number. Names that no
 * longer map to a model in the current list are kept as legacy entries, not dropped.
 */
import type { SourceRef } from '../../src/shared/catalog/types'

export interface OlderMention {
  name: string
  url: string | null
  source: SourceRef
}

export interface PaperLink {
  reference: number
  url: string
  source: SourceRef
}

const MODEL_HOST = /^https?:\/\/paddle-imagenet-models-name\.bj\.bcebos\.com\//

/** `- [Name](url)` download links and `- Name` bullets naming models. */
export function readOlderList(
  text: string,
  document: string,
): { mentions: OlderMention[]; papers: PaperLink[] } {
  const mentions: OlderMention[] = []
  const papers: PaperLink[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const source = (raw: string): SourceRef => ({
      document,
      section: 'model list',
      line: index + 1,
      raw,
    })
    for (const match of line.matchAll(/\[([A-Za-z][\w.-]*)\]\((https?:\/\/[^)\s]+)\)/g)) {
      const [raw, name, url] = match
      if (MODEL_HOST.test(url!)) mentions.push({ name: name!, url: url!, source: source(raw!) })
    }
    const paper = /\[\[(\d+)\]\(#ref\d+\)\].*?\((?:\[[^\]]*\]\()?(https?:\/\/[^)\s]+)\)/.exec(line)
    if (paper && !MODEL_HOST.test(paper[2]!)) {
      papers.push({ reference: Number(paper[1]), url: paper[2]!, source: source(line.trim()) })
    }
    // Seed 001 lists model names as plain bullets, sometimes with a note in brackets.
    const bullet = /^\s*-\s+([A-Za-z][A-Za-z0-9_]*_[A-Za-z0-9_]+)\s*(\(.*\))?\s*$/.exec(line)
    if (bullet) mentions.push({ name: bullet[1]!, url: null, source: source(line.trim()) })
  })
  return { mentions, papers }
}

/** The model id a download URL names (file name without the weights suffix). */
export function idFromUrl(url: string): string | null {
  const file = url.split('/').at(-1) ?? ''
  const match = /^(.*?)(_pretrained)?\.(pdparams|tar)$/.exec(file)
  if (!match) return null
  return match[1]!.replace(/_infer$/, '')
}
