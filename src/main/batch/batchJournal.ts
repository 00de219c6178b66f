/**
 * The batch journal: what a batch job is (its folders, models and options), every file it found
 * and what became of each, in SQLite (WAL), so that a job killed at any moment resumes where it
 * stopped: every write is one transaction (a chunk of files found, a batch of outcomes), a file is
 * done exactly when its results are stored, and a file whose size or mtime changed since is
 * pending again. Counts are kept in the job's row by the same transactions, so progress costs
 * one row read, not a count over a million rows.
 *
 * Writes take the write lock up front (IMMEDIATE): the app and a `zoo` command may share the data
 * folder. Two processes running the same job at once is prevented by the runner (a lease), and
 * caught here: an outcome for a file already done is refused, not written twice.
 */
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import type { Database, Statement } from 'better-sqlite3'
import type {
  ClassScoreRecord,
  FileState,
  Job,
  JobCounts,
  JobError,
  JobModel,
  JobSpec,
  JobState,
  LabelsFrom,
  ModelResult,
  ResultRow,
  ResultsQuery,
  Shard,
} from '../../shared/contract'
import { AppError, type ErrorCode } from '../../shared/errors'
import type { FoundFile, SkippedEntry } from './enumerateImages'

/**
 * Jobs "the same command again" goes on with: those not at their end, and those that stopped
 * as failed (a folder gone, the disk full), whose files left are still pending.
 */
const unfinishedStates: readonly JobState[] = [
  'enumerating',
  'running',
  'paused',
  'interrupted',
  'failed',
]
const finalStates: readonly JobState[] = ['done', 'cancelled', 'failed']

/** What makes "the same command again" the same job: it resumes instead of starting over. */
export interface JobMatch {
  folders: readonly string[]
  recursive: boolean
  models: readonly { sha256: string }[]
  shard: Shard | null
}

export interface FileRow {
  id: number
  root: number
  relPath: string
  absPath: string
  /** Null for entries not found as files (skipped, or merged from another journal). */
  size: number | null
  mtimeMs: number | null
}

export type FileOutcome =
  | { fileId: number; ok: true; results: ModelResult[]; timings?: Record<string, number> }
  | { fileId: number; ok: false; error: JobError }

/** One row of an export: one per file and model. */
export interface ExportRow {
  folder: number
  path: string
  /** The model's id (catalog or custom id). */
  model: string
  modelIndex: number
  status: 'ok' | 'failed' | 'pending'
  top: ClassScoreRecord[]
  error: JobError | null
}

/** A file with its stat as classified and one model's top-1 (null unless done). */
export interface Top1Row extends FileRow {
  state: FileState
  top1: ClassScoreRecord | null
}

/** What a file brought in from another journal's export holds (see importJsonl.ts). */
export interface ImportedFile {
  root: number
  relPath: string
  state: FileState
  results: ModelResult[]
  error: JobError | null
}

export interface ImportConflict {
  folder: number
  path: string
  /** What the journal keeps, and what the import said instead (top-1 of the first model that differs). */
  kept: { model: number; index: number; score: number }
  offered: { model: number; index: number; score: number }
}

export interface ImportTally {
  added: number
  /** Pending or failed here, done (or failed) in the import: taken. */
  updated: number
  /** The same outcome here already. */
  duplicates: number
  /** Done here, not done in the import: kept. */
  kept: number
  conflicts: ImportConflict[]
}

