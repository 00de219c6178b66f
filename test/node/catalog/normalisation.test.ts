/**
 * How table cells become figures: units, percent, precision, merging a model's rows from several
 * tables, the [1] (ImageNet-22k) marker, missing marks, and what stops the import. Synthetic
 * Markdown first, then the same rules checked on the real model list.
 */
import { describe, expect, it } from 'vitest'
import type { PlatformId } from '../../../src/shared/catalog/types'
import { buildCatalog } from '../../../tools/catalog/buildCatalog'
import { classifyColumn } from '../../../tools/catalog/columns'
import { ImportError } from '../../../tools/catalog/importError'
import { parseMarkdownTables } from '../../../tools/catalog/markdownTables'
import { agreesByRounding, mergeRows } from '../../../tools/catalog/mergeRows'
import { readNumber } from '../../../tools/catalog/numbers'
import { readTableRows, type Candidate, type RowRecord } from '../../../tools/catalog/rowRecords'
import { tempDirForTest } from '../helpers/tempDir'
import { hasShared, realCatalog, realModel } from './sharedFixtures'
import {
  DOC,
  inferenceUrl,
  lineOf,
  link,
  links,
  modelList,
  oneTable,
  pretrainedUrl,
  syntheticSources,
  table,
} from './syntheticSources'

/** All rows of all tables of a synthetic model list, read as the importer reads them. */
function readRows(text: string): RowRecord[] {
  return parseMarkdownTables(text, DOC).flatMap((t) => readTableRows(t, DOC).rows)
}

function onlyRow(text: string): RowRecord {
  const rows = readRows(text)
  expect(rows).toHaveLength(1)
  return rows[0]!
}

function mergedOf(text: string, id: string) {
  return mergeRows(
    id,
    readRows(text).filter((row) => row.id === id),
  )
}

const SERIES_HEADER = ['模型', 'Top-1 Acc', 'Top-5 Acc', 'FLOPs(G)', 'Params(M)']
const LINK_HEADER = ['预训练模型下载地址', 'inference模型下载地址']

describe('FLOPs columns', () => {
  it.each([
    ['FLOPs(G)', '4.35', 4.35, 2],
    ['FLOPs(G)', '29.00', 29, 2],
    ['FLOPs(M)', '590', 0.59, 3],
    ['FLOPs(M)', '14.56', 0.01456, 5],
    ['FLOPs(M)', '1217.25', 1.21725, 5],
  ])(
    '%s "%s" is %d GFLOPs, precise to %d decimals, raw text kept',
    (header, raw, value, digits) => {
      const text = oneTable(['模型', header, ...LINK_HEADER], [['Foo50', raw, ...links('Foo50')]])
      const flops = onlyRow(text).figures.flopsG!
      expect(flops.value).toBe(value)
      expect(flops.precision).toBe(digits)
      expect(flops.source).toMatchObject({ raw, column: header, line: lineOf(text, '| Foo50 ') })
    },
  )
})

describe('accuracy cells', () => {
  it.each([
    ['77.04', 0.7704, 4],
    ['93.27', 0.9327, 4],
    ['0.7704', 0.7704, 4],
    ['0.797', 0.797, 3],
    ['0.8300', 0.83, 4],
  ])('"%s" is the fraction %d, precise to %d decimals', (raw, value, digits) => {
    const text = oneTable(
      ['模型', 'Top-1 Acc', ...LINK_HEADER],
      [['Foo50', raw, ...links('Foo50')]],
    )
    const top1 = onlyRow(text).figures.top1!
    expect(top1.value).toBe(value)
    expect(top1.precision).toBe(digits)
    expect(top1.source.raw).toBe(raw)
  })
})

describe('missing marks', () => {
  it.each(['-', '--', '', 'N/A', '/'])('"%s" reads as absent', (cell) => {
    expect(readNumber(cell)).toBeNull()
  })

  it('leave the figure and the latency out of the row, and null in the model', () => {
    const header = ['模型', 'Top-1 Acc', 'Top-5 Acc', 'time(ms)<br>bs=1', 'time(ms)<br>bs=4']
    const text = oneTable(
      [...header, ...LINK_HEADER],
      [['Foo50', '0.7912', '-', '2.60', '-', ...links('Foo50')]],
    )
    const row = onlyRow(text)
    expect(row.figures.top5).toBeUndefined()
    expect(row.latencies.map((l) => l.batchSize)).toEqual([1])

    const model = buildCatalog(syntheticSources(text, tempDirForTest('zoo-catalog'))).bundle
      .models[0]!
    expect(model.top1?.value).toBe(0.7912)
    expect(model.top5).toBeNull()
    expect(model.flopsG).toBeNull()
    expect(model.latencies).toEqual([expect.objectContaining({ batchSize: 1, ms: 2.6 })])
  })
})

