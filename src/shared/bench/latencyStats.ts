/**
 * The figures of a list of timings: one definition of a percentile for every benchmark (the
 * bench service and the scripts in bench/), so that a "p90" means the same wherever it is
 * printed or stored.
 */

/**
 * The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values, interpolated linearly between the two
 * nearest ranks (NumPy's default, `np.percentile(x, 100 * q)`). NaN for no values.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1)
  const below = Math.floor(at)
  const above = Math.min(sorted.length - 1, below + 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below)
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

export interface LatencyStats {
  /** How many timings the figures are of. */
  n: number
  medianMs: number
  p90Ms: number
  p99Ms: number
  minMs: number
  maxMs: number
  meanMs: number
  /** The sample standard deviation (n − 1); 0 for a single timing. */
  stdevMs: number
}

/** The figures of `timesMs` (any order). Throws on an empty list: no figure is not a zero. */
export function latencyStats(timesMs: readonly number[]): LatencyStats {
  if (timesMs.length === 0) throw new RangeError('latencyStats needs at least one timing')
  const sorted = [...timesMs].sort((a, b) => a - b)
  const n = sorted.length
  const mean = sorted.reduce((sum, t) => sum + t, 0) / n
  const squares = sorted.reduce((sum, t) => sum + (t - mean) ** 2, 0)
  return {
    n,
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    minMs: sorted[0]!,
    maxMs: sorted[n - 1]!,
    meanMs: mean,
    stdevMs: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
  }
}

/** Images per second of runs of `batch` images taking `medianMs` each. */
export function imagesPerSecond(batch: number, medianMs: number): number {
  return medianMs > 0 ? (batch * 1000) / medianMs : NaN
}