/** The job's provenance, as the export sidecar writes it. */
export interface Provenance {
  job: string
  state: JobState
  folders: string[]
  recursive: boolean
  shard: Shard | null
  models: JobModel[]
  ortVersion: string
  options: { topk: number; batchSize: number; workers: number; labelsFrom: LabelsFrom | null }
  counts: JobCounts
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export const RESULTS_PAGE_MAX = 1000
const EXPORT_PAGE = 500

interface JobRow {
  seq: number
  id: string
  spec_json: string
  state: JobState
  enumerated: number
  enum_pass: number
  total: number
  pending: number
  done: number
  failed: number
  error_code: ErrorCode | null
  error_message: string | null
  created_at: string
  updated_at: string
  finished_at: string | null
}

interface FileStateRow {
  id: number
  job: number
  rel_path: string
  size: number | null
  mtime_ms: number | null
  state: FileState
}

interface PageRow {
  id: number
  root: number
  rel_path: string
  size: number | null
  state: FileState
  error_code: ErrorCode | null
  error_message: string | null
}

interface GridRow extends PageRow {
  timings_json: string | null
}

interface ExportPageRow extends PageRow {
  model: number | null
  top_json: string | null
}

interface Top1PageRow {
  id: number
  root: number
  rel_path: string
  size: number | null
  mtime_ms: number | null
  state: FileState
  top1_index: number | null
  top1_score: number | null
}

/** Stored best first as [[index, score], …]; names live in batch_labels. */
type StoredTop = [number, number][]

interface Delta {
  total: number
  pending: number
  done: number
  failed: number
}

interface JobHandle {
  seq: number
  spec: JobSpec
}

function zeroDelta(): Delta {
  return { total: 0, pending: 0, done: 0, failed: 0 }
}

function resolvedFolders(folders: readonly string[]): string[] {
  return folders.map((folder) => resolve(folder))
}

function matchKey(match: JobMatch): string {
  return JSON.stringify({
    folders: resolvedFolders(match.folders),
    recursive: match.recursive,
    models: match.models.map((model) => model.sha256.toLowerCase()),
    shard: match.shard ? [match.shard.index, match.shard.count] : null,
  })
}

function runnerBug(message: string): AppError {
  return new AppError('INTERNAL', `Batch journal: ${message} (a bug in the batch runner).`)
}

export class BatchJournal {
  private readonly handles = new Map<string, JobHandle>()
  /** Class names by `${seq}:${model}:${index}` (null: the model has none for it), as stored. */
  private readonly labels = new Map<string, string | null>()
  private readonly s: Statements
  private readonly pageStatements = new Map<string, Statement>()
  private fileStatement: Statement | undefined

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.s = prepareStatements(db)
  }

  /** Starts a job (state "enumerating"); its folders are stored resolved. */
  createJob(spec: JobSpec): Job {
    if (spec.folders.length === 0) throw new AppError('INVALID_INPUT', 'A job needs a folder.')
    if (spec.models.length === 0) throw new AppError('INVALID_INPUT', 'A job needs a model.')
    // The exports name a result's model by its id: two models of one job need two ids.
    const ids = spec.models.map((model) => model.id)
    const twice = ids.find((id, i) => ids.indexOf(id) !== i)
    if (twice !== undefined)
      throw new AppError(
        'INVALID_INPUT',
        `The job names model "${twice}" twice; give each its own id.`,
      )
    const stored: JobSpec = {
      ...spec,
      folders: resolvedFolders(spec.folders),
      labelsFrom: spec.labelsFrom ?? null,
    }
    const at = this.now().toISOString()
    for (;;) {
      const id = randomBytes(5).toString('hex')
      try {
        this.s.insertJob.run(id, JSON.stringify(stored), matchKey(stored), at, at)
        return this.job(id)!
      } catch (error) {
        // Ten random hex digits collide about never; if they do, draw again.
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error
      }
    }
  }

  job(id: string): Job | null {
    const row = this.s.job.get(id) as JobRow | undefined
    return row ? this.toJob(row) : null
  }

  /** Newest first. */
  jobs(): Job[] {
    return (this.s.jobs.all() as JobRow[]).map((row) => this.toJob(row))
  }

  /** The newest job not finished with the same folders, recursion, models (by SHA-256) and shard. */
  findUnfinished(match: JobMatch): Job | null {
    const row = this.s.unfinished.get(matchKey(match), ...unfinishedStates) as JobRow | undefined
    return row ? this.toJob(row) : null
  }

