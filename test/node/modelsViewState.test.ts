import { describe, expect, it } from 'vitest'
import {
  columnIds,
  defaultViewState,
  hasFilters,
  listInputFor,
  parseLatencyKeyValue,
  latencyKeyValue,
  parseViewQuery,
  toViewQuery,
  withoutFilters,
  type ModelsViewState,
} from '../../src/renderer/src/catalog/modelsViewState'
import {
  formatPublished,
  publishedDigits,
  sourceLocation,
  toPercent,
} from '../../src/renderer/src/catalog/figureFormat'

/** Queries as a URL carries them, and the state each must give. */
const PARSE_CASES: {
  name: string
  query: Record<string, string>
  state: Partial<ModelsViewState>
}[] = [
  { name: 'empty query is the default view', query: {}, state: {} },
  {
    name: 'every key',
    query: {
      q: 'res',
      series: 'ResNet,PP-LCNet',
      distilled: '1',
      in22k: '1',
      dl: '1',
      sort: 'top1',
      dir: 'desc',
      cols: 'top1,series,latency',
      platform: 'sd855-arm-fp32',
      t: '4',
      model: 'ResNet50_vd',
    },
    state: {
      search: 'res',
      series: ['ResNet', 'PP-LCNet'],
      distilled: true,
      in22k: true,
      hasDownload: true,
      sort: { field: 'top1', direction: 'desc' },
      columns: ['series', 'top1', 'latency'],
      latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 },
      model: 'ResNet50_vd',
    },
  },
  { name: 'empty cols hides every optional column', query: { cols: '' }, state: { columns: [] } },
  {
    name: 'unknown values fall back to the defaults',
    query: { sort: 'nonsense', platform: 'tpu', bs: '999', cols: 'bogus,top5', distilled: 'yes' },
    state: { columns: ['top5'] },
  },
  {
    name: 'batch size for a GPU platform',
    query: { platform: 'v100-trt-fp32', bs: '8' },
    state: { latency: { platform: 'v100-trt-fp32', batchSize: 8, threads: null } },
  },
  {
    name: 'duplicate and blank series are dropped',
    query: { series: 'ResNet,,ResNet, ' },
    state: { series: ['ResNet'] },
  },
]

describe('models view state in the URL', () => {
  for (const { name, query, state } of PARSE_CASES) {
    it(`parses: ${name}`, () => {
      expect(parseViewQuery(query)).toEqual({ ...defaultViewState(), ...state })
    })
  }

  it('writes the default view as an empty query, so the plain route stays plain', () => {
    expect(toViewQuery(defaultViewState())).toEqual({})
  })

  it('round-trips every parsed state', () => {
    for (const { query } of PARSE_CASES) {
      const state = parseViewQuery(query)
      const written = toViewQuery(state) as Record<string, string>
      expect(parseViewQuery(written)).toEqual(state)
    }
  })

  it('clamps a hand-edited URL to what catalog.list accepts', () => {
    const state = parseViewQuery({ q: 'x'.repeat(500), series: Array(300).fill('S').join(',') })
    expect(state.search).toHaveLength(200)
    expect(state.series).toEqual(['S'])
  })

  it('builds the catalog.list input from the filters', () => {
    const state = parseViewQuery({ q: '  res  ', in22k: '1', series: 'ResNet' })
    expect(listInputFor(state)).toEqual({
      search: 'res',
      series: ['ResNet'],
      pretraining: 'ImageNet-22k',
      sort: { field: 'series', direction: 'asc' },
      latency: { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
      entryKinds: ['zoo', 'olderListOnly', 'surveyOnly'],
    })
  })

  it('lists entries outside the zoo by default, and only the zoo with outside=0', () => {
    const fresh = parseViewQuery({})
    expect(fresh.outside).toBe(true)
    expect(toViewQuery(fresh)).toEqual({})
    expect(hasFilters(fresh)).toBe(false)
    const off = parseViewQuery({ outside: '0' })
    expect(off.outside).toBe(false)
    expect(listInputFor(off).entryKinds).toEqual(['zoo'])
    expect(toViewQuery(off)).toEqual({ outside: '0' })
    expect(hasFilters(off)).toBe(true)
    expect(withoutFilters(off).outside).toBe(true)
  })

  it('encodes latency keys for a <select> and back', () => {
    for (const key of [
      { platform: 'v100-trt-fp32', batchSize: 4, threads: null },
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 2 },
    ] as const) {
      expect(parseLatencyKeyValue(latencyKeyValue(key))).toEqual(key)
    }
    expect(parseLatencyKeyValue('gpu:1:')).toBeNull()
  })

  it('knows every column once', () => {
    expect(new Set(columnIds).size).toBe(columnIds.length)
  })
})

describe('figure formatting', () => {
  it.each([
    // value, raw as written, display scale, published decimals in the display unit
    [0.7912, '0.7912', 100, 2],
    [0.83, '0.8300', 100, 2],
    [0.83, '0.830', 100, 1],
    [0.7704, '77.04', 100, 2],
    [25.557, '25.557M', 1, 3],
    [2.6, '2.60', 1, 2],
    [0.046, '46M', 1, null],
  ])('%s written "%s" at scale %s has %s decimals', (value, raw, scale, digits) => {
    expect(publishedDigits(value, raw, scale)).toBe(digits)
  })

  it('shows a figure at its published precision', () => {
    expect(formatPublished(0.83, '0.8300', 100)).toBe('83.00')
    expect(formatPublished(2.6, '2.60', 1)).toBe('2.60')
    expect(formatPublished(0.046, '46M', 1)).toBe('0.046')
  })

  it('turns fractions into percents without float noise', () => {
    expect(toPercent(0.7912)).toBe(79.12)
    expect(toPercent(0.8748)).toBe(87.48)
  })

  it('locates a source by file name and line', () => {
    expect(
      sourceLocation({ document: 'reference/paddleclas/docs/model_list.zh_CN.md', line: 164 }),
    ).toBe('model_list.zh_CN.md:164')
  })
})
