/**
 * Batch jobs: one or more folders classified by one or more models, journaled so that nothing is
 * lost (see src/main/batch/). The types here are the journal's and the API's alike.
 */
import { z } from 'zod'
import type { ErrorCode } from '../errors'
import { modelRef, type ModelRef } from './inference'
import { chartFileFields } from './charts'
import type { JobProgress } from './progress'

/** Which 1/N of a folder's files a machine takes (`--shard i/N`, i from 0). */
export interface Shard {
  index: number
  count: number
}

export type JobState =
  'enumerating' | 'running' | 'paused' | 'interrupted' | 'done' | 'cancelled' | 'failed'

export type FileState = 'pending' | 'done' | 'failed'

export interface JobError {
  code: ErrorCode
  message: string
}

export interface JobModel {
  /** The model reference as the caller gave it (a catalog id, a custom id, a path). */
  ref: ModelRef
  id: string
  name: string
  sha256: string
  /** The preprocessing plan the job runs it with. */
  plan: unknown
  classes: number | null
}

export type LabelsFrom = { kind: 'folders' } | { kind: 'csv'; path: string }

export interface JobSpec {
  folders: string[]
  recursive: boolean
  models: JobModel[]
  topk: number
  batchSize: number
  workers: number
  shard: Shard | null
  ortVersion: string
  labelsFrom?: LabelsFrom | null
}

export interface JobCounts {
  total: number
  pending: number
  done: number
  failed: number
}