  /**
   * Files found by one chunk of enumeration, in one transaction: a new path is pending; a known
   * one whose size or mtime changed is pending again (its results dropped); an unchanged one is
   * left alone (done stays done, failed stays failed). Skipped entries become failed rows.
   * Idempotent, so a pass killed half way is simply run again.
   */
  addFiles(
    jobId: string,
    found: readonly FoundFile[],
    skipped: readonly SkippedEntry[] = [],
  ): { added: number; changed: number } {
    const { seq } = this.handle(jobId)
    return this.write(() => {
      const pass = (this.s.enumPass.pluck().get(seq) as number) + 1
      const delta = zeroDelta()
      let added = 0
      let changed = 0
      for (const file of found) {
        const row = this.s.fileByPath.get(seq, file.root, file.relPath) as FileStateRow | undefined
        if (!row) {
          this.s.insertPending.run(seq, file.root, file.relPath, file.size, file.mtimeMs)
          added++
          delta.total++
          delta.pending++
        } else if (row.size === null && row.state === 'done') {
          // Merged from another journal without its size and mtime: the result stands.
          this.s.adoptStat.run(file.size, file.mtimeMs, row.id)
        } else if (row.size !== file.size || row.mtime_ms !== file.mtimeMs) {
          if (row.state === 'done') this.s.deleteResults.run(row.id)
          this.s.requeueChanged.run(file.size, file.mtimeMs, row.id)
          changed++
          delta[row.state]--
          delta.pending++
        }
      }
      for (const entry of skipped) {
        const { code, message } = entry.error
        const row = this.s.fileByPath.get(seq, entry.root, entry.relPath) as
          FileStateRow | undefined
        if (!row) {
          this.s.insertSkipped.run(seq, entry.root, entry.relPath, code, message, pass)
          added++
          delta.total++
          delta.failed++
          continue
        }
        if (row.state === 'done') this.s.deleteResults.run(row.id)
        if (row.state !== 'failed' || row.size !== null) changed++
        this.s.markSkipped.run(code, message, pass, row.id)
        delta[row.state]--
        delta.failed++
      }
      this.applyDelta(seq, delta)
      return { added, changed }
    })
  }

  /**
   * A whole enumeration pass is in: entries skipped by an earlier pass and not seen in this one
   * (a FIFO since removed, a folder readable again) are dropped.
   */
  markEnumerated(jobId: string): void {
    const { seq } = this.handle(jobId)
    this.write(() => {
      const pass = (this.s.enumPass.pluck().get(seq) as number) + 1
      const dropped = this.s.dropUnseenSkipped.run(seq, pass).changes
      this.applyDelta(seq, { total: -dropped, pending: 0, done: 0, failed: -dropped })
      this.s.markEnumerated.run(pass, this.stamp(), seq)
    })
  }

  /** Up to `limit` pending files after file id `afterId`, in file-id order. */
  pending(jobId: string, limit: number, afterId = 0): FileRow[] {
    const { seq, spec } = this.handle(jobId)
    const rows = this.s.pending.all(seq, afterId, limit) as {
      id: number
      root: number
      rel_path: string
      size: number | null
      mtime_ms: number | null
    }[]
    return rows.map((row) => ({
      id: row.id,
      root: row.root,
      relPath: row.rel_path,
      absPath: absolute(spec, row.root, row.rel_path),
      size: row.size,
      mtimeMs: row.mtime_ms,
    }))
  }

  /** One of the job's files, wherever its state; null when the job has no file of that id. */
  file(jobId: string, fileId: number): FileRow | null {
    const { seq, spec } = this.handle(jobId)
    this.fileStatement ??= this.db.prepare(
      'SELECT id, root, rel_path, size, mtime_ms FROM batch_files WHERE job = ? AND id = ?',
    )
    const row = this.fileStatement.get(seq, fileId) as
      | { id: number; root: number; rel_path: string; size: number | null; mtime_ms: number | null }
      | undefined
    if (!row) return null
    return {
      id: row.id,
      root: row.root,
      relPath: row.rel_path,
      absPath: absolute(spec, row.root, row.rel_path),
      size: row.size,
      mtimeMs: row.mtime_ms,
    }
  }

  /**
   * One batch of outcomes, in one transaction: results and file states together. Each ok outcome
   * has one result per job model. An outcome for a file already done, or not in this job, is a
   * runner bug: the whole batch is refused (INTERNAL) and nothing of it written.
   */
  recordBatch(jobId: string, outcomes: readonly FileOutcome[]): void {
    const { seq, spec } = this.handle(jobId)
    this.write(() => {
      const delta = zeroDelta()
      for (const outcome of outcomes) {
        const row = this.s.fileById.get(outcome.fileId) as FileStateRow | undefined
        if (!row || row.job !== seq)
          throw runnerBug(`file ${outcome.fileId} is not a file of job ${jobId}`)
        if (row.state === 'done')
          throw runnerBug(`"${row.rel_path}" is done already; it was classified twice`)
        if (outcome.ok) {
          this.insertResults(seq, spec, row, outcome.results)
          this.s.setDone.run(outcome.timings ? JSON.stringify(outcome.timings) : null, row.id)
          delta[row.state]--
          delta.done++
        } else {
          this.s.setFailed.run(outcome.error.code, outcome.error.message, row.id)
          delta[row.state]--
          delta.failed++
        }
      }
      this.applyDelta(seq, delta)
    })
  }

