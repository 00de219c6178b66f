/**
 * The comparison as a document and as text: deltas against a baseline with missing values, the
 * conditions check, outside entries shown without figures, and Markdown / CSV that parse back to
 * the catalog's own numbers (read through a real core).
 */
import { describe, expect, it } from 'vitest'
import { machinePlatform, withMachineFigures } from '@shared/bench/machineLatencies'
import type { CatalogModel, Platform } from '@shared/catalog/types'
import { catalogListInput } from '@shared/contract'
import { comparisonDocument } from '@shared/compare/comparisonDocument'
import { comparisonCsv, comparisonMarkdown } from '@shared/compare/comparisonText'
import { conditionDifferences, latencyConditions } from '@shared/compare/latencyConditions'
import { openTestCore } from '../helpers/testCore'
import { realCatalog } from '../explore/exploreFixtures'
import { parseCsv, parseMarkdownTable } from './tableParsers'

let platforms: Platform[] | undefined

/** Call inside a test: the core closes when that test ends, the plain data stays. */
function real(ids: string[]): { models: CatalogModel[]; platforms: Platform[] } {
  const { models } = realCatalog()
  if (!platforms) platforms = openTestCore().core.catalog.platforms()
  return { models: ids.map((id) => models.get(id)!), platforms }
}

