/**
 * A benchmark point's figures from what its model host measured (and its end-to-end pass):
 * pure, so that the stats, the flags and the busy verdict are tested without a model.
 */
import type { BenchPoint, StageSplit } from '../../shared/contract'
import type { BenchReply, HostImageResult } from '../inference/host/hostProtocol'
import { imagesPerSecond, latencyStats } from '../../shared/bench/latencyStats'
import { loadOver } from './machineLoad'
import type { TimingRule } from './runRules'

export function pointFigures(options: {
  batch: number
  threads: number
  reply: BenchReply
  timing: TimingRule
  thresholdCores: number
  split: StageSplit | null
  finishedAt: string
}): BenchPoint & { timesMs: number[] } {
  const { batch, threads, reply, timing } = options
  const stats = latencyStats(reply.timesMs)
  const load = loadOver(reply.machine, reply.cpuMs, reply.wallMs)
  return {
    batch,
    threads,
    runs: reply.timesMs.length,
    durationMs: reply.wallMs,
    minRunsMet: reply.timesMs.length >= timing.minRuns,
    minDurationMet: reply.wallMs >= timing.minDurationMs,
    warmup: { runs: reply.warmup.runs, settled: reply.warmup.settled },
    medianMs: stats.medianMs,
    p90Ms: stats.p90Ms,
    p99Ms: stats.p99Ms,
    minMs: stats.minMs,
    maxMs: stats.maxMs,
    meanMs: stats.meanMs,
    stdevMs: stats.stdevMs,
    imagesPerSecond: imagesPerSecond(batch, stats.medianMs),
    peakRssBytes: reply.peakRssBytes,
    load: { otherCores: load.otherCores, ownCores: load.ownCores },
    busy: load.otherCores > options.thresholdCores,
    split: options.split,
    finishedAt: options.finishedAt,
    timesMs: reply.timesMs,
  }
}

/**
 * The end-to-end split from one pass's results: the host's stage times of the images that ran,
 * the app's postprocessing time of each (`postprocessMs`, by key), and the pass's wall time.
 */
export function stageSplit(
  results: readonly HostImageResult[],
  postprocessMs: ReadonlyMap<string, number>,
  wallMs: number,
): StageSplit {
  const ok = results.filter((r): r is Extract<HostImageResult, { ok: true }> => r.ok)
  const mean = (pick: (r: (typeof ok)[number]) => number) =>
    ok.length ? ok.reduce((sum, r) => sum + pick(r), 0) / ok.length : 0
  const images = results.length
  return {
    images,
    failed: images - ok.length,
    decodeMs: mean((r) => r.timings.decodeMs),
    preprocessMs: mean((r) => r.timings.preprocessMs),
    inferenceMs: mean((r) => r.timings.inferenceMs),
    postprocessMs: mean((r) => postprocessMs.get(r.key) ?? 0),
    wallMsPerImage: images ? wallMs / images : 0,
    imagesPerSecond: wallMs > 0 ? (ok.length * 1000) / wallMs : 0,
  }
}
