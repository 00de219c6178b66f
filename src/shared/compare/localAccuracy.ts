/**
 * Figures measured on this machine, as their own rows of a comparison: a finished batch job whose
 * files carry their true classes gives each of its catalog models a top-1 (and top-5) on that
 * folder. Such a row says which folder and how many files, and is marked local: it is not the
 * published ImageNet figure, and two jobs on different folders are different rows. Pure; the
 * caller gathers the jobs (`batch.list` + `batch.accuracy`).
 */
import type { AccuracyReport, Job } from '../contract/batch'

export interface LocalAccuracySource {
  jobId: string
  /** The job's folders as the user named them. */
  folders: string[]
  /** Catalog id → the model's figures on the job's labelled files. */
  models: Map<string, { top1: number | null; top5: number | null; evaluated: number }>
  /** Labelled files of the job. */
  files: number
}

/** The catalog id a job's model stands for, or null for a custom model or a file. */
export function catalogIdOf(model: Job['spec']['models'][number]): string | null {
  return 'catalogId' in model.ref ? model.ref.catalogId : null
}

/** A finished job's accuracy as a source of local rows; null when nothing in it can be compared. */
export function localAccuracySource(
  job: Pick<Job, 'id' | 'spec' | 'state'>,
  report: AccuracyReport | null,
): LocalAccuracySource | null {
  if (job.state !== 'done' || !report || report.labelled === 0) return null
  const models = new Map<string, { top1: number | null; top5: number | null; evaluated: number }>()
  job.spec.models.forEach((model, index) => {
    const id = catalogIdOf(model)
    const figures = report.models[index]
    // Only complete evaluations: a model that failed on some files would be scored on others.
    if (id && figures && figures.evaluated > 0 && figures.pending === 0)
      models.set(id, { top1: figures.top1, top5: figures.top5, evaluated: figures.evaluated })
  })
  if (models.size === 0) return null
  return { jobId: job.id, folders: job.spec.folders, models, files: report.labelled }
}

/** The sources that give at least one of the compared models a figure. */
export function sourcesFor(
  ids: readonly string[],
  sources: readonly (LocalAccuracySource | null)[],
): LocalAccuracySource[] {
  return sources.filter(
    (s): s is LocalAccuracySource => s !== null && ids.some((id) => s.models.has(id)),
  )
}
