/**
 * `zoo bench ID|FILE`: benchmarks a local model on this machine (the bench service), with
 * progress on stderr, the points as a table (or the run as JSON) on stdout, the machine it ran
 * on and a warning when other processes kept it busy. Ctrl+C stops after the model run in
 * progress; the points finished by then are kept and printed.
 */
import type { BenchPoint, BenchRun, BenchStartInput } from '../../../shared/contract'
import { sweetSpot, type LatencyFigure } from '../../../shared/bench/sweetSpot'
import { formatBytes } from '../../../shared/format/formatBytes'
import { formatDecimal } from '../../../shared/format/formatDecimal'
import { EXIT_INTERRUPTED } from '../batchForeground'
import { announceResolution } from '../announceResolution'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { textTable } from '../textTable'
import { withCore } from '../withCore'
import { modelRefFromArg } from './classify'

function sizes(value: unknown, flag: string): number[] | undefined {
  if (value === undefined) return undefined
  const parts = String(value).split(',')
  if (parts.some((part) => !/^\s*\d+\s*$/.test(part)))
    throw new UsageError(
      `${flag} takes comma-separated whole numbers (e.g. 1,4,8), got "${String(value)}".`,
    )
  return parts.map(Number)
}

function positive(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0 || String(value).trim() === '')
    throw new UsageError(`${flag} takes a number, got "${String(value)}".`)
  return n
}

const ms = (value: number) => formatDecimal(value, 2, 2)
const cores = (value: number) => formatDecimal(value, 2, 2)

/** The points as a table: latency per call, throughput, memory, and the end-to-end split. */
export function pointsTable(points: readonly BenchPoint[]): string {
  const rows = points.map((p) => {
    const short = !p.minRunsMet || !p.minDurationMet
    return [
      p.batch,
      p.threads,
      ms(p.medianMs),
      ms(p.p90Ms),
      ms(p.p99Ms),
      ms(p.minMs),
      ms(p.stdevMs),
      formatDecimal(p.imagesPerSecond, 1, 1),
      `${p.runs}${short ? '!' : ''}`,
      `${p.warmup.runs}${p.warmup.settled ? '' : '~'}`,
      formatBytes(p.peakRssBytes),
      p.split ? ms(p.split.decodeMs + p.split.preprocessMs) : null,
      p.split ? ms(p.split.inferenceMs) : null,
      p.split ? ms(p.split.postprocessMs) : null,
      `${cores(p.load.otherCores)}${p.busy ? ' busy' : ''}`,
    ]
  })
  return textTable(
    [
      'batch',
      'threads',
      'median ms',
      'p90 ms',
      'p99 ms',
      'min ms',
      'stdev ms',
      'images/s',
      'runs',
      'warm-up',
      'peak RSS',
      'pre ms/img',
      'infer ms/img',
      'post ms/img',
      'others',
    ],
    rows,
    [],
    [true, true, true, true, true, true, true, true, true, true, true, true, true, true, false],
  )
}

/** What the table's marks mean, and the machine and its load: stdout, below the table. */
export function runFooter(run: BenchRun): string[] {
  const { fingerprint: f, load, spec } = run
  const lines: string[] = []
  if (run.points.some((p) => !p.minRunsMet || !p.minDurationMet))
    lines.push(
      `! fewer than ${spec.minRuns} timed runs or less than ${formatDecimal(spec.minDurationMs / 1000, 0, 1)} s: the run hit its cap (${formatDecimal(spec.caps.maxDurationMs / 1000, 0, 1)} s); its median is less stable.`,
    )
  if (run.points.some((p) => !p.warmup.settled))
    lines.push(
      `~ warm-up did not settle (the last ${spec.warmup.window} runs' median within ${spec.warmup.tolerance * 100} % of the ${spec.warmup.window} before) within its cap.`,
    )
  lines.push(
    `Latency: wall time of one call of <batch> images in the model host; images/s = batch × 1000 / median. pre/infer/post: one end-to-end pass on ${spec.images.count} ${spec.images.source === 'samples' ? 'sample images' : `images from ${spec.images.folder}`}, ms per image (pre = read + decode + preprocess; post = softmax + top-5).`,
    `Machine: ${f.cpuModel}, ${f.cores} CPUs, ${formatBytes(f.memoryBytes)}, ${f.os} ${f.arch}, onnxruntime ${f.onnxRuntime} (${f.executionProvider}), Node ${f.node}`,
    `others: cores other processes used during the point's timed runs. Load by other processes: before ${cores(load.before.otherCores)} cores; during ${
      load.during
        ? `mean ${cores(load.during.meanOtherCores)}, max ${cores(load.during.maxOtherCores)}`
        : '—'
    } (busy above ${cores(load.thresholdCores)}; load average ${formatDecimal(load.before.loadAverage, 2, 2)} before)`,
  )
  return lines
}

