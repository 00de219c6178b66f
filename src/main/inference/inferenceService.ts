/**
 * Classifying images with local ONNX models. Each loaded model runs in its own host process
 * (kept for reuse in a HostPool); a request's images run there in chunks that survive the host
 * crashing (runImages). ONNX Runtime gets the cores (intra-op threads), each host decodes on one
 * extra thread. Every file the caller names is checked before it is read (files/regularFile.ts).
 */
import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type {
  AttachInput,
  ClassifyResult,
  ImageClassification,
  ImageRef,
  LocalModel,
  ModelRef,
  ModelInput,
  PreprocessOverrides,
} from '../../shared/contract'
import { attachInput, classifyInput, preprocessInput } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalogService'
import type { UploadStore } from '../uploads/uploadStore'
import { readRegularFile, statRegularFile } from '../files/regularFile'
import { sha256File } from '../files/sha256File'
import { nodeHostLauncher, type HostLauncher } from './host/hostLauncher'
import type { BenchReply, BenchRequest, HostImage, HostImageResult } from './host/hostProtocol'
import { ModelHost } from './host/modelHost'
import { imageModelShape, type ImageModelShape } from './host/validateModel'
import { HostPool, type HostShape, type ModelTarget } from './hostPool'
import type { ModelStore, StoredModel } from './modelStore'
import { runImages } from './runImages'
import { decodeImage } from './preprocess/decodeImage'
import { modelInput, type ModelInputTensor } from './preprocess/modelInput'
import { parseLabelFile, toProbabilities, topK } from './postprocess'
import {
  planFromCatalog,
  planFromInputSize,
  type PreprocessPlan,
} from './preprocess/preprocessPlan'

export interface InferenceServiceOptions {
  dataDir: string
  catalog: CatalogService
  uploads: UploadStore
  imagenetLabels: () => string[]
  store: ModelStore
  maxHosts?: number
  intraOpThreads?: number
  /** How host processes are started: fork under Node (the default), a utility process in Electron. */
  launcher?: HostLauncher
  /**
   * Makes a catalog entry runnable from its cached Paddle archive (the converter), for archives
   * cached before conversions happened right after a download; false when it has none.
   */
  convert?: (catalogId: string) => Promise<boolean>
}

/** The largest batch sent to a model with an open batch axis. */
const BATCH = 8

export class InferenceService {
  private readonly pool: HostPool
  private readonly launcher: HostLauncher

  constructor(private readonly options: InferenceServiceOptions) {
    this.launcher = options.launcher ?? nodeHostLauncher
    this.pool = new HostPool({
      launcher: this.launcher,
      maxHosts: options.maxHosts ?? 3,
      intraOpThreads: options.intraOpThreads ?? Math.max(1, availableParallelism()),
    })
  }

  /** The records of local models (the converter links what it makes here). */
  get modelStore(): ModelStore {
    return this.options.store
  }

  models(): LocalModel[] {
    return this.options.store
      .list()
      .map(({ path: _path, plan: _plan, labelNames: _labels, ...model }) => model)
  }

  private catalogPlan(catalogId: string): { plan: PreprocessPlan; name: string } {
    const { model } = this.options.catalog.get(catalogId)
    if (!model.preprocess) {
      throw new AppError(
        'MODEL_INPUT_UNSUPPORTED',
        `The catalog has no preprocessing for ${catalogId}.`,
      )
    }
    return { plan: planFromCatalog(model.preprocess), name: model.displayName }
  }

  /** The model file, its names and how to preprocess and label for it. */
  private async resolve(
    ref: ModelRef,
    overrides?: PreprocessOverrides,
    labelsPath?: string,
  ): Promise<Resolved> {
    if ('path' in ref) {
      // Read before any host starts: a bad label file is refused without loading the model.
      const fileLabels = labelsPath ? await readLabels(labelsPath) : null
      return {
        target: { key: `path:${ref.path}`, path: ref.path, label: basename(ref.path) },
        id: ref.path,
        catalogId: null,
        plan: (shape) => planFromInputSize(shape?.inputSize ?? 224, overrides),
        labels: (classes) =>
          fileLabels ?? (classes === 1000 ? this.options.imagenetLabels() : null),
      }
    }
    const id = 'catalogId' in ref ? ref.catalogId : ref.customId
    let stored = this.options.store.get(id)
    if (!stored && 'catalogId' in ref && (await this.options.convert?.(id)))
      stored = this.options.store.get(id)
    if (!stored) {
      if ('catalogId' in ref) this.options.catalog.get(ref.catalogId)
      throw new AppError(
        'MODEL_NOT_AVAILABLE',
        `${id} has no runnable weights on this computer. Download its inference model (Models → Download, or \`zoo pull ${id}\`), which the app converts to ONNX, or attach an .onnx file to it (Classify → Attach model, or \`zoo attach FILE --model ${id}\`).`,
      )
    }
    return {
      target: { key: stored.sha256, path: stored.path, label: stored.name },
      id: stored.id,
      catalogId: stored.source === 'catalog' ? stored.id : null,
      plan: () => stored.plan ?? this.catalogPlan(stored.id).plan,
      // A fine-tuned export filed under an ImageNet entry (3 outputs, say) gets no ImageNet names.
      labels: (classes) =>
        stored.source === 'catalog'
          ? classes === 1000
            ? this.options.imagenetLabels()
            : null
          : stored.labelNames,
    }
  }

