/**
 * Batch jobs as the faces see them: start one (or resume the unfinished job of the same folders
 * and models), list, pause, resume, cancel, retry what failed, page through results, export. The
 * work itself is a BatchRunner in this process; a job another process runs is controlled through
 * the journal (its runner reads a pause or cancel after its current block). A job whose runner
 * died (kill -9, a crash, the app closed) reads as "interrupted" and resumes where it stopped.
 */
import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import type { Database } from 'better-sqlite3'
import * as ort from 'onnxruntime-node'
import type {
  BatchAccuracy,
  BatchAgreement,
  BatchExportResult,
  BatchJob,
  BatchResultsPage,
  BatchSortInput,
  BatchStartInput,
  BatchSummary,
  Job,
  JobModel,
  SortReport,
  UnsortReport,
} from '../../shared/contract'
import {
  batchExportInput,
  batchResultsInput,
  batchSortInput,
  batchStartInput,
  batchSummaryInput,
  batchUnsortInput,
} from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../events/eventBus'
import type { InferenceService } from '../inference/inferenceService'
import type { Leases } from '../locks/leases'
import { BatchAnalysis } from './batchAnalysis'
import { BatchJournal } from './batchJournal'
import { BatchRunner, batchLeaseName, threadsPerWorker, warmWorkers } from './batchRunner'
import { writeCsv, writeJsonl } from './exportResults'
import { importJsonl, readSidecar, specForMerge, type ImportReport } from './importJsonl'
import { sortIntoFolders, type SortHooks } from './sortIntoFolders'
import { unsortFromLog } from './sortUndo'

/** The default number of model processes per model is one per core, up to this. */
const DEFAULT_MAX_WORKERS = 4

export interface BatchServiceOptions {
  db: Database
  inference: InferenceService
  leases: Leases
  events: EventBus
  cores?: number
}

interface Running {
  runner: BatchRunner
  done: Promise<Job>
}

const RESUMABLE = new Set(['paused', 'interrupted', 'failed', 'enumerating', 'running'])

export class BatchService {
  readonly journal: BatchJournal
  private readonly analysis: BatchAnalysis
  private readonly running = new Map<string, Running>()

  constructor(private readonly options: BatchServiceOptions) {
    this.journal = new BatchJournal(options.db)
    this.analysis = new BatchAnalysis(options.db, this.journal, () =>
      options.inference.imagenetLabels(),
    )
  }

  private get cores(): number {
    return this.options.cores ?? availableParallelism()
  }

  /** The job as the faces see it: who runs it, and "interrupted" when its runner is gone. */
  private view(job: Job): BatchJob {
    const holder = this.options.leases.holder(batchLeaseName(job.id))
    const live = job.state === 'running' || job.state === 'enumerating'
    return {
      ...job,
      state: live && !holder ? 'interrupted' : job.state,
      runner: holder && live ? { pid: holder.pid } : null,
    }
  }

  private find(id: string): Job {
    const job = this.journal.job(id)
    if (!job) throw new AppError('NOT_FOUND', `There is no batch job ${id}.`)
    return job
  }

  list(): BatchJob[] {
    return this.journal.jobs().map((job) => this.view(job))
  }

  get(id: string): BatchJob {
    return this.view(this.find(id))
  }

  /**
   * Starts a job, or resumes the unfinished one with the same folders, models and shard (unless
   * `restart`, which cancels that one and starts over).
   */
  async start(raw: BatchStartInput): Promise<{ job: BatchJob; resumed: boolean }> {
    const input = batchStartInput.parse(raw)
    const folders = input.folders.map((folder) => resolve(folder))
    for (const folder of folders) {
      const info = await stat(folder).catch(() => null)
      if (!info) throw new AppError('NOT_FOUND', `There is no folder "${folder}".`)
      if (!info.isDirectory())
        throw new AppError('NOT_A_FILE', `"${folder}" is not a folder: give the folder of images.`)
    }
    // One single-threaded model process per core beats one process running the model on two
    // threads (bench/batch.bench.mts on 2 cores: about 1.15× once running), each decoding its own
    // images on its thread; more than four would mostly multiply the model's memory.
    const workers = input.workers ?? Math.min(DEFAULT_MAX_WORKERS, Math.max(1, this.cores))
    // Opened where the first worker will run it, the other workers' processes starting alongside:
    // the job then starts on loaded models.
    const threads = threadsPerWorker(this.cores, workers)
    warmWorkers(this.options.inference, input.models, workers, threads)
    const models: JobModel[] = []
    const names: (string[] | null)[] = []
    for (const ref of input.models) {
      const model = await this.options.inference.openModel(ref, { threads, slot: 0 })
      names.push(model.labels)
      const taken = models.filter((m) => m.id === model.id || m.id.startsWith(`${model.id}@`))
      models.push({
        ref,
        // One id per model in a job (exports name models by id), also for one model twice.
        id: taken.length ? `${model.id}@${taken.length + 1}` : model.id,
        name: model.name,
        sha256: model.sha256,
        plan: model.plan,
        classes: model.classes,
      })
    }
    const labelsFrom = input.labels
      ? await this.analysis.checkedLabelCsv(resolve(input.labels), models, names)
      : null
    const match = { folders, recursive: input.recursive, models, shard: input.shard }
    const unfinished = this.journal.findUnfinished(match)
    if (unfinished && !input.restart) {
      if (labelsFrom) this.journal.setLabelsFrom(unfinished.id, labelsFrom)
      this.resume(unfinished.id)
      return { job: this.get(unfinished.id), resumed: true }
    }
    if (unfinished) this.cancel(unfinished.id)
    const job = this.journal.createJob({
      folders,
      recursive: input.recursive,
      models,
      topk: input.topk,
      batchSize: input.batchSize,
      workers,
      shard: input.shard,
      ortVersion: ort.env.versions.common,
      labelsFrom,
    })
    this.launch(job.id)
    return { job: this.get(job.id), resumed: false }
  }