export function busyWarning(run: BenchRun): string | null {
  if (!run.load.busy || !run.load.during) return null
  const busy = run.points.filter((p) => p.busy).length
  return `Warning: the machine was busy: other processes used up to ${cores(run.load.during.maxOtherCores)} cores during ${busy} of ${run.points.length} points (busy above ${cores(run.load.thresholdCores)}). Those figures are slower and noisier than this machine can do; run again when it is idle.`
}

function sweetSpotLine(run: BenchRun, limitMs: number, figure: LatencyFigure): string {
  const found = sweetSpot(run.points, limitMs, figure)
  const limit = `${formatDecimal(limitMs, 0, 2)} ms (${figure})`
  switch (found.kind) {
    case 'found': {
      const { point } = found.best
      return `Sweet spot within ${limit}: batch ${point.batch} × ${point.threads} thread${point.threads === 1 ? '' : 's'}, ${formatDecimal(point.imagesPerSecond, 1, 1)} images/s at ${ms(found.best.latencyMs)} ms.`
    }
    case 'none-within':
      return `No point is within ${limit}: the fastest is batch ${found.fastest.point.batch} × ${found.fastest.point.threads} at ${ms(found.fastest.latencyMs)} ms.`
    case 'no-points':
      return `No sweet spot: the run has no finished points.`
    case 'bad-limit':
      return `No sweet spot: the latency limit must be above 0 ms.`
  }
}

function progressLine(done: number, total: number | null, text: string): string {
  return `[${done}/${total ?? '?'}] ${text}`
}

