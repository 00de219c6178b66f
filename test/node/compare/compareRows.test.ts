import { describe, expect, it } from 'vitest'
import type { CatalogModel, Figure, Latency, PlatformId } from '@shared/catalog/types'
import { fieldTable } from '@shared/catalog/fieldTable'
import {
  compareFigures,
  compareRows,
  isIdentical,
  type CompareFigure,
  type CompareRow,
} from '@shared/compare/compareRows'
import { parseIds } from '@shared/compare/compareSelection'
import { realCatalog } from '../explore/exploreFixtures'

const DOC = 'reference/paddleclas/docs/model_list.zh_CN.md'

/** A figure as published: `raw` is the cell text, `line` its model-list line. */
const figure = (value: number, line: number, raw = String(value)): Figure => ({
  value,
  source: { document: DOC, section: 'Table', line, raw },
})

const latency = (
  platform: PlatformId,
  batchSize: number,
  threads: number | null,
  ms: number,
  line = 500,
): Latency => ({
  platform,
  batchSize,
  threads,
  ms,
  source: { document: DOC, section: 'Table', line, raw: ms.toFixed(2) },
})

type Figures = Partial<Record<Exclude<CompareFigure, 'inputSize'>, number | null>>

/** A catalog model with only the given figures (each on line 100 + its index). */
function model(
  id: string,
  figures: Figures = {},
  extra: { inputSize?: number | null; latencies?: Latency[] } = {},
): CatalogModel {
  const f = (field: keyof Figures, i: number) => {
    const value = figures[field]
    return value === undefined || value === null ? null : figure(value, 100 + i)
  }
  return {
    id,
    displayName: id,
    series: 'S',
    family: 'F',
    section: 'cnn-server',
    pretraining: 'ImageNet-1k',
    distillation: null,
    inputSize: extra.inputSize ?? null,
    classes: 1000,
    preprocess: null,
    top1: f('top1', 0),
    top5: f('top5', 1),
    paramsM: f('paramsM', 2),
    flopsG: f('flopsG', 3),
    sizeMB: f('sizeMB', 4),
    ssldReferenceTop1: f('ssldReferenceTop1', 5),
    ssldGain: f('ssldGain', 6),
    latencies: extra.latencies ?? [],
    downloads: {
      pretrained: null,
      inference: null,
      legacy: [],
      source: { document: DOC, section: 'Table', line: 1, raw: '' },
    },
    aliases: [],
    survey: null,
    notes: [],
    rows: [],
  }
}

const figureRow = (rows: CompareRow[], field: CompareFigure) =>
  rows.find((r) => r.kind === 'figure' && r.field === field)!
const bests = (row: CompareRow) => row.cells.map((c) => c.best)
const values = (row: CompareRow) => row.cells.map((c) => c.value)

