/**
 * What a benchmark point warns about, as keys the views put into words: measured while other
 * processes were busy, too few timed runs or too short a time (a cap cut it), or a warm-up that
 * never settled (the first timed runs may still be warming up). Pure.
 */

export type BenchPointFlag = 'busy' | 'minRuns' | 'minDuration' | 'warmup'

/** What the flags need of a point (the contract's BenchPoint has all of it). */
export interface FlaggedPoint {
  busy: boolean
  minRunsMet: boolean
  minDurationMet: boolean
  warmup: { settled: boolean }
}

/** The point's flags, in the order a reader weighs them: load first, then the run rules. */
export function benchPointFlags(point: FlaggedPoint): BenchPointFlag[] {
  const flags: BenchPointFlag[] = []
  if (point.busy) flags.push('busy')
  if (!point.minRunsMet) flags.push('minRuns')
  if (!point.minDurationMet) flags.push('minDuration')
  if (!point.warmup.settled) flags.push('warmup')
  return flags
}

/** Points a run's sweep has in all: every thread count times every batch size. */
export function benchPointTotal(spec: { batches: readonly number[]; threads: readonly number[] }) {
  return spec.batches.length * spec.threads.length
}
