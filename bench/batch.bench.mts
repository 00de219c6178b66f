/**
 * Batch benchmark with the MobileNetV2 fixture, all figures from this one run:
 *   on 500 ImageNet-size JPEGs (made from the four val fixtures: flipped, cropped, re-encoded,
 *   so no two files are the same) and on generated 12 MP photos,
 *   (a) a bare onnxruntime-node loop on pre-decoded tensors (batch 8, all cores),
 *   (b) a naive sequential loop: decode, preprocess, run batch 1, next file, in one process,
 *   (c) our batch job end to end (walk, journal, model hosts, results recorded), the default and 1
 *       worker per model, each cold (its model processes to start) and warm,
 *   (d) the CPU-work ceiling cores / (decode+preprocess ms + inference ms per image, each on one core;
 *       decode+preprocess pinned to one core as (e) is),
 *   (e) the floor of decoding itself: cv2.imdecode of the same files, one thread, by /usr/bin/python3;
 *   then peak RSS while walking 10,000 and 100,000 tiny files into a journal (child processes).
 * (b), (d), (e) and the default warm job are measured in paired rounds, back to back, and each
 * ratio is the median of the rounds' own ratios: the machine's speed drifts between minutes.
 * Usage: tsx bench/batch.bench.mts [--quick] (--quick: 100 files, no 12 MP set, no RSS section).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { openAppCore, type AppCore } from '../src/main/core/appCore'
import { openSession } from '../src/main/inference/host/onnxSession'
import { decodeImage } from '../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../src/main/inference/preprocess/preprocessImage'
import {
  planFromCatalog,
  type PreprocessPlan,
} from '../src/main/inference/preprocess/preprocessPlan'
import {
  decodeFloorMissing,
  openDecodeFloor,
  openOurDecodePreprocess,
  type Round,
} from './decodeFloor'
import { photo } from './photos'
import { summarize } from './stats'

const fixtures = join(import.meta.dirname, '..', '..', 'shared', 'fixtures')
const modelPath = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const valPaths = ['00000010', '00010010', '00020010', '00030010'].map((id) =>
  join(fixtures, 'images', 'imagenet', `ILSVRC2012_val_${id}.jpeg`),
)
const quick = process.argv.includes('--quick')
/** Paired rounds per set (see section). */
const ROUNDS = quick ? 2 : 3
const cores = availableParallelism()
const f2 = (value: number) => value.toFixed(2)
const ratio = (value: number) => `${value.toFixed(2)}×`

/** 500×375-class JPEGs, each a different variant of a val photo. */
async function valVariants(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const sources = valPaths.map((path) => readFileSync(path))
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const source = sharp(sources[i % sources.length]!)
    const { width = 500, height = 375 } = await source.metadata()
    const trim = (i >> 2) % 16
    let image = sharp(sources[i % sources.length]!).extract({
      left: trim,
      top: trim,
      width: width - 2 * trim,
      height: height - 2 * trim,
    })
    if (i & 16) image = image.flop()
    if (i & 32) image = image.flip()
    const path = join(dir, `val-${String(i).padStart(4, '0')}.jpeg`)
    await image.jpeg({ quality: 85 + (i % 11) }).toFile(path)
    paths.push(path)
  }
  return paths
}

async function photos12mp(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const path = join(dir, `photo-${i}.jpeg`)
    writeFileSync(path, await photo(4000, 3000, i + 1, i % 3 === 0 ? 6 : undefined))
    paths.push(path)
  }
  return paths
}

/** A timer round as ms per image: its median wall time, and its CPU time. */
function perImage(round: Round): { wall: number; cpu: number } {
  return { wall: summarize(round.walls).p50, cpu: round.cpu }
}

/** A session as the model hosts open it. */
function session(threads: number): Promise<ort.InferenceSession> {
  return openSession(modelPath, threads)
}

/** ms per image of batch-8 runs on one pre-made input. */
async function bareMsPerImage(threads: number, tensor: Float32Array, runs: number) {
  const s = await session(threads)
  const batch = 8
  const data = new Float32Array(batch * tensor.length)
  for (let i = 0; i < batch; i++) data.set(tensor, i * tensor.length)
  const input = new ort.Tensor('float32', data, [batch, 3, 224, 224])
  const times: number[] = []
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now()
    await s.run({ [s.inputNames[0]!]: input })
    if (i >= 3) times.push((performance.now() - start) / batch)
  }
  await s.release()
  return summarize(times).p50
}

/** (b): images/s of decode → preprocess → run batch 1, file after file. */
async function naiveRate(files: Buffer[], plan: PreprocessPlan): Promise<number> {
  const s = await session(cores)
  const run = async (bytes: Buffer) => {
    const { tensor } = await preprocessImage(await decodeImage(bytes), plan)
    await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, 224, 224]) })
  }
  for (const bytes of files.slice(0, 4)) await run(bytes)
  const start = performance.now()
  for (const bytes of files) await run(bytes)
  const seconds = (performance.now() - start) / 1000
  await s.release()
  return files.length / seconds
}