  /** Where the job's true classes come from (a CSV given when the job is started or resumed). */
  setLabelsFrom(jobId: string, labelsFrom: LabelsFrom | null): void {
    const handle = this.handle(jobId)
    // json_set in place: the spec another process holds keeps its other fields as they are.
    this.s.setLabelsFrom.run(JSON.stringify(labelsFrom), handle.seq)
    handle.spec = { ...handle.spec, labelsFrom }
  }

  setState(jobId: string, state: JobState, error?: JobError | null): void {
    const { seq } = this.handle(jobId)
    const at = this.stamp()
    this.s.setState.run(
      state,
      error?.code ?? null,
      error?.message ?? null,
      at,
      finalStates.includes(state) ? at : null,
      seq,
    )
  }

  /**
   * The files of folder `root` that failed as not found are pending again (the folder itself
   * went, which explains them); returns how many.
   */
  requeueNotFound(jobId: string, root: number): number {
    const { seq } = this.handle(jobId)
    return this.write(() => {
      const requeued = this.s.requeueNotFound.run(seq, root).changes
      this.applyDelta(seq, { total: 0, pending: requeued, done: 0, failed: -requeued })
      return requeued
    })
  }

  /**
   * Failed files are pending again; returns how many. Entries the enumeration skipped (a FIFO,
   * an unreadable folder) are not files to read again: the next enumeration pass checks them.
   */
  retryFailed(jobId: string): number {
    const { seq } = this.handle(jobId)
    return this.write(() => {
      const requeued = this.s.retryFailed.run(seq).changes
      this.applyDelta(seq, { total: 0, pending: requeued, done: 0, failed: -requeued })
      return requeued
    })
  }

  /**
   * A page of files with their results, filtered and sorted, for a virtualised grid. A class or
   * score filter, or a sort by score, looks at `model`'s top-1 and so lists only files with a
   * result (done); each query runs on an index (no sort of the whole job).
   */
  results(jobId: string, query: ResultsQuery): ResultRow[] {
    const { seq, spec } = this.handle(jobId)
    const limit = Math.min(Math.max(0, Math.floor(query.limit)), RESULTS_PAGE_MAX)
    const offset = Math.max(0, Math.floor(query.offset ?? 0))
    const sort = query.sort ?? 'id'
    const { from, params } = this.filter(seq, spec, query, sort.startsWith('score'))
    const order = {
      id: 'f.id',
      path: 'f.root, f.rel_path',
      'score-desc': 'r.top1_score DESC, r.file_id DESC',
      'score-asc': 'r.top1_score ASC, r.file_id ASC',
    }[sort]
    const sql = `SELECT f.id, f.root, f.rel_path, f.size, f.state, f.error_code, f.error_message,
        f.timings_json
      ${from} ORDER BY ${order} LIMIT ? OFFSET ?`
    const rows = this.pageStatement(sql).all(...params, limit, offset) as GridRow[]
    return rows.map((row) => ({
      fileId: row.id,
      root: row.root,
      relPath: row.rel_path,
      size: row.size,
      state: row.state,
      error: errorOf(row),
      results:
        row.state === 'done'
          ? (this.s.resultsOf.all(row.id) as { model: number; top_json: string }[]).map(
              (result) => ({
                model: result.model,
                top: this.withLabels(seq, result.model, JSON.parse(result.top_json) as StoredTop),
              }),
            )
          : [],
      timings: row.timings_json ? (JSON.parse(row.timings_json) as Record<string, number>) : null,
    }))
  }

  /** How many files `results` pages through for this query (and sort: by score, done ones). */
  resultCount(jobId: string, query: Omit<ResultsQuery, 'limit' | 'offset'>): number {
    const { seq, spec } = this.handle(jobId)
    const { from, params } = this.filter(seq, spec, query, (query.sort ?? 'id').startsWith('score'))
    return this.pageStatement(`SELECT count(*) ${from}`)
      .pluck()
      .get(...params) as number
  }

