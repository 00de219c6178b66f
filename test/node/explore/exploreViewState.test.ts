import type { LocationQuery } from 'vue-router'
import { describe, expect, it } from 'vitest'
import { chartFieldIds, type ChartFieldId } from '@shared/charts/chartFields'
import { chartPresets } from '@shared/charts/chartPresets'
import {
  axis,
  defaultChartState,
  V100_BS1,
  type ChartAxis,
  type ChartState,
} from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import {
  changeAxis,
  formatAxisValue,
  isCostAxis,
  parseExploreQuery,
  patchChart,
  presetChart,
  toExploreQuery,
  transientKeys,
  type ExploreViewState,
} from '../../../src/renderer/src/catalog/exploreViewState'

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

const SD855_T4 = { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 } as const

/** A query as the router hands it over after a round trip through a real URL. */
function throughUrl(query: ReturnType<typeof toExploreQuery>): LocationQuery {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' || typeof value === 'number') params.set(key, String(value))
  }
  const url = new URL(`app://zoo/explore?${params.toString()}`)
  const result: LocationQuery = {}
  for (const [key, value] of url.searchParams) result[key] = value
  return result
}

describe('parseExploreQuery / toExploreQuery: round trips', () => {
  const everything: ExploreViewState = {
    chart: state({
      x: axis('latency', { latency: SD855_T4, scale: 'log', min: 0.5, max: 250 }),
      y: axis('top5', { min: 0.8, max: 0.99 }),
      series: ['ResNet', 'PP-LCNet'],
      hidden: ['ResNet'],
      ids: ['ResNet50', 'PPLCNet_x1_0'],
      budget: 12.5,
      frontier: false,
      families: false,
      labels: 'all',
      selection: ['ResNet50'],
      preset: null,
      title: 'Fast & accurate? 50% = "good" #1 <b>',
    }),
    model: 'ResNet50_vd',
  }
  const cases: [string, ExploreViewState][] = [
    ['the default', { chart: defaultChartState, model: null }],
    ['every part set', everything],
    ['a closed panel', { ...everything, model: null }],
    [
      'a bound of 0, a cost on y',
      {
        chart: state({
          x: axis('flopsG', { min: 0.01 }),
          y: axis('paramsM', { min: 0, scale: 'linear' }),
        }),
        model: null,
      },
    ],
    [
      'labels off, batch 8',
      {
        chart: state({
          x: axis('latency', {
            latency: { platform: 'v100-trt-fp32', batchSize: 8, threads: null },
          }),
          labels: 'none',
        }),
        model: 'ViT_base_patch16_224',
      },
    ],
    ['a Chinese title', { chart: state({ title: '我的图表 · 精度' }), model: null }],
    ...chartPresets.map((p): [string, ExploreViewState] => [
      `preset ${p.id}`,
      { chart: p.state, model: 'DeiT_tiny_patch16_224' },
    ]),
  ]

  it.each(cases)('%s', (_label, given) => {
    const query = toExploreQuery(given)
    expect(parseExploreQuery(query as LocationQuery)).toEqual(given)
    expect(parseExploreQuery(throughUrl(query))).toEqual(given)
  })

  it('writes every value as a string (what a URL holds)', () => {
    for (const value of Object.values(toExploreQuery(everything))) {
      expect(typeof value).toBe('string')
    }
  })

  it('keeps the panel out of the chart: transient keys are only the panel', () => {
    const query = toExploreQuery(everything)
    expect(transientKeys).toEqual(['model'])
    expect(query.model).toBe('ResNet50_vd')
    const withoutTransient = Object.fromEntries(
      Object.entries(query).filter(([key]) => !(transientKeys as readonly string[]).includes(key)),
    )
    expect(parseExploreQuery(withoutTransient as LocationQuery)).toEqual({
      chart: everything.chart,
      model: null,
    })
  })
})

