/**
 * When a benchmark point stops warming up and when it has timed enough: pure rules, applied by
 * the model host after each run (src/main/inference/host/inferenceHost.ts) and tested on
 * synthetic series.
 *
 * Warm-up goes on until the timings are steady, not for a fixed count: a model's first runs
 * allocate its arena and fill caches, and how many runs that takes differs per model and batch.
 * Steady means the median of the last `window` runs is within `tolerance` of the median of the
 * `window` runs before them. A cap (runs, time) ends a warm-up that never settles (a busy
 * machine, a model whose timings wander); the point then says it did not settle.
 */
import { median } from '../../shared/bench/latencyStats'

export interface WarmupRule {
  window: number
  /** The largest relative change between the two windows' medians that counts as steady. */
  tolerance: number
  maxRuns: number
  maxMs: number
}

export const DEFAULT_WARMUP: WarmupRule = {
  window: 5,
  tolerance: 0.05,
  maxRuns: 100,
  maxMs: 10_000,
}

export type WarmupVerdict = 'settled' | 'capped' | null

/** After a warm-up run: whether to stop (and why), given every warm-up timing so far. */
export function warmupVerdict(
  timesMs: readonly number[],
  elapsedMs: number,
  rule: WarmupRule,
): WarmupVerdict {
  const w = rule.window
  if (timesMs.length >= 2 * w) {
    const last = median(timesMs.slice(-w))
    const before = median(timesMs.slice(-2 * w, -w))
    if (Math.abs(last - before) <= rule.tolerance * before) return 'settled'
  }
  if (timesMs.length >= 1 && (timesMs.length >= rule.maxRuns || elapsedMs >= rule.maxMs))
    return 'capped'
  return null
}

/**
 * The timed runs: at least `minRuns` and at least `minDurationMs` in all, so that a fast model
 * gets many runs and a slow one still enough; a cap ends a point whose runs are too slow for
 * both, and the point says which minimum it missed.
 */
export interface TimingRule {
  minRuns: number
  minDurationMs: number
  maxRuns: number
  maxDurationMs: number
}

/** The cap for the given minimums: room for both on a slow model, not unbounded. */
export function timingRule(minRuns: number, minDurationMs: number): TimingRule {
  return {
    minRuns,
    minDurationMs,
    maxRuns: Math.max(minRuns, 200_000),
    maxDurationMs: Math.max(30_000, 2 * minDurationMs),
  }
}

export function timingDone(runs: number, elapsedMs: number, rule: TimingRule): boolean {
  if (runs >= rule.minRuns && elapsedMs >= rule.minDurationMs) return true
  return runs >= 1 && (runs >= rule.maxRuns || elapsedMs >= rule.maxDurationMs)
}