  /**
   * Every file × model of the job, ordered by (folder, path, model), read a page at a time: no
   * query stays open between pages (the runner may write meanwhile), memory stays constant.
   */
  *iterateAll(jobId: string): Generator<ExportRow> {
    const { seq, spec } = this.handle(jobId)
    let after: [number, string] = [-1, '']
    for (;;) {
      const rows = this.s.exportPage.all(seq, after[0], after[1], EXPORT_PAGE) as ExportPageRow[]
      if (rows.length === 0) return
      let index = 0
      while (index < rows.length) {
        const first = rows[index]!
        const results = new Map<number, string>()
        while (index < rows.length && rows[index]!.id === first.id) {
          const row = rows[index++]!
          if (row.model !== null && row.top_json !== null) results.set(row.model, row.top_json)
        }
        yield* this.exportRowsOf(seq, spec, first, results)
        after = [first.root, first.rel_path]
      }
    }
  }

  /**
   * Every file of the job with its stat as classified and `model`'s top-1, in file-id order, a
   * page at a time (constant memory; no query stays open between pages): what sorting into
   * folders walks.
   */
  *iterateTop1(jobId: string, model: number): Generator<Top1Row> {
    const { seq, spec } = this.handle(jobId)
    if (!Number.isInteger(model) || !spec.models[model])
      throw new AppError('INVALID_INPUT', `The job has no model ${model}.`)
    const page = this.pageStatement(
      `SELECT f.id, f.root, f.rel_path, f.size, f.mtime_ms, f.state, r.top1_index, r.top1_score
       FROM batch_files f LEFT JOIN batch_results r ON r.file_id = f.id AND r.model = ?
       WHERE f.job = ? AND f.id > ? ORDER BY f.id LIMIT ?`,
    )
    let after = 0
    for (;;) {
      const rows = page.all(model, seq, after, EXPORT_PAGE) as Top1PageRow[]
      if (rows.length === 0) return
      for (const row of rows) {
        const top1 =
          row.state === 'done' && row.top1_index !== null && row.top1_score !== null
            ? this.withLabels(seq, model, [[row.top1_index, row.top1_score]])[0]!
            : null
        yield {
          id: row.id,
          root: row.root,
          relPath: row.rel_path,
          absPath: absolute(spec, row.root, row.rel_path),
          size: row.size,
          mtimeMs: row.mtime_ms,
          state: row.state,
          top1,
        }
      }
      after = rows[rows.length - 1]!.id
    }
  }

  /** The class names stored for a job's model (those its results named), by class index. */
  labelsOf(jobId: string, model: number): Map<number, string> {
    const { seq } = this.handle(jobId)
    const rows = this.pageStatement(
      'SELECT class_index, label FROM batch_labels WHERE job = ? AND model = ?',
    ).all(seq, model) as { class_index: number; label: string }[]
    return new Map(rows.map((row) => [row.class_index, row.label]))
  }

  /** The job as an export's sidecar states it. */
  provenance(jobId: string): Provenance {
    const job = this.job(jobId)
    if (!job) throw new AppError('NOT_FOUND', `There is no batch job "${jobId}".`)
    const { spec } = job
    return {
      job: job.id,
      state: job.state,
      folders: spec.folders,
      recursive: spec.recursive,
      shard: spec.shard,
      models: spec.models,
      ortVersion: spec.ortVersion,
      options: {
        topk: spec.topk,
        batchSize: spec.batchSize,
        workers: spec.workers,
        labelsFrom: spec.labelsFrom ?? null,
      },
      counts: job.counts,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      finishedAt: job.finishedAt,
    }
  }

  /**
   * Files from another journal's export (a shard's), in one transaction, deduplicated by path: a
   * path new here is added as it was; a path pending or failed here takes a done (or failed)
   * outcome; a path done here keeps its results, and a different result offered for it is
   * reported as a conflict.
   */
  importFiles(jobId: string, files: readonly ImportedFile[]): ImportTally {
    const { seq, spec } = this.handle(jobId)
    return this.write(() => {
      const tally: ImportTally = { added: 0, updated: 0, duplicates: 0, kept: 0, conflicts: [] }
      const delta = zeroDelta()
      for (const file of files) {
        if (file.root < 0 || file.root >= spec.folders.length)
          throw new AppError(
            'INVALID_INPUT',
            `"${file.relPath}" names folder ${file.root}; the job has ${spec.folders.length}.`,
          )
        const row = this.s.fileByPath.get(seq, file.root, file.relPath) as FileStateRow | undefined
        if (!row) {
          const id = Number(
            this.s.insertImported.run(
              seq,
              file.root,
              file.relPath,
              file.state,
              file.error?.code ?? null,
              file.error?.message ?? null,
            ).lastInsertRowid,
          )
          if (file.state === 'done') this.insertResults(seq, spec, { ...row!, id }, file.results)
          tally.added++
          delta.total++
          delta[file.state]++
        } else if (row.state === 'done') {
          if (file.state !== 'done') tally.kept++
          else {
            const conflict = this.conflictWith(row.id, file)
            if (conflict) tally.conflicts.push(conflict)
            else tally.duplicates++
          }
        } else if (file.state === 'done') {
          this.insertResults(seq, spec, row, file.results)
          this.s.setDone.run(null, row.id)
          tally.updated++
          delta[row.state]--
          delta.done++
        } else if (file.state === 'failed' && row.state === 'pending') {
          this.s.setFailed.run(file.error?.code ?? 'INTERNAL', file.error?.message ?? '', row.id)
          tally.updated++
          delta.pending--
          delta.failed++
        } else tally.duplicates++
      }
      this.applyDelta(seq, delta)
      return tally
    })
  }

