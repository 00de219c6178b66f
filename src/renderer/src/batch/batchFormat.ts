/**
 * What the Batch view shows of a job: whether it runs, how far it is, its name. Pure; the view
 * turns the keys into words.
 */
import { isRunningState } from '@shared/batch/jobStates'
import { jobTitle } from '@shared/batch/jobTitle'
import type { BatchJob, BatchProgress } from '@shared/contract'

export { isRunningState, jobTitle }

/** A job whose remaining files can still be classified. */
export function isResumable(job: Pick<BatchJob, 'state'>): boolean {
  return job.state === 'paused' || job.state === 'interrupted' || job.state === 'failed'
}

/**
 * The job's last progress event while both it and the job say it runs: fresher than the
 * journal's counts. A stopped job's last event is stale; its journal counts are the truth.
 */
export function liveProgress(
  job: BatchJob,
  progress: BatchProgress | undefined,
): BatchProgress | null {
  return progress && isRunningState(job.state) && isRunningState(progress.state) ? progress : null
}

export interface JobCountsNow {
  /** Done and failed files. */
  done: number
  /** Null while the folders are still being walked. */
  total: number | null
  failed: number
  found: number
}

export function jobCountsNow(job: BatchJob, progress: BatchProgress | undefined): JobCountsNow {
  const live = liveProgress(job, progress)
  const c = job.counts
  return live
    ? { done: live.done, total: live.total, failed: live.failed, found: live.found }
    : {
        done: c.done + c.failed,
        total: job.enumerated ? c.total : null,
        failed: c.failed,
        found: c.total,
      }
}

/** Done and failed files against all found; null while the folders are still being walked. */
export function jobFraction(job: BatchJob, progress: BatchProgress | undefined): number | null {
  if (job.state === 'done') return 1
  const { done, total } = jobCountsNow(job, progress)
  if (total === null || total <= 0) return null
  return Math.max(0, Math.min(1, done / total))
}
