import { describe, expect, it } from 'vitest'
import { chartModel, type ChartModel } from '@shared/charts/chartModel'
import { chartPresets, findPreset } from '@shared/charts/chartPresets'
import { axis, defaultChartState, type ChartState } from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import { chartSubtitle, chartTitle } from '@shared/charts/chartTitle'
import type { Locale } from '@shared/contract/values'
import { modelRow, realCatalog } from './exploreFixtures'

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

const t4 = findPreset('t4-bs4')!
const vit = findPreset('vit-bs1')!
const v100 = findPreset('v100-bs1')!

describe('chartTitle', () => {
  const cases: {
    name: string
    state: ChartState
    locale: Locale
    title: string
    sub: string | null
  }[] = [
    {
      name: 'the default, auto title',
      state: defaultChartState,
      locale: 'en',
      title: 'Top-1 accuracy vs Latency · NVIDIA V100 · TensorRT 8.0 · FP32 · batch 1',
      sub: null,
    },
    {
      name: 'the default in Chinese',
      state: defaultChartState,
      locale: 'zh-CN',
      title: 'Top-1 精度 与 推理耗时 · NVIDIA V100 · TensorRT 8.0 · FP32 · 批大小 1',
      sub: null,
    },
    {
      name: 'an ARM latency with threads',
      state: state({
        x: axis('latency', { latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 } }),
      }),
      locale: 'en',
      title: 'Top-1 accuracy vs Latency · Snapdragon 855 (ARM) · Paddle-Lite · FP32 · 4 threads',
      sub: null,
    },
    {
      name: 'two figures without a latency',
      state: state({ x: axis('flopsG'), y: axis('top5') }),
      locale: 'en',
      title: 'Top-5 accuracy vs FLOPs',
      sub: null,
    },
    {
      name: 'two figures in Chinese',
      state: state({ x: axis('paramsM'), y: axis('sizeMB') }),
      locale: 'zh-CN',
      title: '模型大小 与 参数量',
      sub: null,
    },
    {
      name: 'the state’s own title',
      state: state({ title: 'My chart <1>' }),
      locale: 'zh-CN',
      title: 'My chart <1>',
      sub: null,
    },
    {
      name: 'an unknown preset: auto title, no caveat',
      state: state({ preset: 'no-such-preset' }),
      locale: 'en',
      title: 'Top-1 accuracy vs Latency · NVIDIA V100 · TensorRT 8.0 · FP32 · batch 1',
      sub: null,
    },
    {
      name: 'a preset with a caveat, with a title of its own: the title wins, the caveat stays',
      state: { ...t4.state, title: 'Mine' },
      locale: 'en',
      title: 'Mine',
      sub: t4.caveat!.en,
    },
  ]

  it.each(cases)('$name', ({ state: s, locale, title, sub }) => {
    expect(chartTitle(s, locale)).toEqual({ title, subtitle: sub })
  })

  it.each(chartPresets.flatMap((p) => (['en', 'zh-CN'] as const).map((l) => [p.id, l] as const)))(
    'preset %s in %s: its title and caveat',
    (id, locale) => {
      const preset = findPreset(id)!
      const { title, subtitle } = chartTitle(preset.state, locale)
      expect(title).toBe(preset.title[locale])
      expect(subtitle).toBe(preset.caveat?.[locale] ?? null)
    },
  )

  it('gives each preset a title and caveat in the language asked for', () => {
    const titles = (locale: Locale) => chartPresets.map((p) => chartTitle(p.state, locale).title)
    expect(new Set(titles('en')).size).toBe(chartPresets.length)
    for (const [en, zh] of titles('en').map((t, i) => [t, titles('zh-CN')[i]!])) {
      expect(zh).not.toBe(en)
      expect(en).not.toMatch(/[\u4e00-\u9fff]/)
    }
    expect(chartTitle(vit.state, 'zh-CN').subtitle).toMatch(/[\u4e00-\u9fff]/)
    expect(chartTitle(vit.state, 'en').subtitle).not.toMatch(/[\u4e00-\u9fff]/)
  })
})

