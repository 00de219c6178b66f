/**
 * Inference benchmark with the MobileNetV2 fixture on the four ImageNet val fixtures:
 *   - the decoding floor (e): cv2.imdecode of the same files timed by /usr/bin/python3 on one
 *     thread, against our decode alone, our preprocess alone and both, and the previous path's,
 *     each as ms/image and as a ratio to (e), on the val JPEGs and on generated 12 MP photos;
 *   - decode + preprocess ms/image (our pipeline, one core);
 *   - bare onnxruntime-node loop on pre-made tensors, batch 1 and 8, 1 and 2 intra-op threads;
 *   - a naive sequential loop (decode, preprocess, run batch 1, in one process);
 *   - ours: single images through the app's service (model host process), and a batch of 64.
 * Every figure comes from this run; ratios compare with the bare loop and with the ceiling
 * cores / (decode ms + inference ms per image, each on one core) from DESIGN.md.
 * `--floor` prints the floor section alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { openAppCore } from '../src/main/core/appCore'
import { openSession } from '../src/main/inference/host/onnxSession'
import { decodeImage } from '../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../src/main/inference/preprocess/preprocessImage'
import {
  planFromCatalog,
  type PreprocessPlan,
} from '../src/main/inference/preprocess/preprocessPlan'
import type { ClassifyResult } from '../src/shared/contract'
import {
  decodeFloorMissing,
  openDecodeFloor,
  timeRound,
  type RoundTimer,
  type Round,
} from './decodeFloor'
import { photo } from './photos'
import { previousDecode, previousPreprocess } from './previousPreprocess'
import { summarize } from './stats'

const fixtures = join(import.meta.dirname, '..', '..', 'shared', 'fixtures')
const modelPath = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const imagePaths = ['00000010', '00010010', '00020010', '00030010'].map((id) =>
  join(fixtures, 'images', 'imagenet', `ILSVRC2012_val_${id}.jpeg`),
)

const f2 = (value: number) => value.toFixed(2)

interface Figure {
  wall: number
  cpu: number
}

/**
 * Interleaved rounds of several timings (a busy machine slows them alike); per timing, the p50
 * wall ms of its calls and the p50 over rounds of its CPU ms per call.
 */
async function interleaved(
  rounds: number,
  timings: Record<string, () => Promise<Round>>,
): Promise<Record<string, Figure>> {
  const walls: Record<string, number[]> = {}
  const cpus: Record<string, number[]> = {}
  for (let r = 0; r <= rounds; r++) {
    for (const [name, time] of Object.entries(timings)) {
      const round = await time()
      if (r === 0) continue // warm-up
      ;(walls[name] ??= []).push(...round.walls)
      ;(cpus[name] ??= []).push(round.cpu)
    }
  }
  return Object.fromEntries(
    Object.keys(timings).map((name) => [
      name,
      { wall: summarize(walls[name]!).p50, cpu: summarize(cpus[name]!).p50 },
    ]),
  )
}

const sameTensor = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((value, i) => Object.is(value, b[i]))

/**
 * (e) against ours on one set of files: every figure a ratio to the floor, plus what holds ours
 * above it. Checks on the way that our tensors equal the previous path's bit for bit.
 */