describe('compareRows: figure rows', () => {
  it('gives one row per figure, in order, even for no models', () => {
    expect(compareRows([]).map((r) => (r.kind === 'figure' ? r.field : r.kind))).toEqual([
      ...compareFigures,
    ])
    for (const row of compareRows([])) expect(row.cells).toEqual([])
  })

  it('gives one cell per model, in the models order, with value, raw text and line', () => {
    const a = model('A', { top1: 0.8, paramsM: 25.5 })
    const b = model('B', { top5: 0.95 })
    a.top1!.source.raw = '80.00%'
    const rows = compareRows([a, b])
    expect(figureRow(rows, 'top1').cells).toEqual([
      { value: 0.8, raw: '80.00%', line: 100, best: false },
      { value: null, raw: null, line: null, best: false },
    ])
    expect(figureRow(rows, 'paramsM').cells[0]).toEqual({
      value: 25.5,
      raw: '25.5',
      line: 102,
      best: false,
    })
    expect(values(figureRow(rows, 'top5'))).toEqual([null, 0.95])
  })

  it('takes the input size from the model, without a source', () => {
    const rows = compareRows([model('A', {}, { inputSize: 224 }), model('B')])
    expect(figureRow(rows, 'inputSize').cells).toEqual([
      { value: 224, raw: null, line: null, best: false },
      { value: null, raw: null, line: null, best: false },
    ])
  })

  type Case = [name: string, field: CompareFigure, values: (number | null)[], best: boolean[]]
  const cases: Case[] = [
    ['top-1: the highest', 'top1', [0.7, 0.8, 0.75], [false, true, false]],
    ['top-5: the highest', 'top5', [0.95, 0.9], [true, false]],
    ['parameters: the fewest', 'paramsM', [25, 11, 60], [false, true, false]],
    ['FLOPs: the fewest', 'flopsG', [4.1, 0.6, 0.6001], [false, true, false]],
    ['size: the smallest', 'sizeMB', [98, 45, 120], [false, true, false]],
    ['zero counts as a value', 'flopsG', [1, 0], [false, true]],
    ['a tie for best marks both', 'top1', [0.8, 0.7, 0.8], [true, false, true]],
    ['a tie for worst marks the best only', 'paramsM', [5, 9, 9], [true, false, false]],
    ['all equal: no best', 'sizeMB', [5, 5, 5], [false, false, false]],
    ['only one model has it: no best', 'flopsG', [null, 4, null], [false, false, false]],
    ['missing values are never best', 'top5', [null, 0.9, 0.95], [false, false, true]],
    ['missing beside a lower cost', 'paramsM', [null, 3, 7], [false, true, false]],
    ['a single model: no best', 'top1', [0.8], [false]],
    ['nobody has it', 'top1', [null, null], [false, false]],
  ]
  it.each(cases)('%s', (_name, field, given, best) => {
    const models = given.map((value, i) => model(`M${i}`, { [field]: value }))
    const row = figureRow(compareRows(models), field)
    expect(values(row)).toEqual(given)
    expect(bests(row)).toEqual(best)
  })

  it("never marks the reference top-1 without SSLD best: it is another model's score", () => {
    const models = [0.7, 0.8].map((v, i) => model(`M${i}`, { ssldReferenceTop1: v }))
    expect(bests(figureRow(compareRows(models), 'ssldReferenceTop1'))).toEqual([false, false])
    expect(fieldTable.ssldReferenceTop1.direction).toBe('none')
  })

  it('marks the largest SSLD gain best', () => {
    const models = [0.02, null, 0.035].map((v, i) => model(`M${i}`, { ssldGain: v }))
    expect(bests(figureRow(compareRows(models), 'ssldGain'))).toEqual([false, false, true])
  })

  it('never marks an input size best: larger is neither better nor worse', () => {
    const models = [224, 299, 384].map((size, i) => model(`M${i}`, {}, { inputSize: size }))
    expect(bests(figureRow(compareRows(models), 'inputSize'))).toEqual([false, false, false])
  })

  it('marks each row on its own', () => {
    const a = model('A', { top1: 0.8, paramsM: 25 })
    const b = model('B', { top1: 0.7, paramsM: 5 })
    const rows = compareRows([a, b])
    expect(bests(figureRow(rows, 'top1'))).toEqual([true, false])
    expect(bests(figureRow(rows, 'paramsM'))).toEqual([false, true])
  })
})

describe('isIdentical', () => {
  const cases: [string, (number | null)[], boolean][] = [
    ['all equal', [224, 224, 224], true],
    ['one differs', [224, 224, 384], false],
    ['nobody has it', [null, null], true],
    ['only some have it (missing is not equal)', [224, null], false],
    ['zero beside missing', [0, null], false],
    ['a single model', [5], true],
  ]
  it.each(cases)('%s', (_name, sizes, identical) => {
    const models = sizes.map((size, i) => model(`M${i}`, {}, { inputSize: size }))
    expect(isIdentical(figureRow(compareRows(models), 'inputSize'))).toBe(identical)
  })
})

describe('compareRows: latency rows', () => {
  const a = model(
    'A',
    {},
    {
      latencies: [
        latency('sd855-arm-fp32', 1, 4, 30, 301),
        latency('v100-trt-fp32', 8, null, 9, 208),
        latency('v100-trt-fp32', 1, null, 2, 201),
        latency('sd855-arm-fp32', 1, 1, 90, 300),
      ],
    },
  )
  const b = model(
    'B',
    {},
    {
      latencies: [
        latency('xeon6271c-openvino-fp32', 1, 6, 12, 401),
        latency('v100-trt-fp32', 1, null, 1.5, 251),
        latency('sd855-arm-fp32', 1, 1, 90, 350),
        latency('xeon6148-paddle-fp32', 1, null, 20, 360),
      ],
    },
  )
  const latencyRows = (models: CatalogModel[]) =>
    compareRows(models).flatMap((r) => (r.kind === 'latency' ? [r] : []))

  it('has one row per latency key any model has, in platform, batch, threads order', () => {
    expect(latencyRows([a, b]).map((r) => r.key)).toEqual([
      { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
      { platform: 'v100-trt-fp32', batchSize: 8, threads: null },
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 },
      { platform: 'xeon6148-paddle-fp32', batchSize: 1, threads: null },
      { platform: 'xeon6271c-openvino-fp32', batchSize: 1, threads: 6 },
    ])
  })

  it('comes after the figures', () => {
    const kinds = compareRows([a, b]).map((r) => r.kind)
    expect(kinds.slice(0, compareFigures.length).every((k) => k === 'figure')).toBe(true)
    expect(kinds.slice(compareFigures.length).every((k) => k === 'latency')).toBe(true)
  })

  it('fills each cell from its own model, with raw text and line, blank where it has none', () => {
    const rows = latencyRows([a, b])
    expect(rows.map((r) => r.cells.map((c) => c.value))).toEqual([
      [2, 1.5],
      [9, null],
      [90, 90],
      [30, null],
      [null, 20],
      [null, 12],
    ])
    expect(rows[0]!.cells.map((c) => [c.raw, c.line])).toEqual([
      ['2.00', 201],
      ['1.50', 251],
    ])
    expect(rows[1]!.cells[1]).toEqual({ value: null, raw: null, line: null, best: false })
  })

  it('marks the fastest, and nothing where only one model has the figure or all tie', () => {
    expect(latencyRows([a, b]).map(bests)).toEqual([
      [false, true],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ])
  })

  it('tells batch sizes and thread counts apart (no cell from another key)', () => {
    const rows = latencyRows([a])
    expect(rows.map((r) => [r.key.batchSize, r.key.threads, r.cells[0]!.value])).toEqual([
      [1, null, 2],
      [8, null, 9],
      [1, 1, 90],
      [1, 4, 30],
    ])
  })
})