describe('merging the rows of one model', () => {
  const ssldHeader = ['模型', 'Top-1 Acc', 'Reference<br>Top-1 Acc', 'Acc gain', 'FLOPs(G)']
  /** Foo50_ssld in an SSLD table with `ssldTop1`, and in the Foo series table with `seriesTop1`. */
  const twoTables = (ssldTop1: string, seriesTop1: string) =>
    modelList({
      ssld: table(
        [...ssldHeader, ...LINK_HEADER],
        [['Foo50_ssld', ssldTop1, '0.760', '0.037', '3.93', ...links('Foo50_ssld')]],
      ),
      series: [
        {
          name: 'Foo',
          body: [
            table(
              [...SERIES_HEADER, ...LINK_HEADER],
              [
                ['Foo50', '0.7600', '0.9300', '3.93', '21.84', ...links('Foo50')],
                ['Foo50_ssld', seriesTop1, '0.9490', '3.93', '21.84', ...links('Foo50_ssld')],
              ],
            ),
          ],
        },
      ],
    })

  it('keeps the more precise value and lists the other with its source', () => {
    const text = twoTables('0.797', '0.7972')
    const merged = mergedOf(text, 'Foo50_ssld')
    expect(merged.rows).toHaveLength(2)
    expect(merged.primary.part).toBe('cnn-server')
    expect(merged.figures.top1).toEqual({
      value: 0.7972,
      source: expect.objectContaining({
        raw: '0.7972',
        line: lineOf(text, '| Foo50_ssld | 0.7972'),
      }),
      others: [
        {
          value: 0.797,
          source: expect.objectContaining({
            raw: '0.797',
            line: lineOf(text, '| Foo50_ssld | 0.797 '),
          }),
        },
      ],
    })
    expect(merged.notes).toEqual([])
    // Figures only one table has are kept as they are.
    expect(merged.figures.ssldGain).toMatchObject({ value: 0.037 })
    expect(merged.figures.ssldGain?.others).toBeUndefined()
    expect(merged.figures.top5).toMatchObject({ value: 0.949 })
  })

  it('takes the SSLD table value when that one is more precise', () => {
    const merged = mergedOf(twoTables('0.81162', '0.812'), 'Foo50_ssld')
    expect(merged.figures.top1?.value).toBe(0.81162)
    expect(merged.figures.top1?.source.section).toBe('2.1 服务器端知识蒸馏模型')
    expect(merged.figures.top1?.others?.map((o) => o.source.raw)).toEqual(['0.812'])
    expect(merged.notes).toEqual([])
  })

  it('prefers the series table between equally precise values', () => {
    const merged = mergedOf(twoTables('0.830', '0.830'), 'Foo50_ssld')
    expect(merged.figures.flopsG?.source.section).toBe('Foo 系列')
    expect(merged.figures.top1?.source.section).toBe('Foo 系列')
  })

  it('notes a disagreement beyond rounding and still shows the more precise value', () => {
    const merged = mergedOf(twoTables('0.556', '0.5512'), 'Foo50_ssld')
    expect(merged.figures.top1?.value).toBe(0.5512)
    expect(merged.notes).toHaveLength(1)
    expect(merged.notes[0]).toMatch(/^top1: 0\.556 .*disagrees with 0\.5512 .*beyond rounding/)
  })

  it('notes tables that give different links for the same model', () => {
    const other = pretrainedUrl('Foo50_ssld').replace('legendary_models/', '')
    const text = twoTables('0.797', '0.7972').replace(
      `| ${link(pretrainedUrl('Foo50_ssld'))} | ${link(inferenceUrl('Foo50_ssld'))} |\n\n## 三`,
      `| ${link(other)} | ${link(inferenceUrl('Foo50_ssld'))} |\n\n## 三`,
    )
    expect(text).toContain(other)
    const merged = mergedOf(text, 'Foo50_ssld')
    expect(merged.notes).toEqual([
      expect.stringMatching(/different pretrained links: .*Foo50_ssld/),
    ])
  })
})