  private hostImage(image: ImageRef, index: number): HostImage {
    if ('path' in image) return { key: String(index), path: image.path }
    return {
      key: String(index),
      path: this.options.uploads.path(image.uploadId),
      label: image.name ?? `upload ${image.uploadId}`,
    }
  }

  /**
   * The tensor a model gets for one image, and its plan. A catalog entry needs no weights here
   * (its plan is the catalog's); a model file is loaded once to learn its input size.
   */
  async preprocess(rawInput: unknown): Promise<ModelInputTensor> {
    const input = preprocessInput.parse(rawInput)
    const { model: ref } = input
    let model: ModelInput['model']
    let plan: PreprocessPlan
    if ('catalogId' in ref && !this.options.store.get(ref.catalogId)) {
      const entry = this.catalogPlan(ref.catalogId)
      model = { id: ref.catalogId, name: entry.name }
      plan = entry.plan
    } else {
      const resolved = await this.resolve(ref, input.preprocess)
      const shape = 'path' in ref ? (await this.pool.get(resolved.target)).loaded.shape : null
      model = { id: resolved.id, name: resolved.target.label }
      plan = resolved.plan(shape)
      if (shape?.inputSize != null && shape.inputSize !== plan.inputSize) {
        throw new AppError(
          'MODEL_INPUT_UNSUPPORTED',
          `The ONNX file takes ${shape.inputSize}×${shape.inputSize} images, but this preprocessing makes ${plan.inputSize}×${plan.inputSize}.`,
        )
      }
    }
    const image = this.hostImage(input.image, 0)
    const bytes = await readRegularFile(image.path, 'image')
    const decoded = await decodeImage(bytes, `“${image.label ?? basename(image.path)}”`)
    return modelInput(decoded, plan, model)
  }

