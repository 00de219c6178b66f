import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chartFieldIds, chartFields } from '@shared/charts/chartFields'
import { chartPresets } from '@shared/charts/chartPresets'
import {
  axis,
  decodeChartState,
  defaultChartState,
  encodeChartState,
  V100_BS1,
  type ChartState,
} from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import { platformIds } from '@shared/contract'
import { readCatalogBundle } from '../../../src/main/catalog/catalogBundle'
import { projectRoot } from '../helpers/paths'

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ x: axis('latency'), y: axis('top1'), ...input })

/** Through the URL and back, as the Explore view does on reload. */
const viaUrl = (s: ChartState): ChartState =>
  decodeChartState(new URLSearchParams(encodeChartState(s).toString()))

describe('the default chart state', () => {
  it('is top-1 against V100 TensorRT batch-1 latency, every series, frontier and family lines on', () => {
    expect(defaultChartState.x).toEqual({
      field: 'latency',
      scale: chartFields.latency.defaultScale,
      latency: V100_BS1,
      min: null,
      max: null,
    })
    expect(V100_BS1).toEqual({ platform: 'v100-trt-fp32', batchSize: 1, threads: null })
    expect(defaultChartState.y).toEqual({
      field: 'top1',
      scale: chartFields.top1.defaultScale,
      latency: null,
      min: null,
      max: null,
    })
    expect(defaultChartState).toMatchObject({
      series: [],
      hidden: [],
      ids: [],
      budget: null,
      frontier: true,
      families: true,
      labels: 'frontier',
      selection: [],
      preset: null,
      title: null,
    })
  })

  it('is what an empty URL decodes to, and what the schema fills in around two axes', () => {
    expect(decodeChartState(new URLSearchParams())).toEqual(defaultChartState)
    expect(state()).toEqual(defaultChartState)
  })

  it('encodes to a short URL: defaults of the overlays are left out', () => {
    const keys = [...encodeChartState(defaultChartState).keys()].sort()
    expect(keys).toEqual(['x', 'xk', 'xs', 'y', 'ys'])
  })

  it.each(chartFieldIds)('axis(%s) takes the field’s default scale', (field) => {
    const a = axis(field)
    expect(a.scale).toBe(chartFields[field].defaultScale)
    expect(a.latency).toEqual(field === 'latency' ? V100_BS1 : null)
  })
})

const roundTrips: [string, ChartState][] = [
  ['the default', defaultChartState],
  ...chartPresets.map((p): [string, ChartState] => [`preset ${p.id}`, p.state]),
  ...platformIds.map((platform): [string, ChartState] => [
    `latency on ${platform}, batch 4`,
    state({ x: axis('latency', { latency: { platform, batchSize: 4, threads: null } }) }),
  ]),
  [
    'latency key with threads',
    state({
      x: axis('latency', { latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 } }),
    }),
  ],
  [
    'latency on the y axis with threads',
    state({
      x: axis('top5'),
      y: axis('latency', { latency: { platform: 'sd855-arm-fp32', batchSize: 2, threads: 2 } }),
    }),
  ],
  ['log scales on both axes', state({ x: axis('flopsG'), y: axis('top1', { scale: 'log' }) })],
  [
    'linear scale on a log-default field',
    state({ x: axis('paramsM', { scale: 'linear' }), y: axis('sizeMB', { scale: 'log' }) }),
  ],
  [
    'min and max, fractional and negative',
    state({ x: axis('latency', { min: 0, max: 20 }), y: axis('top1', { min: 0.7, max: 0.845 }) }),
  ],
  [
    'extreme numbers',
    state({
      x: axis('inputSize', { min: -1.5e-7, max: 1e21 }),
      y: axis('top5', { min: 1 / 3, max: 0.1 + 0.2 }),
    }),
  ],
  [
    'series, hidden, ids and selection lists',
    state({
      series: ['PP-LCNet', 'ResNet', 'MobileNetV3'],
      hidden: ['ResNet'],
      ids: ['ResNet50_vd', 'PPLCNet_x1_0', 'MobileNetV3_large_x1_0'],
      selection: ['PPLCNet_x1_0', 'ResNet50_vd'],
    }),
  ],
  ['a budget', state({ budget: 2.5 })],
  ['a tiny budget', state({ budget: 1e-9 })],
  ['frontier off', state({ frontier: false })],
  ['family lines off', state({ families: false })],
  ['both overlays off, no labels', state({ frontier: false, families: false, labels: 'none' })],
  ['every label', state({ labels: 'all' })],
  ['a preset name', state({ preset: 'v100-bs1' })],
  ['a title with spaces', state({ title: 'Mobile models on my phone' })],
  ['a Chinese title', state({ title: '移动端 CNN 模型 · 骁龙 855，单线程' })],
  ['a title with commas', state({ title: 'ResNet, PP-LCNet, and friends' })],
  ['a title with URL syntax', state({ title: 'a&b=c?d#e+f%20g/h' })],
  ['a title with outer spaces', state({ title: '  padded  ' })],
  ['a title with a newline and emoji', state({ title: 'line one\nline two 🚀' })],
  [
    'everything at once',
    state({
      x: axis('latency', {
        latency: { platform: 'xeon6148-paddle-fp32', batchSize: 1, threads: null },
        scale: 'log',
        min: 1,
        max: 100,
      }),
      y: axis('top5', { min: 0.8 }),
      series: ['ResNet', 'VGG'],
      hidden: ['VGG'],
      ids: ['ResNet50'],
      budget: 12,
      frontier: false,
      families: false,
      labels: 'all',
      selection: ['ResNet50'],
      preset: 'custom',
      title: 'Everything, at once: 全部',
    }),
  ],
]

