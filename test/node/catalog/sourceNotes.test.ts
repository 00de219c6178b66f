/**
 * The source tables' footnotes and notes: every one of them, found here by a separate line scan
 * of the documents, is attached to at least one model, and to the models it speaks about.
 */
import { describe, expect, it } from 'vitest'
import type { CatalogModel } from '../../../src/shared/catalog/types'
import { footnoteOf, readFootnotes } from '../../../tools/catalog/footnotes'
import { ImportError } from '../../../tools/catalog/importError'
import { parseMarkdownTables } from '../../../tools/catalog/markdownTables'
import { MODEL_LIST } from '../../../tools/catalog/sources'
import {
  hasShared,
  modelListText,
  realCatalog,
  realModel,
  seedPath,
  sharedText,
} from './sharedFixtures'

describe('footnoteOf', () => {
  it.each([
    ['**注**：与 Reference 的精度差异源于数据预处理不同。', '注'],
    ['* 注: `Reference Top-1 Acc` 表示 …', '注'],
    ['*: 基于 Intel-Xeon-Gold-6148 硬件平台', '*'],
    ['**: 基于 Intel-Xeon-Gold-6271C 硬件平台', '**'],
    ['[1]：基于 ImageNet22k 数据集预训练', '[1]'],
  ])('reads %s as a footnote marked %s', (line, marker) => {
    expect(footnoteOf(line)?.marker).toBe(marker)
  })

  it.each(['* Arm CPU 的评估环境基于骁龙 855(SD855)。', '| a | b |', '**Note**: English'])(
    'does not take %s for a footnote of the model list',
    (line) => expect(footnoteOf(line)).toBeNull(),
  )

  it('stops the import at a footnote it does not know, instead of dropping it', () => {
    const text = [
      '## X 系列',
      '',
      '| 模型 |',
      '| --- |',
      '| A |',
      '',
      '**注**：一个新的脚注。',
    ].join('\n')
    const tables = parseMarkdownTables(text, 'list.md').map((table) => ({
      table,
      rows: table.rows.map((row) => ({ id: 'A', line: row.line, marked22k: false })),
    }))
    expect(() => readFootnotes(text, 'list.md', tables)).toThrow(ImportError)
    expect(() => readFootnotes(text, 'list.md', tables)).toThrow(/list\.md:7: a footnote/)
  })
})

