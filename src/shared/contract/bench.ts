/**
 * Benchmarks of local models on this machine (src/main/bench/): a sweep over batch sizes and
 * intra-op thread counts, each point timed inside the model host next to its session, with the
 * machine it ran on and how busy that machine was. Every run is kept; running again adds one.
 */
import { z } from 'zod'
import type { ErrorCode } from '../errors'
import { modelRef, type ModelRef } from './inference'
import type { JobProgress } from './progress'

/** "interrupted": its process ended (killed, the app closed) before the sweep did. */
export type BenchState = 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted'

/** What the figures were measured on. */
export interface MachineFingerprint {
  cpuModel: string
  /** CPUs the OS offers this process (the most intra-op threads a point may ask for). */
  cores: number
  memoryBytes: number
  /** `Linux 6.1.0-18-amd64` and the like: the OS and its kernel release. */
  os: string
  /** The kernel's own version string (build, date). */
  osVersion: string
  arch: string
  node: string
  onnxRuntime: string
  executionProvider: string
  app: string
}

/** CPU use over a span, in cores (CPU seconds per wall second). */
export interface LoadFigures {
  /** What every process but the benchmark used: the machine's busy time minus the benchmark's. */
  otherCores: number
  /** The benchmark's own: the model host's during a point, this process's before the run. */
  ownCores: number
  /** The OS's one-minute load average at the end of the span (coarse: for reference). */
  loadAverage: number
}

export interface BenchLoad {
  /** Sampled for half a second before the first point, the model loaded and idle. */
  before: LoadFigures
  /** Over the timed runs of the points so far: the mean and the highest point's; null before one. */
  during: { meanOtherCores: number; maxOtherCores: number } | null
  /** Other processes' use, in cores, above which a point (and its run) counts as busy. */
  thresholdCores: number
  /** Whether any point was busy; null until a point is done. */
  busy: boolean | null
}

/**
 * One end-to-end pass on real images at the point's batch size and threads, through the model
 * host as the app sends them (the next batch prepared while the model runs one, results back
 * over IPC), with each batch's images prepared one after another so that each image's stage
 * times are its own work. Stage figures are mean ms per image; preprocessing is split into
 * decoding (reading the file included) and the rest (resize, crop, normalise).
 */
export interface StageSplit {
  images: number
  failed: number
  decodeMs: number
  preprocessMs: number
  /** The image's share of its batch's `session.run`. */
  inferenceMs: number
  /** Softmax and the top five classes, in the app's process (where every face does it). */
  postprocessMs: number
  /** The pass's wall time per image as the app saw it (the stages overlap across batches). */
  wallMsPerImage: number
  imagesPerSecond: number
}

export interface BenchPoint {
  batch: number
  threads: number
  /** Timed runs, and their wall time in all. */
  runs: number
  durationMs: number
  minRunsMet: boolean
  minDurationMet: boolean
  warmup: { runs: number; settled: boolean }
  /** Wall milliseconds of one `session.run` of `batch` images. */
  medianMs: number
  p90Ms: number
  p99Ms: number
  minMs: number
  maxMs: number
  meanMs: number
  /** Sample standard deviation. */
  stdevMs: number
  /** batch × 1000 / median. */
  imagesPerSecond: number
  /**
   * The model host's peak resident set since it started: points of one thread count share a
   * host and run in ascending batch, so this is the point's own peak when memory grows with it.
   */
  peakRssBytes: number
  load: { otherCores: number; ownCores: number }
  busy: boolean
  split: StageSplit | null
  finishedAt: string
  /** Every timed run's wall ms, in order: `bench.get` only. */
  timesMs?: number[]
}

export interface BenchModel {
  ref: ModelRef
  /** The catalog or custom id, or the file's path. */
  id: string
  name: string
  catalogId: string | null
  sha256: string
  inputSize: number
}

export interface BenchSpec {
  batches: number[]
  threads: number[]
  images: { source: 'samples' | 'folder'; folder: string | null; count: number }
  minRuns: number
  minDurationMs: number
  /** The rules the host applied (src/main/bench/runRules.ts). */
  warmup: { window: number; tolerance: number; maxRuns: number; maxMs: number }
  caps: { maxRuns: number; maxDurationMs: number }
}

export interface BenchRun {
  id: string
  model: BenchModel
  spec: BenchSpec
  fingerprint: MachineFingerprint
  state: BenchState
  load: BenchLoad
  /** In the order they ran: each thread count's batches in ascending order. */
  points: BenchPoint[]
  error: { code: ErrorCode; message: string } | null
  startedAt: string
  finishedAt: string | null
  /** The process running it, while one does. */
  runner: { pid: number } | null
}

/** A benchmark's progress: `done` and `total` count points. */
export interface BenchProgress extends JobProgress<'bench', BenchState> {
  model: { id: string; name: string }
  /** The point running now, and which part of it. */
  current: { batch: number; threads: number; phase: 'timing' | 'end-to-end' } | null
  /** The point just finished, so that a curve can grow as the run goes. */
  point: BenchPoint | null
}

const runId = z.string().regex(/^[0-9a-f]{10}$/, 'a benchmark run id (10 hex digits)')
const sizes = (what: string) =>
  z
    .array(
      z
        .number()
        .int(`${what} are whole numbers`)
        .min(1, `${what} are at least 1`)
        .max(1024, `${what} are at most 1024`),
    )
    .min(1)
    .max(16)

export const benchStartInput = z
  .object({
    model: modelRef,
    /** Default [1, 4, 8] (or the model's fixed batch size). */
    batches: sizes('batch sizes').optional(),
    /** Intra-op threads; default [1, every core]. At most the machine's cores. */
    threads: sizes('thread counts').optional(),
    /** A folder of images for the end-to-end pass; default the four sample images the app ships. */
    images: z.string().min(1).max(4096).optional(),
    /** Timed runs per point: at least this many, and for at least `minDurationMs` in all. */
    minRuns: z.number().int().min(1).max(100_000).default(20),
    minDurationMs: z.number().int().min(0).max(600_000).default(2000),
  })
  .strict()
export type BenchStartInput = z.input<typeof benchStartInput>

export const benchIdInput = z.object({ id: runId }).strict()

export const benchListInput = z
  .object({
    /** Runs of this catalog entry (any name the catalog knows it by). */
    catalogId: z.string().min(1).max(200).optional(),
    /** Runs of this model id (a catalog or custom id, or a file's path). */
    modelId: z.string().min(1).max(4096).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
export type BenchListInput = z.input<typeof benchListInput>