describe('compareRows on the real catalog', () => {
  const ids = [
    'ResNet50',
    'ResNet50_vd',
    'MobileNetV3_large_x1_0',
    'PPLCNet_x1_0',
    'ViT_base_patch16_224',
  ]

  it('marks the real best of each row', () => {
    const { models } = realCatalog()
    const chosen = ids.map((id) => models.get(id)).filter((m): m is CatalogModel => m !== undefined)
    expect(chosen.length).toBeGreaterThanOrEqual(4)
    const rows = compareRows(chosen)
    // Directions written out here, not read from the field table, so the table is checked too.
    const higher: Record<CompareFigure, boolean | null> = {
      top1: true,
      top5: true,
      ssldGain: true,
      ssldReferenceTop1: null,
      paramsM: false,
      flopsG: false,
      sizeMB: false,
      inputSize: null,
    }
    let marked = 0
    for (const row of rows) {
      const direction = row.kind === 'figure' ? higher[row.field] : false
      const present = row.cells.map((c) => c.value).filter((v): v is number => v !== null)
      row.cells.forEach((cell) => {
        const beaten = present.some((v) => (direction ? v > cell.value! : v < cell.value!))
        const shouldBe =
          direction !== null && cell.value !== null && new Set(present).size > 1 && !beaten
        expect(cell.best, `${JSON.stringify(row.kind === 'figure' ? row.field : row.key)}`).toBe(
          shouldBe,
        )
      })
      marked += row.cells.filter((c) => c.best).length
    }
    expect(marked).toBeGreaterThan(3)
    // Each cell of a figure row points at the model-list line of that figure.
    for (const field of ['top1', 'paramsM'] as const) {
      figureRow(rows, field).cells.forEach((cell, i) => {
        expect(cell.line).toBe(chosen[i]![field]?.source.line ?? null)
        expect(cell.raw).toBe(chosen[i]![field]?.source.raw ?? null)
      })
    }
  })

  it('has a latency row for every key of the compared models, no more', () => {
    const { models } = realCatalog()
    const chosen = ids.map((id) => models.get(id)).filter((m): m is CatalogModel => m !== undefined)
    const keys = new Set(
      chosen.flatMap((m) => m.latencies.map((l) => `${l.platform}/${l.batchSize}/${l.threads}`)),
    )
    const rows = compareRows(chosen).flatMap((r) => (r.kind === 'latency' ? [r] : []))
    expect(rows.map((r) => `${r.key.platform}/${r.key.batchSize}/${r.key.threads}`).sort()).toEqual(
      [...keys].sort(),
    )
    for (const row of rows) {
      expect(row.cells.filter((c) => c.value !== null).length).toBeGreaterThan(0)
    }
  })
})

describe('parseIds', () => {
  const cases: [string, string | null | undefined, number | undefined, string[]][] = [
    ['null', null, undefined, []],
    ['undefined', undefined, undefined, []],
    ['empty', '', undefined, []],
    ['one id', 'ResNet50', undefined, ['ResNet50']],
    ['several, in order', 'B,A,C', undefined, ['B', 'A', 'C']],
    ['spaces trimmed', ' A , B ', undefined, ['A', 'B']],
    ['blanks dropped', 'A,,  ,B,', undefined, ['A', 'B']],
    ['repeats dropped, first kept', 'A,B,A,C,B', undefined, ['A', 'B', 'C']],
    ['repeats after trimming', 'A, A ,A', undefined, ['A']],
    ['too long an id dropped', `A,${'x'.repeat(201)},B`, undefined, ['A', 'B']],
    ['200 characters is fine', 'y'.repeat(200), undefined, ['y'.repeat(200)]],
    ['at most max', 'A,B,C,D', 2, ['A', 'B']],
    ['repeats do not count towards max', 'A,A,A,B,C', 2, ['A', 'B']],
    ['max of zero', 'A', 0, []],
  ]
  it.each(cases)('%s', (_name, value, max, expected) => {
    expect(parseIds(value, max)).toEqual(expected)
  })

  it('keeps at most 50 by default', () => {
    const many = Array.from({ length: 80 }, (_, i) => `M${i}`)
    expect(parseIds(many.join(','))).toEqual(many.slice(0, 50))
  })
})