async function floorSection(
  title: string,
  set: string,
  bytes: Buffer[],
  plan: PreprocessPlan,
  floor: RoundTimer,
  /** Interleaved rounds, and passes over the files per round. */
  rounds: number,
  passes: number,
): Promise<string[]> {
  const decoded = await Promise.all(bytes.map((b) => decodeImage(b)))
  for (let i = 0; i < bytes.length; i++) {
    const before = await previousDecode(bytes[i]!)
    const ours = (await preprocessImage(decoded[i]!, plan)).tensor
    if (
      !Buffer.from(before.data).equals(Buffer.from(decoded[i]!.data)) ||
      !sameTensor(ours, previousPreprocess(before, plan))
    ) {
      throw new Error(`${title}: image ${i} gives other pixels or tensors than the previous path`)
    }
  }
  const tiny = [
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer(),
  ]
  const indices = bytes.map((_, i) => i)
  const figures = await interleaved(rounds, {
    floor: () => floor.round(set, passes),
    decode: () => timeRound(bytes, (b) => decodeImage(b), passes),
    preprocess: () => timeRound(indices, (i) => preprocessImage(decoded[i]!, plan), passes),
    both: () => timeRound(bytes, async (b) => preprocessImage(await decodeImage(b), plan), passes),
    beforeDecode: () => timeRound(bytes, (b) => previousDecode(b), passes),
    beforePreprocess: () =>
      timeRound(indices, (i) => previousPreprocess(decoded[i]!, plan), passes),
    beforeBoth: () =>
      timeRound(bytes, async (b) => previousPreprocess(await previousDecode(b), plan), passes),
    tiny: () => timeRound(tiny, (b) => decodeImage(b), 12),
  })
  const e = figures.floor!
  const line = (label: string, name: string) => {
    const { wall, cpu } = figures[name]!
    const ratio = (value: number, floor: number) => `${f2(value / floor)}×`.padStart(6)
    return `  ${label.padEnd(44)}${f2(wall).padStart(8)} ms ${ratio(wall, e.wall)}   cpu ${f2(cpu).padStart(8)} ms ${ratio(cpu, e.cpu)}`
  }
  const wall = (name: string) => figures[name]!.wall
  return [
    `${title}, per image: p50 wall and its ratio to (e); CPU (all threads, per round) and its ratio`,
    line('(e) cv2.imdecode, 1 thread', 'floor'),
    line('ours: decode', 'decode'),
    line('ours: preprocess', 'preprocess'),
    line('ours: decode + preprocess', 'both'),
    line('before: decode (metadata + pipeline)', 'beforeDecode'),
    line('before: preprocess (HWC resize, then float)', 'beforePreprocess'),
    line('before: decode + preprocess', 'beforeBoth'),
    `  above (e), p50 wall: ours − (e) = ${f2(wall('both') - e.wall)} ms = decode beyond imdecode ` +
      `${f2(wall('decode') - e.wall)} ms (sharp's fixed cost per call alone, an 8×8 JPEG: ` +
      `${f2(wall('tiny'))} ms) + preprocess ${f2(wall('preprocess'))} ms + running them back to ` +
      `back (caches, freeing the decoded buffers) ${f2(wall('both') - wall('decode') - wall('preprocess'))} ms`,
    `  bit-exact with the previous path on all ${bytes.length} images: yes`,
  ]
}

