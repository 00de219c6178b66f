/**
 * Inference benchmark with the MobileNetV2 fixture on the four ImageNet val fixtures:
 *   - decode + preprocess ms/image (our pipeline, one core);
 *   - bare onnxruntime-node loop on pre-made tensors, batch 1 and 8, 1 and 2 intra-op threads;
 *   - a naive sequential loop (decode, preprocess, run batch 1, in one process);
 *   - ours: single images through the app's service (model host process), and a batch of 64.
 * Every figure comes from this run; ratios compare with the bare loop and with the ceiling
 * cores / (decode ms + inference ms per image, each on one core) from DESIGN.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { openAppCore } from '../src/main/core/appCore'
import { decodeImage } from '../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../src/main/inference/preprocess/preprocessImage'
import { planFromCatalog } from '../src/main/inference/preprocess/preprocessPlan'
import type { ClassifyResult } from '../src/shared/contract'
import { summarize } from './stats'

const fixtures = join(import.meta.dirname, '..', '..', 'shared', 'fixtures')
const modelPath = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const imagePaths = ['00000010', '00010010', '00020010', '00030010'].map((id) =>
  join(fixtures, 'images', 'imagenet', `ILSVRC2012_val_${id}.jpeg`),
)

const f2 = (value: number) => value.toFixed(2)
/** The same thread policy as the app's model hosts: no spinning between runs. */
const NO_SPIN = {
  session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } },
}

async function main(): Promise<void> {
  if (!existsSync(modelPath)) {
    console.log(`inference benchmark skipped: ${modelPath} is absent (../shared/fixtures)`)
    return
  }
  sharp.concurrency(1)
  const cores = availableParallelism()
  const dataDir = mkdtempSync(join(tmpdir(), 'zoo-bench-inference-'))
  const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
  try {
    const plan = planFromCatalog(core.catalog.get('MobileNetV2').model.preprocess!)
    const bytes = imagePaths.map((path) => readFileSync(path))

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
      const session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        extra: NO_SPIN,
      })
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
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: cores,
      interOpNumThreads: 1,
      extra: NO_SPIN,
    })
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
