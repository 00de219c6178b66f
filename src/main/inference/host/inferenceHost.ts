/**
 * A model host: a child process that owns one ONNX Runtime session, decodes and preprocesses
 * images and runs them through the model. A model that crashes or hangs takes down only this
 * process; the app notices, starts another and reruns what was lost (see runImages.ts).
 * Each input file is checked before it is read (files/regularFile.ts).
 */
import { cpus } from 'node:os'
import * as ort from 'onnxruntime-node'
import { AppError, type ApiError } from '../../../shared/errors'
import { machineCpu } from '../../bench/machineLoad'
import { timingDone, warmupVerdict, type WarmupVerdict } from '../../bench/runRules'
import { readRegularFile } from '../../files/regularFile'
import { decodeImage } from '../preprocess/decodeImage'
import { whenSharpLoads } from '../preprocess/lazySharp'
import { runNativeInline } from '../preprocess/nativeKernels'
import { preprocessImage } from '../preprocess/preprocessImage'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'
import type {
  BenchReply,
  BenchRequest,
  HostCallType,
  HostImage,
  HostImageResult,
  HostReply,
  HostRequest,
  HostResponse,
  HostSuccess,
  ModelInfo,
  TensorInfo,
} from './hostProtocol'
import { openSession } from './onnxSession'
import { parentChannel } from './parentChannel'

// One libvips worker: the ONNX Runtime threads get the cores; decoding overlaps with inference.
whenSharpLoads((sharp) => {
  sharp.concurrency(1)
  sharp.cache(false)
})

let session: ort.InferenceSession | null = null

function toApiError(error: unknown, fallback: ApiError['code']): ApiError {
  if (error instanceof AppError) {
    const { code, message, details } = error
    return details === undefined ? { code, message } : { code, message, details }
  }
  return { code: fallback, message: error instanceof Error ? error.message : String(error) }
}

function tensorInfo(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, type: 'non-tensor', shape: [] }
  return {
    name: meta.name,
    type: meta.type,
    shape: meta.shape.map((d) => (typeof d === 'number' ? d : String(d))),
  }
}

async function load(modelPath: string, intraOpThreads: number): Promise<ModelInfo> {
  const started = performance.now()
  // One thread for the model: this process is one of one per core, nothing to overlap here.
  runNativeInline(intraOpThreads === 1)
  session = await openSession(modelPath, intraOpThreads)
  return {
    inputs: session.inputMetadata.map(tensorInfo),
    outputs: session.outputMetadata.map(tensorInfo),
    loadMs: performance.now() - started,
  }
}

interface Prepared {
  image: HostImage
  tensor: Float32Array
  exact: boolean
  decodeMs: number
  preprocessMs: number
  size: { width: number; height: number; format: string }
}

async function prepare(
  image: HostImage,
  plan: PreprocessPlan,
): Promise<Prepared | HostImageResult> {
  try {
    const t0 = performance.now()
    const bytes = await readRegularFile(image.path, 'image')
    const decoded = await decodeImage(bytes, `"${image.label ?? image.path}"`)
    const t1 = performance.now()
    const { tensor, exact } = await preprocessImage(decoded, plan)
    const t2 = performance.now()
    return {
      image,
      tensor,
      exact,
      decodeMs: t1 - t0,
      preprocessMs: t2 - t1,
      size: {
        width: decoded.originalWidth,
        height: decoded.originalHeight,
        format: decoded.format,
      },
    }
  } catch (error) {
    return { key: image.key, ok: false, error: toApiError(error, 'IMAGE_CORRUPT') }
  }
}

async function infer(batch: Prepared[], plan: PreprocessPlan): Promise<HostImageResult[]> {
  if (!session) throw new AppError('MODEL_NOT_AVAILABLE', 'No model is loaded in this host.')
  const size = plan.inputSize
  const per = 3 * size * size
  const data = new Float32Array(per * batch.length)
  batch.forEach((item, i) => data.set(item.tensor, i * per))
  const inputName = session.inputNames[0]!
  const outputName = session.outputNames[0]!
  const started = performance.now()
  let output: ort.Tensor
  try {
    const results = await session.run({
      [inputName]: new ort.Tensor('float32', data, [batch.length, 3, size, size]),
    })
    output = results[outputName]!
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return batch.map(({ image }) => ({
      key: image.key,
      ok: false,
      error: { code: 'MODEL_FAILED', message: `The model failed while running: ${message}` },
    }))
  }
  const inferenceMs = (performance.now() - started) / batch.length
  const values = output.data as Float32Array
  const classes = values.length / batch.length
  return batch.map((item, i) => ({
    key: item.image.key,
    ok: true,
    output: values.slice(i * classes, (i + 1) * classes),
    timings: { decodeMs: item.decodeMs, preprocessMs: item.preprocessMs, inferenceMs },
    exact: item.exact,
    image: item.size,
  }))
}

// Chunks are prepared one after another as they arrive, and run one after another: while the
// model runs one chunk (a synchronous call that holds this thread), libvips decodes the next.
let preparing: Promise<unknown> = Promise.resolve()
let inferring: Promise<unknown> = Promise.resolve()
/** Run requests given and not yet answered, and those of them the app no longer wants. */
const active = new Set<number>()
const cancelled = new Set<number>()

function dropIfCancelled(id: number): void {
  if (!cancelled.delete(id)) return
  throw new AppError('CANCELLED', 'The run was cancelled.')
}

