import type { Job } from '../contract/batch'

/** A job's name: the last folder name of each of its folders ("Holiday, Scans"). */
export function jobTitle(job: Pick<Job, 'spec'>): string {
  return job.spec.folders
    .map((folder) => folder.split(/[\\/]/).filter(Boolean).pop() ?? folder)
    .join(', ')
}