interface JobRate {
  /** Files per second from batch.start to the job's end. */
  rate: number
  /** Files per second between 10 % and 90 % of the files done: the pipeline once running. */
  steady: number
  workers: number
  files: number
}

/** (c): a whole job over `folder`, end to end and once running. */
async function jobRate(
  core: AppCore,
  folder: string,
  workers: number | undefined,
): Promise<JobRate> {
  const marks: { at: number; done: number }[] = []
  const start = performance.now()
  const off = core.events.on('jobs.progress', (progress) => {
    if (progress.job === 'batch') marks.push({ at: performance.now(), done: progress.done })
  })
  try {
    const started = await core.dispatch(
      'batch.start',
      {
        folders: [folder],
        models: [{ catalogId: 'MobileNetV2' }],
        batchSize: 8,
        restart: true,
        ...(workers ? { workers } : {}),
      },
      { face: 'cli' },
    )
    if (!started.ok) throw new Error(started.error.message)
    const job = await core.batch.wait(started.value.job.id)
    const seconds = (performance.now() - start) / 1000
    if (job.state !== 'done' || job.counts.failed > 0)
      throw new Error(`the benchmark job ended ${job.state}, ${job.counts.failed} failed`)
    const files = job.counts.done
    const from = marks.find((mark) => mark.done >= files * 0.1)
    const to = marks.find((mark) => mark.done >= files * 0.9)
    const steady =
      from && to && to.at > from.at ? ((to.done - from.done) * 1000) / (to.at - from.at) : NaN
    return { rate: files / seconds, steady, workers: job.spec.workers, files }
  } finally {
    off()
  }
}

/** One paired round: the ceiling's parts, the naive loop and a warm job, back to back. */
interface PairedRound {
  floorMs: { wall: number; cpu: number } | null
  prep: { wall: number; cpu: number }
  inferenceMs: number
  naive: number
  job: JobRate
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function section(
  title: string,
  paths: string[],
  core: AppCore,
  plan: PreprocessPlan,
  folder: string,
): Promise<string[]> {
  const files = paths.map((path) => readFileSync(path))
  sharp.concurrency(1)
  sharp.cache(false)
  const lines = [title]
  const missing = decodeFloorMissing()
  if (missing)
    lines.push(`  (e) skipped: /usr/bin/python3 cannot import cv2 and numpy (${missing})`)
  const floor = missing ? null : await openDecodeFloor({ set: paths })
  const mine = await openOurDecodePreprocess({ set: paths }, plan)
  const tensor = (await preprocessImage(await decodeImage(files[0]!), plan)).tensor
  // This machine's speed drifts by a fifth over minutes: every ratio is taken within one round
  // (the ceiling's parts, the naive loop and a job measured back to back), and the rounds'
  // median reported. Decode+preprocess runs pinned to one core, as (e) does (decodeFloor.ts).
  const rounds: PairedRound[] = []
  let cold: JobRate
  try {
    await floor?.round('set')
    await mine.round('set')
    // The first job starts the default configuration's model processes: the cold figure.
    cold = await jobRate(core, folder, undefined)
    for (let i = 0; i < ROUNDS; i++) {
      const floorRound = floor ? await floor.round('set') : null
      const ours = await mine.round('set')
      rounds.push({
        floorMs: floorRound ? perImage(floorRound) : null,
        prep: perImage(ours),
        inferenceMs: await bareMsPerImage(1, tensor, 16),
        naive: await naiveRate(files, plan),
        job: await jobRate(core, folder, undefined),
      })
    }
  } finally {
    floor?.close()
    mine.close()
  }
  const bareRate = 1000 / (await bareMsPerImage(cores, tensor, 24))
  // One worker per model, for comparison: its own processes (more threads each), cold then warm.
  const oneWorker =
    cores > 1
      ? [await jobRate(core, folder, 1), await jobRate(core, folder, 1)].map((job, i) => ({
          ...job,
          label: `1 worker(s), ${i ? 'warm' : 'cold'}`,
        }))
      : []
  const ceilingOf = (round: PairedRound) => (cores * 1000) / (round.prep.wall + round.inferenceMs)
  /** The median over the rounds of a figure each round has. */
  const mid = (of: (round: PairedRound) => number) => median(rounds.map(of))
  const prepMs = mid((r) => r.prep.wall)
  const inferenceMs = mid((r) => r.inferenceMs)
  const workers = rounds[0]!.job.workers
  const rows: [string, number][] = [
    ['(a) bare onnxruntime, pre-decoded tensors, batch 8', bareRate],
    ['(b) naive sequential decode → preprocess → run', mid((r) => r.naive)],
    [`(c) our batch job, ${workers} worker(s) (default), cold`, cold.rate],
    [`(c) our batch job, ${workers} worker(s) (default), warm`, mid((r) => r.job.rate)],
    ...oneWorker.map((job): [string, number] => [`(c) our batch job, ${job.label}`, job.rate]),
    [`(d) ceiling ${cores} / (${f2(prepMs)} + ${f2(inferenceMs)}) ms`, mid(ceilingOf)],
  ]
  for (const [label, rate] of rows)
    lines.push(`  ${label.padEnd(58)}${f2(rate).padStart(9)} images/s`)
  lines.push(
    floor
      ? `  (e) cv2.imdecode ${f2(mid((r) => r.floorMs!.wall))} ms (${f2(mid((r) => r.floorMs!.cpu))} CPU) · ours decode+preprocess ${f2(prepMs)} ms/image (${f2(mid((r) => r.prep.cpu))} CPU) = ${ratio(mid((r) => r.prep.wall / r.floorMs!.wall))} (e) wall, ${ratio(mid((r) => r.prep.cpu / r.floorMs!.cpu))} CPU  [target ≤ 1.5×]`
      : `  (e) ours decode+preprocess ${f2(prepMs)} ms/image (${f2(mid((r) => r.prep.cpu))} ms CPU)`,
  )
  for (const [i, round] of rounds.entries())
    lines.push(
      `  round ${i + 1}: c ${f2(round.job.rate)}/s, d ${f2(ceilingOf(round))}/s (${f2(round.prep.wall)} + ${f2(round.inferenceMs)} ms), b ${f2(round.naive)}/s → c/d ${f2(round.job.rate / ceilingOf(round))}, c/b ${f2(round.job.rate / round.naive)}; once running (10 → 90 %) ${f2(round.job.steady / ceilingOf(round))} d`,
    )
  const first = rounds[0]!
  lines.push(
    `  c/d = ${f2(mid((r) => r.job.rate / ceilingOf(r)))} [target ≥ 0.85] · c/b = ${f2(mid((r) => r.job.rate / r.naive))} [target ≥ 1.8] · c/a = ${f2(mid((r) => r.job.rate) / bareRate)}  (c: default, warm; medians of the rounds' own ratios)`,
    `  cold start: c/d = ${f2(cold.rate / ceilingOf(first))} · c/b = ${f2(cold.rate / first.naive)} (against round 1)`,
  )
  return lines
}

function rssLine(dir: string, count: number): { line: string; maxRssMb: number } {
  const work = join(dir, `rss-${count}`)
  mkdirSync(work, { recursive: true })
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(import.meta.dirname, 'journalRss.mts'),
      work,
      `${count}`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  )
  rmSync(work, { recursive: true, force: true })
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
    journaled: number
    ms: number
    maxRssBeforeMb: number
    maxRssMb: number
    liveHeapMb: number
  }
  return {
    maxRssMb: r.maxRssMb,
    line: `  ${String(count).padStart(7)} files: journaled ${r.journaled} in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.journaled / (r.ms / 1000))} files/s); peak RSS ${r.maxRssMb} MB (${r.maxRssBeforeMb} MB before the walk), live heap after ${r.liveHeapMb} MB`,
  }
}

