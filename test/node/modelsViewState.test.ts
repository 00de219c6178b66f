import { describe, expect, it } from 'vitest'
import type { ModelRow } from '@shared/contract'
import {
  cellNumber,
  cellSourceLine,
  sortsBy,
  sortTarget,
  tableColumns,
} from '../../src/renderer/src/catalog/columns'
import {
  columnIds,
  defaultViewState,
  hasFilters,
  latencyToken,
  listInputFor,
  parseLatencyKeyValue,
  parseLatencyToken,
  latencyKeyValue,
  parseViewQuery,
  toViewQuery,
  withoutFilters,
  withPrimaryLatency,
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
    name: 'added latency columns, in the order given',
    query: { lat: 'v100-trt-fp32:4,sd855-arm-fp32:t1' },
    state: {
      latencyColumns: [
        { platform: 'v100-trt-fp32', batchSize: 4, threads: null },
        { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
      ],
    },
  },
  {
    name: 'added latency columns: bad tokens, repeats and the "Latency on" key are dropped',
    query: {
      lat: 'tpu:1,v100-trt-fp32:,v100-trt-fp32:0,v100-trt-fp32:t99,v100-trt-fp32:1,sd855-arm-fp32:t2,,sd855-arm-fp32:t2,v100-trt-fp32:x4',
    },
    state: { latencyColumns: [{ platform: 'sd855-arm-fp32', batchSize: 1, threads: 2 }] },
  },
  {
    name: 'at most three added latency columns (four with "Latency on")',
    query: { lat: 'v100-trt-fp32:4,v100-trt-fp32:8,sd855-arm-fp32:t1,sd855-arm-fp32:t2' },
    state: {
      latencyColumns: [
        { platform: 'v100-trt-fp32', batchSize: 4, threads: null },
        { platform: 'v100-trt-fp32', batchSize: 8, threads: null },
        { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
      ],
    },
  },
  {
    name: 'a "Latency on" key chosen from the URL drops the same added column',
    query: { platform: 'sd855-arm-fp32', t: '4', lat: 'sd855-arm-fp32:t4,v100-trt-fp32:1' },
    state: {
      latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 },
      latencyColumns: [{ platform: 'v100-trt-fp32', batchSize: 1, threads: null }],
    },
  },
  {
    name: 'sorted by an added latency column',
    query: { lat: 'v100-trt-fp32:4', sort: 'latency', dir: 'desc', slat: 'v100-trt-fp32:4' },
    state: {
      latencyColumns: [{ platform: 'v100-trt-fp32', batchSize: 4, threads: null }],
      sort: {
        field: 'latency',
        direction: 'desc',
        latency: { platform: 'v100-trt-fp32', batchSize: 4, threads: null },
      },
    },
  },
  {
    name: 'a sort by a latency column not shown falls back to the default order',
    query: { lat: 'v100-trt-fp32:4', sort: 'latency', dir: 'desc', slat: 'v100-trt-fp32:8' },
    state: { latencyColumns: [{ platform: 'v100-trt-fp32', batchSize: 4, threads: null }] },
  },
  {
    name: 'a sort key equal to "Latency on" sorts by that column',
    query: { sort: 'latency', slat: 'v100-trt-fp32:1' },
    state: { sort: { field: 'latency', direction: 'asc' } },
  },
  {
    name: 'a sort latency key with another field is ignored',
    query: { lat: 'v100-trt-fp32:4', sort: 'top1', slat: 'v100-trt-fp32:4' },
    state: {
      latencyColumns: [{ platform: 'v100-trt-fp32', batchSize: 4, threads: null }],
      sort: { field: 'top1', direction: 'asc' },
    },
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

  it('writes latency tokens short, and reads back what it writes', () => {
    const cases = [
      [{ platform: 'v100-trt-fp32', batchSize: 4, threads: null }, 'v100-trt-fp32:4'],
      [{ platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 }, 'sd855-arm-fp32:t1'],
      [{ platform: 'sd855-arm-fp32', batchSize: 4, threads: 2 }, 'sd855-arm-fp32:4t2'],
      [
        { platform: 'xeon6271c-openvino-fp32', batchSize: 1, threads: null },
        'xeon6271c-openvino-fp32:1',
      ],
    ] as const
    for (const [key, token] of cases) {
      expect(latencyToken(key)).toBe(token)
      expect(parseLatencyToken(token)).toEqual(key)
    }
    for (const bad of [
      '',
      'v100-trt-fp32',
      'v100-trt-fp32:',
      'v100-trt-fp32:t',
      'v100-trt-fp32:65',
      'V100-TRT-FP32:1',
      'v100-trt-fp32:1 ',
    ]) {
      expect(parseLatencyToken(bad)).toBeNull()
    }
  })

  it('writes added latency columns and their sort as `lat` and `slat`', () => {
    const state = parseViewQuery({
      lat: 'v100-trt-fp32:4,sd855-arm-fp32:t1',
      sort: 'latency',
      slat: 'sd855-arm-fp32:t1',
    })
    expect(toViewQuery(state)).toEqual({
      lat: 'v100-trt-fp32:4,sd855-arm-fp32:t1',
      sort: 'latency',
      dir: 'asc',
      slat: 'sd855-arm-fp32:t1',
    })
    // Removing the column sorted by drops its sort too; the list input asks the service for it.
    expect(listInputFor(state).sort).toEqual({
      field: 'latency',
      direction: 'asc',
      latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
    })
    expect(toViewQuery({ ...state, latencyColumns: state.latencyColumns.slice(0, 1) })).toEqual({
      lat: 'v100-trt-fp32:4',
    })
    // Choosing an added column's key as "Latency on" moves the column there, and its sort.
    expect(
      toViewQuery({ ...state, latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 } }),
    ).toEqual({
      lat: 'v100-trt-fp32:4',
      sort: 'latency',
      dir: 'asc',
      platform: 'sd855-arm-fp32',
      t: '1',
    })
  })

  it('swaps "Latency on" with the added column whose key it takes, and its sort follows', () => {
    const state = parseViewQuery({
      lat: 'v100-trt-fp32:4,sd855-arm-fp32:t1',
      sort: 'latency',
      slat: 'v100-trt-fp32:4',
    })
    const swapped = parseViewQuery(
      toViewQuery({
        ...state,
        ...withPrimaryLatency(state, { platform: 'v100-trt-fp32', batchSize: 4, threads: null }),
      }) as Record<string, string>,
    )
    expect(swapped.latency).toEqual({ platform: 'v100-trt-fp32', batchSize: 4, threads: null })
    expect(swapped.latencyColumns).toEqual([
      { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
    ])
    // It sorted by the V100 batch 4 column, which is now "Latency on".
    expect(swapped.sort).toEqual({ field: 'latency', direction: 'asc' })
    // A key no column shows only changes "Latency on".
    const other = { platform: 'xeon6148-paddle-fp32', batchSize: 1, threads: null } as const
    expect(withPrimaryLatency(state, other)).toEqual({
      latency: other,
      latencyColumns: state.latencyColumns,
    })
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

describe('the table columns of a state', () => {
  const row = {
    id: 'M',
    latencyMs: 1.5,
    latencies: [
      { platform: 'v100-trt-fp32', batchSize: 1, threads: null, ms: 1.5, line: 10 },
      { platform: 'v100-trt-fp32', batchSize: 4, threads: null, ms: 3.25, line: 10 },
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1, ms: 42, line: 77 },
    ],
  } as unknown as ModelRow

  it('puts added latency columns right after "Latency on", also when it is hidden', () => {
    const state = parseViewQuery({ lat: 'sd855-arm-fp32:t1,v100-trt-fp32:8' })
    const keys = tableColumns(state).map((column) => column.key)
    expect(keys.slice(keys.indexOf('latency'))).toEqual([
      'latency',
      'lat-sd855-arm-fp32:t1',
      'lat-v100-trt-fp32:8',
      'download',
    ])
    const hidden = tableColumns({ ...state, columns: ['top1', 'download'] })
    expect(hidden.map((column) => column.key)).toEqual([
      'model',
      'top1',
      'lat-sd855-arm-fp32:t1',
      'lat-v100-trt-fp32:8',
      'download',
    ])
  })

  it('reads each latency column from its own key, with its source line', () => {
    const columns = tableColumns(parseViewQuery({ lat: 'sd855-arm-fp32:t1,v100-trt-fp32:8' }))
    const byKey = (key: string) => columns.find((column) => column.key === key)!
    expect(cellNumber(row, byKey('latency'))).toBe(row.latencyMs)
    expect(cellNumber(row, byKey('lat-sd855-arm-fp32:t1'))).toBe(42)
    expect(cellSourceLine(row, byKey('lat-sd855-arm-fp32:t1'))).toBe(77)
    // A figure the model lacks: nothing to show, no source.
    expect(cellNumber(row, byKey('lat-v100-trt-fp32:8'))).toBeNull()
    expect(cellSourceLine(row, byKey('lat-v100-trt-fp32:8'))).toBeNull()
    // Same digits as "Latency on": one formatter for all.
    expect(byKey('lat-v100-trt-fp32:8').digits).toBe(byKey('latency').digits)
  })

  it('sorts by an added column by its key, and tells the columns apart', () => {
    const state = parseViewQuery({ lat: 'v100-trt-fp32:4' })
    const [primary, added] = tableColumns(state).filter((column) => column.id === 'latency')
    expect(sortTarget(primary!)).toEqual({ field: 'latency' })
    expect(sortTarget(added!)).toEqual({ field: 'latency', latency: state.latencyColumns[0] })
    const byAdded = { ...sortTarget(added!)!, direction: 'asc' as const }
    expect(sortsBy(byAdded, added!)).toBe(true)
    expect(sortsBy(byAdded, primary!)).toBe(false)
    expect(sortsBy({ field: 'latency', direction: 'asc' }, primary!)).toBe(true)
    expect(sortsBy({ field: 'latency', direction: 'asc' }, added!)).toBe(false)
  })
})
