/**
 * The pure parts of the detail panel's "This machine" section: a point's flags, a sweep's point
 * count, the latency limit typed beside the curve, the benchmark numbers' one format, and the
 * curve's chart option (thread lines labelled by batch, the frontier, the sweet spot, the limit).
 * Points are made by hand so each expectation is known in advance.
 */
import { renderChartSvg } from '../../../src/main/export/renderChartSvg'
import type { EChartsOption } from 'echarts'
import { describe, expect, it } from 'vitest'
import { latencyNumber, throughputNumber } from '@shared/bench/benchNumbers'
import { benchPointFlags, benchPointTotal, type FlaggedPoint } from '@shared/bench/benchPointFlags'
import { parsePositiveNumber } from '@shared/format/parsePositiveNumber'
import {
  benchCurveOption,
  SWEET_SPOT_COLOR,
  type BenchCurveText,
} from '@shared/charts/benchCurveOption'
import { chartThemes } from '@shared/charts/chartPalette'

const calm: FlaggedPoint = {
  busy: false,
  minRunsMet: true,
  minDurationMet: true,
  warmup: { settled: true },
}

describe('benchPointFlags', () => {
  it.each<[string, Partial<FlaggedPoint>, string[]]>([
    ['a calm, complete point', {}, []],
    ['busy', { busy: true }, ['busy']],
    ['too few runs', { minRunsMet: false }, ['minRuns']],
    ['too short', { minDurationMet: false }, ['minDuration']],
    ['an unsettled warm-up', { warmup: { settled: false } }, ['warmup']],
    [
      'everything at once, load first',
      { busy: true, minRunsMet: false, minDurationMet: false, warmup: { settled: false } },
      ['busy', 'minRuns', 'minDuration', 'warmup'],
    ],
  ])('%s', (_, patch, flags) => {
    expect(benchPointFlags({ ...calm, ...patch })).toEqual(flags)
  })

  it('counts a sweep as every thread count times every batch', () => {
    expect(benchPointTotal({ batches: [1, 4, 8], threads: [1, 2] })).toBe(6)
    expect(benchPointTotal({ batches: [1], threads: [1] })).toBe(1)
  })
})

describe('parsePositiveNumber', () => {
  it.each<[string, number | null]>([
    ['20', 20],
    [' 2.5 ', 2.5],
    ['2,5', 2.5],
    ['', null],
    ['   ', null],
    ['0', NaN],
    ['-3', NaN],
    ['fast', NaN],
    ['Infinity', NaN],
  ])('%j → %s', (text, limit) => {
    expect(parsePositiveNumber(text)).toBe(limit)
  })
})

describe('benchmark numbers', () => {
  it('prints latencies like every latency figure and images/s whole above 10', () => {
    expect(latencyNumber(3.52449)).toBe('3.524')
    expect(latencyNumber(16.2)).toBe('16.2')
    expect(latencyNumber(1234.5)).toBe('1,234.5')
    expect(throughputNumber(473.6)).toBe('474')
    expect(throughputNumber(1234.4)).toBe('1,234')
    expect(throughputNumber(3.46)).toBe('3.5')
  })
})

/** The parts of ECharts' option types these tests read, without its wide unions. */
interface Series {
  type: string
  name: string
  data: { value: [number, number]; batch: number; threads: number }[]
  color?: string
  label?: { show: boolean; formatter: (p: { data: unknown }) => string }
  markLine?: { data: { xAxis: number }[]; label: { formatter: string } }
}

const point = (batch: number, threads: number, medianMs: number, p90Ms: number) => ({
  batch,
  threads,
  medianMs,
  p90Ms,
  imagesPerSecond: (batch * 1000) / medianMs,
})
// p90s 5, 18, 36 | 4, 16, 35; images/s 250, 267, 267 | 286, 296, 269.
const sweep = [
  point(1, 1, 4, 5),
  point(4, 1, 15, 18),
  point(8, 1, 30, 36),
  point(1, 2, 3.5, 4),
  point(4, 2, 13.5, 16),
  point(8, 2, 29.7, 35),
]
const text: BenchCurveText = {
  latencyAxis: 'p90 latency (ms)',
  throughputAxis: 'images/s',
  threads: (n) => `${n} thread${n === 1 ? '' : 's'}`,
  batch: (n) => `b${n}`,
  frontier: 'Frontier',
  sweetSpot: 'Sweet spot',
  limit: (ms) => `limit ${ms} ms`,
}
const seriesOf = (option: EChartsOption) => option.series as unknown as Series[]
const named = (option: EChartsOption, name: string) => seriesOf(option).find((s) => s.name === name)