describe('agreement by rounding', () => {
  const candidate = (raw: string): Candidate => ({
    value: Number(raw),
    precision: /\.(\d+)$/.exec(raw)?.[1]?.length ?? 0,
    source: { document: DOC, section: 'test', line: 1, raw },
  })

  it.each([
    ['0.7972', '0.797', true],
    ['0.81162', '0.812', true],
    ['0.8300', '0.830', true],
    ['0.8195', '0.820', true],
    ['0.5512', '0.556', false],
    ['0.7972', '0.798', false],
    // A written 5 at the rounding position rounds up: 0.5555 → 0.556, 2.345 → 2.35.
    ['0.5555', '0.556', true],
    ['2.345', '2.35', true],
  ])('%s written as %s: agrees = %s', (fine, coarse, agrees) => {
    expect(agreesByRounding(candidate(fine), candidate(coarse))).toBe(agrees)
  })
})

describe('the [1] marker (ImageNet-22k pretraining)', () => {
  const header = ['模型', 'Top-1 Acc', ...LINK_HEADER]
  const swin = 'Swin_base_patch4_window7_224'

  it('takes the id from the 22kto1k pretrained link, not from the display name', () => {
    const text = oneTable(header, [
      [swin, '0.8337', ...links(swin)],
      [
        `${swin}<sup>[1]</sup>`,
        '0.8516',
        link(pretrainedUrl(`${swin}_22kto1k`)),
        link(inferenceUrl(swin)),
      ],
    ])
    const rows = readRows(text)
    expect(rows.map((r) => [r.id, r.displayName, r.marked22k])).toEqual([
      [swin, swin, false],
      [`${swin}_22kto1k`, swin, true],
    ])

    const models = buildCatalog(syntheticSources(text, tempDirForTest('zoo-catalog'))).bundle.models
    const byId = new Map(models.map((m) => [m.id, m]))
    expect(byId.get(swin)?.pretraining).toBe('ImageNet-1k')
    const model22k = byId.get(`${swin}_22kto1k`)!
    expect(model22k.pretraining).toBe('ImageNet-22k')
    expect(model22k.top1?.value).toBe(0.8516)
    // Its inference link is the 1k model's archive: the catalog says so.
    expect(model22k.notes).toContainEqual(expect.stringContaining(`${swin}_infer.tar`))
    expect(byId.get(swin)?.notes.some((n) => n.includes('inference link'))).toBe(false)
  })

  it('stops the import when the link is not a 22k id', () => {
    const text = oneTable(header, [[`${swin}<sup>[1]</sup>`, '0.8516', ...links(swin)]])
    const line = lineOf(text, '<sup>[1]</sup>')
    expect(() => readRows(text)).toThrow(ImportError)
    expect(() => readRows(text)).toThrow(`${DOC}:${line}: `)
    expect(() => readRows(text)).toThrow(/marked \[1\].*not a 22k id/)
  })

  it('is the only marker a name may carry', () => {
    const text = oneTable(header, [[`Foo50<sup>[2]</sup>`, '0.8', ...links('Foo50')]])
    expect(() => readRows(text)).toThrow(/unknown marker \[2\] after Foo50/)
  })
})

describe('model ids', () => {
  const header = ['模型', 'Top-1 Acc', ...LINK_HEADER]

  it('come from the pretrained link when the display name differs', () => {
    const row = onlyRow(oneTable(header, [['Foo', '0.688', ...links('Foo_x1_0')]]))
    expect([row.id, row.displayName]).toEqual(['Foo_x1_0', 'Foo'])
  })

  it('come from the inference link when there is no pretrained link', () => {
    const row = onlyRow(oneTable(header, [['Foo50', '0.7', '-', link(inferenceUrl('Foo50'))]]))
    expect(row.id).toBe('Foo50')
    expect(row.pretrained).toBeNull()
  })

  it('lose line breaks of the name cell in the display name', () => {
    const row = onlyRow(oneTable(header, [['Foo50_vd_<br>ssld', '0.7', ...links('Foo50_vd_ssld')]]))
    expect(row.displayName).toBe('Foo50_vd_ssld')
  })

  it('are required: a row without any link stops the import', () => {
    const text = oneTable(header, [['Foo50', '0.7', '-', '-']])
    expect(() => readRows(text)).toThrow(`${DOC}:${lineOf(text, '| Foo50 ')}: `)
  })
})