async function main(): Promise<void> {
  if (!existsSync(modelPath)) {
    console.log(`batch benchmark skipped: ${modelPath} is absent (../shared/fixtures)`)
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'zoo-bench-batch-'))
  const core = openAppCore({ dataDir: join(dir, 'data'), host: 'cli', log: () => {} })
  try {
    const attached = await core.dispatch(
      'inference.attach',
      { source: { path: modelPath }, catalogId: 'MobileNetV2' },
      { face: 'cli' },
    )
    if (!attached.ok) throw new Error(attached.error.message)
    const plan = planFromCatalog(core.catalog.get('MobileNetV2').model.preprocess!)
    const count = quick ? 100 : 500
    const val = await valVariants(join(dir, 'val'), count)
    console.log(`Batch benchmark: MobileNetV2 fixture (int8), ${cores} cores, load ${loadText()}`)
    for (const line of await section(
      `${count} ImageNet-size JPEGs (500×375-class, variants of the 4 val fixtures)`,
      val,
      core,
      plan,
      join(dir, 'val'),
    ))
      console.log(line)
    if (!quick) {
      const big = await photos12mp(join(dir, 'photos'), 24)
      for (const line of await section(
        '24 generated 12 MP photos (4000×3000 JPEG q90, every third with EXIF orientation 6)',
        big,
        core,
        plan,
        join(dir, 'photos'),
      ))
        console.log(line)
      console.log('Walking tiny files into a journal (a child process each, as a job does):')
      const [small, large, larger] = [10_000, 100_000, 200_000].map((n) => rssLine(dir, n))
      for (const r of [small!, large!, larger!]) console.log(r.line)
      console.log(
        `  peak RSS 100k / 10k = ${f2(large!.maxRssMb / small!.maxRssMb)}, 200k / 100k = ${f2(larger!.maxRssMb / large!.maxRssMb)} (flat is 1.00)`,
      )
    }
    console.log(`load after: ${loadText()}`)
  } finally {
    core.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function loadText(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'n/a'
  }
}

await main()
