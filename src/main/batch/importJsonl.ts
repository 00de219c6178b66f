/**
 * `zoo batch merge`: shard outputs (our own JSON Lines exports) back into one journal job. Every
 * file is read twice, line by line (constant memory): once to check it all — a malformed line,
 * an unknown model or folder, a file whose sidecar names other models stops the merge before
 * anything is written — and once to import it, a few hundred files per transaction. Paths are
 * deduplicated by the journal (BatchJournal.importFiles); a path two shards classified
 * differently is reported, not overwritten.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import { AppError, isErrorCode } from '../../shared/errors'
import type { BatchJournal, ImportTally, ImportedFile } from './batchJournal'
import type { ClassScoreRecord, FileState, JobSpec, ModelResult } from '../../shared/contract'
import { SIDECAR_FORMAT, type Sidecar } from './exportResults'

export interface ImportReport extends ImportTally {
  lines: number
  files: number
  /** All conflicts; `conflicts` lists the first MAX_CONFLICTS_LISTED. */
  conflictCount: number
  /** Exports imported without a sidecar beside them: their models could not be checked. */
  unchecked: string[]
}

export const MAX_CONFLICTS_LISTED = 1000

/** Files per transaction. */
const IMPORT_CHUNK = 500

const nullableString = z.string().nullable()
const statuses = ['ok', 'failed', 'pending'] as const

const sidecarSchema = z.object({
  format: z.literal(SIDECAR_FORMAT),
  formatVersion: z.literal(1),
  job: z.string(),
  folders: z.array(z.string()).min(1),
  recursive: z.boolean(),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable(),
  models: z
    .array(
      z.object({
        ref: z.unknown(),
        id: z.string(),
        name: z.string(),
        sha256: z.string(),
        plan: z.unknown(),
        classes: z.number().int().nullable(),
      }),
    )
    .min(1),
  ortVersion: z.string(),
  options: z.object({
    topk: z.number().int().min(1),
    batchSize: z.number().int(),
    workers: z.number().int(),
    labelsFrom: z.unknown(),
  }),
})

/** Reads and checks an export's sidecar (`<export>.json`). */
export function readSidecar(path: string): Sidecar {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `"${path}" cannot be read as an export's sidecar (${(error as Error).message}).`,
    )
  }
  const checked = sidecarSchema.safeParse(parsed)
  if (!checked.success)
    throw new AppError(
      'INVALID_INPUT',
      `"${path}" is not a Zoo Explorer export sidecar: ${checked.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}.`,
    )
  return parsed as Sidecar
}

function sameModels(a: readonly { sha256: string }[], b: readonly { sha256: string }[]): boolean {
  return a.length === b.length && a.every((model, i) => model.sha256 === b[i]!.sha256)
}

/**
 * The spec of the job shard outputs merge into: the shards' own, without the shard. Refuses
 * sidecars of different models, folders count or top-k (not shards of one job).
 */
export function specForMerge(sidecars: readonly Sidecar[]): JobSpec {
  const [first, ...others] = sidecars
  if (!first) throw new AppError('INVALID_INPUT', 'Nothing to merge: no export was given.')
  for (const other of others) {
    const differs = !sameModels(first.models, other.models)
      ? 'models'
      : first.folders.length !== other.folders.length
        ? 'number of folders'
        : first.options.topk !== other.options.topk
          ? 'top-k'
          : first.recursive !== other.recursive
            ? 'recursion'
            : null
    if (differs)
      throw new AppError(
        'INVALID_INPUT',
        `The exports of jobs ${first.job} and ${other.job} differ in their ${differs}: they are not shards of one job.`,
      )
  }
  return {
    folders: first.folders,
    recursive: first.recursive,
    models: first.models,
    topk: first.options.topk,
    batchSize: first.options.batchSize,
    workers: first.options.workers,
    shard: null,
    ortVersion: first.ortVersion,
    labelsFrom: (first.options.labelsFrom as JobSpec['labelsFrom']) ?? null,
  }
}

interface Line {
  folder: number
  path: string
  model: number
  status: (typeof statuses)[number]
  top: ClassScoreRecord[]
  error: { code: NonNullable<ImportedFile['error']>['code']; message: string } | null
}

function invalid(where: string, what: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `${where}: ${what}. Is this a Zoo Explorer JSON Lines export?`,
  )
}