describe('what stops the import', () => {
  it('an unparseable number, naming its line', () => {
    const text = oneTable(
      [...SERIES_HEADER, ...LINK_HEADER],
      [
        ['Foo18', '0.7098', '0.8992', '1.83', '11.70', ...links('Foo18')],
        ['Foo50', '0.7x9', '0.9300', '4.11', '25.61', ...links('Foo50')],
      ],
    )
    const line = lineOf(text, '0.7x9')
    let error: unknown
    try {
      readRows(text)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ImportError)
    expect((error as ImportError).where).toEqual({ document: DOC, line })
    expect((error as ImportError).message).toBe(
      `${DOC}:${line}: cell "0.7x9" in column "Top-1 Acc" is not a number`,
    )
  })

  it('a row with more or fewer cells than its header', () => {
    const short = oneTable(
      [...SERIES_HEADER, ...LINK_HEADER],
      [['Foo50', '0.7650', ...links('Foo50')]],
    )
    const line = lineOf(short, '| Foo50 ')
    expect(() => parseMarkdownTables(short, DOC)).toThrow(ImportError)
    expect(() => parseMarkdownTables(short, DOC)).toThrow(
      `${DOC}:${line}: row has 4 cells, its header has 7`,
    )
  })

  it('an unknown column header', () => {
    const text = oneTable(
      ['模型', 'Top-3 Acc', ...LINK_HEADER],
      [['Foo50', '0.9', ...links('Foo50')]],
    )
    expect(() => readRows(text)).toThrow(ImportError)
    expect(() => readRows(text)).toThrow('unknown column header "Top-3 Acc"')
  })

  it('a latency column marked with a footnote that names no platform', () => {
    const text = oneTable(
      ['模型', 'time(ms)<sup>*</sup><br>bs=1', ...LINK_HEADER],
      [['Foo50', '2.46', ...links('Foo50')]],
      ['*: 基于某个未知的硬件平台。'],
    )
    expect(() => readRows(text)).toThrow(/marked "\*" has no footnote naming its platform/)
  })
})

describe('latency columns', () => {
  const footnotes = [
    '*: 基于 Intel-Xeon-Gold-6148 硬件平台与 PaddlePaddle 推理平台。',
    '**: 基于 Intel-Xeon-Gold-6271C 硬件平台与 OpenVINO 2021.4.2 推理平台。',
  ]
  it.each<[string, PlatformId, number, number | null]>([
    ['time(ms)<br>bs=1', 'v100-trt-fp32', 1, null],
    ['time(ms)<br/>bs=8', 'v100-trt-fp32', 8, null],
    ['SD855 time(ms)<br>bs=1, thread=1', 'sd855-arm-fp32', 1, 1],
    ['SD855 time(ms)<br/>bs=1, thread=4', 'sd855-arm-fp32', 1, 4],
    ['Intel-Xeon-Gold-6148 time(ms)<br>bs=1', 'xeon6148-paddle-fp32', 1, null],
    ['time(ms)<sup>*</sup><br>bs=1', 'xeon6148-paddle-fp32', 1, null],
    ['time(ms)<sup>**</sup><br>bs=1', 'xeon6271c-openvino-fp32', 1, null],
  ])('"%s" is %s, batch %d, threads %s', (header, platform, batchSize, threads) => {
    expect(classifyColumn(header, { document: DOC, line: 1, footnotes })).toEqual({
      kind: 'latency',
      platform,
      batchSize,
      threads,
    })
  })
})

