/**
 * Benchmarks as the faces see them: start a sweep of a local model over batch sizes and thread
 * counts (it runs in this process, reporting through `jobs.progress`), cancel it (here, or from
 * another process through its row), list and read runs. A run another process was running when
 * it died reads as "interrupted", by its lease, as a batch job does.
 */
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { Database } from 'better-sqlite3'
import type { BenchListInput, BenchRun, BenchSpec, BenchStartInput } from '../../shared/contract'
import { benchListInput, benchStartInput } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../events/eventBus'
import type { InferenceService, OpenModel } from '../inference/inferenceService'
import type { Leases } from '../locks/leases'
import { benchImages } from './benchImages'
import { BENCH_SLOT, BenchRunner } from './benchRunner'
import { BenchStore, type StoredRun } from './benchStore'
import { machineFingerprint } from './machineFingerprint'
import { BUSY_THRESHOLD_CORES, sampleLoad } from './machineLoad'
import { DEFAULT_WARMUP, timingRule } from './runRules'

export const DEFAULT_BATCHES = [1, 4, 8]

/** How long the machine's load is sampled before the first point. */
const BEFORE_SAMPLE_MS = 500

export interface BenchServiceOptions {
  db: Database
  inference: InferenceService
  leases: Leases
  events: EventBus
  resourcesDir: string
  cores?: number
}

interface Running {
  runner: BenchRunner
  done: Promise<BenchRun>
}

/**
 * One benchmark at a time on a data folder: two would each time the other's load. The lease's
 * purpose names the run, which is how a run reads as running (or, its holder gone, interrupted).
 */
export const BENCH_LEASE = 'bench'

const ascending = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b)

export class BenchService {
  readonly store: BenchStore
  private readonly running = new Map<string, Running>()

  constructor(private readonly options: BenchServiceOptions) {
    this.store = new BenchStore(options.db)
  }

  private get cores(): number {
    return this.options.cores ?? availableParallelism()
  }

  private view(run: StoredRun): BenchRun {
    const { pid: _pid, ...rest } = run
    if (run.state !== 'running') return { ...rest, runner: null }
    const holder = this.options.leases.holder(BENCH_LEASE)
    return holder?.purpose === run.id
      ? { ...rest, runner: { pid: holder.pid } }
      : { ...rest, state: 'interrupted', runner: null }
  }

  get(id: string): BenchRun {
    const run = this.store.get(id, { times: true })
    if (!run) throw new AppError('NOT_FOUND', `There is no benchmark run ${id}.`)
    return this.view(run)
  }

  list(raw: BenchListInput = {}): BenchRun[] {
    const input = benchListInput.parse(raw)
    return this.store
      .list({
        ...(input.catalogId !== undefined ? { catalogId: input.catalogId } : {}),
        ...(input.modelId !== undefined ? { modelId: input.modelId } : {}),
        limit: input.limit,
      })
      .map((run) => this.view(run))
  }

  /** The thread counts asked for, checked against this machine. */
  private threads(asked: readonly number[] | undefined): number[] {
    const cores = this.cores
    const threads = ascending(asked ?? [1, cores])
    const over = threads.filter((t) => t > cores)
    if (over.length > 0)
      throw new AppError(
        'INVALID_INPUT',
        `threads ${over.join(', ')}: this machine has ${cores} CPU${cores === 1 ? '' : 's'}; give thread counts from 1 to ${cores}.`,
      )
    return threads
  }

  private batches(asked: readonly number[] | undefined, model: OpenModel): number[] {
    const fixed = model.batchSize
    const batches = ascending(asked ?? (fixed === null ? DEFAULT_BATCHES : [fixed]))
    if (fixed !== null && batches.some((b) => b !== fixed))
      throw new AppError(
        'INVALID_INPUT',
        `${model.name} takes batches of ${fixed} only (its input's batch axis is fixed); give batch ${fixed}.`,
      )
    return batches
  }

