/** The latency–throughput curve and its sweet spot, including points with missing figures. */
import { describe, expect, it } from 'vitest'
import {
  latencyThroughputCurve,
  latencyThroughputFrontier,
  sweetSpot,
  type CurveInput,
} from '@shared/bench/sweetSpot'

const point = (batch: number, threads: number, medianMs: number, p90Ms = medianMs * 1.2) => ({
  batch,
  threads,
  medianMs,
  p90Ms,
  imagesPerSecond: (batch * 1000) / medianMs,
})

// A 2-core machine's MobileNetV2-like sweep: more threads help little, bigger batches more.
const sweep: CurveInput[] = [
  point(1, 1, 4),
  point(4, 1, 15),
  point(8, 1, 30),
  point(1, 2, 3.5),
  point(4, 2, 13.5),
  point(8, 2, 29.7),
]
const name = (p: { point: CurveInput } | undefined) =>
  p ? `${p.point.batch}×${p.point.threads}` : null

describe('sweetSpot', () => {
  it('takes the most images/s whose p90 is within the limit', () => {
    // p90s: 4.8, 18, 36, 4.2, 16.2, 35.64; images/s: 250, 267, 267, 286, 296, 269.
    const found = sweetSpot(sweep, 20)
    expect(found.kind).toBe('found')
    if (found.kind !== 'found') return
    expect(name(found.best)).toBe('4×2')
    expect(found.best.latencyMs).toBeCloseTo(16.2, 9)
    expect(name(found.fastest)).toBe('1×2')
  })

  it('holds the median to the limit when asked to, which lets slower points in', () => {
    const byP90 = sweetSpot(sweep, 14)
    const byMedian = sweetSpot(sweep, 14, 'median')
    expect(byP90.kind === 'found' && name(byP90.best)).toBe('1×2')
    expect(byMedian.kind === 'found' && name(byMedian.best)).toBe('4×2')
  })

  it('counts a latency exactly at the limit as within it', () => {
    const found = sweetSpot([point(4, 2, 10, 16)], 16)
    expect(found.kind).toBe('found')
  })

  it('says when nothing is within the limit, and how low a limit could go', () => {
    const found = sweetSpot(sweep, 2)
    expect(found).toMatchObject({ kind: 'none-within' })
    expect(found.kind === 'none-within' && name(found.fastest)).toBe('1×2')
  })

  it('says when there is nothing to choose from', () => {
    expect(sweetSpot([], 20)).toEqual({ kind: 'no-points' })
    const broken = [
      { ...point(1, 1, 4), p90Ms: NaN },
      { ...point(4, 1, 15), imagesPerSecond: 0 },
      { ...point(8, 1, 30), p90Ms: -1 },
    ]
    expect(sweetSpot(broken, 100)).toEqual({ kind: 'no-points' })
  })

  it('refuses a limit that is not a positive number of ms', () => {
    for (const limit of [0, -5, NaN, Infinity])
      expect(sweetSpot(sweep, limit)).toEqual({ kind: 'bad-limit' })
  })

  it('leaves out points with missing figures but uses the rest', () => {
    const some = [...sweep, { ...point(16, 2, 50), p90Ms: NaN }]
    const found = sweetSpot(some, 1000)
    // 16×2 would be 320 images/s, but its p90 is missing: 4×2 stays the best.
    expect(found.kind === 'found' && name(found.best)).toBe('4×2')
    expect(sweetSpot(some, 1000, 'median').kind === 'found').toBe(true)
    const byMedian = sweetSpot(some, 1000, 'median')
    expect(byMedian.kind === 'found' && name(byMedian.best)).toBe('16×2')
  })

  it('breaks a tie in images/s by lower latency, then fewer threads', () => {
    const tie = [point(4, 2, 16, 20), point(4, 1, 16, 18), point(8, 1, 32, 18)]
    // 4×1 and 8×1 both give 250 images/s at p90 18: fewer threads equal, smaller batch wins.
    const found = sweetSpot(tie, 25)
    expect(found.kind === 'found' && name(found.best)).toBe('4×1')
  })
})

describe('latencyThroughputCurve', () => {
  it('gives one series per thread count, by ascending batch, in the figure asked for', () => {
    const shuffled = [sweep[5]!, sweep[0]!, sweep[3]!, sweep[2]!, sweep[4]!, sweep[1]!]
    const curve = latencyThroughputCurve(shuffled)
    expect(curve.map((s) => s.threads)).toEqual([1, 2])
    expect(curve[0]!.points.map((p) => p.point.batch)).toEqual([1, 4, 8])
    expect(curve[1]!.points.map((p) => p.latencyMs)).toEqual([3.5 * 1.2, 13.5 * 1.2, 29.7 * 1.2])
    expect(latencyThroughputCurve(sweep, 'median')[1]!.points[0]!.latencyMs).toBe(3.5)
  })

  it('is empty for no usable points', () => {
    expect(latencyThroughputCurve([])).toEqual([])
    expect(latencyThroughputCurve([{ ...point(1, 1, 4), medianMs: Infinity }], 'median')).toEqual(
      [],
    )
  })
})

describe('latencyThroughputFrontier', () => {
  it('keeps the points no other beats on both latency and images/s', () => {
    const frontier = latencyThroughputFrontier(sweep)
    // 1×2 (4.2 ms, 286/s) beats 1×1; 4×2 (16.2 ms, 296/s) beats 4×1, 8×1 and 8×2.
    expect(frontier.map(name)).toEqual(['1×2', '4×2'])
  })
})