describe('chartSubtitle', () => {
  /** A chart model with only the notes chartSubtitle reads. */
  const notes = (missingX: number, missingY: number, outOfRange: number): ChartModel => ({
    points: [],
    machine: [],
    frontier: [],
    lines: [],
    groupedBy: 'family',
    catalogSeries: [],
    series: [],
    missing: [
      ...Array.from({ length: missingX }, (_, i) => ({ id: `x${i}`, axis: 'x' as const })),
      ...Array.from({ length: missingY }, (_, i) => ({ id: `y${i}`, axis: 'y' as const })),
    ],
    outOfRange: Array.from({ length: outOfRange }, (_, i) => `o${i}`),
  })

  const flops = state({ x: axis('flopsG'), y: axis('top1') })
  const params = state({ x: axis('paramsM', { scale: 'linear' }), y: axis('top5') })
  const cases: {
    name: string
    model: ChartModel
    state: ChartState
    locale: Locale
    caveat: string | null
    expected: string | null
  }[] = [
    {
      name: 'nothing to say',
      model: notes(0, 0, 0),
      state: defaultChartState,
      locale: 'en',
      caveat: null,
      expected: null,
    },
    {
      name: 'only the caveat',
      model: notes(0, 0, 0),
      state: defaultChartState,
      locale: 'en',
      caveat: 'Careful.',
      expected: 'Careful.',
    },
    {
      name: 'an empty caveat counts as none',
      model: notes(0, 0, 0),
      state: defaultChartState,
      locale: 'en',
      caveat: '',
      expected: null,
    },
    {
      name: 'one model without a latency (the axis named without its key)',
      model: notes(1, 0, 0),
      state: defaultChartState,
      locale: 'en',
      caveat: null,
      expected: '1 model with no Latency figure not shown',
    },
    {
      name: 'several models without an accuracy',
      model: notes(0, 3, 0),
      state: defaultChartState,
      locale: 'en',
      caveat: null,
      expected: '3 models with no Top-1 accuracy figure not shown',
    },
    {
      name: 'a log axis is named without its scale',
      model: notes(2, 0, 0),
      state: flops,
      locale: 'en',
      caveat: null,
      expected: '2 models with no FLOPs figure not shown',
    },
    {
      name: 'everything: caveat, x, y, out of range, in that order',
      model: notes(2, 1, 4),
      state: params,
      locale: 'en',
      caveat: 'Careful.',
      expected:
        'Careful. · 2 models with no Parameters figure not shown · ' +
        '1 model with no Top-5 accuracy figure not shown · 4 outside the axis range',
    },
    {
      name: 'one out of range',
      model: notes(0, 0, 1),
      state: defaultChartState,
      locale: 'en',
      caveat: null,
      expected: '1 outside the axis range',
    },
    {
      name: 'Chinese: missing latency',
      model: notes(2, 0, 0),
      state: defaultChartState,
      locale: 'zh-CN',
      caveat: null,
      expected: '2 个模型缺少推理耗时数据，未显示',
    },
    {
      name: 'Chinese: everything',
      model: notes(1, 5, 3),
      state: flops,
      locale: 'zh-CN',
      caveat: '注意。',
      expected:
        '注意。 · 1 个模型缺少计算量 FLOPs数据，未显示 · 5 个模型缺少Top-1 精度数据，未显示 · 3 个超出坐标范围',
    },
  ]

  it.each(cases)('$name', ({ model, state: s, locale, caveat, expected }) => {
    expect(chartSubtitle(model, s, locale, caveat)).toBe(expected)
  })

  it('counts what chartModel leaves out of hand-made rows', () => {
    const rows = [
      modelRow('ok', { top1: 0.8, flopsG: 4 }),
      modelRow('no-flops', { top1: 0.7 }),
      modelRow('no-flops-2', { top1: 0.7 }),
      modelRow('no-top1', { flopsG: 3 }),
      modelRow('too-slow', { top1: 0.75, flopsG: 400 }),
      modelRow('hidden', { series: 'H', family: 'H', top1: 0.75 }),
    ]
    const s = state({ x: axis('flopsG', { max: 100 }), y: axis('top1'), hidden: ['H'] })
    const model = chartModel(rows, s, ['S', 'H'])
    expect(chartSubtitle(model, s, 'en', null)).toBe(
      '2 models with no FLOPs figure not shown · ' +
        '1 model with no Top-1 accuracy figure not shown · 1 outside the axis range',
    )
  })

  /** The numbers a subtitle states, by note. */
  function stated(subtitle: string | null): { x: number; y: number; out: number } {
    const missing = [...(subtitle ?? '').matchAll(/(\d+) models? with no (.+?) figure/g)]
    const out = /(\d+) outside the axis range/.exec(subtitle ?? '')
    return {
      x: Number(missing.find((m) => m[2] === 'Latency')?.[1] ?? 0),
      y: Number(missing.find((m) => m[2] === 'Top-1 accuracy')?.[1] ?? 0),
      out: Number(out?.[1] ?? 0),
    }
  }

  it.each(chartPresets.map((p) => [p.id, p] as const))(
    'on the real catalog, preset %s says what it left out',
    (_id, preset) => {
      const { rows, seriesOrder } = realCatalog()
      const model = chartModel(rows, preset.state, seriesOrder)
      const { subtitle: caveat } = chartTitle(preset.state, 'en')
      const subtitle = chartSubtitle(model, preset.state, 'en', caveat)
      if (caveat) expect(subtitle?.startsWith(`${caveat} · `) || subtitle === caveat).toBe(true)
      expect(stated(subtitle)).toEqual({
        x: model.missing.filter((m) => m.axis === 'x').length,
        y: model.missing.filter((m) => m.axis === 'y').length,
        out: model.outOfRange.length,
      })
    },
  )

  it('on the real catalog, the V100 preset leaves slow models out of its 0–20 ms range', () => {
    const { rows, seriesOrder } = realCatalog()
    const model = chartModel(rows, v100.state, seriesOrder)
    const slow = rows.filter(
      (r) =>
        v100.state.series.includes(r.series) &&
        r.top1 !== null &&
        r.top1 >= 0.7 &&
        r.latencies.some((l) => l.platform === 'v100-trt-fp32' && l.batchSize === 1 && l.ms > 20),
    )
    expect(slow.length).toBeGreaterThan(0)
    const subtitle = chartSubtitle(model, v100.state, 'zh-CN', null)
    expect(subtitle).toContain(`${model.outOfRange.length} 个超出坐标范围`)
    expect(model.outOfRange.length).toBeGreaterThanOrEqual(slow.length)
  })
})
