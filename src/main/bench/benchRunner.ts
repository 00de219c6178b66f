/**
 * Runs one benchmark sweep in this process: for each thread count (one model host each, started
 * for the benchmark alone), each batch size in ascending order: the host times the model on a
 * pre-made batch, then one end-to-end pass runs real images through the app's usual path. Each
 * point is recorded as soon as it is done, so a cancel, a crash or a kill keeps the points
 * finished before it. Another process asks it to stop through the run's row.
 */
import type { BenchProgress, BenchRun, BenchState, StageSplit } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../events/eventBus'
import type { HostImage } from '../inference/host/hostProtocol'
import type { HostShape } from '../inference/hostPool'
import type { InferenceService, OpenModel } from '../inference/inferenceService'
import type { BenchStore } from './benchStore'
import { pointFigures, stageSplit } from './pointFigures'
import type { TimingRule, WarmupRule } from './runRules'

/** Bench hosts are kept apart from classify's and batch jobs' hosts of the same model. */
export const BENCH_SLOT = 1000

/** How often the runner looks for a cancel asked by another process. */
const CANCEL_POLL_MS = 250

export interface BenchRunnerDeps {
  store: BenchStore
  inference: InferenceService
  events: EventBus
}

export interface SweepPlan {
  id: string
  model: OpenModel
  batches: number[]
  threads: number[]
  images: string[]
  warmup: WarmupRule
  timing: TimingRule
  thresholdCores: number
  startedAt: string
}

const isCancel = (error: unknown) => error instanceof AppError && error.code === 'CANCELLED'

/** The images of a pass at batch `batch`: the list repeated to two full batches at least. */
export function passImages(paths: readonly string[], batch: number): HostImage[] {
  const count = Math.ceil(Math.max(paths.length, 2 * batch) / batch) * batch
  return Array.from({ length: count }, (_, i) => ({
    key: String(i),
    path: paths[i % paths.length]!,
  }))
}

export class BenchRunner {
  private readonly controller = new AbortController()
  private stopAs: 'cancelled' | 'interrupted' | null = null
  private done = 0

  constructor(
    private readonly plan: SweepPlan,
    private readonly deps: BenchRunnerDeps,
  ) {}

  get total(): number {
    return this.plan.batches.length * this.plan.threads.length
  }

  /** Stops after the model run in progress; the points finished so far are kept. */
  stop(as: 'cancelled' | 'interrupted'): void {
    this.stopAs ??= as
    this.controller.abort()
  }

  private shape(threads: number): HostShape {
    return { threads, slot: BENCH_SLOT }
  }

  /** Runs the sweep to its end (done, cancelled, failed); the run's row says how it went. */
  async run(): Promise<void> {
    const { store } = this.deps
    const { id } = this.plan
    const poll = setInterval(() => {
      try {
        if (store.cancelRequested(id)) this.stop('cancelled')
      } catch {
        // The database is closing; dispose() stops the run.
      }
    }, CANCEL_POLL_MS)
    poll.unref()
    let end: Exclude<BenchState, 'running'> = 'done'
    let error: BenchRun['error'] = null
    try {
      this.emit('running', null)
      await this.sweep()
    } catch (caught) {
      if (this.stopAs && isCancel(caught)) end = this.stopAs
      else {
        end = 'failed'
        const e = caught instanceof AppError ? caught : null
        error = {
          code: e?.code ?? 'INTERNAL',
          message: e?.message ?? `The benchmark stopped unexpectedly: ${String(caught)}`,
        }
      }
    } finally {
      clearInterval(poll)
      for (const threads of this.plan.threads)
        this.deps.inference.closeHost(this.plan.model, this.shape(threads))
    }
    if (this.stopAs && end === 'done') end = this.stopAs
    try {
      store.finish(id, end, error)
    } catch {
      // Closed underneath (the app quitting): dispose() wrote the state.
    }
    this.emit(end, null, null, error)
  }

  private async sweep(): Promise<void> {
    const { plan } = this
    const { inference, store } = this.deps
    for (const threads of plan.threads) {
      for (const batch of plan.batches) {
        if (this.stopAs) throw new AppError('CANCELLED', 'The benchmark was cancelled.')
        this.emit('running', { batch, threads, phase: 'timing' })
        const reply = await inference.benchOn(
          plan.model,
          {
            batch,
            images: plan.images.slice(0, batch).map((path, i) => ({ key: String(i), path })),
            warmup: plan.warmup,
            timing: plan.timing,
          },
          { shape: this.shape(threads), signal: this.controller.signal },
        )
        this.emit('running', { batch, threads, phase: 'end-to-end' })
        let split: StageSplit | null = null
        try {
          split = await this.endToEnd(batch, threads)
        } catch (error) {
          // The timing is whole: it is kept without its pass, then the run stops.
          if (!isCancel(error)) throw error
        }
        const point = pointFigures({
          batch,
          threads,
          reply,
          timing: plan.timing,
          thresholdCores: plan.thresholdCores,
          split,
          finishedAt: new Date().toISOString(),
        })
        store.addPoint(plan.id, point)
        this.done++
        const { timesMs: _times, ...shown } = point
        this.emit('running', null, shown)
        if (split === null) throw new AppError('CANCELLED', 'The benchmark was cancelled.')
      }
      // Its points are done: its memory goes back before the next thread count's host starts.
      inference.closeHost(plan.model, this.shape(threads))
    }
  }

  /** Real images through the host as the app sends them (see InferenceService.benchPass). */
  private async endToEnd(batch: number, threads: number): Promise<StageSplit> {
    const { model } = this.plan
    const started = performance.now()
    const results = await this.deps.inference.benchPass(
      model,
      passImages(this.plan.images, batch),
      {
        shape: this.shape(threads),
        batchSize: batch,
        signal: this.controller.signal,
      },
    )
    const wallMs = performance.now() - started
    // Postprocessing as every face does it, after the pass so that it does not stretch its wall.
    const postprocess = new Map<string, number>()
    const first = results.find((r) => r.ok)
    // Once untimed: the first call compiles the code, which no image after it pays.
    if (first?.ok) this.deps.inference.topClasses(model, first.output, 5)
    for (const result of results) {
      if (!result.ok) continue
      const t0 = performance.now()
      this.deps.inference.topClasses(model, result.output, 5)
      postprocess.set(result.key, performance.now() - t0)
    }
    return stageSplit(results, postprocess, wallMs)
  }

  private readonly startedAtMs = performance.now()

  private emit(
    state: BenchState,
    current: BenchProgress['current'],
    point: BenchProgress['point'] = null,
    error: BenchRun['error'] = null,
  ): void {
    const seconds = (performance.now() - this.startedAtMs) / 1000
    const rate = seconds > 0 ? this.done / seconds : 0
    const progress: BenchProgress = {
      id: this.plan.id,
      job: 'bench',
      state,
      done: this.done,
      total: this.total,
      unit: 'points',
      rate,
      eta: rate > 0 ? (this.total - this.done) / rate : null,
      startedAt: this.plan.startedAt,
      error,
      model: { id: this.plan.model.id, name: this.plan.model.name },
      current,
      point,
    }
    this.deps.events.emit('jobs.progress', progress)
  }
}