  /** The database file (null when in memory): its disk is where the journal needs room. */
  get path(): string | null {
    return this.db.memory ? null : this.db.name
  }

  /** `PRAGMA integrity_check`: "ok", or what is wrong. */
  integrity(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join('\n')
  }

  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate()
  }

  private stamp(): string {
    return this.now().toISOString()
  }

  private handle(jobId: string): JobHandle {
    let handle = this.handles.get(jobId)
    if (!handle) {
      const row = this.s.job.get(jobId) as JobRow | undefined
      if (!row) throw new AppError('NOT_FOUND', `There is no batch job "${jobId}".`)
      handle = { seq: row.seq, spec: JSON.parse(row.spec_json) as JobSpec }
      this.handles.set(jobId, handle)
    }
    return handle
  }

  private toJob(row: JobRow): Job {
    return {
      id: row.id,
      spec: JSON.parse(row.spec_json) as JobSpec,
      state: row.state,
      enumerated: row.enumerated === 1,
      counts: { total: row.total, pending: row.pending, done: row.done, failed: row.failed },
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
    }
  }

  private applyDelta(seq: number, delta: Delta): void {
    this.s.counts.run(delta.total, delta.pending, delta.done, delta.failed, this.stamp(), seq)
  }

  private insertResults(
    seq: number,
    spec: JobSpec,
    row: { id: number; rel_path: string },
    results: readonly ModelResult[],
  ): void {
    const models = new Set(results.map((result) => result.model))
    if (results.length !== spec.models.length || models.size !== spec.models.length)
      throw runnerBug(
        `"${row.rel_path}" has results for models [${[...models].join(', ')}]; the job has ${spec.models.length}`,
      )
    for (const result of results) {
      if (!spec.models[result.model])
        throw runnerBug(`"${row.rel_path}" has a result for model ${result.model}`)
      const first = result.top[0]
      if (!first) throw runnerBug(`"${row.rel_path}" has no classes for model ${result.model}`)
      const stored: StoredTop = result.top.map((entry) => [entry.index, entry.score])
      this.s.insertResult.run(
        row.id,
        result.model,
        seq,
        first.index,
        first.score,
        JSON.stringify(stored),
      )
      for (const entry of result.top) {
        if (entry.label === null) continue
        const key = `${seq}:${result.model}:${entry.index}`
        if (typeof this.labels.get(key) === 'string') continue
        this.s.insertLabel.run(seq, result.model, entry.index, entry.label)
        this.labels.set(key, entry.label)
      }
    }
  }

  private withLabels(seq: number, model: number, top: StoredTop): ClassScoreRecord[] {
    return top.map(([index, score]) => {
      const key = `${seq}:${model}:${index}`
      let label = this.labels.get(key)
      if (label === undefined) {
        label = (this.s.label.pluck().get(seq, model, index) as string | undefined) ?? null
        this.labels.set(key, label)
      }
      return { index, label, score }
    })
  }

  private *exportRowsOf(
    seq: number,
    spec: JobSpec,
    file: ExportPageRow,
    results: ReadonlyMap<number, string>,
  ): Generator<ExportRow> {
    for (const [modelIndex, model] of spec.models.entries()) {
      const base = { folder: file.root, path: file.rel_path, model: model.id, modelIndex }
      const stored = results.get(modelIndex)
      if (file.state === 'done' && stored !== undefined) {
        const top = this.withLabels(seq, modelIndex, JSON.parse(stored) as StoredTop)
        yield { ...base, status: 'ok', top, error: null }
      } else if (file.state === 'failed') {
        yield { ...base, status: 'failed', top: [], error: errorOf(file) }
      } else {
        yield { ...base, status: 'pending', top: [], error: null }
      }
    }
  }

  private conflictWith(fileId: number, file: ImportedFile): ImportConflict | null {
    const here = new Map(
      (this.s.resultsOf.all(fileId) as { model: number; top_json: string }[]).map((row) => [
        row.model,
        JSON.parse(row.top_json) as StoredTop,
      ]),
    )
    for (const result of file.results) {
      const kept = here.get(result.model)
      const offered: StoredTop = result.top.map((entry) => [entry.index, entry.score])
      if (kept && JSON.stringify(kept) === JSON.stringify(offered)) continue
      return {
        folder: file.root,
        path: file.relPath,
        kept: { model: result.model, index: kept?.[0]?.[0] ?? -1, score: kept?.[0]?.[1] ?? NaN },
        offered: {
          model: result.model,
          index: offered[0]?.[0] ?? -1,
          score: offered[0]?.[1] ?? NaN,
        },
      }
    }
    return null
  }

  private filter(
    seq: number,
    spec: JobSpec,
    query: Omit<ResultsQuery, 'limit' | 'offset' | 'sort'>,
    byScore: boolean,
  ): { from: string; params: unknown[] } {
    const model = query.model ?? 0
    if (!Number.isInteger(model) || !spec.models[model])
      throw new AppError('INVALID_INPUT', `The job has no model ${model}.`)
    const onResults =
      byScore ||
      query.classIndex !== undefined ||
      query.minScore !== undefined ||
      query.maxScore !== undefined
    const terms: string[] = []
    const params: unknown[] = []
    // Driven from the results' own indexes (job, model, top1_index, top1_score) and
    // (job, model, top1_score) when a result is asked for, from the files' otherwise.
    if (onResults) {
      terms.push('r.job = ?', 'r.model = ?')
      params.push(seq, model)
    } else {
      terms.push('f.job = ?')
      params.push(seq)
    }
    if (query.state) {
      terms.push('f.state = ?')
      params.push(query.state)
    }
    if (query.classIndex !== undefined) {
      terms.push('r.top1_index = ?')
      params.push(query.classIndex)
    }
    if (query.minScore !== undefined) {
      terms.push('r.top1_score >= ?')
      params.push(query.minScore)
    }
    if (query.maxScore !== undefined) {
      terms.push('r.top1_score <= ?')
      params.push(query.maxScore)
    }
    // Done files only: a file without results has no min or max, and the term is NULL.
    if (query.disagree)
      terms.push(
        '(SELECT min(d.top1_index) != max(d.top1_index) FROM batch_results d WHERE d.file_id = f.id)',
      )
    const from = onResults
      ? 'FROM batch_results r JOIN batch_files f ON f.id = r.file_id'
      : 'FROM batch_files f'
    return { from: `${from} WHERE ${terms.join(' AND ')}`, params }
  }

  private pageStatement(sql: string): Statement {
    let statement = this.pageStatements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.pageStatements.set(sql, statement)
    }
    return statement
  }
}

