/**
 * What the Batch view shows of a job: whether it runs, how far it is, its name. Pure; the view
 * turns the keys into words.
 */
import { isRunningState } from '@shared/batch/jobStates'
import type { BatchJob, BatchProgress } from '@shared/contract'

export { isRunningState }

/** A job whose remaining files can still be classified. */
export function isResumable(job: Pick<BatchJob, 'state'>): boolean {
  return job.state === 'paused' || job.state === 'interrupted' || job.state === 'failed'
}

/** Done and failed files against all found; null while the folders are still being walked. */
export function jobFraction(job: BatchJob, progress: BatchProgress | undefined): number | null {
  if (job.state === 'done') return 1
  const counts = job.counts
  const live = progress && progress.startedAt && isRunningState(progress.state) ? progress : null
  const done = live ? live.done : counts.done + counts.failed
  const total = live ? live.total : job.enumerated ? counts.total : null
  if (total === null || total <= 0) return null
  return Math.max(0, Math.min(1, done / total))
}

/** The last folder name of each of the job's folders, for its title. */
export function jobTitle(job: Pick<BatchJob, 'spec'>): string {
  return job.spec.folders
    .map((folder) => folder.split(/[\\/]/).filter(Boolean).pop() ?? folder)
    .join(', ')
}