describe('parseExploreQuery: defaults and garbage', () => {
  it('opens on the official V100 preset, not on every model, for an empty query', () => {
    expect(parseExploreQuery({})).toEqual({ chart: presetChart('v100-bs1'), model: null })
    expect(parseExploreQuery({}).chart.preset).toBe('v100-bs1')
    expect(parseExploreQuery({ model: 'ResNet50' }).chart.preset).toBe('v100-bs1')
  })

  it('a link naming only a preset opens that preset whole; an unknown one falls back', () => {
    expect(parseExploreQuery({ preset: 'sd855-t1', model: 'MobileNetV2' })).toEqual({
      chart: presetChart('sd855-t1'),
      model: 'MobileNetV2',
    })
    expect(parseExploreQuery({ preset: 'sd855-t1' }).chart.x.latency?.platform).toBe(
      'sd855-arm-fp32',
    )
    // With other chart keys the URL is a state of its own, the preset only its name.
    expect(parseExploreQuery({ preset: 'sd855-t1', x: 'flopsG' }).chart.x.field).toBe('flopsG')
    expect(parseExploreQuery({ preset: 'nope' }).chart.preset).toBe('nope')
  })

  const long = 'x'.repeat(201)
  type Case = [
    name: string,
    query: LocationQuery,
    expected: Partial<ChartState>,
    model?: string | null,
  ]
  const cases: Case[] = [
    ['an unknown x field', { x: 'speed' }, {}],
    ['an unknown y field', { y: 'top3', ys: 'log' }, {}],
    ['an unknown scale', { x: 'paramsM', xs: 'cubic', xmin: '1' }, { x: axis('paramsM') }],
    ['a known field, its default scale', { x: 'flopsG' }, { x: axis('flopsG') }],
    ['an unknown platform', { x: 'latency', xk: 'tpu.1' }, { x: axis('latency') }],
    ['threads out of range', { x: 'latency', xk: 'sd855-arm-fp32.1.999' }, { x: axis('latency') }],
    [
      'a latency key on another field',
      { x: 'top5', xk: 'sd855-arm-fp32.1.4' },
      { x: axis('top5') },
    ],
    [
      'a latency key with threads',
      { x: 'latency', xk: 'sd855-arm-fp32.1.4' },
      {
        x: axis('latency', { latency: SD855_T4 }),
      },
    ],
    [
      'a bound that is no number',
      { x: 'top1', xmin: 'abc', xmax: '0.9' },
      {
        x: axis('top1', { max: 0.9 }),
      },
    ],
    ['an infinite bound', { y: 'top1', ymax: 'Infinity' }, {}],
    ['a negative budget', { budget: '-3' }, {}],
    ['a zero budget', { budget: '0' }, {}],
    ['a budget that is no number', { budget: 'cheap' }, {}],
    ['an unknown label mode', { labels: 'loud' }, {}],
    ['frontier written as "false"', { frontier: 'false' }, {}],
    ['frontier "0"', { frontier: '0' }, { frontier: false }],
    ['families "0"', { families: '0' }, { families: false }],
    [
      'lists with blanks and spaces',
      { series: ' ResNet, ,ViT ,', sel: ',A,', ids: ',' },
      {
        series: ['ResNet', 'ViT'],
        selection: ['A'],
      },
    ],
    ['a blank title', { title: '   ' }, {}],
    ['a preset id that is too long', { preset: 'p'.repeat(101) }, {}],
    ['a series name that is too long', { series: `ResNet,${long}` }, {}],
    [
      'a bad part leaves the good parts',
      { budget: '-1', labels: 'all', x: 'sizeMB' },
      {
        labels: 'all',
        x: axis('sizeMB'),
      },
    ],
    ['unknown keys', { foo: 'bar', q: 'res' }, {}],
    [
      'a repeated key: the first value',
      { x: ['top5', 'top1'], labels: ['all', 'none'] },
      {
        x: axis('top5'),
        labels: 'all',
      },
    ],
    ['a key without a value', { x: null, labels: null }, {}],
    ['a repeated key that starts empty', { x: [null, 'top5'] }, {}],
    ['a panel', { model: 'ResNet50' }, {}, 'ResNet50'],
    ['a repeated panel: the first', { model: ['A', 'B'] }, {}, 'A'],
    ['an empty panel', { model: '' }, {}, null],
    ['a panel id that is too long', { model: long }, {}, null],
    ['a panel id of 200 characters', { model: 'm'.repeat(200) }, {}, 'm'.repeat(200)],
  ]

  it.each(cases)('%s', (_name, query, expected, model = null) => {
    const parsed = parseExploreQuery(query)
    // A query with no chart value in it (only a panel, or keys without values) is a first visit.
    const noChart = Object.entries(query).every(
      ([key, value]) => key === 'model' || (Array.isArray(value) ? value[0] : value) == null,
    )
    const base = noChart ? presetChart('v100-bs1')! : defaultChartState
    expect(parsed.chart).toEqual({ ...base, ...expected })
    expect(parsed.model).toBe(model)
  })
})

