/**
 * What every long job reports as it goes, through the one `jobs.progress` event: downloads,
 * batch jobs and benchmarks, and conversions next. Each kind adds its own fields to this shape;
 * a progress bar, a rate and a time left read only these.
 */
import type { ApiError } from '../errors'

export interface JobProgress<K extends string = string, S extends string = string> {
  id: string
  /** Which kind of job this is ("download", "batch", "bench"). */
  job: K
  state: S
  /** Work done so far and in all, counted in `unit`; `total` is null while unknown. */
  done: number
  total: number | null
  unit: 'bytes' | 'files' | 'points'
  /** Units per second, smoothed. */
  rate: number
  /** Seconds left at that rate, when the total is known. */
  eta: number | null
  startedAt: string
  error: ApiError | null
}