function parseLine(text: string, where: string, spec: JobSpec): Line {
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch {
    throw invalid(where, 'not a JSON object')
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    throw invalid(where, 'not a JSON object')
  const r = record as Record<string, unknown>
  const folder = r.folder
  if (
    !Number.isInteger(folder) ||
    (folder as number) < 0 ||
    (folder as number) >= spec.folders.length
  )
    throw invalid(
      where,
      `"folder" must be 0..${spec.folders.length - 1}, not ${JSON.stringify(folder)}`,
    )
  if (typeof r.path !== 'string' || r.path === '') throw invalid(where, '"path" is missing')
  const model = spec.models.findIndex((m) => m.id === r.model)
  if (model < 0)
    throw invalid(where, `model ${JSON.stringify(r.model)} is not one of this job's models`)
  const status = statuses.find((known) => known === r.status)
  if (!status)
    throw invalid(where, `"status" must be ok, failed or pending, not ${JSON.stringify(r.status)}`)
  const top: ClassScoreRecord[] = []
  for (let rank = 1; `top${rank}_index` in r; rank++) {
    const index = r[`top${rank}_index`]
    const name = r[`top${rank}_name`]
    const score = r[`top${rank}_score`]
    if (index === null || index === undefined) break
    if (!Number.isInteger(index) || typeof score !== 'number' || !Number.isFinite(score))
      throw invalid(where, `top${rank} needs an integer index and a score`)
    if (!nullableString.safeParse(name ?? null).success)
      throw invalid(where, `top${rank}_name must be text`)
    top.push({ index: index as number, label: (name as string | null) ?? null, score })
  }
  let error: Line['error'] = null
  if (status === 'failed') {
    const code = r.error_code
    if (!isErrorCode(code)) throw invalid(where, `unknown error code ${JSON.stringify(code)}`)
    error = { code, message: typeof r.error_message === 'string' ? r.error_message : '' }
  }
  if (status === 'ok' && top.length === 0) throw invalid(where, 'an ok row without classes')
  return { folder: folder as number, path: r.path, model, status, top, error }
}

function fileOf(lines: readonly Line[], where: string, spec: JobSpec): ImportedFile {
  const first = lines[0]!
  const models = new Set(lines.map((line) => line.model))
  if (models.size !== lines.length || lines.length !== spec.models.length)
    throw invalid(
      where,
      `"${first.path}" has ${lines.length} rows for ${models.size} models; the job has ${spec.models.length}`,
    )
  if (lines.some((line) => line.status !== first.status))
    throw invalid(where, `"${first.path}" is ok for one model and not for another`)
  const state: FileState =
    first.status === 'ok' ? 'done' : first.status === 'failed' ? 'failed' : 'pending'
  const results: ModelResult[] =
    state === 'done'
      ? [...lines].sort((a, b) => a.model - b.model).map((l) => ({ model: l.model, top: l.top }))
      : []
  return { root: first.folder, relPath: first.path, state, results, error: first.error }
}

/** The files of one export, a group of consecutive lines (one per model) each. */
async function* filesIn(path: string, spec: JobSpec): AsyncGenerator<ImportedFile> {
  const input = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input, crlfDelay: Infinity })
  let group: Line[] = []
  let number = 0
  let groupStart = 0
  try {
    for await (const text of lines) {
      number++
      if (text.trim() === '') continue
      const line = parseLine(
        number === 1 ? text.replace(/^\uFEFF/, '') : text,
        `${path}:${number}`,
        spec,
      )
      const current = group[0]
      if (current && (current.folder !== line.folder || current.path !== line.path)) {
        yield fileOf(group, `${path}:${groupStart}`, spec)
        group = []
      }
      if (group.length === 0) groupStart = number
      group.push(line)
    }
    if (group.length > 0) yield fileOf(group, `${path}:${groupStart}`, spec)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `There is no file "${path}".`)
    if (code === 'EISDIR') throw new AppError('NOT_A_FILE', `"${path}" is a folder, not an export.`)
    throw error
  } finally {
    lines.close()
    input.destroy()
  }
}

/**
 * Brings JSON Lines exports (shard outputs) into job `jobId`. Checks everything first: nothing is
 * written unless every line of every file parses and belongs to this job.
 */
export async function importJsonl(
  journal: BatchJournal,
  jobId: string,
  files: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<ImportReport> {
  const job = journal.job(jobId)
  if (!job) throw new AppError('NOT_FOUND', `There is no batch job "${jobId}".`)
  const { spec } = job
  const report: ImportReport = {
    lines: 0,
    files: 0,
    added: 0,
    updated: 0,
    duplicates: 0,
    kept: 0,
    conflicts: [],
    conflictCount: 0,
    unchecked: [],
  }
  const checkSignal = () => {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The merge was cancelled.')
  }
  for (const file of files) {
    const sidecarPath = `${file}.json`
    if (!existsSync(sidecarPath)) report.unchecked.push(file)
    else if (!sameModels(readSidecar(sidecarPath).models, spec.models))
      throw new AppError(
        'INVALID_INPUT',
        `"${file}" holds results of other models than job ${jobId}'s (see ${sidecarPath}).`,
      )
    for await (const _ of filesIn(file, spec)) checkSignal()
  }
  for (const file of files) {
    let chunk: ImportedFile[] = []
    const flush = () => {
      const tally = journal.importFiles(jobId, chunk)
      report.added += tally.added
      report.updated += tally.updated
      report.duplicates += tally.duplicates
      report.kept += tally.kept
      report.conflictCount += tally.conflicts.length
      const room = MAX_CONFLICTS_LISTED - report.conflicts.length
      report.conflicts.push(...tally.conflicts.slice(0, Math.max(0, room)))
      chunk = []
    }
    for await (const imported of filesIn(file, spec)) {
      checkSignal()
      report.files++
      report.lines += spec.models.length
      chunk.push(imported)
      if (chunk.length >= IMPORT_CHUNK) flush()
    }
    flush()
  }
  return report
}