describe.skipIf(!hasShared)('the real model list', () => {
  it('PPLCNetV2_base: the percent row is normalised, its text kept', () => {
    const { top1, top5 } = realModel('PPLCNetV2_base')
    expect(top1).toMatchObject({ value: 0.7704, source: { raw: '77.04', column: 'Top-1 Acc' } })
    expect(top5).toMatchObject({ value: 0.9327, source: { raw: '93.27' } })
  })

  it('PPLCNet_x2_0: "590" MFLOPs is 0.59 GFLOPs', () => {
    expect(realModel('PPLCNet_x2_0').flopsG).toMatchObject({
      value: 0.59,
      source: { raw: '590', column: 'FLOPs(M)' },
    })
  })

  it('ResNet50_vd_ssld: top-1 from the series table (4 decimals), the SSLD table value in others', () => {
    const { top1 } = realModel('ResNet50_vd_ssld')
    expect(top1?.source.section).toBe('ResNet 系列')
    expect(top1?.source.raw).toMatch(/^0\.\d{4}$/)
    expect(top1?.others).toHaveLength(1)
    expect(top1?.others?.[0]?.source.section).toMatch(/^2\.1 /)
    expect(top1?.others?.[0]?.source.raw).toMatch(/^0\.\d{3}$/)
    expect(top1?.others?.[0]?.value).toBeCloseTo(top1!.value, 3)
  })

  it('MobileNetV3_small_x0_35_ssld: keeps 0.5555 (series table) with 0.556 (SSLD table) in others', () => {
    const { top1 } = realModel('MobileNetV3_small_x0_35_ssld')
    expect(top1?.value).toBe(0.5555)
    expect(top1?.source.section).toBe('移动端系列')
    expect(top1?.others?.map((o) => [o.value, o.source.raw])).toEqual([[0.556, '0.556']])
  })

  it('MobileNetV3_small_x0_35_ssld: 0.556 is 0.5555 rounded half-up, so no disagreement is noted', () => {
    const { notes } = realModel('MobileNetV3_small_x0_35_ssld')
    expect(notes.filter((note) => note.includes('beyond rounding'))).toEqual([])
  })

  it.each<[string, PlatformId, [number, number | null][]]>([
    [
      'ResNet50',
      'v100-trt-fp32',
      [
        [1, null],
        [4, null],
        [8, null],
      ],
    ],
    [
      'MobileNetV1',
      'sd855-arm-fp32',
      [
        [1, 1],
        [1, 2],
        [1, 4],
      ],
    ],
    ['PPLCNet_x1_0', 'xeon6148-paddle-fp32', [[1, null]]],
    ['PPLCNetV2_base', 'xeon6271c-openvino-fp32', [[1, null]]],
  ])('%s has latencies on %s', (id, platform, settings) => {
    const { latencies } = realModel(id)
    expect(latencies.map((l) => l.platform)).toEqual(settings.map(() => platform))
    expect(latencies.map((l) => [l.batchSize, l.threads])).toEqual(settings)
    for (const latency of latencies) expect(latency.ms).toBe(Number(latency.source.raw))
    expect(realCatalog().bundle.platforms.map((p) => p.id)).toContain(platform)
  })

  it('SwinTransformer_base_patch4_window7_224_22kto1k is its own ImageNet-22k model', () => {
    const model = realModel('SwinTransformer_base_patch4_window7_224_22kto1k')
    expect(model.pretraining).toBe('ImageNet-22k')
    expect(model.displayName).toBe('SwinTransformer_base_patch4_window7_224')
    expect(model.downloads.pretrained).toMatch(/_22kto1k_pretrained\.pdparams$/)
    expect(model.notes).toContainEqual(expect.stringMatching(/inference link/))
    expect(realModel('SwinTransformer_base_patch4_window7_224').pretraining).toBe('ImageNet-1k')
    expect(model.top1?.value).not.toBe(
      realModel('SwinTransformer_base_patch4_window7_224').top1?.value,
    )
  })

  it('the display name ShuffleNetV2 is the model ShuffleNetV2_x1_0', () => {
    const model = realModel('ShuffleNetV2_x1_0')
    expect(model.displayName).toBe('ShuffleNetV2')
    expect(realCatalog().bundle.models.some((m) => m.id === 'ShuffleNetV2')).toBe(false)
  })

  it('every accuracy is a fraction and every FLOPs figure keeps its unit in the column label', () => {
    for (const model of realCatalog().bundle.models) {
      for (const figure of [model.top1, model.top5, model.ssldReferenceTop1]) {
        if (figure) expect(figure.value, model.id).toBeLessThan(1)
      }
      if (model.flopsG) expect(model.flopsG.source.column).toMatch(/^FLOPs\((G|M)\)$/)
    }
  })
})