  /** Classifies the images; `signal` stops it (CANCELLED) between and inside model runs. */
  async classify(rawInput: unknown, signal?: AbortSignal): Promise<ClassifyResult> {
    const input = classifyInput.parse(rawInput)
    const model = await this.resolve(input.model, input.preprocess, input.labelsPath)
    const { target } = model
    const { loaded, loadMs: firstLoadMs } = await this.pool.get(target)
    let loadMs = firstLoadMs
    const { shape } = loaded
    const plan = model.plan(shape)
    if (shape.inputSize !== null && shape.inputSize !== plan.inputSize) {
      throw new AppError(
        'MODEL_INPUT_UNSUPPORTED',
        `The ONNX file takes ${shape.inputSize}×${shape.inputSize} images, but ${target.label}'s preprocessing makes ${plan.inputSize}×${plan.inputSize}.`,
      )
    }
    const names = input.images.map((image) =>
      'path' in image ? image.path : (image.name ?? image.uploadId),
    )
    const hostImages: HostImage[] = []
    const early = new Map<string, ImageClassification>()
    input.images.forEach((image, index) => {
      try {
        hostImages.push(this.hostImage(image, index))
      } catch (error) {
        const e = error instanceof AppError ? error : new AppError('INTERNAL', String(error))
        early.set(String(index), {
          image: names[index]!,
          ok: false,
          error: { code: e.code, message: e.message },
        })
      }
    })
    // With a fixed class count a wrong label file is known before any image is run.
    const knownLabels = shape.classes === null ? null : model.labels(shape.classes)
    if (knownLabels && knownLabels.length !== shape.classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${knownLabels.length} classes, but the model has ${shape.classes}.`,
      )
    }
    const release = this.pool.use(target)
    let results: Awaited<ReturnType<typeof runImages>>
    try {
      // The host just checked is used first; after a crash the pool gives a fresh one.
      let first: ModelHost | null = loaded.host
      results = await runImages({
        images: hostImages,
        plan,
        batchSize: shape.batchSize ?? BATCH,
        ...(signal ? { signal } : {}),
        host: async () => {
          if (first) {
            const host = first
            first = null
            return host
          }
          // A restart after a crash loads the model again: the call reports that time too.
          const fresh = await this.pool.get(target)
          if (fresh.loadMs !== null) loadMs = (loadMs ?? 0) + fresh.loadMs
          return fresh.loaded.host
        },
      })
    } finally {
      release()
    }
    const classes = shape.classes ?? [...results.values()].find((r) => r.ok)?.output.length ?? 0
    const labels = model.labels(classes)
    if (labels && classes && labels.length !== classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${labels.length} classes, but the model has ${classes}.`,
      )
    }
    return {
      model: {
        id: model.id,
        name: target.label,
        inputSize: plan.inputSize,
        catalogId: model.catalogId,
      },
      loadMs,
      results: input.images.map((_, index): ImageClassification => {
        const key = String(index)
        const failed = early.get(key)
        if (failed) return failed
        const result = results.get(key)!
        if (!result.ok) return { image: names[index]!, ok: false, error: result.error }
        const { probabilities, applied } = toProbabilities(result.output)
        return {
          image: names[index]!,
          ok: true,
          top: topK(probabilities, input.topk, labels),
          softmax: applied,
          timings: result.timings,
          exact: result.exact,
          size: result.image,
        }
      }),
    }
  }

  async attach(rawInput: AttachInput): Promise<LocalModel> {
    const input = attachInput.parse(rawInput)
    const sourcePath =
      'path' in input.source ? input.source.path : this.options.uploads.path(input.source.uploadId)
    const sourceName = 'path' in input.source ? basename(input.source.path) : input.source.fileName
    // Checked before a probe host starts: a FIFO or a device would otherwise hold it forever.
    await statRegularFile(sourcePath, 'model')
    // Validate before keeping anything: it must load and take an image tensor.
    // A host of its own, outside the pool: probing a file must not evict a loaded model.
    const probe = new ModelHost(sourceName, this.launcher)
    let shape: ImageModelShape
    try {
      shape = imageModelShape(await probe.load(sourcePath, 1))
    } finally {
      probe.dispose()
    }
    const classes = shape.classes

    if (input.catalogId) {
      const { model } = this.options.catalog.get(input.catalogId)
      if (classes !== null && classes !== model.classes) {
        throw new AppError(
          'MODEL_INVALID',
          `${sourceName} has ${classes} classes, but ${model.id} has ${model.classes}.`,
        )
      }
      const { plan } = this.catalogPlan(model.id)
      if (shape.inputSize !== null && shape.inputSize !== plan.inputSize) {
        throw new AppError(
          'MODEL_INPUT_UNSUPPORTED',
          `${sourceName} takes ${shape.inputSize}×${shape.inputSize} images, but ${model.id}'s preprocessing makes ${plan.inputSize}×${plan.inputSize}.`,
        )
      }
      await this.options.store.attachCatalog(model.id, sourcePath)
      if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
      return this.models().find((m) => m.id === model.id)!
    }

    const labels = input.labels
      ? 'names' in input.labels
        ? input.labels.names
        : await readLabels(
            'path' in input.labels
              ? input.labels.path
              : this.options.uploads.path(input.labels.uploadId),
          )
      : null
    if (labels && classes !== null && labels.length !== classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${labels.length} classes, but the model has ${classes}.`,
      )
    }
    const plan = planFromInputSize(
      shape.inputSize ?? input.preprocess?.crop ?? 224,
      input.preprocess,
    )
    const id = await this.options.store.attachCustom(
      {
        name: input.name ?? sourceName.replace(/\.onnx$/i, ''),
        classes: classes ?? labels?.length ?? 0,
        labels,
        plan,
      },
      sourcePath,
    )
    if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
    return this.models().find((m) => m.id === id)!
  }

  /**
   * A model opened for many images (a batch job): resolved, loaded once to learn its shape, its
   * plan checked against it, its file's SHA-256 known (a job records which bytes it ran). It is
   * loaded on the host of shape `on`: the one that will run the first worker's images.
   */
  async openModel(ref: ModelRef, on: HostShape = {}): Promise<OpenModel> {
    const model = await this.resolve(ref)
    const { loaded } = await this.pool.get(model.target, on)
    const { shape } = loaded
    const plan = model.plan(shape)
    if (shape.inputSize !== null && shape.inputSize !== plan.inputSize) {
      throw new AppError(
        'MODEL_INPUT_UNSUPPORTED',
        `The ONNX file takes ${shape.inputSize}×${shape.inputSize} images, but ${model.target.label}'s preprocessing makes ${plan.inputSize}×${plan.inputSize}.`,
      )
    }
    const labels = shape.classes === null ? null : model.labels(shape.classes)
    if (labels && shape.classes !== null && labels.length !== shape.classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${labels.length} classes, but the model has ${shape.classes}.`,
      )
    }
    return {
      id: model.id,
      name: model.target.label,
      sha256: 'path' in ref ? await sha256File(model.target.path) : model.target.key,
      plan,
      classes: shape.classes,
      labels,
      batchSize: shape.batchSize,
      target: model.target,
    }
  }

  /**
   * Starts the model's host of `shape` ahead of its first images, so that a batch job's workers
   * load the model side by side instead of each on its first block. A failure here is met again,
   * and reported, when images are run there.
   */
  warm(ref: ModelRef, shape: HostShape): void {
    void this.resolve(ref)
      .then((model) => this.pool.get(model.target, shape))
      .catch(() => {})
  }

  /**
   * Runs images on the model's host of `shape` (see HostPool), streaming each chunk's results:
   * crash-safe as classify is (runImages). Keys are the caller's.
   */
  async runOn(
    model: OpenModel,
    images: HostImage[],
    options: {
      shape: HostShape
      batchSize: number
      signal?: AbortSignal
      onResults?: (results: HostImageResult[]) => void
    },
  ): Promise<Map<string, HostImageResult>> {
    const release = this.pool.use(model.target, options.shape)
    try {
      return await runImages({
        images,
        plan: model.plan,
        batchSize: model.batchSize ?? options.batchSize,
        host: async () => (await this.pool.get(model.target, options.shape)).loaded.host,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onResults ? { onResults: options.onResults } : {}),
      })
    } finally {
      release()
    }
  }

  /**
   * Times the model on its host of `shape` (see HostCalls.bench): the host is marked busy
   * meanwhile, so it is not stopped to make room. `signal` stops it after the run in progress.
   */
  async benchOn(
    model: OpenModel,
    request: Omit<BenchRequest, 'plan'>,
    options: { shape: HostShape; signal?: AbortSignal },
  ): Promise<BenchReply> {
    const release = this.pool.use(model.target, options.shape)
    try {
      const { loaded } = await this.pool.get(model.target, options.shape)
      return await loaded.host.bench({ ...request, plan: model.plan }, options.signal)
    } finally {
      release()
    }
  }

  /**
   * A benchmark's end-to-end pass: every chunk of `batchSize` images sent to the host of `shape`
   * at once (it prepares the next while the model runs one), each chunk's images prepared one
   * after another so that their stage times are their own. Not crash-safe as runOn is: a crash
   * fails the pass, which a benchmark reports rather than works around.
   */
  async benchPass(
    model: OpenModel,
    images: HostImage[],
    options: { shape: HostShape; batchSize: number; signal?: AbortSignal },
  ): Promise<HostImageResult[]> {
    const release = this.pool.use(model.target, options.shape)
    try {
      const { host } = (await this.pool.get(model.target, options.shape)).loaded
      const chunks: HostImage[][] = []
      for (let i = 0; i < images.length; i += options.batchSize)
        chunks.push(images.slice(i, i + options.batchSize))
      const results = await Promise.all(
        chunks.map((chunk) => host.run(chunk, model.plan, options.signal, { serial: true })),
      )
      return results.flat()
    } finally {
      release()
    }
  }

  /** Stops the model's host of `shape` (one a benchmark started for itself). */
  closeHost(model: OpenModel, shape: HostShape): void {
    this.pool.close(model.target, shape)
  }

  /** The ImageNet-1k class names the app ships, in output order (catalog models use them). */
  imagenetLabels(): string[] {
    return this.options.imagenetLabels()
  }

  /** A model's output for one image as its best `k` classes, with their names when it has them. */
  topClasses(model: OpenModel, output: Float32Array, k: number) {
    return topK(toProbabilities(output).probabilities, k, model.labels)
  }

  detach(ref: ModelRef): boolean {
    if ('path' in ref) throw new AppError('INVALID_INPUT', 'Only attached models can be removed.')
    const id = 'catalogId' in ref ? ref.catalogId : ref.customId
    const stored = this.options.store.get(id)
    if (stored) this.pool.drop(stored.sha256)
    return this.options.store.remove(id)
  }

  dispose(): void {
    this.pool.dispose()
  }
}

/** A model as a request names it, resolved to its file and what to do with its output. */
/** A model ready for many images: see InferenceService.openModel. */
export interface OpenModel {
  /** The catalog or custom id, or the file's path. */
  id: string
  name: string
  sha256: string
  plan: PreprocessPlan
  classes: number | null
  labels: string[] | null
  /** The model's fixed batch size, or null when any is accepted. */
  batchSize: number | null
  target: ModelTarget
}

interface Resolved {
  target: ModelTarget
  /** The id results report: the stored model's id, or the path given. */
  id: string
  catalogId: string | null
  /** Null when the model is not loaded (a catalog or custom model's plan does not need it). */
  plan: (shape: ImageModelShape | null) => PreprocessPlan
  labels: (classes: number) => string[] | null
}

async function readLabels(path: string): Promise<string[]> {
  const text = (await readRegularFile(path, 'labels')).toString('utf8')
  try {
    return parseLabelFile(text)
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `The label file "${path}" is not usable: ${(error as Error).message}.`,
    )
  }
}

export type { StoredModel }