describe('conditionDifferences', () => {
  it('says what differs between two timings', () => {
    const { platforms } = real(['ResNet50'])
    expect(
      conditionDifferences(
        { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        { platform: 'xeon6148-paddle-fp32', batchSize: 1, threads: null },
        platforms,
      ),
    ).toEqual(['hardware', 'engine'])
    expect(
      conditionDifferences(
        { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
        { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 },
        platforms,
      ),
    ).toEqual(['threads'])
    expect(
      conditionDifferences(
        { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        { platform: 'v100-trt-fp32', batchSize: 8, threads: null },
        platforms,
      ),
    ).toEqual(['batchSize'])
  })
  it('treats an unknown platform as other hardware', () => {
    expect(
      conditionDifferences(
        { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        [],
      ),
    ).toEqual(['hardware'])
  })
})

describe('latencyConditions on the real catalog', () => {
  it('finds the pairs that share no timing, and none for models timed alike', () => {
    const { models, platforms } = real(['ResNet50', 'ResNet50_vd', 'PPLCNetV2_base'])
    const notes = latencyConditions(models, platforms)
    // ResNet50 and ResNet50_vd share the V100 rows; PPLCNetV2 has only its own Xeon 6271C one.
    expect(notes.map((n) => [models[n.a]!.id, models[n.b]!.id])).toEqual([
      ['ResNet50', 'PPLCNetV2_base'],
      ['ResNet50_vd', 'PPLCNetV2_base'],
    ])
    expect(notes[0]!.bKey.platform).toBe('xeon6271c-openvino-fp32')
    expect(notes[0]!.differences).toContain('hardware')
  })
})

describe('comparisonDocument', () => {
  const setup = () => {
    const { models, platforms } = real(['ResNet50', 'ResNet50_vd', 'MobileNetV3_large_x1_0'])
    const doc = comparisonDocument(models, platforms, { baseline: 'ResNet50' })
    return { models, platforms, doc, row: (id: string) => doc.rows.find((r) => r.id === id)! }
  }

  it('has the baseline, one cell per model per row, and units on every figure', () => {
    const { doc } = setup()
    expect(doc.baseline).toBe('ResNet50')
    for (const r of doc.rows) expect(r.cells).toHaveLength(3)
    for (const r of doc.rows.filter((r) => r.kind !== 'text')) {
      for (const cell of r.cells) {
        if (cell.value !== null) expect(cell.text).toMatch(/ (%|pp|M|G|MB|px|ms)$/)
      }
    }
  })

  it('gives deltas against the baseline, none for the baseline itself', () => {
    const { models, row } = setup()
    const top1 = row('top1')
    expect(top1.cells[0]!.delta).toBeNull()
    const expected = models[1]!.top1!.value - models[0]!.top1!.value
    expect(top1.cells[1]!.delta!.absolute).toBeCloseTo(expected, 10)
    expect(top1.cells[1]!.deltaText).toMatch(/^[+-]\d+\.\d\d pp, [+-]?\d+(\.\d)? %$/)
  })

  it('shows a figure nobody has as "—", without delta or best, and calls the row identical', () => {
    const { row } = setup()
    const gain = row('ssldGain')
    expect(gain.cells.map((c) => c.text)).toEqual(['—', '—', '—'])
    expect(gain.cells.some((c) => c.best || c.delta)).toBe(false)
    expect(gain.identical).toBe(true)
    expect(row('top1').identical).toBe(false)
  })

  it('has no baseline when the one asked for is not compared', () => {
    const { models, platforms } = setup()
    const other = comparisonDocument(models, platforms, { baseline: 'ViT_base_patch16_224' })
    expect(other.baseline).toBeNull()
    expect(other.rows.every((r) => r.cells.every((c) => c.delta === null))).toBe(true)
  })

  it('labels rows in zh-CN from the same table', () => {
    const { models, platforms } = setup()
    const zh = comparisonDocument(models, platforms, { locale: 'zh-CN' })
    expect(zh.rows.find((r) => r.id === 'top1')!.label).toBe('Top-1 精度')
    expect(zh.rows.find((r) => r.kind === 'latency')!.label).toMatch(/^推理耗时 · .* · 批大小 \d/)
  })
})

describe('comparisonMarkdown and comparisonCsv parse back', () => {
  const setup = () => {
    const { models, platforms } = real(['ResNet50', 'PPLCNet_x1_0', 'ViT_base_patch16_224'])
    return { models, doc: comparisonDocument(models, platforms, { baseline: 'PPLCNet_x1_0' }) }
  }

  it('Markdown: a table with the baseline marked, best in bold, deltas in brackets', () => {
    const { models, doc } = setup()
    const table = parseMarkdownTable(comparisonMarkdown(doc))
    expect(table.header).toEqual([
      'Figure',
      'ResNet50',
      'PPLCNet_x1_0 (baseline)',
      'ViT_base_patch16_224',
    ])
    expect(table.rows).toHaveLength(doc.rows.length)
    const top1 = table.rows.find((r) => r[0] === 'Top-1 accuracy')!
    const best = models.reduce((a, b) => (a.top1!.value >= b.top1!.value ? a : b))
    const bestColumn = models.indexOf(best) + 1
    expect(top1[bestColumn]).toMatch(/^\*\*\d+\.\d+ %\*\*/)
    expect(top1[2]).toMatch(/^\d+\.\d+ %$/)
    expect(top1[1]).toMatch(/ \([+-]\d+\.\d\d pp, [+-]?[\d.]+ %\)$/)
  })

  it('CSV: numbers in the unit of their row, blank for no figure, deltas per model', () => {
    const { models, doc } = setup()
    const { header, rows } = parseCsv(comparisonCsv(doc))
    expect(header).toEqual([
      'figure',
      'row',
      'unit',
      'better',
      'ResNet50',
      'PPLCNet_x1_0',
      'ViT_base_patch16_224',
      'delta ResNet50',
      'delta% ResNet50',
      'delta ViT_base_patch16_224',
      'delta% ViT_base_patch16_224',
    ])
    const byRow = new Map(rows.map((r) => [r[1], r]))
    const top1 = byRow.get('top1')!
    expect(top1.slice(2, 4)).toEqual(['%', 'higher'])
    models.forEach((m, i) => expect(Number(top1[4 + i])).toBeCloseTo(m.top1!.value * 100, 8))
    expect(Number(top1[7])).toBeCloseTo((models[0]!.top1!.value - models[1]!.top1!.value) * 100, 8)
    const flops = byRow.get('flopsG')!
    expect(flops[2]).toBe('G')
    models.forEach((m, i) => expect(Number(flops[4 + i])).toBe(m.flopsG!.value))
    expect(byRow.get('inputSize')![3]).toBe('none')
    expect(byRow.get('ssldGain')!.slice(4, 7)).toEqual(['', '', ''])
    // A latency only some have: blank where missing, no delta against a missing baseline.
    const latency = rows.find((r) => r[1]!.startsWith('latency/') && r.slice(4, 7).includes(''))
    if (latency) expect(latency.slice(4, 7).filter((v) => v !== '').length).toBeGreaterThan(0)
    expect(byRow.get('pretrained')![4]).toBe(models[0]!.downloads.pretrained)
  })
})

describe('entries outside the zoo', () => {
  it('get a column of "—" and a note, not invented figures', () => {
    const { core } = openTestCore()
    const outside = core.catalog.list(catalogListInput.parse({ entryKinds: ['olderListOnly'] }))
      .rows[0]
    expect(outside).toBeDefined()
    const detail = core.catalog.get(outside!.id)
    const doc = comparisonDocument(
      [core.catalog.get('ResNet50').model, detail.model],
      detail.platforms,
    )
    expect(doc.models[1]!.entryKind).toBe('olderListOnly')
    for (const r of doc.rows.filter((r) => r.kind !== 'text')) expect(r.cells[1]!.value).toBeNull()
    expect(comparisonMarkdown(doc)).toContain(`${outside!.id}: outside the zoo (olderListOnly)`)
  })
})

describe('this machine in a comparison', () => {
  const fingerprint = {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryBytes: 2 ** 34,
    onnxRuntime: '1.20.0',
  }
  const figure = (catalogId: string, batchSize: number, threads: number, medianMs: number) => ({
    catalogId,
    batchSize,
    threads,
    medianMs,
    p90Ms: medianMs * 1.1,
    busy: false,
    runId: 'abcdef0123',
    measuredAt: '2026-12-04T10:00:00Z',
    fingerprint,
  })

  it('gives measured rows marked local, best marked, and says how they differ from published', () => {
    const { models, platforms } = real(['MobileNetV2', 'MobileNetV2_x0_5', 'ResNet50'])
    const figures = [figure('MobileNetV2', 1, 1, 3.9), figure('MobileNetV2_x0_5', 1, 1, 2.1)]
    const doc = comparisonDocument(
      models.map((m) => withMachineFigures(m, figures)),
      [...platforms, machinePlatform(figures)!],
    )
    const row = doc.rows.find((r) => r.id === 'latency/this-machine/1/1')!
    expect(row.measuredHere).toBe(true)
    expect(row.label).toBe('Latency · This machine · batch 1 · 1 thread · local')
    expect(row.cells.map((c) => c.text)).toEqual(['3.9 ms', '2.1 ms', '—'])
    expect(row.cells.map((c) => c.best)).toEqual([false, true, false])
    // Measured rows come after every published platform's.
    const latencyIds = doc.rows.filter((r) => r.kind === 'latency').map((r) => r.id)
    expect(latencyIds[latencyIds.length - 1]).toBe('latency/this-machine/1/1')
    const notes = doc.conditions.filter((c) => c.includes('measured on this machine'))
    expect(notes).toHaveLength(2)
    expect(notes[0]).toMatch(
      /^MobileNetV2: This machine · batch 1 · 1 thread is measured on this machine, not under Snapdragon 855 .* · batch 1 · 1 thread: different hardware, engine\.$/,
    )
    // Two models measured here share a row: no "not comparable" note between them.
    expect(doc.conditions.some((c) => c.startsWith('MobileNetV2 and MobileNetV2_x0_5'))).toBe(false)
  })

  it('without local figures the document is the published one', () => {
    const { models, platforms } = real(['MobileNetV2', 'ResNet50'])
    const plain = comparisonDocument(models, platforms)
    const merged = comparisonDocument(
      models.map((m) => withMachineFigures(m, [])),
      platforms,
    )
    expect(merged).toEqual(plain)
  })
})