export interface Job {
  id: string
  spec: JobSpec
  state: JobState
  /** A whole enumeration pass finished (a job killed before that enumerates again). */
  enumerated: boolean
  counts: JobCounts
  error: JobError | null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export interface ClassScoreRecord {
  index: number
  label: string | null
  score: number
}

export interface ModelResult {
  /** Index into the job's models. */
  model: number
  /** Best first. */
  top: ClassScoreRecord[]
}

export type ResultsSort = 'id' | 'path' | 'score-desc' | 'score-asc'

export interface ResultsQuery {
  /** The model whose top-1 the class and score filters and the score sort look at (default 0). */
  model?: number
  state?: FileState
  /** Files whose top-1 class is this. */
  classIndex?: number
  minScore?: number
  maxScore?: number
  sort?: ResultsSort
  disagree?: boolean
  offset?: number
  /** At most RESULTS_PAGE_MAX. */
  limit: number
}

export interface ResultRow {
  fileId: number
  root: number
  relPath: string
  size: number | null
  state: FileState
  error: JobError | null
  /** Every model's, in model order; empty unless done. */
  results: ModelResult[]
  /** As the runner recorded them with the outcome, if it did. */
  timings: Record<string, number> | null
}

const folder = z.string().min(1).max(4096)
const jobId = z.string().regex(/^[0-9a-f]{10}$/, 'a batch job id (10 hex digits)')

export const batchStartInput = z
  .object({
    folders: z.array(folder).min(1).max(64),
    recursive: z.boolean().default(true),
    models: z.array(modelRef).min(1).max(8),
    topk: z.number().int().min(1).max(20).default(5),
    batchSize: z.number().int().min(1).max(256).default(8),
    /** Model processes per model (each decodes and runs); default: one per core, up to 4. */
    workers: z.number().int().min(1).max(32).optional(),
    shard: z
      .object({ index: z.number().int().min(0), count: z.number().int().min(1).max(1_000_000) })
      .strict()
      .refine((s) => s.index < s.count, 'the shard index must be below the shard count')
      .nullable()
      .default(null),
    /** Start over even when an unfinished job of the same folders and models exists. */
    restart: z.boolean().default(false),
    /**
     * A `path,label` CSV giving each file's true class (a name, WordNet id or index). Without
     * it, class-named subfolders of the folder are recognised by themselves.
     */
    labels: z.string().min(1).max(4096).optional(),
  })
  .strict()
export type BatchStartInput = z.input<typeof batchStartInput>

export const batchIdInput = z.object({ id: jobId }).strict()

export const batchResultsInput = z
  .object({
    id: jobId,
    model: z.number().int().min(0).max(7).optional(),
    state: z.enum(['pending', 'done', 'failed']).optional(),
    classIndex: z.number().int().min(0).optional(),
    minScore: z.number().min(0).max(1).optional(),
    maxScore: z.number().min(0).max(1).optional(),
    sort: z.enum(['id', 'path', 'score-desc', 'score-asc']).optional(),
    /** Only files where the job's models do not all give the same top-1 class. */
    disagree: z.boolean().optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict()

export const batchExportInput = z
  .object({
    id: jobId,
    /** Where to write: `.csv` or `.jsonl` (the provenance goes beside it as `<out>.json`). */
    out: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => /\.(csv|jsonl)$/i.test(p), 'the output must end in .csv or .jsonl'),
  })
  .strict()

/** A batch job's progress: `done` and `total` count files (done and failed alike). */
export interface BatchProgress extends JobProgress<'batch', JobState> {
  failed: number
  /** Found so far; `total` stays null until the folders are walked through. */
  found: number
  /** Mean milliseconds per image of each stage, over the recent files. */
  stages: { decodeMs: number; preprocessMs: number; inferenceMs: number } | null
  /** The process running it, when one is. */
  runner: { pid: number } | null
}

/** A job as the API answers it: who runs it now ("interrupted" when its runner died). */
export interface BatchJob extends Job {
  runner: { pid: number } | null
}

export interface BatchResultsPage {
  rows: ResultRow[]
  /** How many rows the query matches in all. */
  total: number
}

export interface BatchExportResult {
  path: string
  sidecar: string
  rows: number
}

// ——— Looking at a job's results ———

/** Files whose top-1 is this class, for one model. */
export interface ClassCount {
  index: number
  label: string | null
  count: number
}

export interface BatchSummary {
  /** The model these figures are for (index into the job's models). */
  model: number
  /** Top-1 class counts over done files, most frequent first. */
  classes: ClassCount[]
  /** Top-1 scores of done files in equal bins over [0, 1] (`bins` of them, first is [0, 1/bins)). */
  histogram: number[]
  /** Failed files by error code, most frequent first. */
  failures: { code: ErrorCode; count: number }[]
  /** Mean milliseconds per image of each stage over the done files that recorded it. */
  stages: { decodeMs: number; preprocessMs: number; inferenceMs: number } | null
}

export const batchSummaryInput = z
  .object({
    id: jobId,
    model: z.number().int().min(0).max(7).default(0),
    bins: z.number().int().min(2).max(100).default(20),
  })
  .strict()

/** One of a job's charts as a file, like Explore's exports (the result is a ChartExportResult). */
export const batchChartExportInput = z
  .object({
    id: jobId,
    model: z.number().int().min(0).max(7).default(0),
    chart: z.enum(['classes', 'confidence']),
    ...chartFileFields,
  })
  .strict()
export type BatchChartExportInput = z.input<typeof batchChartExportInput>
export type BatchChartExportRequest = z.output<typeof batchChartExportInput>

/** How often two of the job's models give the same top-1 class. */
export interface AgreementPair {
  a: number
  b: number
  /** Files both models classified. */
  compared: number
  agree: number
}

export interface BatchAgreement {
  /** Model ids in job order. */
  models: string[]
  pairs: AgreementPair[]
  /** Files every model classified, and those of them where the top-1 classes are not all equal. */
  compared: number
  disagreeing: number
}

export interface ClassAccuracy {
  index: number
  name: string
  /** Labelled files of this class with a result. */
  count: number
  /** Fractions of `count`, 0…1. */
  top1: number
  top5: number | null
}

export interface ConfusedPair {
  actual: number
  actualName: string
  predicted: number
  predictedName: string
  count: number
}

export interface ModelAccuracy {
  model: string
  /** Labelled files with a result. */
  evaluated: number
  /** Labelled files the model has no result for: failed, or not classified yet. */
  failed: number
  pending: number
  top1: number | null
  /** Null when the job kept fewer than 5 classes per file (or the model has fewer). */
  top5: number | null
  /** Classes with at least one evaluated file, by index. */
  perClass: ClassAccuracy[]
  /** Top-1 mistakes (actual → predicted), most frequent first. */
  confused: ConfusedPair[]
}

export interface AccuracyReport {
  /** Files with a label, and without one (counted once per file, not per model). */
  labelled: number
  unlabelled: number
  models: ModelAccuracy[]
}

/** Where a labelled job's true classes come from. */
export type LabelSource =
  | { kind: 'folders'; scheme: 'name' | 'wnid' | 'index'; unmatched: string[]; ambiguous: string[] }
  | { kind: 'csv'; path: string; problems: number }

/** Null when the job's files carry no labels (no class-named subfolders, no CSV given). */
export type BatchAccuracy = { source: LabelSource; report: AccuracyReport } | null

// ——— Sort into folders ———

export const batchSortInput = z
  .object({
    id: jobId,
    /** The folder that gets one subfolder per class (and `_uncertain`). */
    out: z.string().min(1).max(4096),
    /** The model whose top-1 decides. */
    model: z.number().int().min(0).max(7).default(0),
    /** Hard links fall back to copies across file systems. */
    mode: z.enum(['copy', 'link', 'move']).default('copy'),
    /** Files whose top-1 score is below this go to `_uncertain`. */
    minScore: z.number().min(0).max(1).default(0),
    dryRun: z.boolean().default(false),
    /** Moving takes files out of the user's folders, so it must be asked for twice. */
    confirmMove: z.boolean().default(false),
  })
  .strict()
export type BatchSortInput = z.input<typeof batchSortInput>

export interface SortReport {
  out: string
  mode: 'copy' | 'link' | 'move'
  dryRun: boolean
  /** The undo log (JSON Lines, one line per placed file); null on a dry run. */
  log: string | null
  placed: number
  /** Of `placed`, those put in `_uncertain`. */
  uncertain: number
  /** Placed under another name because the name was taken (`name (2).jpg`). */
  renamed: number
  /** Hard links that became copies (another file system). */
  copiedInsteadOfLinked: number
  /** Not placed: failed or pending files, and sources gone or changed since they were classified. */
  skipped: { failed: number; pending: number; missing: number }
  /** Files per destination folder, largest first. */
  folders: { name: string; count: number }[]
  /** The first planned moves, for a dry run to show (at most 100). */
  sample: { from: string; to: string }[]
}

export const batchUnsortInput = z.object({ log: z.string().min(1).max(4096) }).strict()

export interface UnsortReport {
  /** Copies and links removed, moved files put back. */
  undone: number
  /** Entries whose placed file is gone already. */
  missing: number
  /** Entries left alone because the placed file changed since (or the original's name is taken). */
  kept: number
}

// ——— Desktop-only actions ———

export const batchFileInput = z
  .object({ id: jobId, fileId: z.number().int().min(1), reveal: z.boolean().default(false) })
  .strict()
