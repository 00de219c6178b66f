/**
 * The footnotes and notes of the model list's tables ("**注**：…", "* 注: …", "*: …", "[1]：…")
 * and the older lists' note on converted weights, attached to the models they speak about.
 * Every footnote line must be one this module knows how to translate and attach: an unknown one
 * stops the import rather than being dropped.
 */
import type { SourceNote, SourceRef } from '../../src/shared/catalog/types'
import { ImportError } from './importError'
import type { MarkdownTable } from './markdownTables'
import { plainText } from './markdownText'

/** A footnote line of the model list: what it is about, and our English for it. */
interface KnownFootnote {
  /** The line without its marker, whitespace collapsed. */
  match: RegExp
  kind: SourceNote['kind']
  en: string
  /** Which rows it is about: every row of the tables it follows, rows marked [1], or a column. */
  scope: 'tables' | 'marked22k' | { columnMarker: string }
}

const KNOWN: KnownFootnote[] = [
  {
    match:
      /^`Reference Top-1 Acc` 表示 PaddleClas 基于 ImageNet1k 数据集训练得到的预训练模型精度。$/,
    kind: 'meaning',
    en:
      '"Reference Top-1 Acc" is the top-1 accuracy of the same architecture as PaddleClas trains ' +
      'it on ImageNet-1k without SSLD distillation.',
    scope: 'tables',
  },
  {
    match: /^与 Reference 的精度差异源于数据预处理不同。$/,
    kind: 'accuracy',
    en: 'The accuracy differs from the reference (the paper’s) because the data preprocessing differs.',
    scope: 'tables',
  },
  {
    match: /^与 Reference 的精度差异源于数据预处理不同及未使用蒸馏的 head 作为输出。$/,
    kind: 'accuracy',
    en:
      'The accuracy differs from the reference (the paper’s) because the data preprocessing ' +
      'differs and the distillation head is not used as the output.',
    scope: 'tables',
  },
  {
    match: /^TNT 模型的数据预处理部分 `NormalizeImage` 中的 `mean` 与 `std` 均为 0\.5。$/,
    kind: 'preprocessing',
    en: 'TNT’s preprocessing normalises with mean 0.5 and std 0.5 (NormalizeImage), not the ImageNet mean/std.',
    scope: 'tables',
  },
  {
    match: /^基于 ImageNet22k 数据集预训练，然后在 ImageNet1k 数据集迁移学习得到。$/,
    kind: 'pretraining',
    en: 'Pretrained on ImageNet-22k, then fine-tuned on ImageNet-1k.',
    scope: 'marked22k',
  },
  {
    match: /^基于 Intel-Xeon-Gold-6148 硬件平台与 PaddlePaddle 推理平台。$/,
    kind: 'platform',
    en: 'Latency (column marked *) measured on an Intel Xeon Gold 6148 with PaddlePaddle inference.',
    scope: { columnMarker: '*' },
  },
  {
    match: /^基于 Intel-Xeon-Gold-6271C 硬件平台与 OpenVINO 2021\.4\.2 推理平台。$/,
    kind: 'platform',
    en: 'Latency (column marked **) measured on an Intel Xeon Gold 6271C with OpenVINO 2021.4.2.',
    scope: { columnMarker: '**' },
  },
]

/** `**注**：text`, `* 注: text`, `*: text`, `**: text`, `[1]：text` → marker and text. */
export function footnoteOf(line: string): { marker: string; text: string } | null {
  const match =
    /^(?:\*\*注\*\*\s*[:：]|\*\s*注\s*[:：]|(\*{1,2})\s*[:：]|(\[\d+\])\s*[:：])\s*(.+)$/.exec(
      line.trim(),
    )
  if (!match) return null
  return { marker: match[1] ?? match[2] ?? '注', text: match[3]!.replace(/\s+/g, ' ').trim() }
}

export interface TableIds {
  table: MarkdownTable
  /** Per row of the table: its model id and whether its name carries `[1]`. */
  rows: { id: string; line: number; marked22k: boolean }[]
}

/**
 * Footnotes of the model list. A note applies to the tables since the last `##` heading above
 * it (the SSLD note follows the last of its three tables); a `[1]` note to the marked rows since
 * the previous `[1]` note; a `*`/`**` note to the tables whose column header carries the marker.
 */