function statusOf(run: BenchRun, interrupted: boolean): number {
  if (run.state === 'done') return EXIT.ok
  if (run.state === 'cancelled') return interrupted ? EXIT_INTERRUPTED : EXIT.stopped
  return EXIT.failed
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark a local model on this machine: latency and throughput by batch and threads',
  usage: `bench ID|FILE [--batch 1,4,8] [--threads 1,2] [--images DIR] [--json]
            [--min-runs N] [--min-time S] [--max-latency MS] [--by p90|median]

Times the model (a catalog or custom id with local weights, or an .onnx file) in its own
process at each batch size and intra-op thread count: warm-up until the timings are steady,
then timed runs until there are enough of them and for long enough; then one end-to-end pass
on real images for the split into preprocessing, inference and postprocessing. Prints each
point's median, p90, p99, min and stdev per call, images/s and peak memory, the machine, and a
warning when other processes kept it busy. Every run is kept in the data folder.
Ctrl+C stops it; the points finished are kept and printed.

Options:
  --batch LIST      batch sizes (default 1,4,8, or the model's fixed batch size)
  --threads LIST    intra-op thread counts (default 1 and every CPU)
  --images DIR      a folder of images for the end-to-end pass (default: the app's four
                    ImageNet sample images; at most 64 are used)
  --min-runs N      timed runs per point, at least (default 20)
  --min-time S      seconds of timed runs per point, at least (default 2)
  --max-latency MS  also print the sweet spot: the most images/s with a latency within MS
  --by p90|median   which latency --max-latency holds to (default p90)
  --json            print the run (points, machine, load) as JSON`,
  options: {
    batch: { type: 'string' },
    threads: { type: 'string' },
    images: { type: 'string' },
    'min-runs': { type: 'string' },
    'min-time': { type: 'string' },
    'max-latency': { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const { values } = args
    const json = values.json === true
    const ref = modelRefFromArg(args.positionals[0]!, 'ID|FILE')
    const minRuns = positive(values['min-runs'], '--min-runs')
    const minTime = positive(values['min-time'], '--min-time')
    const maxLatency = positive(values['max-latency'], '--max-latency')
    const by = values.by === undefined ? 'p90' : String(values.by)
    if (by !== 'p90' && by !== 'median')
      throw new UsageError(`--by takes p90 or median, got "${by}".`)
    const batches = sizes(values.batch, '--batch')
    const threads = sizes(values.threads, '--threads')
    const input: BenchStartInput = {
      model: ref,
      ...(batches ? { batches } : {}),
      ...(threads ? { threads } : {}),
      ...(typeof values.images === 'string' ? { images: values.images } : {}),
      ...(minRuns !== undefined ? { minRuns } : {}),
      ...(minTime !== undefined ? { minDurationMs: Math.round(minTime * 1000) } : {}),
    }
    return withCore(args, io, async (core) => {
      if ('catalogId' in ref) await announceResolution(core, io, [ref.catalogId])
      const started = await core.dispatch('bench.start', input, { face: 'cli' })
      if (!started.ok) return reportFailure(io, 'bench', started, json)
      const { id, model, spec } = started.value
      if (!json)
        io.err(
          `Benchmark ${id}: ${model.name} · batch ${spec.batches.join(', ')} · threads ${spec.threads.join(', ')}`,
        )
      const unsubscribe = core.events.on('jobs.progress', (progress) => {
        if (progress.job !== 'bench' || progress.id !== id || json) return
        const { done, total, current, point } = progress
        if (point) {
          io.status?.('')
          io.err(
            progressLine(
              done,
              total,
              `batch ${point.batch} × ${point.threads} thread${point.threads === 1 ? '' : 's'}: median ${ms(point.medianMs)} ms, ${formatDecimal(point.imagesPerSecond, 1, 1)} images/s${point.busy ? ' (busy)' : ''}`,
            ),
          )
        } else if (current) {
          const line = progressLine(
            done + 1,
            total,
            `batch ${current.batch} × ${current.threads} thread${current.threads === 1 ? '' : 's'}: ${current.phase === 'timing' ? 'warming up and timing' : 'end-to-end pass'}…`,
          )
          if (io.status) io.status(line)
        }
      })
      let interrupted = false
      const onSigint = () => {
        interrupted = true
        io.status?.('')
        io.err('\nStopping… (the points finished so far are kept)')
        void core.bench.cancel(id)
      }
      process.once('SIGINT', onSigint)
      let run: BenchRun
      try {
        run = await core.bench.wait(id)
      } finally {
        process.off('SIGINT', onSigint)
        unsubscribe()
        io.status?.('')
      }
      const warning = busyWarning(run)
      if (json) {
        const sweet =
          maxLatency !== undefined ? { sweetSpot: sweetSpot(run.points, maxLatency, by) } : {}
        io.out(JSON.stringify({ ...run, ...sweet }, null, 2))
      } else {
        if (run.points.length > 0) io.out(pointsTable(run.points))
        for (const line of runFooter(run)) io.out(line)
        if (maxLatency !== undefined) io.out(sweetSpotLine(run, maxLatency, by))
      }
      if (warning) io.err(warning)
      if (run.state === 'failed' && run.error)
        io.err(`zoo bench: ${run.error.message} [${run.error.code}]`)
      else if (run.state !== 'done')
        io.err(
          `Benchmark ${id} ${run.state}: ${run.points.length} of ${spec.batches.length * spec.threads.length} points done and kept.`,
        )
      return statusOf(run, interrupted)
    })
  },
}
