/**
 * The pure parts of a benchmark: the figures of a list of timings (against NumPy's, computed once
 * with `np.percentile` / `np.std(ddof=1)` and written down here), the warm-up and timing rules
 * on synthetic series, and a point's figures and busy verdict from a host's reply.
 */
import { describe, expect, it } from 'vitest'
import { imagesPerSecond, latencyStats, quantile } from '@shared/bench/latencyStats'
import { pointFigures, stageSplit } from '../../../src/main/bench/pointFigures'
import {
  DEFAULT_WARMUP,
  timingDone,
  timingRule,
  warmupVerdict,
  type WarmupRule,
} from '../../../src/main/bench/runRules'
import type { BenchReply, HostImageResult } from '../../../src/main/inference/host/hostProtocol'

describe('latencyStats', () => {
  // [input, median, p90, p99, min, mean, stdev] from NumPy 1.x.
  const numpy: [number[], number, number, number, number, number, number][] = [
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, 9.1, 9.91, 1, 5.5, 3.0276503540974917],
    [[5], 5, 5, 5, 5, 5, 0],
    [
      [3.2, 1.1, 9.7, 4.4, 4.4, 0.3, 12.5],
      4.4,
      10.82,
      12.332,
      0.3,
      5.0857142857142845,
      4.46371615414353,
    ],
    [[2, 2, 2, 2], 2, 2, 2, 2, 2, 0],
  ]
  it.each(numpy)('of %j match NumPy', (times, med, p90, p99, min, mean, stdev) => {
    const stats = latencyStats(times)
    expect(stats.n).toBe(times.length)
    expect(stats.medianMs).toBeCloseTo(med, 12)
    expect(stats.p90Ms).toBeCloseTo(p90, 12)
    expect(stats.p99Ms).toBeCloseTo(p99, 12)
    expect(stats.minMs).toBe(min)
    expect(stats.maxMs).toBe(Math.max(...times))
    expect(stats.meanMs).toBeCloseTo(mean, 12)
    expect(stats.stdevMs).toBeCloseTo(stdev, 12)
  })

  it('do not depend on the order of the timings, nor change them', () => {
    const times = [9.7, 0.3, 4.4, 12.5, 1.1, 4.4, 3.2]
    const copy = [...times]
    expect(latencyStats(times)).toEqual(latencyStats([...times].sort((a, b) => a - b)))
    expect(times).toEqual(copy)
  })

  it('refuse an empty list instead of making up a zero', () => {
    expect(() => latencyStats([])).toThrow(RangeError)
    expect(quantile([], 0.5)).toBeNaN()
  })

  it('quantile clamps q to [0, 1]', () => {
    expect(quantile([1, 2, 3], -1)).toBe(1)
    expect(quantile([1, 2, 3], 2)).toBe(3)
  })

  it('images/s is batch × 1000 / median, and none for a zero median', () => {
    expect(imagesPerSecond(8, 32)).toBe(250)
    expect(imagesPerSecond(1, 4)).toBe(250)
    expect(imagesPerSecond(4, 0)).toBeNaN()
  })
})

describe('the warm-up rule', () => {
  const rule: WarmupRule = { window: 5, tolerance: 0.05, maxRuns: 100, maxMs: 10_000 }
  /** The number of runs after which the rule stops a series, and why. */
  function stopsAt(series: number[], r = rule): { runs: number; verdict: string | null } {
    let elapsed = 0
    for (let i = 1; i <= series.length; i++) {
      elapsed += series[i - 1]!
      const verdict = warmupVerdict(series.slice(0, i), elapsed, r)
      if (verdict) return { runs: i, verdict }
    }
    return { runs: series.length, verdict: null }
  }

  it('settles after two steady windows on a flat series', () => {
    expect(stopsAt(Array(50).fill(4))).toEqual({ runs: 10, verdict: 'settled' })
  })

  it('keeps going while a slow start decays, and settles once it has', () => {
    // 40 ms first, halving towards 4 ms: steady only once the decay is under 5 % per window.
    const series = Array.from({ length: 100 }, (_, i) => 4 + 36 * 0.5 ** i)
    const { runs, verdict } = stopsAt(series)
    expect(verdict).toBe('settled')
    expect(runs).toBeGreaterThan(10)
    const last = series.slice(runs - 5, runs).sort((a, b) => a - b)[2]!
    const before = series.slice(runs - 10, runs - 5).sort((a, b) => a - b)[2]!
    expect(Math.abs(last - before) / before).toBeLessThanOrEqual(0.05)
    // One run earlier it was not yet steady.
    expect(warmupVerdict(series.slice(0, runs - 1), 0, rule)).toBeNull()
  })

  it('is not fooled by one outlier in a window (medians, not means)', () => {
    const series = [4, 4, 4, 4, 4, 4, 4, 40, 4, 4]
    expect(stopsAt(series)).toEqual({ runs: 10, verdict: 'settled' })
  })

  it('gives up at its run cap on a series that never settles, and says so', () => {
    // Alternating windows 4 ms and 8 ms: each window's median differs from the last one's.
    const series = Array.from({ length: 200 }, (_, i) => (Math.floor(i / 5) % 2 ? 8 : 4))
    expect(stopsAt(series)).toEqual({ runs: 100, verdict: 'capped' })
  })

  it('gives up at its time cap, after at least one run', () => {
    expect(warmupVerdict([], 60_000, rule)).toBeNull()
    expect(warmupVerdict([20_000], 20_000, rule)).toBe('capped')
    expect(stopsAt(Array(20).fill(3000))).toEqual({ runs: 4, verdict: 'capped' })
  })

  it('the default rule is the one documented', () => {
    expect(DEFAULT_WARMUP).toEqual({ window: 5, tolerance: 0.05, maxRuns: 100, maxMs: 10_000 })
  })
})