  private launch(id: string): Running {
    const existing = this.running.get(id)
    if (existing) return existing
    const runner = new BatchRunner(id, {
      journal: this.journal,
      inference: this.options.inference,
      leases: this.options.leases,
      events: this.options.events,
      cores: this.cores,
    })
    const done = runner.run().finally(() => this.running.delete(id))
    // Whatever happens is in the job (its state and error); nobody need await this.
    done.catch(() => {})
    const running = { runner, done }
    this.running.set(id, running)
    return running
  }

  /** Resumes a paused, interrupted or failed job in this process. */
  resume(id: string): BatchJob {
    const job = this.view(this.find(id))
    if (job.runner) return job // already running (here or elsewhere)
    if (!RESUMABLE.has(job.state)) {
      throw new AppError(
        'INVALID_INPUT',
        `Batch job ${id} is ${job.state}: only a paused, interrupted or failed job can be resumed. Start a new job instead.`,
      )
    }
    this.launch(id)
    return this.get(id)
  }

  /** Until the job run here stops; a job running elsewhere or not at all is returned as it is. */
  async wait(id: string): Promise<BatchJob> {
    const running = this.running.get(id)
    if (running) await running.done.catch(() => {})
    return this.get(id)
  }

  pause(id: string): BatchJob {
    return this.stop(id, 'paused')
  }

  cancel(id: string): BatchJob {
    return this.stop(id, 'cancelled')
  }

  private stop(id: string, as: 'paused' | 'cancelled'): BatchJob {
    const job = this.view(this.find(id))
    const here = this.running.get(id)
    if (here) here.runner.stop(as)
    // Another process's runner reads it after its current block; a job nobody runs just is so.
    else if (job.state !== 'done' && job.state !== 'cancelled') this.journal.setState(id, as)
    return this.get(id)
  }

  /** Queues the files that failed again, and runs the job if nothing does. */
  retryFailed(id: string): BatchJob {
    this.find(id)
    this.journal.retryFailed(id)
    const job = this.view(this.find(id))
    if (!job.runner) {
      if (job.state === 'done' || job.state === 'cancelled') this.journal.setState(id, 'paused')
      this.launch(id)
    }
    return this.get(id)
  }

  results(raw: unknown): BatchResultsPage {
    const { id, ...query } = batchResultsInput.parse(raw)
    this.find(id)
    const { limit: _limit, offset: _offset, ...filters } = query
    return { rows: this.journal.results(id, query), total: this.journal.resultCount(id, filters) }
  }

  summary(raw: unknown): BatchSummary {
    const { id, model, bins } = batchSummaryInput.parse(raw)
    return this.analysis.summary(id, model, bins)
  }

  agreement(id: string): BatchAgreement {
    return this.analysis.agreement(id)
  }

  accuracy(id: string): Promise<BatchAccuracy> {
    return this.analysis.accuracy(id)
  }

  async export(raw: unknown): Promise<BatchExportResult> {
    const { id, out } = batchExportInput.parse(raw)
    this.find(id)
    const write = out.toLowerCase().endsWith('.csv') ? writeCsv : writeJsonl
    const result = await write(this.journal.iterateAll(id), resolve(out), {
      provenance: this.journal.provenance(id),
    })
    return { path: result.path, sidecar: result.sidecar, rows: result.rows }
  }

  /**
   * Brings shard results (JSON Lines exports with their `.json` provenance) back into one new
   * job: done when every file came back done, else paused (resume runs what is left).
   */
  async merge(files: readonly string[]): Promise<{ job: BatchJob; report: ImportReport }> {
    const sidecars = files.map((file) => readSidecar(`${file}.json`))
    const job = this.journal.createJob(specForMerge(sidecars))
    const report = await importJsonl(this.journal, job.id, files)
    this.journal.setState(job.id, this.find(job.id).counts.pending ? 'paused' : 'done')
    return { job: this.get(job.id), report }
  }

  /** Copies, links or moves the job's classified files into class folders, with an undo log. */
  sort(raw: BatchSortInput, hooks?: SortHooks): Promise<SortReport> {
    const input = batchSortInput.parse(raw)
    return sortIntoFolders(this.journal, this.find(input.id), input, hooks)
  }

  /** Takes a sort back from its undo log. */
  unsort(raw: unknown): Promise<UnsortReport> {
    return unsortFromLog(batchUnsortInput.parse(raw).log)
  }

  /** On close: jobs run here stop and read as interrupted, to be resumed next time. */
  dispose(): void {
    for (const [id, { runner }] of this.running) {
      runner.stop('interrupted')
      try {
        this.journal.setState(id, 'interrupted')
      } catch {
        // The database is closing: the job still reads as interrupted (its lease is gone).
      }
    }
  }
}
