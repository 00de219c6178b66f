/**
 * A model host: a child process that owns one ONNX Runtime session, decodes and preprocesses
 * images and runs them through the model. A model that crashes or hangs takes down only this
 * process; the app notices, reports it, and starts another when asked.
 */
import { readFile } from 'node:fs/promises'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { AppError, type ApiError } from '../../../shared/errors'
import { decodeImage } from '../preprocess/decodeImage'
import { preprocessImage } from '../preprocess/preprocessImage'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'
import type {
  HostImage,
  HostImageResult,
  HostRequest,
  HostResponse,
  ModelInfo,
  TensorInfo,
} from './hostProtocol'

// One libvips worker: the ONNX Runtime threads get the cores; decoding overlaps with inference.
sharp.concurrency(1)
sharp.cache(false)

let session: ort.InferenceSession | null = null

function toApiError(error: unknown, fallback: ApiError['code']): ApiError {
  if (error instanceof AppError) return { code: error.code, message: error.message }
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
  let bytes: Buffer
  try {
    bytes = await readFile(modelPath)
  } catch (error) {
    throw new AppError(
      'MODEL_NOT_AVAILABLE',
      `The model file cannot be read: ${(error as Error).message}`,
    )
  }
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Spinning intra-op threads keep a core busy after each run, starving the decoder that
      // prepares the next batch on the same cores.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new AppError(
      'MODEL_INVALID',
      /protobuf|parse|invalid|model_path|ModelProto/i.test(message)
        ? `This file is not a valid ONNX model (${message.split('\n')[0]}).`
        : `ONNX Runtime cannot load this model: ${message.split('\n')[0]}`,
    )
  }
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
    const bytes = image.bytes ?? (await readImageFile(image.path))
    const what = image.label ?? image.path
    const decoded = await decodeImage(bytes, what ? `"${what}"` : 'The image')
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

async function readImageFile(path: string | undefined): Promise<Uint8Array> {
  if (!path) throw new AppError('INVALID_INPUT', 'An image needs its bytes or a path.')
  try {
    return await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'IMAGE_CORRUPT',
      code === 'ENOENT'
        ? `There is no file "${path}".`
        : `"${path}" cannot be read (${code ?? 'error'}).`,
    )
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

/** Runs batches while the next batch is being decoded, so decoding and inference overlap. */
async function run(
  images: HostImage[],
  plan: PreprocessPlan,
  batchSize: number,
): Promise<HostImageResult[]> {
  const results: HostImageResult[] = []
  const batches: HostImage[][] = []
  for (let i = 0; i < images.length; i += batchSize) batches.push(images.slice(i, i + batchSize))
  const prepareBatch = (batch: HostImage[]) =>
    Promise.all(batch.map((image) => prepare(image, plan)))
  let next = batches.length ? prepareBatch(batches[0]!) : null
  for (let b = 0; b < batches.length; b++) {
    const prepared = await next!
    next = b + 1 < batches.length ? prepareBatch(batches[b + 1]!) : null
    const ready = prepared.filter((p): p is Prepared => 'tensor' in p)
    const failed = prepared.filter((p): p is HostImageResult => !('tensor' in p))
    const inferred = ready.length ? await infer(ready, plan) : []
    const byKey = new Map([...inferred, ...failed].map((r) => [r.key, r]))
    for (const image of batches[b]!) results.push(byKey.get(image.key)!)
  }
  return results
}

function reply(response: HostResponse): void {
  process.send?.(response)
}

process.on('message', (message: HostRequest) => {
  const handle = async (): Promise<unknown> => {
    switch (message.type) {
      case 'load':
        return load(message.modelPath, message.intraOpThreads)
      case 'run':
        return { results: await run(message.images, message.plan, message.batchSize) }
    }
  }
  handle().then(
    (value) => reply({ id: message.id, ok: true, value }),
    (error: unknown) => reply({ id: message.id, ok: false, error: toApiError(error, 'INTERNAL') }),
  )
})

// The app going away (even abruptly) must not leave this process behind.
process.on('disconnect', () => process.exit(0))
