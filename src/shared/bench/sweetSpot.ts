/**
 * A model's latency–throughput curve across thread counts and batch sizes, and its "sweet spot":
 * the most images per second whose latency stays within a limit the user sets. Latency is the
 * wall time of one call of `batch` images (what a request of that many waits), p90 by default:
 * a limit is a promise about the slow calls too, which the median would let one in two break.
 * Pure: the curve view, Compare and the CLI read the same answer from stored points.
 */

export type LatencyFigure = 'median' | 'p90'

/** What the curve needs of a benchmark point (BenchPoint has all of it). */
export interface CurveInput {
  batch: number
  threads: number
  medianMs: number
  p90Ms: number
  imagesPerSecond: number
}

export interface CurvePoint<P extends CurveInput = CurveInput> {
  point: P
  latencyMs: number
  imagesPerSecond: number
}

/** One line of the curve: a thread count's points by ascending batch. */
export interface CurveSeries<P extends CurveInput = CurveInput> {
  threads: number
  points: CurvePoint<P>[]
}

const latencyOf = (point: CurveInput, figure: LatencyFigure) =>
  figure === 'median' ? point.medianMs : point.p90Ms

/** A point with figures a curve can place (a missing or broken figure is left out). */
function usable(point: CurveInput, figure: LatencyFigure): boolean {
  const latency = latencyOf(point, figure)
  return (
    Number.isFinite(latency) &&
    latency > 0 &&
    Number.isFinite(point.imagesPerSecond) &&
    point.imagesPerSecond > 0
  )
}

function curvePoint<P extends CurveInput>(point: P, figure: LatencyFigure): CurvePoint<P> {
  return { point, latencyMs: latencyOf(point, figure), imagesPerSecond: point.imagesPerSecond }
}

/** The curve: one series per thread count (ascending), each by ascending batch. */
export function latencyThroughputCurve<P extends CurveInput>(
  points: readonly P[],
  figure: LatencyFigure = 'p90',
): CurveSeries<P>[] {
  const byThreads = new Map<number, CurvePoint<P>[]>()
  for (const point of points) {
    if (!usable(point, figure)) continue
    const series = byThreads.get(point.threads) ?? []
    series.push(curvePoint(point, figure))
    byThreads.set(point.threads, series)
  }
  return [...byThreads.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([threads, series]) => ({
      threads,
      points: series.sort((a, b) => a.point.batch - b.point.batch),
    }))
}

/** Better first: more images/s, then lower latency, then fewer threads, then a smaller batch. */
function better(a: CurvePoint, b: CurvePoint): number {
  return (
    b.imagesPerSecond - a.imagesPerSecond ||
    a.latencyMs - b.latencyMs ||
    a.point.threads - b.point.threads ||
    a.point.batch - b.point.batch
  )
}

/**
 * The points no other point beats on both latency and throughput, by ascending latency: the
 * curve's upper-left edge, where every choice gives up throughput only for latency.
 */
export function latencyThroughputFrontier<P extends CurveInput>(
  points: readonly P[],
  figure: LatencyFigure = 'p90',
): CurvePoint<P>[] {
  const placed = points
    .filter((p) => usable(p, figure))
    .map((p) => curvePoint(p, figure))
    .sort((a, b) => a.latencyMs - b.latencyMs || better(a, b))
  const frontier: CurvePoint<P>[] = []
  for (const candidate of placed) {
    const last = frontier.at(-1)
    if (!last || candidate.imagesPerSecond > last.imagesPerSecond) frontier.push(candidate)
  }
  return frontier
}

export type SweetSpotResult<P extends CurveInput> =
  | {
      /** The best point within the limit. */
      kind: 'found'
      best: CurvePoint<P>
      /** The lowest-latency point (what the tightest limit could get). */
      fastest: CurvePoint<P>
    }
  /** No point is within the limit; `fastest` says how low a limit the model can meet. */
  | { kind: 'none-within'; fastest: CurvePoint<P> }
  /** Nothing to choose from: no points, or none with usable figures. */
  | { kind: 'no-points' }
  /** The limit is not a positive number of milliseconds. */
  | { kind: 'bad-limit' }

export function sweetSpot<P extends CurveInput>(
  points: readonly P[],
  limitMs: number,
  figure: LatencyFigure = 'p90',
): SweetSpotResult<P> {
  if (!Number.isFinite(limitMs) || limitMs <= 0) return { kind: 'bad-limit' }
  const placed = points.filter((p) => usable(p, figure)).map((p) => curvePoint(p, figure))
  if (placed.length === 0) return { kind: 'no-points' }
  const fastest = placed.reduce((a, b) =>
    b.latencyMs < a.latencyMs || (b.latencyMs === a.latencyMs && better(b, a) < 0) ? b : a,
  )
  const within = placed.filter((p) => p.latencyMs <= limitMs).sort(better)
  const best = within[0]
  return best ? { kind: 'found', best, fastest } : { kind: 'none-within', fastest }
}
