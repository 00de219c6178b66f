/**
 * Compare's charts: normalisation by direction with missing values, which rows are plotted, and
 * the files through the real export engine (ECharts SSR, sharp) via the real core's dispatch.
 */
import { describe, expect, it } from 'vitest'
import type { ChartExportResult } from '@shared/contract/charts'
import type { CompareChartExportInput } from '@shared/contract/compare'
import { chartMetrics, compareChartOption, normalise } from '@shared/compare/compareChartOption'
import { comparisonDocument } from '@shared/compare/comparisonDocument'
import { openTestCore } from '../helpers/testCore'
import { realCatalog } from '../explore/exploreFixtures'

describe('normalise', () => {
  const cases: [string, (number | null)[], 'higher' | 'lower' | 'none', (number | null)[]][] = [
    ['higher: against the max', [0.8, 0.4, null], 'higher', [1, 0.5, null]],
    ['lower: the min against each', [2, 4, 8], 'lower', [1, 0.5, 0.25]],
    ['lower with a zero: zero is best', [0, 4], 'lower', [1, 0]],
    ['no direction: nothing', [1, 2], 'none', [null, null]],
    ['nobody has it', [null, null], 'higher', [null, null]],
    ['ties are all best', [3, 3], 'lower', [1, 1]],
  ]
  it.each(cases)('%s', (_name, values, direction, expected) => {
    expect(normalise(values, direction)).toEqual(expected)
  })
})

describe('compareChartOption', () => {
  const doc = () => {
    const { models } = realCatalog()
    const ids = ['ResNet50', 'ResNet50_vd', 'PPLCNet_x1_0']
    return comparisonDocument(
      ids.map((id) => models.get(id)!),
      [],
      {},
    )
  }

  it('plots only rows with a direction and two values (no input size, no SSLD nobody has)', () => {
    const rows = chartMetrics(doc()).map((r) => r.id)
    expect(rows).toContain('top1')
    expect(rows).toContain('paramsM')
    expect(rows).not.toContain('inputSize')
    expect(rows).not.toContain('ssldGain')
    expect(rows).not.toContain('series')
  })

  it('normalised bars: one series per model, values in 0..1 with 1 for the best', () => {
    const d = doc()
    const option = compareChartOption({
      doc: d,
      kind: 'bars',
      mode: 'normalised',
      theme: 'light',
      locale: 'en',
      interactive: false,
    })
    const series = option.series as { name: string; data: (number | string)[] }[]
    expect(series.map((s) => s.name)).toEqual(['ResNet50', 'ResNet50_vd', 'PPLCNet_x1_0'])
    const metrics = chartMetrics(d)
    metrics.forEach((_, k) => {
      const column = series.map((s) => s.data[k]).filter((v): v is number => typeof v === 'number')
      expect(Math.max(...column)).toBe(1)
      for (const v of column) expect(v).toBeGreaterThan(0)
    })
  })

  it('raw bars: one small chart per metric, values in the row’s unit', () => {
    const d = doc()
    const option = compareChartOption({
      doc: d,
      kind: 'bars',
      mode: 'raw',
      theme: 'dark',
      locale: 'en',
      interactive: false,
    })
    const metrics = chartMetrics(d)
    expect((option.grid as unknown[]).length).toBe(metrics.length)
    const series = option.series as {
      name: string
      xAxisIndex: number
      data: (number | string)[]
    }[]
    const top1 = metrics.findIndex((m) => m.id === 'top1')
    const r50 = series.find((s) => s.name === 'ResNet50' && s.xAxisIndex === top1)!
    expect(r50.data[0]).toBeCloseTo(realCatalog().models.get('ResNet50')!.top1!.value * 100, 8)
  })

  it('radar: one indicator per metric, max 1', () => {
    const option = compareChartOption({
      doc: doc(),
      kind: 'radar',
      mode: 'raw',
      theme: 'light',
      locale: 'zh-CN',
      interactive: false,
    })
    const radar = option.radar as { indicator: { name: string; max: number }[] }
    expect(radar.indicator.length).toBe(chartMetrics(doc()).length)
    expect(radar.indicator.every((i) => i.max === 1)).toBe(true)
    expect((option.title as { text: string }).text).toBe('3 个模型对比')
  })
})

describe('compare.chartExport through the export engine', () => {
  const run = async (input: CompareChartExportInput) => {
    const { core } = openTestCore()
    return core.dispatch('compare.chartExport', input, { face: 'cli' })
  }

  it('writes an SVG with the models in its metadata, names resolved', async () => {
    const result = await run({ ids: ['ShuffleNetV2', 'ResNet50'], chart: 'bars', format: 'svg' })
    expect(result.ok).toBe(true)
    const file = (result as { ok: true; value: ChartExportResult }).value
    expect(file.fileName).toBe('zoo-compare-2-models-bars-raw.svg')
    const svg = Buffer.from(file.base64, 'base64').toString('utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('zoo-explorer-compare-chart')
    expect(svg).toContain('ShuffleNetV2_x1_0')
    expect(svg).toContain('<rect')
  })

  it('writes a PNG of the radar at 2×', async () => {
    const result = await run({
      ids: ['ResNet50', 'PPLCNet_x1_0', 'ResNet50_vd'],
      chart: 'radar',
      format: 'png',
      width: 640,
      height: 480,
    })
    const file = (result as { ok: true; value: ChartExportResult }).value
    const bytes = Buffer.from(file.base64, 'base64')
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    // IHDR width and height, big-endian, at 2× the SVG size.
    expect(bytes.readUInt32BE(16)).toBe(1280)
    expect(bytes.readUInt32BE(20)).toBe(960)
  })

  it('refuses one model, and nine', async () => {
    const one = await run({ ids: ['ResNet50'], chart: 'bars', format: 'svg' })
    expect(one.ok).toBe(false)
    const nine = await run({
      ids: Array.from({ length: 9 }, (_, i) => `M${i}`),
      chart: 'bars',
      format: 'svg',
    })
    expect(nine.ok).toBe(false)
    if (!nine.ok) expect(nine.error.code).toBe('INVALID_INPUT')
  })
})