async function prepareOneByOne(
  images: HostImage[],
  plan: PreprocessPlan,
): Promise<(Prepared | HostImageResult)[]> {
  const prepared: (Prepared | HostImageResult)[] = []
  for (const image of images) prepared.push(await prepare(image, plan))
  return prepared
}

function run(
  id: number,
  images: HostImage[],
  plan: PreprocessPlan,
  serial: boolean,
): Promise<HostReply<'run'>> {
  active.add(id)
  const prepared = preparing.then(() => {
    if (cancelled.has(id)) return []
    if (serial) return prepareOneByOne(images, plan)
    return Promise.all(images.map((image) => prepare(image, plan)))
  })
  preparing = prepared.catch(() => {})
  const done = Promise.all([prepared, inferring]).then(async ([items]) => {
    dropIfCancelled(id)
    const ready = items.filter((p): p is Prepared => 'tensor' in p)
    const failed = items.filter((p): p is HostImageResult => !('tensor' in p))
    const inferred = ready.length ? await infer(ready, plan) : []
    const byKey = new Map([...inferred, ...failed].map((r) => [r.key, r]))
    return { results: images.map((image) => byKey.get(image.key)!) }
  })
  inferring = done.catch(() => {})
  return done.finally(() => {
    active.delete(id)
    cancelled.delete(id)
  })
}

/**
 * The batch a bench request times: the images' tensors tiled (prepared once, untimed), or a
 * fixed pseudo-random tensor in the normalised range when none could be prepared. Real pixels
 * matter little to a dense model's time, but a quantised model's kernels may see the values.
 */
async function benchBatch(request: BenchRequest): Promise<Float32Array> {
  const size = request.plan.inputSize
  const per = 3 * size * size
  const data = new Float32Array(per * request.batch)
  const prepared = (await Promise.all(request.images.map((image) => prepare(image, request.plan))))
    .filter((p): p is Prepared => 'tensor' in p)
    .map((p) => p.tensor)
  if (prepared.length > 0) {
    for (let i = 0; i < request.batch; i++) data.set(prepared[i % prepared.length]!, i * per)
    return data
  }
  let state = 0x2545f491
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    data[i] = (state / 2 ** 32) * 4 - 2
  }
  return data
}

async function benchNow(id: number, request: BenchRequest): Promise<BenchReply> {
  const loaded = session
  if (!loaded) throw new AppError('MODEL_NOT_AVAILABLE', 'No model is loaded in this host.')
  const stopIfCancelled = () => {
    if (cancelled.has(id)) throw new AppError('CANCELLED', 'The benchmark was cancelled.')
  }
  stopIfCancelled()
  const size = request.plan.inputSize
  const feeds = {
    [loaded.inputNames[0]!]: new ort.Tensor('float32', await benchBatch(request), [
      request.batch,
      3,
      size,
      size,
    ]),
  }
  const once = async (): Promise<number> => {
    const started = performance.now()
    try {
      await loaded.run(feeds)
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
      throw new AppError('MODEL_FAILED', `The model failed at batch ${request.batch}: ${message}`)
    }
    return performance.now() - started
  }
  // Between two runs the event loop reads the app's messages: a cancel lands here.
  const warm: number[] = []
  const warmStart = performance.now()
  let verdict: WarmupVerdict = null
  while (verdict === null) {
    stopIfCancelled()
    warm.push(await once())
    verdict = warmupVerdict(warm, performance.now() - warmStart, request.warmup)
  }
  const machineBefore = machineCpu()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const timesMs: number[] = []
  while (!timingDone(timesMs.length, performance.now() - started, request.timing)) {
    stopIfCancelled()
    timesMs.push(await once())
  }
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const machineAfter = machineCpu()
  return {
    warmup: { runs: warm.length, settled: verdict === 'settled', timesMs: warm },
    timesMs,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    machine: {
      busyMs: machineAfter.busyMs - machineBefore.busyMs,
      idleMs: machineAfter.idleMs - machineBefore.idleMs,
    },
    cpus: cpus().length,
    // maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }
}

/** A bench request waits for the runs before it and holds the model until it is done. */
function bench(id: number, request: BenchRequest): Promise<BenchReply> {
  active.add(id)
  const done = inferring.then(() => benchNow(id, request))
  inferring = done.catch(() => {})
  return done.finally(() => {
    active.delete(id)
    cancelled.delete(id)
  })
}

const handlers: { [K in HostCallType]: (request: HostRequest<K>) => Promise<HostReply<K>> } = {
  load: (request) => load(request.modelPath, request.intraOpThreads),
  run: (request) => run(request.id, request.images, request.plan, request.serial === true),
  bench: ({ id, type: _type, ...request }) => bench(id, request),
  ping: () => Promise.resolve({ pid: process.pid }),
  cancel: (request) => {
    const runs = request.runs.filter((id) => active.has(id))
    for (const id of runs) cancelled.add(id)
    return Promise.resolve({ dropped: runs.length })
  },
}

/** The reply to `request`: its handler's value, or the error it failed with. */
async function answer<K extends HostCallType>(request: HostRequest<K>): Promise<HostResponse<K>> {
  const { id, type } = request
  const handler: (request: HostRequest<K>) => Promise<HostReply<K>> = handlers[type]
  try {
    const success: HostSuccess<K> = { id, type, ok: true, value: await handler(request) }
    return success
  } catch (error) {
    return { id, type, ok: false, error: toApiError(error, 'INTERNAL') }
  }
}

const channel = parentChannel()
channel.onRequest((request) => void answer(request).then(channel.reply))