describe('the timing rule', () => {
  it('needs both the minimum count and the minimum duration', () => {
    const rule = timingRule(20, 2000)
    expect(timingDone(20, 1999, rule)).toBe(false)
    expect(timingDone(19, 5000, rule)).toBe(false)
    expect(timingDone(20, 2000, rule)).toBe(true)
  })

  it('stops a point whose runs are too slow for the minimums at its cap', () => {
    const rule = timingRule(20, 2000)
    expect(rule.maxDurationMs).toBe(30_000)
    expect(timingDone(7, 30_000, rule)).toBe(true)
    expect(timingDone(0, 30_000, rule)).toBe(false)
    // A long minimum duration gets room above it.
    expect(timingRule(20, 60_000).maxDurationMs).toBe(120_000)
  })
})

describe('pointFigures', () => {
  const reply = (over: Partial<BenchReply> = {}): BenchReply => ({
    warmup: { runs: 12, settled: true, timesMs: [] },
    timesMs: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    wallMs: 2000,
    // The host used one core; the machine two: another process used the other one.
    cpuMs: 2000,
    machine: { busyMs: 4000, idleMs: 0 },
    cpus: 2,
    peakRssBytes: 123 << 20,
    ...over,
  })
  const figures = (r: BenchReply, minRuns = 10, minDurationMs = 1000) =>
    pointFigures({
      batch: 4,
      threads: 1,
      reply: r,
      timing: timingRule(minRuns, minDurationMs),
      thresholdCores: 0.25,
      split: null,
      finishedAt: 'now',
    })

  it('computes the stats, images/s, the flags and the load', () => {
    const point = figures(reply())
    expect(point.medianMs).toBe(14.5)
    expect(point.imagesPerSecond).toBeCloseTo(4000 / 14.5, 9)
    expect(point.runs).toBe(10)
    expect(point.minRunsMet).toBe(true)
    expect(point.minDurationMet).toBe(true)
    expect(point.warmup).toEqual({ runs: 12, settled: true })
    expect(point.peakRssBytes).toBe(123 << 20)
    expect(point.load).toEqual({ otherCores: 1, ownCores: 1 })
    expect(point.busy).toBe(true)
  })

  it('says which minimum was not met', () => {
    const point = figures(reply({ wallMs: 500 }), 20, 1000)
    expect(point.minRunsMet).toBe(false)
    expect(point.minDurationMet).toBe(false)
  })

  it('is not busy when the machine did only the benchmark (tick rounding below zero is none)', () => {
    const point = figures(reply({ machine: { busyMs: 1990, idleMs: 2010 } }))
    expect(point.load.otherCores).toBe(0)
    expect(point.busy).toBe(false)
    expect(figures(reply({ machine: { busyMs: 2400, idleMs: 1600 } })).busy).toBe(false)
    expect(figures(reply({ machine: { busyMs: 2600, idleMs: 1400 } })).busy).toBe(true)
  })
})

describe('stageSplit', () => {
  const ok = (key: string, decodeMs: number, preprocessMs: number, inferenceMs: number) =>
    ({
      key,
      ok: true,
      output: new Float32Array(2),
      timings: { decodeMs, preprocessMs, inferenceMs },
      exact: true,
      image: { width: 1, height: 1, format: 'jpeg' },
    }) satisfies HostImageResult

  it('means each stage over the images that ran, and counts the others as failed', () => {
    const results: HostImageResult[] = [
      ok('0', 6, 1, 4),
      ok('1', 8, 3, 4),
      { key: '2', ok: false, error: { code: 'IMAGE_CORRUPT', message: 'bad' } },
    ]
    const split = stageSplit(
      results,
      new Map([
        ['0', 0.1],
        ['1', 0.3],
      ]),
      30,
    )
    expect(split).toEqual({
      images: 3,
      failed: 1,
      decodeMs: 7,
      preprocessMs: 2,
      inferenceMs: 4,
      postprocessMs: 0.2,
      wallMsPerImage: 10,
      imagesPerSecond: (2 * 1000) / 30,
    })
  })
})