export function readFootnotes(
  text: string,
  document: string,
  tables: TableIds[],
): Map<string, SourceNote[]> {
  const byId = new Map<string, SourceNote[]>()
  const add = (id: string, note: SourceNote) => {
    const list = byId.get(id) ?? []
    if (!list.some((n) => n.en === note.en)) byId.set(id, [...list, note])
  }
  let sectionStart = 0
  let section = ''
  const previousOfMarker = new Map<string, number>()
  text.split(/\r?\n/).forEach((line, index) => {
    const lineNo = index + 1
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      section = plainText(heading[2]!)
      if (heading[1]!.length <= 2) sectionStart = lineNo
      return
    }
    const footnote = footnoteOf(line)
    if (!footnote) return
    const known = KNOWN.find((k) => k.match.test(footnote.text))
    if (!known) {
      throw new ImportError(`a footnote this importer does not know: "${line.trim()}"`, {
        document,
        line: lineNo,
      })
    }
    const source: SourceRef = { document, section, line: lineNo, raw: line.trim() }
    const note: SourceNote = { kind: known.kind, en: known.en, zh: footnote.text, source }
    const before = tables.filter((t) => t.table.headerLine < lineNo)
    let targets: string[]
    if (known.scope === 'tables') {
      targets = before
        .filter((t) => t.table.headerLine > sectionStart)
        .flatMap((t) => t.rows.map((r) => r.id))
    } else if (known.scope === 'marked22k') {
      const since = previousOfMarker.get(footnote.marker) ?? sectionStart
      targets = before
        .flatMap((t) => t.rows)
        .filter((r) => r.marked22k && r.line > since)
        .map((r) => r.id)
    } else {
      const marker = `<sup>${known.scope.columnMarker}</sup>`
      targets = before
        .filter(
          (t) =>
            t.table.headerLine > sectionStart && t.table.header.some((h) => h.includes(marker)),
        )
        .flatMap((t) => t.rows.map((r) => r.id))
    }
    previousOfMarker.set(footnote.marker, lineNo)
    if (targets.length === 0) {
      throw new ImportError(`footnote "${line.trim()}" applies to no model row`, {
        document,
        line: lineNo,
      })
    }
    for (const id of targets) add(id, note)
  })
  return byId
}

/**
 * Seed 001 (and its later copies in 002/003) ends its list with: EfficientNet B1–B7 weights were
 * converted from the PyTorch EfficientNet, the ResNeXt101_wsl weights from the official repo.
 */
export function readConvertedWeightsNote(
  lists: readonly { text: string; document: string }[],
  ids: readonly string[],
): Map<string, SourceNote[]> {
  const byId = new Map<string, SourceNote[]>()
  const lines = lists.flatMap(({ text, document }) =>
    text
      .split(/\r?\n/)
      .flatMap((line, index) =>
        /EfficientNetB1-B7.*pytorch.*ResNeXt101_wsl/i.test(line)
          ? [{ document, section: 'model list', line: index + 1, raw: line.trim() }]
          : [],
      ),
  )
  // The first list's wording is the note; the later lists repeat it (with links): cited too.
  const [source, ...alsoIn] = lines
  if (source) {
    const line = source.raw
    const zh = line.replace(/^\s*(\*\*)?注意(\*\*)?\s*[:：]\s*/, '').trim()
    const efficient: SourceNote = {
      kind: 'weights',
      en: 'These pretrained weights were converted from the PyTorch EfficientNet, not trained with PaddlePaddle.',
      zh,
      source,
      alsoIn,
    }
    const wsl: SourceNote = {
      kind: 'weights',
      en: 'These pretrained weights were converted from the official WSL-Images release (Facebook), not trained with PaddlePaddle.',
      zh,
      source,
      alsoIn,
    }
    for (const id of ids) {
      if (/^EfficientNetB[1-7]$/.test(id)) byId.set(id, [efficient])
      if (/ResNeXt101_32x\d+d_wsl$/.test(id)) byId.set(id, [wsl])
    }
  }
  return byId
}

/** "Acc gain" has no footnote: say what the column is, citing its header. */
export function accGainNote(header: SourceRef): SourceNote {
  return {
    kind: 'meaning',
    en:
      '"Acc gain" is Top-1 Acc minus Reference Top-1 Acc: what SSLD distillation added over the ' +
      'same architecture trained without it. The tables do not define it; this reading is ours, ' +
      'and it holds to rounding in every row but those whose own note says otherwise.',
    zh: 'Acc gain',
    source: header,
  }
}

/** A note when a row's "Acc gain" is not its Top-1 minus its Reference Top-1 (beyond rounding). */
export function accGainMismatch(row: {
  top1?: { value: number; source: SourceRef }
  ssldReferenceTop1?: { value: number; source: SourceRef }
  ssldGain?: { value: number; source: SourceRef }
}): string | null {
  const { top1, ssldReferenceTop1: reference, ssldGain: gain } = row
  if (!top1 || !reference || !gain) return null
  const difference = Math.round((top1.value - reference.value) * 1e6) / 1e6
  // Three figures each written to 3 decimals: their rounding adds up to at most 0.0015.
  if (Math.abs(difference - gain.value) <= 0.0015) return null
  return (
    `Acc gain ${gain.source.raw} (line ${gain.source.line}) is not Top-1 ${top1.source.raw} minus ` +
    `Reference Top-1 ${reference.source.raw} (${difference}): one of the three is mistyped in the source.`
  )
}