describe('encodeChartState → decodeChartState', () => {
  it.each(roundTrips)('round-trips %s', (_label, s) => {
    expect(viaUrl(s)).toEqual(s)
  })

  // States are built without the schema (chartState, presets): the API must still take them as is.
  it.each(roundTrips)('%s is a state the API schema accepts unchanged', (_label, s) => {
    expect(chartStateSchema.parse(s)).toEqual(s)
  })

  it('round-trips every series and every model id of the shipped catalog as lists', () => {
    const { models } = readCatalogBundle(join(projectRoot, 'resources'))
    const series = [...new Set(models.map((m) => m.series))]
    expect(series.length).toBeGreaterThan(10)
    const s = state({
      series: series.slice(0, 200),
      hidden: series.slice(0, 5),
      ids: models.map((m) => m.id),
      selection: models.slice(0, 50).map((m) => m.id),
    })
    expect(viaUrl(s)).toEqual(s)
  })

  it.each(['', '   '])('treats a blank title %j as none, before and after the URL', (title) => {
    // A blank title would draw a chart without one; it means "no title of my own", so the
    // chart titles itself, and the URL cannot tell the two apart either.
    const s = state({ title })
    expect(s.title).toBeNull()
    expect(viaUrl(s).title).toBeNull()
  })
})

