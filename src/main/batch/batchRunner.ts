/**
 * Runs one batch job in this process: walks its folders into the journal (again after a restart,
 * so files changed since are redone), classifies what is pending with every model of the job, and
 * records each block of outcomes in one transaction. It ends when nothing is pending; on pause or
 * cancel (asked here, or by another process through the journal's state); or on an error that
 * stops the whole job (a folder gone, a full disk, a model that cannot be loaded), keeping every
 * result recorded so far. A process that is killed loses only the blocks it had not recorded.
 * One process at a time runs a job: a lease in the shared database.
 */
import { setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import type { BatchProgress, Job, JobState, ModelRef } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../events/eventBus'
import type { HostImage, HostImageResult } from '../inference/host/hostProtocol'
import type { InferenceService, OpenModel } from '../inference/inferenceService'
import type { Lease, Leases } from '../locks/leases'
import type { BatchJournal, FileOutcome, FileRow } from './batchJournal'
import { DiskReserve } from './diskReserve'
import { folderGoneError, goneRoot } from './goneFolder'
import { walkIntoJournal } from './walkIntoJournal'

export interface BatchRunnerDeps {
  journal: BatchJournal
  inference: InferenceService
  leases: Leases
  events: EventBus
  /** Cores to share among the job's model processes (default: this machine's). */
  cores?: number
}

/** A worker takes this many batches' worth of files at a time; each block is one transaction. */
const BATCHES_PER_BLOCK = 4
/**
 * Blocks in flight per worker: while one block's last batch runs and it is recorded, the next is
 * already decoding in the model host, so the host never waits for the journal (one lane lost
 * about a fifth of the throughput at each block's end).
 */
const LANES_PER_WORKER = 2
const PROGRESS_EVERY_MS = 250

export const batchLeaseName = (jobId: string) => `batch:${jobId}`

/** Errors that stop a whole job rather than fail one file. */
function isJobError(error: unknown): error is AppError {
  return error instanceof AppError && error.code !== 'CANCELLED'
}

function diskFull(error: unknown, journalPath: string | null): AppError | null {
  const code = (error as { code?: string }).code
  if (code !== 'SQLITE_FULL' && code !== 'ENOSPC') return null
  const where = journalPath ? ` (the data folder "${dirname(journalPath)}")` : ''
  return new AppError(
    'DISK_FULL',
    `The disk is full${where}: the batch job stopped. Every result recorded so far is kept; free some space, then resume the job.`,
  )
}

/**
 * The files a lane takes next: BATCHES_PER_BLOCK batches, or a lane's share of what is left
 * when that is less (guided self-scheduling). Shares are not rounded up to whole batches: 24
 * photos in blocks of 8 gave one model process 16 and the other 8, so it sat idle for a third
 * of the job.
 */
export function blockSizeFor(left: number, lanes: number, batchSize: number): number {
  return Math.min(batchSize * BATCHES_PER_BLOCK, Math.ceil(Math.max(1, left) / lanes))
}

/** Intra-op threads of each model process, so that a job's workers share the cores. */
export function threadsPerWorker(cores: number, workers: number): number {
  return Math.max(1, Math.floor(cores / workers))
}

/**
 * Starts the model processes of workers 1…N−1 while worker 0's (slot 0) opens the models, so a
 * job's workers load side by side instead of each on its first block.
 */
export function warmWorkers(
  inference: InferenceService,
  refs: readonly ModelRef[],
  workers: number,
  threads: number,
): void {
  for (const ref of refs)
    for (let slot = 1; slot < workers; slot++) inference.warm(ref, { threads, slot })
}

export class BatchRunner {
  private readonly controller = new AbortController()
  private stopAs: 'paused' | 'cancelled' | 'interrupted' | null = null
  /** What stopped the job as a whole (the walk or a worker failed): the others stop too. */
  private fatal: unknown = null
  private models: OpenModel[] = []
  private enumerating = true
  private cursor = 0
  private swept = false
  private readonly inFlight = new Set<number>()
  /** Lanes waiting for files (the walk goes on); each is woken when some arrive. */
  private readonly waiting = new Set<() => void>()
  private readonly startedAt = new Date().toISOString()
  private lastEmit = 0
  private rate = { at: performance.now(), done: 0, value: 0 }
  private stageSums = { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, n: 0 }
  private reserve: DiskReserve | null = null

  constructor(
    readonly jobId: string,
    private readonly deps: BatchRunnerDeps,
  ) {}

  /** Stops the job as paused or cancelled: blocks not yet recorded are dropped (and redone later). */
  stop(as: 'paused' | 'cancelled' | 'interrupted'): void {
    this.stopAs ??= as
    this.controller.abort()
    this.wakeAll()
  }

  /** Stops every part of the job because of `error`. */
  private halt(error: unknown): void {
    this.fatal ??= error
    this.controller.abort()
    this.wakeAll()
  }

  private get stopping(): boolean {
    return this.stopAs !== null || this.fatal !== null
  }

  /** Runs the job to its end (done, paused, cancelled or failed) and returns it as it is then. */
  async run(): Promise<Job> {
    const { journal, leases } = this.deps
    let lease: ReturnType<Leases['tryAcquire']>
    try {
      lease = leases.tryAcquire(batchLeaseName(this.jobId), 'batch')
    } catch (error) {
      // Resumed on a disk still full: the job stays as it was, with the same word why.
      throw diskFull(error, journal.path) ?? error
    }
    if ('heldBy' in lease) {
      throw new AppError(
        'UNAVAILABLE',
        `Batch job ${this.jobId} is running in another process (pid ${lease.heldBy.pid}); pause it there, or wait for it.`,
      )
    }
    try {
      this.reserve = await DiskReserve.take(journal.path, this.jobId)
      const job = this.job()
      // Resumed with a folder still gone: stop before any of its files fails one by one.
      const gone = await goneRoot(job.spec.folders)
      if (gone !== null) throw this.folderGone(gone)
      this.enumerating = !job.enumerated
      journal.setState(this.jobId, this.enumerating ? 'enumerating' : 'running')
      this.emit(true)
      const workers = job.spec.workers
      const threads = threadsPerWorker(this.deps.cores ?? availableParallelism(), workers)
      this.models = await this.openModels(job, threads)
      // Every model run in flight listens on the job's one signal: a few per lane, by design.
      setMaxListeners(16 * workers * LANES_PER_WORKER * this.models.length, this.controller.signal)
      // Every part is waited for, even after one failed: nothing is recorded after the job ends.
      const parts = await Promise.allSettled([
        this.enumerating ? this.enumerate(job) : Promise.resolve(),
        ...Array.from({ length: workers * LANES_PER_WORKER }, (_, lane) =>
          this.work(lane % workers, threads),
        ),
      ])
      const failed = parts.find((part) => part.status === 'rejected')
      if (this.fatal ?? failed) throw this.fatal ?? (failed as PromiseRejectedResult).reason
      this.finish(this.stopAs ?? 'done')
    } catch (error) {
      if (this.stopAs && !this.fatal) this.finish(this.stopAs)
      else {
        const stop = diskFull(error, journal.path) ?? (isJobError(error) ? error : null)
        if (!stop) {
          this.finish('failed', {
            code: 'INTERNAL',
            message: `The batch job stopped unexpectedly: ${(error as Error).message}`,
          })
          throw error
        }
        this.finish('failed', { code: stop.code, message: stop.message })
      }
    } finally {
      this.controller.abort()
      this.reserve?.release()
      this.release(lease)
    }
    return this.job()
  }

  private release(lease: Lease): void {
    lease.release()
    this.emit(true)
  }

  private job(): Job {
    const job = this.deps.journal.job(this.jobId)
    if (!job) throw new AppError('NOT_FOUND', `There is no batch job ${this.jobId}.`)
    return job
  }

  private finish(state: JobState, error?: { code: AppError['code']; message: string }): void {
    // Its room is for this write and the lease's release, on a disk that filled up meanwhile.
    this.reserve?.release()
    try {
      this.deps.journal.setState(this.jobId, state, error ?? null)
    } catch {
      // A full disk may refuse even this: the job then reads as interrupted (no live runner).
    }
  }

  /**
   * The job's models, checked to be the files it started with; every worker's model process
   * starting meanwhile.
   */
  private async openModels(job: Job, threads: number): Promise<OpenModel[]> {
    const { inference } = this.deps
    const refs = job.spec.models.map((model) => model.ref)
    warmWorkers(inference, refs, job.spec.workers, threads)
    const models: OpenModel[] = []
    for (const [index, recorded] of job.spec.models.entries()) {
      const model = await inference.openModel(recorded.ref, { threads, slot: 0 })
      if (model.sha256 !== recorded.sha256) {
        throw new AppError(
          'MODEL_INVALID',
          `${recorded.id} is not the file this job started with (SHA-256 ${model.sha256.slice(0, 12)}…, was ${recorded.sha256.slice(0, 12)}…): start the job again (--restart) to classify with the new file.`,
          { model: index },
        )
      }
      models.push(model)
    }
    return models
  }

  /** Walks the folders into the journal; a walk killed midway is simply done again. */
  private async enumerate(job: Job): Promise<void> {
    try {
      await walkIntoJournal(this.deps.journal, job, {
        signal: this.controller.signal,
        stopping: () => this.stopping,
        onChunk: () => {
          this.wakeAll()
          this.emit()
        },
      })
    } catch (error) {
      if (this.stopping && (error as AppError).code === 'CANCELLED') return
      this.halt(error)
      throw error
    } finally {
      this.enumerating = false
      this.wakeAll()
    }
  }

  private blockSize(batchSize: number, lanes: number): number {
    return blockSizeFor(this.job().counts.pending - this.inFlight.size, lanes, batchSize)
  }

  /** The next files to classify, or null when there are none yet (the walk goes on). */
  private claim(limit: number): FileRow[] | null | 'finished' {
    const rows = this.deps.journal
      .pending(this.jobId, limit + this.inFlight.size, this.cursor)
      .filter((row) => !this.inFlight.has(row.id))
      .slice(0, limit)
    if (rows.length > 0) {
      this.cursor = rows.at(-1)!.id
      for (const row of rows) this.inFlight.add(row.id)
      return rows
    }
    if (this.enumerating) return null
    // Files set pending again behind the cursor (changed since, found by the walk): one sweep.
    if (this.inFlight.size > 0) return null
    if (!this.swept) {
      this.swept = true
      this.cursor = 0
      return this.claim(limit)
    }
    return 'finished'
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.waiting.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, 200)
      this.waiting.add(wake)
    })
  }

  private wakeAll(): void {
    for (const wake of [...this.waiting]) wake()
  }

  /** One lane of a worker (its model processes, one per model): blocks until none is left. */
  private async work(slot: number, threads: number): Promise<void> {
    const { journal } = this.deps
    const { spec } = this.job()
    const lanes = spec.workers * LANES_PER_WORKER
    while (!this.stopping) {
      const files = this.claim(this.blockSize(spec.batchSize, lanes))
      if (files === 'finished') return
      if (files === null) {
        await this.idle()
        continue
      }
      try {
        const outcomes = await this.classify(files, slot, threads, spec.topk, spec.batchSize)
        if (this.stopping) return
        const gone = await this.goneRootOf(files, outcomes)
        if (this.stopping) return
        if (gone !== null) {
          // What the block got is kept; its files not found stay pending, for after the folder is back.
          journal.recordBatch(
            this.jobId,
            outcomes.filter((outcome) => outcome.ok || outcome.error.code !== 'NOT_FOUND'),
          )
          // Files that went first, while `rm -rf` was emptying the folder, are pending again too.
          journal.requeueNotFound(this.jobId, gone)
          throw this.folderGone(gone)
        }
        journal.recordBatch(this.jobId, outcomes)
      } catch (error) {
        if (this.stopping && (error as AppError).code === 'CANCELLED') return
        this.halt(error)
        throw error
      } finally {
        for (const file of files) this.inFlight.delete(file.id)
        // A lane idle because these were in flight may now find the job finished (or swept).
        this.wakeAll()
      }
      this.observeOtherProcess()
      this.emit()
    }
  }

  /** A folder gone, when files of the block were not found (null when theirs are all there). */
  private async goneRootOf(files: FileRow[], outcomes: FileOutcome[]): Promise<number | null> {
    const roots = new Set<number>()
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok && outcome.error.code === 'NOT_FOUND') roots.add(files[i]!.root)
    })
    return roots.size ? goneRoot(this.job().spec.folders, roots) : null
  }

  private folderGone(root: number): AppError {
    const job = this.job()
    return folderGoneError(job.spec.folders[root]!, this.jobId, job.counts.done)
  }

  /** Pause or cancel asked by another process (the CLI beside the app) reads in the journal. */
  private observeOtherProcess(): void {
    const state = this.deps.journal.job(this.jobId)?.state
    if (state === 'paused' || state === 'cancelled') this.stop(state)
  }

  /** One block through every model: the outcome of each file, in one piece. */
  private async classify(
    files: FileRow[],
    slot: number,
    threads: number,
    topk: number,
    batchSize: number,
  ): Promise<FileOutcome[]> {
    const images: HostImage[] = files.map((file) => ({ key: String(file.id), path: file.absPath }))
    const perModel: Map<string, HostImageResult>[] = []
    for (const model of this.models) {
      const options = { shape: { threads, slot }, batchSize, signal: this.controller.signal }
      const results = await this.deps.inference.runOn(model, images, options)
      // A batch the model failed on as a whole is run again image by image: only the bad file fails.
      const failedBatch = images.filter((image) => {
        const result = results.get(image.key)
        return result && !result.ok && result.error.code === 'MODEL_FAILED'
      })
      if (failedBatch.length > 1) {
        for (const image of failedBatch) {
          const single = await this.deps.inference.runOn(model, [image], options)
          results.set(image.key, single.get(image.key)!)
        }
      }
      perModel.push(results)
    }
    return files.map((file): FileOutcome => {
      const key = String(file.id)
      const results = perModel.map((map) => map.get(key)!)
      const failure = results.find((result) => !result.ok)
      if (failure && !failure.ok) {
        return {
          fileId: file.id,
          ok: false,
          error: { code: failure.error.code, message: failure.error.message },
        }
      }
      const timings = { decodeMs: 0, preprocessMs: 0, inferenceMs: 0 }
      const modelResults = results.map((result, model) => {
        if (!result.ok) throw new Error('unreachable')
        timings.decodeMs += result.timings.decodeMs
        timings.preprocessMs += result.timings.preprocessMs
        timings.inferenceMs += result.timings.inferenceMs
        const openModel = this.models[model]!
        const top = this.deps.inference.topClasses(openModel, result.output, topk)
        // A model without class names gets none in the journal ("class 7" is not a name).
        const named = openModel.labels !== null
        return {
          model,
          top: top.map(({ index, label, probability }) => ({
            index,
            label: named ? label : null,
            score: probability,
          })),
        }
      })
      this.stageSums.decodeMs += timings.decodeMs
      this.stageSums.preprocessMs += timings.preprocessMs
      this.stageSums.inferenceMs += timings.inferenceMs
      this.stageSums.n++
      return { fileId: file.id, ok: true, results: modelResults, timings }
    })
  }

  /** The job's progress as a `jobs.progress` event (at most every 250 ms unless `now`). */
  private emit(now = false): void {
    const at = performance.now()
    if (!now && at - this.lastEmit < PROGRESS_EVERY_MS) return
    this.lastEmit = at
    const job = this.deps.journal.job(this.jobId)
    if (!job) return
    const { counts } = job
    const done = counts.done + counts.failed
    const seconds = (at - this.rate.at) / 1000
    if (seconds >= 0.5) {
      const instant = (done - this.rate.done) / seconds
      this.rate.value = this.rate.value === 0 ? instant : this.rate.value * 0.7 + instant * 0.3
      this.rate = { at, done, value: this.rate.value }
    }
    const total = job.enumerated ? counts.total : null
    const n = this.stageSums.n
    const progress: BatchProgress = {
      id: this.jobId,
      job: 'batch',
      state: job.state,
      done,
      total,
      unit: 'files',
      rate: Math.max(0, this.rate.value),
      eta: total !== null && this.rate.value > 0 ? (total - done) / this.rate.value : null,
      startedAt: this.startedAt,
      error: job.error,
      failed: counts.failed,
      found: counts.total,
      stages: n
        ? {
            decodeMs: this.stageSums.decodeMs / n,
            preprocessMs: this.stageSums.preprocessMs / n,
            inferenceMs: this.stageSums.inferenceMs / n,
          }
        : null,
      runner: job.state === 'running' || job.state === 'enumerating' ? { pid: process.pid } : null,
    }
    this.deps.events.emit('jobs.progress', progress)
  }
}
