/** Small timing helpers shared by the benchmarks (percentiles as the bench service takes them). */
import { quantile } from '../src/shared/bench/latencyStats'

export interface Summary {
  n: number
  p50: number
  p95: number
  mean: number
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  }
}

/** Milliseconds per call of `fn`, after `warmup` untimed calls. */
export function timeSync(fn: () => unknown, iterations: number, warmup = 20): Summary {
  for (let i = 0; i < warmup; i++) fn()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint()
    fn()
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return summarize(samples)
}

export const ms = (value: number) => `${value.toFixed(3)} ms`