describe.skipIf(!hasShared)('the real footnotes and notes', () => {
  const models = (): CatalogModel[] => realCatalog().bundle.models
  const notesAt = (document: string, line: number) =>
    models().filter((m) =>
      (m.sourceNotes ?? []).some((n) => n.source.document === document && n.source.line === line),
    )

  it('attaches every footnote line of the model list to at least one model', () => {
    // A scan independent of footnoteOf: bold or starred 注, star markers, [n] markers.
    const lines = modelListText().split('\n')
    const footnotes = lines
      .map((text, index) => ({ text: text.trim(), line: index + 1 }))
      .filter(({ text }) =>
        /^(\*\*注\*\*|\*\s*注\s*[:：]|\*{1,2}\s*[:：]|\[\d+\]\s*[:：])/.test(text),
      )
    expect(footnotes.length).toBeGreaterThanOrEqual(8)
    for (const { text, line } of footnotes) {
      expect(notesAt(MODEL_LIST, line).length, `${line}: ${text}`).toBeGreaterThan(0)
    }
  })

  it('attaches seed 001’s note on converted weights to EfficientNet B1–B7 and ResNeXt101_wsl', () => {
    const seed = seedPath('001')
    const line =
      sharedText(seed)
        .split('\n')
        .findIndex((l) => l.includes('EfficientNetB1-B7')) + 1
    const noted = notesAt(seed, line).map((m) => m.id)
    expect(noted).toEqual(
      expect.arrayContaining([
        'EfficientNetB1',
        'EfficientNetB7',
        'ResNeXt101_32x8d_wsl',
        'ResNeXt101_32x48d_wsl',
        'Fix_ResNeXt101_32x48d_wsl',
      ]),
    )
    expect(noted).not.toContain('EfficientNetB0')
    // Seeds 002 and 003 repeat the note: cited as well.
    const also = realModel('EfficientNetB3').sourceNotes![0]!.alsoIn!.map((s) => s.document)
    expect(also).toEqual([seedPath('002'), seedPath('003')])
    for (const prefix of ['002', '003']) {
      const seedLines = sharedText(seedPath(prefix)).split('\n')
      const cited = realModel('EfficientNetB3').sourceNotes![0]!.alsoIn!.find(
        (s) => s.document === seedPath(prefix),
      )!
      expect(seedLines[cited.line - 1]).toMatch(/EfficientNetB1-B7/)
    }
    expect(realModel('EfficientNetB1').sourceNotes![0]!.en).toMatch(/converted from the PyTorch/)
    expect(realModel('ResNeXt101_32x16d_wsl').sourceNotes![0]!.en).toMatch(/official/)
  })

  it.each([
    ['pcpvt_small', 'accuracy', /preprocessing differs\.$/],
    ['alt_gvt_large', 'accuracy', /preprocessing differs\.$/],
    ['LeViT_128S', 'accuracy', /distillation head/],
    ['TNT_small', 'preprocessing', /mean 0\.5 and std 0\.5/],
    ['PPLCNet_x1_0', 'platform', /Xeon Gold 6148/],
    ['PPLCNetV2_base', 'platform', /6271C with OpenVINO/],
    ['SwinTransformer_large_patch4_window7_224_22kto1k', 'pretraining', /ImageNet-22k/],
    ['ResNet50_vd_ssld', 'meaning', /Reference Top-1 Acc/],
    ['MobileNetV3_large_x1_0_ssld', 'meaning', /Reference Top-1 Acc/],
    ['PPLCNet_x2_5_ssld', 'meaning', /Acc gain/],
  ])('%s carries a %s note matching %s', (id, kind, text) => {
    expect(realModel(id).sourceNotes).toContainEqual(
      expect.objectContaining({ kind, en: expect.stringMatching(text) }),
    )
  })

  it('keeps notes off the models they do not speak about', () => {
    expect(realModel('ResNet50').sourceNotes).toEqual([])
    expect(realModel('SwinTransformer_tiny_patch4_window7_224').sourceNotes).toEqual([])
    // The [1] note of the SwinTransformerV2 table is not the SwinTransformer table's.
    const v2 = realModel('SwinTransformerV2_large_patch4_window24_384_22kto1k')
    const v1 = realModel('SwinTransformer_large_patch4_window12_384_22kto1k')
    const line = (m: CatalogModel) =>
      m.sourceNotes!.find((n) => n.kind === 'pretraining')!.source.line
    expect(line(v2)).toBeGreaterThan(line(v1))
  })

  it('says of "Acc gain" only what the rows bear out, and notes the row that does not add up', () => {
    const ssld = models().filter((m) => m.ssldGain && m.ssldReferenceTop1 && m.top1)
    expect(ssld.length).toBeGreaterThan(15)
    const mismatched = ssld.filter((m) => {
      const row = m.ssldGain!.source.line
      const top1 = [m.top1!, ...(m.top1!.others ?? [])].find((f) => f.source.line === row)!.value
      return Math.abs(top1 - m.ssldReferenceTop1!.value - m.ssldGain!.value) > 0.0015
    })
    // 0.851 − 0.812 is 0.039, the table says 0.049; 0.744 − 0.713 is 0.031, it says 0.033.
    expect(mismatched.map((m) => m.id)).toEqual(['Res2Net200_vd_26w_4s_ssld', 'PPLCNet_x1_0_ssld'])
    expect(mismatched[0]!.notes).toContainEqual(
      expect.stringMatching(/Acc gain 0\.049 .* \(0\.039\)/),
    )
    const noted = ssld.filter((m) => m.notes.some((n) => n.startsWith('Acc gain')))
    expect(noted).toEqual(mismatched)
  })
})