  /**
   * Checks the request, opens the model (its first host loads now, so a bad model fails here),
   * samples the machine's load, records the run and starts its sweep. Resolves with the run as
   * it starts; `wait` follows it to its end.
   */
  async start(raw: BenchStartInput): Promise<BenchRun> {
    const input = benchStartInput.parse(raw)
    const threads = this.threads(input.threads)
    const images = await benchImages(input.images, this.options.resourcesDir)
    const { inference, leases } = this.options
    const id = randomBytes(5).toString('hex')
    // Taken before the model is opened: a running benchmark's host is never touched by another.
    const lease = leases.tryAcquire(BENCH_LEASE, id)
    if ('heldBy' in lease) {
      const { pid, purpose } = lease.heldBy
      throw new AppError(
        'UNAVAILABLE',
        `Benchmark ${purpose} is running (pid ${pid}): one benchmark at a time, or each would time the other's load. Wait for it, or cancel it.`,
        { runId: purpose, pid },
      )
    }
    const firstHost = { threads: threads[0]!, slot: BENCH_SLOT }
    let model: OpenModel | null = null
    try {
      model = await inference.openModel(input.model, firstHost)
      const batches = this.batches(input.batches, model)
      const warmup = DEFAULT_WARMUP
      const timing = timingRule(input.minRuns, input.minDurationMs)
      const spec: BenchSpec = {
        batches,
        threads,
        images: { source: images.source, folder: images.folder, count: images.paths.length },
        minRuns: input.minRuns,
        minDurationMs: input.minDurationMs,
        warmup,
        caps: { maxRuns: timing.maxRuns, maxDurationMs: timing.maxDurationMs },
      }
      const before = await sampleLoad(BEFORE_SAMPLE_MS)
      const startedAt = new Date().toISOString()
      this.store.create({
        id,
        model: {
          ref: input.model,
          id: model.id,
          name: model.name,
          catalogId: 'catalogId' in input.model ? model.id : null,
          sha256: model.sha256,
          inputSize: model.plan.inputSize,
        },
        spec,
        fingerprint: machineFingerprint(),
        before,
        thresholdCores: BUSY_THRESHOLD_CORES,
        startedAt,
      })
      const runner = new BenchRunner(
        {
          id,
          model,
          batches,
          threads,
          images: images.paths,
          warmup,
          timing,
          thresholdCores: BUSY_THRESHOLD_CORES,
          startedAt,
        },
        { store: this.store, inference, events: this.options.events },
      )
      const done = runner
        .run()
        .finally(() => {
          lease.release()
          this.running.delete(id)
        })
        .then(() => this.get(id))
      // Whatever happens is in the run's row; nobody need await this.
      done.catch(() => {})
      this.running.set(id, { runner, done })
      return this.get(id)
    } catch (error) {
      lease.release()
      if (model) inference.closeHost(model, firstHost)
      throw error
    }
  }

  /** Until the run this process runs ends; a run elsewhere (or ended) is returned as it is. */
  async wait(id: string): Promise<BenchRun> {
    const running = this.running.get(id)
    if (running) await running.done.catch(() => {})
    return this.get(id)
  }

  /**
   * Stops a run after the model run in progress, keeping its finished points. Here it waits for
   * the stop; a run in another process is asked to stop (its row) and read as it is now.
   */
  async cancel(id: string): Promise<BenchRun> {
    const run = this.get(id)
    const here = this.running.get(id)
    if (here) {
      here.runner.stop('cancelled')
      return this.wait(id)
    }
    if (run.runner) this.store.requestCancel(id)
    return this.get(id)
  }

  /** On close: runs here stop and read as interrupted (their points are kept). */
  dispose(): void {
    for (const [id, { runner }] of this.running) {
      runner.stop('interrupted')
      try {
        this.store.finish(id, 'interrupted')
      } catch {
        // The database is closing: the run still reads as interrupted (its lease is gone).
      }
    }
  }
}