function prepareStatements(db: Database) {
  const prepare = (sql: string) => db.prepare(sql)
  return {
    insertJob: prepare(
      `INSERT INTO batch_jobs (id, spec_json, match_key, state, created_at, updated_at)
       VALUES (?, ?, ?, 'enumerating', ?, ?)`,
    ),
    job: prepare('SELECT * FROM batch_jobs WHERE id = ?'),
    jobs: prepare('SELECT * FROM batch_jobs ORDER BY seq DESC'),
    unfinished: prepare(
      `SELECT * FROM batch_jobs WHERE match_key = ? AND state IN (${unfinishedStates.map(() => '?').join(', ')})
       ORDER BY seq DESC LIMIT 1`,
    ),
    counts: prepare(
      `UPDATE batch_jobs SET total = total + ?, pending = pending + ?, done = done + ?,
         failed = failed + ?, updated_at = ? WHERE seq = ?`,
    ),
    enumPass: prepare('SELECT enum_pass FROM batch_jobs WHERE seq = ?'),
    markEnumerated: prepare(
      'UPDATE batch_jobs SET enumerated = 1, enum_pass = ?, updated_at = ? WHERE seq = ?',
    ),
    setLabelsFrom: prepare(
      `UPDATE batch_jobs SET spec_json = json_set(spec_json, '$.labelsFrom', json(?)) WHERE seq = ?`,
    ),
    setState: prepare(
      `UPDATE batch_jobs SET state = ?, error_code = ?, error_message = ?, updated_at = ?,
         finished_at = ? WHERE seq = ?`,
    ),
    fileByPath: prepare(
      `SELECT id, job, rel_path, size, mtime_ms, state FROM batch_files
       WHERE job = ? AND root = ? AND rel_path = ?`,
    ),
    fileById: prepare(
      'SELECT id, job, rel_path, size, mtime_ms, state FROM batch_files WHERE id = ?',
    ),
    insertPending: prepare(
      `INSERT INTO batch_files (job, root, rel_path, size, mtime_ms, state)
       VALUES (?, ?, ?, ?, ?, 'pending')`,
    ),
    insertSkipped: prepare(
      `INSERT INTO batch_files (job, root, rel_path, state, error_code, error_message, skipped_in_pass)
       VALUES (?, ?, ?, 'failed', ?, ?, ?)`,
    ),
    insertImported: prepare(
      `INSERT INTO batch_files (job, root, rel_path, state, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    adoptStat: prepare('UPDATE batch_files SET size = ?, mtime_ms = ? WHERE id = ?'),
    requeueChanged: prepare(
      `UPDATE batch_files SET size = ?, mtime_ms = ?, state = 'pending', error_code = NULL,
         error_message = NULL, skipped_in_pass = NULL, timings_json = NULL WHERE id = ?`,
    ),
    markSkipped: prepare(
      `UPDATE batch_files SET size = NULL, mtime_ms = NULL, state = 'failed', error_code = ?,
         error_message = ?, skipped_in_pass = ?, timings_json = NULL WHERE id = ?`,
    ),
    dropUnseenSkipped: prepare(
      `DELETE FROM batch_files WHERE job = ? AND state = 'failed' AND skipped_in_pass IS NOT NULL
         AND skipped_in_pass < ?`,
    ),
    pending: prepare(
      `SELECT id, root, rel_path, size, mtime_ms FROM batch_files
       WHERE job = ? AND state = 'pending' AND id > ? ORDER BY id LIMIT ?`,
    ),
    setDone: prepare(
      `UPDATE batch_files SET state = 'done', error_code = NULL, error_message = NULL,
         timings_json = ? WHERE id = ?`,
    ),
    setFailed: prepare(
      `UPDATE batch_files SET state = 'failed', error_code = ?, error_message = ? WHERE id = ?`,
    ),
    requeueNotFound: prepare(
      `UPDATE batch_files SET state = 'pending', error_code = NULL, error_message = NULL
       WHERE job = ? AND root = ? AND state = 'failed' AND error_code = 'NOT_FOUND'
         AND skipped_in_pass IS NULL`,
    ),
    retryFailed: prepare(
      `UPDATE batch_files SET state = 'pending', error_code = NULL, error_message = NULL
       WHERE job = ? AND state = 'failed' AND skipped_in_pass IS NULL`,
    ),
    insertResult: prepare(
      `INSERT INTO batch_results (file_id, model, job, top1_index, top1_score, top_json)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    deleteResults: prepare('DELETE FROM batch_results WHERE file_id = ?'),
    resultsOf: prepare(
      'SELECT model, top_json FROM batch_results WHERE file_id = ? ORDER BY model',
    ),
    insertLabel: prepare(
      `INSERT OR IGNORE INTO batch_labels (job, model, class_index, label) VALUES (?, ?, ?, ?)`,
    ),
    label: prepare(
      'SELECT label FROM batch_labels WHERE job = ? AND model = ? AND class_index = ?',
    ),
    exportPage: prepare(
      `SELECT f.id, f.root, f.rel_path, f.size, f.state, f.error_code, f.error_message,
         r.model, r.top_json
       FROM (SELECT * FROM batch_files WHERE job = ? AND (root, rel_path) > (?, ?)
             ORDER BY root, rel_path LIMIT ?) f
       LEFT JOIN batch_results r ON r.file_id = f.id
       ORDER BY f.root, f.rel_path, r.model`,
    ),
  }
}

type Statements = ReturnType<typeof prepareStatements>

function absolute(spec: JobSpec, root: number, relPath: string): string {
  return join(spec.folders[root]!, ...relPath.split('/'))
}

function errorOf(row: { error_code: ErrorCode | null; error_message: string | null }) {
  return row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null
}
