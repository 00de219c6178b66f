/**
 * The true classes of a batch job's files, for its accuracy (labelledFolders.ts does the
 * maths): from the `path,label` CSV the job was started with, or else from class-named
 * subfolders of its folders. Labels are matched against the job's class list: the ImageNet names
 * the app ships for a 1000-class model, otherwise the names the job's models carry; a model
 * without names still matches class indices.
 */
import { join } from 'node:path'
import type { JobSpec, LabelSource, LabelsFrom } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { readRegularFile } from '../files/regularFile'
import type { ExportRow } from './batchJournal'
import {
  folderLabels,
  labelOfPath,
  normalisedRelPath,
  parseLabelCsv,
  type ClassList,
  type LabelCsv,
} from './labelledFolders'

export interface JobClasses {
  /** For matching labels: an empty name where a class has none. */
  list: ClassList
  /** For reports: a name for every class ("class 7" where it has none). */
  display: string[]
}

/**
 * The class list of a job's models. Models of one job are compared against the same labels, so
 * the largest class count wins; `nameOf` gives what names are known (any model's).
 */
export function jobClasses(
  models: readonly { classes: number | null }[],
  nameOf: (model: number, index: number) => string | null,
  imagenet: readonly string[],
): JobClasses {
  const known = models.map((model) => model.classes ?? 0)
  const count = Math.max(0, ...known) || imagenet.length
  const names =
    count === imagenet.length
      ? [...imagenet]
      : Array.from({ length: count }, (_, index) => {
          for (let model = 0; model < models.length; model++) {
            const name = nameOf(model, index)
            if (name) return name
          }
          return ''
        })
  return { list: { names }, display: names.map((name, index) => name || `class ${index}`) }
}

export async function readLabelCsv(path: string, classes: ClassList): Promise<LabelCsv> {
  return parseLabelCsv((await readRegularFile(path, 'labelCsv')).toString('utf8'), classes)
}

/** A CSV given to a new job, checked now: it must be readable and label at least one file. */
export async function labelsFromCsv(path: string, classes: ClassList): Promise<LabelsFrom> {
  const csv = await readLabelCsv(path, classes)
  if (csv.byPath.size === 0) {
    const first = csv.problems[0]
    throw new AppError(
      'INVALID_INPUT',
      `The label CSV "${path}" labels no file${first ? ` (line ${first.line}: ${first.message})` : ' (it is empty)'}. Give one "path,label" line per file: its path relative to the folder, and a class index or name.`,
    )
  }
  return { kind: 'csv', path }
}

export interface FileLabeller {
  source: LabelSource
  labelOf: (row: ExportRow) => number | null
}

/**
 * Where the job's labels come from and each file's label; null when it has none: no CSV, and no
 * scheme names at least half of the subfolders (`topFolders`: the first folder of every path).
 */
export async function jobLabeller(
  spec: JobSpec,
  classes: ClassList,
  topFolders: () => string[],
): Promise<FileLabeller | null> {
  const from = spec.labelsFrom ?? { kind: 'folders' }
  if (from.kind === 'csv') {
    const { byPath, problems } = await readLabelCsv(from.path, classes)
    // A CSV may name files by absolute path as well as relative to the job's folder.
    const prefixes = spec.folders.map((folder) => normalisedRelPath(join(folder, '/')))
    return {
      source: { kind: 'csv', path: from.path, problems: problems.length },
      labelOf: (row) => byPath.get(row.path) ?? byPath.get(prefixes[row.folder] + row.path) ?? null,
    }
  }
  const labels = folderLabels(topFolders(), classes)
  if (!labels) return null
  return {
    source: {
      kind: 'folders',
      scheme: labels.scheme,
      unmatched: labels.unmatched,
      ambiguous: labels.ambiguous,
    },
    labelOf: (row) => labelOfPath(row.path, labels),
  }
}
