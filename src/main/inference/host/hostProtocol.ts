/**
 * Messages between the app and a model host process (one per loaded model): one table of
 * request types, each with the reply it gets. Typed arrays travel as they are (structured clone:
 * Node's "advanced" serialisation, or Electron's postMessage).
 */
import type { ApiError } from '../../../shared/errors'
import type { TimingRule, WarmupRule } from '../../bench/runRules'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'

export interface TensorInfo {
  name: string
  type: string
  /** Dimensions; a string or -1 where the model leaves one open (a batch axis, say). */
  shape: (number | string)[]
}

export interface ModelInfo {
  inputs: TensorInfo[]
  outputs: TensorInfo[]
  loadMs: number
}

export interface HostImage {
  /** The caller's name for this image, echoed in its result. */
  key: string
  path: string
  /** How errors name the image (the file name a user knows, not an upload's stored path). */
  label?: string
}

export interface StageTimings {
  decodeMs: number
  preprocessMs: number
  /** This image's share of its batch's inference time. */
  inferenceMs: number
}

export type HostImageResult =
  | {
      key: string
      ok: true
      /** The model's first output for this image (logits or probabilities). */
      output: Float32Array
      timings: StageTimings
      /** Whether preprocessing reproduced the model's resize exactly. */
      exact: boolean
      image: { width: number; height: number; format: string }
    }
  | { key: string; ok: false; error: ApiError }

/** CPU time of the whole machine (every core, every process), as the OS counts it. */
export interface MachineCpu {
  /** Milliseconds the cores spent busy (user, nice, system, irq) over the span, summed. */
  busyMs: number
  /** Milliseconds they spent idle, summed. */
  idleMs: number
}

export interface BenchRequest {
  /** Images per run. */
  batch: number
  plan: PreprocessPlan
  /**
   * Images whose tensors (prepared once, untimed) are tiled into the batch; none: a fixed
   * pseudo-random tensor in the normalised range.
   */
  images: HostImage[]
  warmup: WarmupRule
  timing: TimingRule
}

export interface BenchReply {
  warmup: { runs: number; settled: boolean; timesMs: number[] }
  /** Wall milliseconds of each timed `session.run`, in order. */
  timesMs: number[]
  /** The timed span: its wall time, this process's CPU time, the machine's CPU time. */
  wallMs: number
  cpuMs: number
  machine: MachineCpu
  /** CPUs the OS counts (the machine figures are summed over them). */
  cpus: number
  /** The highest resident set size this process had so far (its model, arena, runtime). */
  peakRssBytes: number
}

/** Every request a host understands, and what it answers. */
export interface HostCalls {
  /** Opens the model file (checked like any input) in an ONNX Runtime session. */
  load: {
    request: { modelPath: string; intraOpThreads: number }
    reply: ModelInfo
  }
  /**
   * One chunk of a request: its images are run as one batch. A host takes several chunks at
   * once and decodes the next while the model runs the current one; replies come in order.
   */
  run: {
    request: {
      images: HostImage[]
      plan: PreprocessPlan
      /**
       * Prepare the chunk's images one after another rather than all at once: each image's
       * stage times are then its own work, not also its wait behind the others (a benchmark's
       * split). Chunks still overlap the model as usual.
       */
      serial?: boolean
    }
    reply: { results: HostImageResult[] }
  }
  /**
   * Times the loaded model on a pre-made batch, next to the session (no IPC in the timings):
   * warm-up until steady, then timed runs until both minimums are met (or a cap), as
   * src/main/bench/runRules.ts says. Cancelled (by id, like a run) between two runs.
   */
  bench: {
    request: BenchRequest
    reply: BenchReply
  }
  /** Whether the host is alive and listening (asked before a request reuses an idle host). */
  ping: {
    request: Record<never, never>
    reply: { pid: number }
  }
  /**
   * Drops run requests (by id) not yet started: they are answered with CANCELLED at once. A run
   * already inside the model (a synchronous call) finishes; its answer is then ignored. A bench
   * request (by id too) stops after the run in progress, answered with CANCELLED.
   */
  cancel: {
    request: { runs: number[] }
    reply: { dropped: number }
  }
}

export type HostCallType = keyof HostCalls

/** A request before the app gives it an id: its type's fields. */
export type HostRequestBody<T extends HostCallType = HostCallType> = {
  [K in T]: { type: K } & HostCalls[K]['request']
}[T]

/** A request as sent: with an id its reply carries back. */
export type HostRequest<T extends HostCallType = HostCallType> = HostRequestBody<T> & {
  id: number
}

export type HostReply<T extends HostCallType> = HostCalls[T]['reply']

export type HostSuccess<T extends HostCallType = HostCallType> = {
  [K in T]: { id: number; type: K; ok: true; value: HostReply<K> }
}[T]

export interface HostFailure {
  id: number
  type: HostCallType
  ok: false
  error: ApiError
}

export type HostResponse<T extends HostCallType = HostCallType> = HostSuccess<T> | HostFailure

/**
 * The value of a successful reply of each type (undefined for a reply of another type, which
 * would be a bug): how the app side types a reply without a cast.
 */
export const replyValue: {
  [K in HostCallType]: (response: HostSuccess) => HostReply<K> | undefined
} = {
  load: (response) => (response.type === 'load' ? response.value : undefined),
  run: (response) => (response.type === 'run' ? response.value : undefined),
  bench: (response) => (response.type === 'bench' ? response.value : undefined),
  ping: (response) => (response.type === 'ping' ? response.value : undefined),
  cancel: (response) => (response.type === 'cancel' ? response.value : undefined),
}