const huge = (n: number, prefix = 'S') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** `params` → what must come out; parts not named in `expect` must equal the default. */
const garbage: { name: string; params: Record<string, string>; expect: Partial<ChartState> }[] = [
  { name: 'an unknown x field', params: { x: 'speed' }, expect: {} },
  {
    name: 'an unknown y field next to a good x',
    params: { x: 'flopsG', y: 'speed' },
    expect: { x: axis('flopsG') },
  },
  { name: 'a bad scale', params: { x: 'flopsG', xs: 'cubic' }, expect: { x: axis('flopsG') } },
  {
    name: 'a bad scale drops that axis’s min and max but not the other axis',
    params: { x: 'flopsG', xs: 'cubic', xmin: '1', y: 'top5', ymin: '0.5' },
    expect: { x: axis('flopsG'), y: axis('top5', { min: 0.5 }) },
  },
  ...[
    'tpu.1',
    'v100-trt-fp32',
    'v100-trt-fp32.0',
    'v100-trt-fp32.abc',
    'v100-trt-fp32.1.999',
    'sd855-arm-fp32.1.x',
    '....',
    '',
  ].map((key) => ({
    name: `a bad latency key "${key}"`,
    params: { x: 'latency', xk: key, budget: '3' },
    expect: { budget: 3 },
  })),
  {
    name: 'a non-numeric min',
    params: { x: 'latency', xmin: 'abc', xmax: '7' },
    expect: { x: axis('latency', { max: 7 }) },
  },
  { name: 'an infinite max', params: { ymax: 'Infinity' }, expect: {} },
  {
    name: 'a negative budget',
    params: { budget: '-3', series: 'ResNet' },
    expect: { series: ['ResNet'] },
  },
  { name: 'a zero budget', params: { budget: '0', labels: 'all' }, expect: { labels: 'all' } },
  {
    name: 'a non-numeric budget',
    params: { budget: 'cheap', frontier: '0' },
    expect: { frontier: false },
  },
  {
    name: 'an unknown labels mode',
    params: { labels: 'loud', families: '0' },
    expect: { families: false },
  },
  {
    name: 'too many series (201)',
    params: { series: huge(201).join(','), hide: 'S1' },
    expect: { hidden: ['S1'] },
  },
  {
    name: 'too many ids (10,001)',
    params: { ids: huge(10_001, 'M').join(','), sel: 'M1,M2' },
    expect: { selection: ['M1', 'M2'] },
  },
  {
    name: 'too many hidden series',
    params: { hide: huge(500).join(','), budget: '4' },
    expect: { budget: 4 },
  },
  {
    name: 'too many selected models',
    params: { sel: huge(20_000, 'M').join(','), title: 'kept' },
    expect: { title: 'kept' },
  },
  {
    name: 'a list item over 200 characters',
    params: { series: `ResNet,${'x'.repeat(201)}`, ids: 'ResNet50' },
    expect: { ids: ['ResNet50'] },
  },
  {
    name: 'a title over 200 characters',
    params: { title: 'T'.repeat(201), preset: 'p' },
    expect: { preset: 'p' },
  },
  {
    name: 'a preset name over 100 characters',
    params: { preset: 'p'.repeat(101), title: 'kept' },
    expect: { title: 'kept' },
  },
  {
    name: 'several bad parts at once, good parts kept',
    params: {
      x: 'speed',
      y: 'flopsG',
      budget: '-1',
      labels: '??',
      series: 'ResNet,VGG',
      frontier: '0',
    },
    expect: { y: axis('flopsG'), series: ['ResNet', 'VGG'], frontier: false },
  },
]

describe('decodeChartState of bad parameters', () => {
  it.each(garbage)('falls back part by part on $name', ({ params, expect: parts }) => {
    let decoded: ChartState | undefined
    expect(() => {
      decoded = decodeChartState(new URLSearchParams(params))
    }).not.toThrow()
    expect(chartStateSchema.safeParse(decoded).success).toBe(true)
    expect(decoded).toEqual({ ...defaultChartState, ...parts })
  })

  it('falls back to the base it is given, not only to the default', () => {
    const base = chartPresets[0]!.state
    const decoded = decodeChartState(
      new URLSearchParams({ x: 'speed', y: 'top5', budget: '-2' }),
      base,
    )
    expect(decoded.x).toEqual(base.x)
    expect(decoded.budget).toBe(base.budget)
    expect(decoded.y).toEqual(axis('top5'))
  })

  it('never throws and always yields a valid state for 500 random query strings', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const keys = ['x', 'y', 'xs', 'ys', 'xk', 'yk', 'xmin', 'xmax', 'ymin', 'ymax', 'series']
    keys.push('hide', 'ids', 'budget', 'frontier', 'families', 'labels', 'sel', 'preset', 'title')
    const values = ['', '0', '-1', 'NaN', 'log', 'latency', 'top1', 'v100-trt-fp32.1', ',,,', '%']
    values.push('1e400', 'sd855-arm-fp32.1.4', 'ResNet,,VGG', 'all', 'x'.repeat(300), '\u0000')
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
    for (let i = 0; i < 500; i++) {
      const params = new URLSearchParams()
      const n = Math.floor(random() * 8)
      for (let j = 0; j < n; j++) params.append(pick(keys), pick(values))
      const decoded = decodeChartState(params)
      expect(chartStateSchema.safeParse(decoded).success, params.toString()).toBe(true)
    }
  })
})