describe('benchCurveOption', () => {
  const option = benchCurveOption({
    points: sweep,
    figure: 'p90',
    limitMs: 20,
    theme: 'light',
    text,
    interactive: false,
  })

  it('draws one line per thread count, by ascending batch, each point labelled by its batch', () => {
    const one = named(option, '1 thread')
    const two = named(option, '2 threads')
    expect(one?.type).toBe('line')
    expect(one?.data.map((d) => d.batch)).toEqual([1, 4, 8])
    expect(two?.data.map((d) => d.value[0])).toEqual([4, 16, 35])
    expect(one?.color).not.toBe(two?.color)
    expect(two?.label?.formatter({ data: two.data[2] })).toBe('b8')
  })

  it('puts the frontier under them, by ascending latency, in the theme’s frontier colour', () => {
    const frontier = named(option, 'Frontier')
    // 1×2 (4 ms, 286/s) then 4×2 (16 ms, 296/s); nothing slower gives more images/s.
    expect(frontier?.data.map((d) => `${d.batch}×${d.threads}`)).toEqual(['1×2', '4×2'])
    expect(frontier?.color).toBe(chartThemes.light.frontier)
    expect(frontier?.markLine?.data).toEqual([{ xAxis: 20 }])
    expect(frontier?.markLine?.label.formatter).toBe('limit 20 ms')
  })

  it('rings the sweet spot within the limit, and follows the figure chosen', () => {
    const spot = named(option, 'Sweet spot')
    expect(spot?.data.map((d) => `${d.batch}×${d.threads}`)).toEqual(['4×2'])
    expect(spot?.color).toBe(SWEET_SPOT_COLOR)
    // By the median only 1×2 (3.5 ms) is within 3.6 ms, though its p90 (4 ms) is not.
    const median = benchCurveOption({
      points: sweep,
      figure: 'median',
      limitMs: 3.6,
      theme: 'dark',
      text,
      interactive: false,
    })
    expect(named(median, 'Sweet spot')?.data.map((d) => d.value)).toEqual([[3.5, 1000 / 3.5]])
    expect(named(median, 'Frontier')?.color).toBe(chartThemes.dark.frontier)
  })

  it('marks no sweet spot and draws no limit line without a limit, or when none is within it', () => {
    for (const limitMs of [null, 2]) {
      const none = benchCurveOption({
        points: sweep,
        figure: 'p90',
        limitMs,
        theme: 'light',
        text,
        interactive: false,
      })
      expect(named(none, 'Sweet spot')?.data).toEqual([])
      expect(named(none, 'Frontier')?.markLine === undefined).toBe(limitMs === null)
    }
  })

  it('leaves out points without usable figures', () => {
    const broken = benchCurveOption({
      points: [...sweep, { ...point(16, 1, 60, 70), p90Ms: Number.NaN }],
      figure: 'p90',
      limitMs: 20,
      theme: 'light',
      text,
      interactive: false,
    })
    expect(named(broken, '1 thread')?.data.map((d) => d.batch)).toEqual([1, 4, 8])
  })
})

describe('benchCurveOption drawn', () => {
  it('labels no two images/s ticks alike when the points lie within a few images/s', () => {
    // 224.2 and 227.1 images/s: a 0.5 step would print "226, 226, 227, 227".
    const tight = [point(1, 1, 1000 / 224.2, 13.7), point(4, 1, 4000 / 227.1, 19.6)]
    const svg = renderChartSvg(
      benchCurveOption({
        points: tight,
        figure: 'p90',
        limitMs: 20,
        theme: 'light',
        text,
        interactive: false,
      }),
      480,
      300,
    )
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
    const whole = labels.filter((l) => /^\d{3}$/.test(l))
    expect(whole.length).toBeGreaterThanOrEqual(2)
    expect(new Set(whole).size).toBe(whole.length)
  })
})