describe('isCostAxis', () => {
  const costs: Record<ChartFieldId, boolean> = {
    top1: false,
    top5: false,
    paramsM: true,
    flopsG: true,
    sizeMB: true,
    inputSize: true,
    latency: true,
  }
  it.each(chartFieldIds.map((f) => [f, costs[f]] as const))('%s: %s', (field, cost) => {
    expect(isCostAxis(axis(field))).toBe(cost)
  })
})

describe('changeAxis', () => {
  const latencyWithRange = axis('latency', { latency: SD855_T4, scale: 'log', min: 0, max: 20 })
  const cases: [string, ChartAxis, Parameters<typeof changeAxis>[1], ChartAxis][] = [
    [
      'a new field starts from its defaults',
      latencyWithRange,
      { field: 'paramsM' },
      axis('paramsM'),
    ],
    [
      'back to latency: the default key',
      axis('top1', { min: 0.7 }),
      { field: 'latency' },
      axis('latency'),
    ],
    [
      'a new field with a scale',
      axis('top1'),
      { field: 'flopsG', scale: 'linear' },
      axis('flopsG', { scale: 'linear' }),
    ],
    [
      'a new scale keeps the key, drops the range',
      latencyWithRange,
      { scale: 'linear' },
      axis('latency', { latency: SD855_T4, scale: 'linear' }),
    ],
    [
      'a new key keeps the scale, drops the range',
      latencyWithRange,
      { latency: V100_BS1 },
      axis('latency', { latency: V100_BS1, scale: 'log' }),
    ],
    [
      'the same field keeps scale and key, drops the range',
      latencyWithRange,
      { field: 'latency' },
      axis('latency', { latency: SD855_T4, scale: 'log' }),
    ],
    [
      'a latency key on another field is ignored',
      axis('top1'),
      { latency: SD855_T4 },
      axis('top1'),
    ],
    ['no change still drops the range', axis('top1', { min: 0.5, max: 0.9 }), {}, axis('top1')],
  ]
  it.each(cases)('%s', (_label, current, change, expected) => {
    const before = structuredClone(current)
    expect(changeAxis(current, change)).toEqual(expected)
    expect(current).toEqual(before)
  })
})