async function main(): Promise<void> {
  if (!existsSync(modelPath)) {
    console.log(`inference benchmark skipped: ${modelPath} is absent (../shared/fixtures)`)
    return
  }
  // As the model host sets them: one libvips worker, no operation cache.
  sharp.concurrency(1)
  sharp.cache(false)
  const cores = availableParallelism()
  const dataDir = mkdtempSync(join(tmpdir(), 'zoo-bench-inference-'))
  const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
  try {
    const plan = planFromCatalog(core.catalog.get('MobileNetV2').model.preprocess!)
    const bytes = imagePaths.map((path) => readFileSync(path))

    // 0. The decoding floor (e) against ours, on the val JPEGs and on 12 MP photos.
    const floorLines: string[] = []
    const missing = decodeFloorMissing()
    if (missing) {
      floorLines.push(
        `decoding floor skipped: /usr/bin/python3 cannot import cv2 and numpy (${missing})`,
      )
    } else {
      const photos = [await photo(4000, 3000, 1), await photo(4000, 3000, 2, 6)]
      const photoPaths = photos.map((jpeg, i) => {
        const path = join(dataDir, `photo-${i}.jpeg`)
        writeFileSync(path, jpeg)
        return path
      })
      const floor = await openDecodeFloor({ val: imagePaths, photos: photoPaths })
      try {
        floorLines.push(
          ...(await floorSection('500×375-class val JPEGs (4)', 'val', bytes, plan, floor, 12, 3)),
          ...(await floorSection(
            `12 MP photos (4000×3000, and 4000×3000 stored with EXIF orientation 6; ${f2(photos.reduce((n, p) => n + p.length, 0) / 2 / 1e6)} MB each on average)`,
            'photos',
            photos,
            plan,
            floor,
            5,
            2,
          )),
        )
      } finally {
        floor.close()
      }
    }
    if (process.argv.includes('--floor')) {
      for (const line of floorLines) console.log(line)
      return
    }

    // 1. Decode + preprocess, one image at a time on this thread (+1 libvips thread).
    const prepTimes: number[] = []
    const tensors: Float32Array[] = []
    for (let round = 0; round < 15; round++) {
      for (const image of bytes) {
        const start = performance.now()
        const { tensor } = await preprocessImage(await decodeImage(image), plan)
        if (round >= 3) prepTimes.push(performance.now() - start)
        if (round === 0) tensors.push(tensor)
      }
    }
    const prep = summarize(prepTimes)

    // 2. Bare ONNX Runtime on pre-made tensors.
    const bare = async (threads: number, batch: number) => {
      const session = await openSession(modelPath, threads)
      const data = new Float32Array(batch * 3 * 224 * 224)
      for (let i = 0; i < batch; i++) data.set(tensors[i % tensors.length]!, i * 3 * 224 * 224)
      const input = new ort.Tensor('float32', data, [batch, 3, 224, 224])
      const times: number[] = []
      for (let i = 0; i < 40; i++) {
        const start = performance.now()
        await session.run({ [session.inputNames[0]!]: input })
        if (i >= 5) times.push((performance.now() - start) / batch)
      }
      await session.release()
      return summarize(times).p50
    }
    const bare1t1 = await bare(1, 1)
    const bare1t8 = await bare(1, 8)
    const bare2t1 = await bare(cores, 1)
    const bare2t8 = await bare(cores, 8)

    // 3. Naive sequential loop in one process: decode, preprocess, run batch 1, next image.
    const session = await openSession(modelPath, cores)
    const naiveTimes: number[] = []
    for (let round = 0; round < 10; round++) {
      for (const image of bytes) {
        const start = performance.now()
        const { tensor } = await preprocessImage(await decodeImage(image), plan)
        await session.run({
          [session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, 224, 224]),
        })
        if (round >= 2) naiveTimes.push(performance.now() - start)
      }
    }
    await session.release()
    const naive = summarize(naiveTimes).p50

    // 4. Ours, through the service: the model runs in its host process.
    const attached = await core.dispatch(
      'inference.attach',
      { source: { path: modelPath }, catalogId: 'MobileNetV2' },
      { face: 'cli' },
    )
    if (!attached.ok) throw new Error(attached.error.message)
    const classify = async (paths: string[]) => {
      const result = await core.dispatch(
        'inference.classify',
        { model: { catalogId: 'MobileNetV2' }, images: paths.map((path) => ({ path })) },
        { face: 'cli' },
      )
      if (!result.ok) throw new Error(result.error.message)
      return result.value as ClassifyResult
    }
    await classify(imagePaths) // load the host and warm it up
    const singleTimes: number[] = []
    for (let round = 0; round < 10; round++) {
      for (const path of imagePaths) {
        const start = performance.now()
        await classify([path])
        if (round >= 2) singleTimes.push(performance.now() - start)
      }
    }
    const single = summarize(singleTimes).p50
    const batchPaths = Array.from({ length: 64 }, (_, i) => imagePaths[i % imagePaths.length]!)
    const batchTimes: number[] = []
    for (let round = 0; round < 4; round++) {
      const start = performance.now()
      await classify(batchPaths)
      if (round >= 1) batchTimes.push((performance.now() - start) / batchPaths.length)
    }
    const batched = summarize(batchTimes).p50
    const ceiling = (cores * 1000) / (prep.p50 + bare1t8)

    console.log(
      `Inference benchmark: MobileNetV2 fixture (int8), 500×375-class JPEGs, ${cores} cores`,
    )
    for (const line of floorLines) console.log(line)
    console.log(`decode + preprocess          ${f2(prep.p50)} ms/image (p95 ${f2(prep.p95)})`)
    console.log(
      `bare ORT, 1 thread           batch 1 ${f2(bare1t1)} ms/image · batch 8 ${f2(bare1t8)} ms/image`,
    )
    console.log(
      `bare ORT, ${cores} threads          batch 1 ${f2(bare2t1)} ms/image · batch 8 ${f2(bare2t8)} ms/image`,
    )
    console.log(`naive sequential loop        ${f2(naive)} ms/image (${f2(1000 / naive)} images/s)`)
    console.log(
      `ours, one image per call     ${f2(single)} ms/image end to end = ${f2(single / bare2t1)}× the bare batch-1 loop (${f2(single / naive)}× naive)`,
    )
    console.log(
      `ours, 64 images per call     ${f2(batched)} ms/image = ${f2(1000 / batched)} images/s`,
    )
    console.log(
      `ceiling ${cores} / (${f2(prep.p50)} + ${f2(bare1t8)}) ms = ${f2(ceiling)} images/s → ours is ${f2(1000 / batched / ceiling)} of it`,
    )
  } finally {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