describe('patchChart', () => {
  const preset = chartPresets[0]!.state
  const budgeted = state({ x: axis('flopsG'), budget: 5, preset: 'v100-bs1' })

  type Case = [
    name: string,
    from: ChartState,
    patch: Partial<ChartState>,
    check: Partial<ChartState>,
  ]
  const cases: Case[] = [
    [
      'an overlay keeps the preset',
      preset,
      { frontier: false },
      { preset: preset.preset, frontier: false },
    ],
    ['labels keep the preset', preset, { labels: 'all' }, { preset: preset.preset }],
    [
      'a selection keeps the preset',
      preset,
      { selection: ['ResNet50'] },
      { preset: preset.preset },
    ],
    ['hiding a series keeps the preset', preset, { hidden: ['VGG'] }, { preset: preset.preset }],
    [
      'a title keeps the preset',
      preset,
      { title: 'Mine' },
      { preset: preset.preset, title: 'Mine' },
    ],
    ['a new x axis leaves the preset', preset, { x: axis('flopsG') }, { preset: null }],
    ['a new y axis leaves the preset', preset, { y: axis('top5') }, { preset: null }],
    ['new series leave the preset', preset, { series: ['ViT'] }, { preset: null }],
    ['new ids leave the preset', preset, { ids: ['ResNet50'] }, { preset: null }],
    [
      'the same x axis again keeps the preset',
      preset,
      { x: structuredClone(preset.x) },
      {
        preset: preset.preset,
      },
    ],
    [
      'the same series again keep the preset',
      preset,
      { series: [...preset.series] },
      {
        preset: preset.preset,
      },
    ],
    [
      'an axis with a preset named in the patch keeps that',
      preset,
      {
        x: axis('flopsG'),
        preset: 'sd855-t1',
      },
      { preset: 'sd855-t1' },
    ],
    ['a budget on a cost axis stays', budgeted, { labels: 'all' }, { budget: 5 }],
    ['a new budget is taken', budgeted, { budget: 8 }, { budget: 8 }],
    [
      'a new scale on the same field keeps the budget',
      budgeted,
      {
        x: axis('flopsG', { scale: 'linear' }),
      },
      { budget: 5, preset: null },
    ],
    ['another cost field drops the budget', budgeted, { x: axis('paramsM') }, { budget: null }],
    ['an accuracy on x drops the budget', budgeted, { x: axis('top1') }, { budget: null }],
    [
      'a budget on an accuracy axis is refused',
      state({ x: axis('top1') }),
      { budget: 0.8 },
      {
        budget: null,
      },
    ],
    [
      'swapping axes drops the budget',
      budgeted,
      { x: budgeted.y, y: budgeted.x },
      {
        budget: null,
        preset: null,
      },
    ],
  ]
  it.each(cases)('%s', (_label, from, patch, check) => {
    const before = structuredClone(from)
    const next = patchChart(from, patch)
    expect(next).toMatchObject({ ...patch, ...check })
    expect(from).toEqual(before)
  })
})

describe('presetChart', () => {
  it.each(chartPresets.map((p) => [p.id, p] as const))('gives preset %s, as a copy', (id, p) => {
    const chart = presetChart(id)!
    expect(chart).toEqual(p.state)
    expect(chart.preset).toBe(id)
    chart.series.push('Mutated')
    chart.x.min = -1
    expect(presetChart(id)).toEqual(p.state)
    expect(p.state.series).not.toContain('Mutated')
  })

  it.each([['unknown'], [''], ['V100-BS1']])('gives null for %j', (id) => {
    expect(presetChart(id)).toBeNull()
  })
})

describe('formatAxisValue', () => {
  const cases: [number, ChartFieldId, string][] = [
    [0.79123, 'top1', '79.12 %'],
    [0.8, 'top5', '80 %'],
    [0.545, 'top1', '54.5 %'],
    [0.7, 'top1', '70 %'],
    [0.99999, 'top1', '100 %'],
    [1234.5678, 'flopsG', '1,234.568 G'],
    [3.14159, 'latency', '3.142 ms'],
    [25.5, 'paramsM', '25.5 M'],
    [45, 'sizeMB', '45 MB'],
    [224, 'inputSize', '224 px'],
    [0.1 + 0.2, 'latency', '0.3 ms'],
    [0.12345, 'top1', '12.35 %'],
    [0.12345, 'latency', '0.123 ms'],
  ]
  it.each(cases)('%s on %s is %j', (value, field, text) => {
    expect(formatAxisValue(value, field)).toBe(text)
  })
})
