/**
 * Classifying images with local ONNX models. Each loaded model runs in its own host process;
 * hosts are kept for reuse and the least recently used is stopped when more than `maxHosts` are
 * loaded. ONNX Runtime gets the cores (intra-op threads), each host decodes on one extra thread.
 */
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type {
  AttachInput,
  ClassifyResult,
  ImageClassification,
  ImageRef,
  LocalModel,
  ModelRef,
  PreprocessOverrides,
} from '../../shared/contract'
import { attachInput, classifyInput } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalogService'
import type { UploadStore } from '../uploads/uploadStore'
import type { HostImage, ModelInfo } from './host/hostProtocol'
import { ModelHost } from './host/modelHost'
import { imageModelShape, type ImageModelShape } from './host/validateModel'
import type { ModelStore, StoredModel } from './modelStore'
import { parseLabelFile, toProbabilities, topK } from './postprocess'
import {
  planFromCatalog,
  planFromInputSize,
  type PreprocessPlan,
} from './preprocess/preprocessPlan'

interface LoadedHost {
  host: ModelHost
  info: ModelInfo
  shape: ImageModelShape
  lastUsed: number
  /** Requests running on this host: a busy host is never evicted. */
  busy: number
}

export interface InferenceServiceOptions {
  dataDir: string
  catalog: CatalogService
  uploads: UploadStore
  imagenetLabels: () => string[]
  store: ModelStore
  maxHosts?: number
  intraOpThreads?: number
}

/** The largest batch sent to a model with an open batch axis. */
const BATCH = 8

export class InferenceService {
  private readonly hosts = new Map<string, LoadedHost>()
  private readonly loading = new Map<
    string,
    Promise<{ loaded: LoadedHost; loadMs: number | null }>
  >()
  private readonly maxHosts: number
  private readonly threads: number

  constructor(private readonly options: InferenceServiceOptions) {
    this.maxHosts = options.maxHosts ?? 3
    this.threads = options.intraOpThreads ?? Math.max(1, availableParallelism())
  }

  models(): LocalModel[] {
    return this.options.store
      .list()
      .map(({ path: _path, plan: _plan, labelNames: _labels, ...model }) => model)
  }

  /** A host for the model file, loading (and validating) it on first use. */
  private async host(
    path: string,
    key: string,
    label: string,
  ): Promise<{ loaded: LoadedHost; loadMs: number | null }> {
    const existing = this.hosts.get(key)
    if (existing?.host.running) {
      existing.lastUsed = Date.now()
      return { loaded: existing, loadMs: null }
    }
    const pending = this.loading.get(key)
    if (pending) return pending
    const load = (async () => {
      existing?.host.dispose()
      this.hosts.delete(key)
      const host = new ModelHost(label)
      try {
        const info = await host.load(path, this.threads)
        const loaded = { host, info, shape: imageModelShape(info), lastUsed: Date.now(), busy: 0 }
        this.hosts.set(key, loaded)
        return { loaded, loadMs: info.loadMs }
      } catch (error) {
        host.dispose()
        throw error
      }
    })()
    this.loading.set(key, load)
    try {
      return await load
    } finally {
      this.loading.delete(key)
    }
  }

  /** Stops the least recently used idle hosts beyond `maxHosts`; busy ones wait for their turn. */
  private evict(): void {
    const idle = [...this.hosts.entries()]
      .filter(([, loaded]) => loaded.busy === 0)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    for (const [key, loaded] of idle) {
      if (this.hosts.size <= this.maxHosts) return
      loaded.host.dispose()
      this.hosts.delete(key)
    }
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

  private resolve(ref: ModelRef, overrides?: PreprocessOverrides, labelsPath?: string) {
    if ('path' in ref) {
      return {
        key: `path:${ref.path}`,
        path: ref.path,
        name: basename(ref.path),
        catalogId: null,
        plan: (shape: ImageModelShape) => planFromInputSize(shape.inputSize ?? 224, overrides),
        labels: (classes: number) =>
          labelsPath
            ? readLabels(labelsPath)
            : classes === 1000
              ? this.options.imagenetLabels()
              : null,
      }
    }
    const id = 'catalogId' in ref ? ref.catalogId : ref.customId
    const stored = this.options.store.get(id)
    if (!stored) {
      if ('catalogId' in ref) this.options.catalog.get(ref.catalogId)
      throw new AppError(
        'MODEL_NOT_AVAILABLE',
        `${id} has no ONNX weights on this computer. Attach an .onnx file to it first (Classify → Attach model, or \`zoo attach FILE --model ${id}\`).`,
      )
    }
    return {
      key: stored.sha256,
      path: stored.path,
      name: stored.name,
      catalogId: stored.source === 'catalog' ? stored.id : null,
      plan: (): PreprocessPlan => stored.plan ?? this.catalogPlan(stored.id).plan,
      labels: () =>
        stored.source === 'catalog' ? this.options.imagenetLabels() : stored.labelNames,
      stored,
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

  async classify(rawInput: unknown): Promise<ClassifyResult> {
    const input = classifyInput.parse(rawInput)
    const target = this.resolve(input.model, input.preprocess, input.labelsPath)
    const { loaded, loadMs } = await this.host(target.path, target.key, target.name)
    const plan = target.plan(loaded.shape)
    if (loaded.shape.inputSize !== null && loaded.shape.inputSize !== plan.inputSize) {
      throw new AppError(
        'MODEL_INPUT_UNSUPPORTED',
        `The ONNX file takes ${loaded.shape.inputSize}×${loaded.shape.inputSize} images, but ${target.name}'s preprocessing makes ${plan.inputSize}×${plan.inputSize}.`,
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
    const knownLabels = loaded.shape.classes === null ? null : target.labels(loaded.shape.classes)
    if (knownLabels && knownLabels.length !== loaded.shape.classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${knownLabels.length} classes, but the model has ${loaded.shape.classes}.`,
      )
    }
    loaded.busy++
    let results: Awaited<ReturnType<ModelHost['run']>>
    try {
      results = hostImages.length
        ? await loaded.host.run(hostImages, plan, loaded.shape.batchSize ?? BATCH)
        : []
    } finally {
      loaded.busy--
      loaded.lastUsed = Date.now()
      this.evict()
    }
    const classes = loaded.shape.classes ?? results.find((r) => r.ok)?.output.length ?? 0
    const labels = target.labels(classes)
    if (labels && classes && labels.length !== classes) {
      throw new AppError(
        'INVALID_INPUT',
        `The label file names ${labels.length} classes, but the model has ${classes}.`,
      )
    }
    const byKey = new Map(results.map((r) => [r.key, r]))
    return {
      model: {
        id: 'stored' in target && target.stored ? target.stored.id : target.path,
        name: target.name,
        inputSize: plan.inputSize,
        catalogId: target.catalogId,
      },
      loadMs,
      results: input.images.map((_, index): ImageClassification => {
        const key = String(index)
        const failed = early.get(key)
        if (failed) return failed
        const result = byKey.get(key)!
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
    // Validate before keeping anything: it must load and take an image tensor.
    // A host of its own, outside the cache: probing a file must not evict a loaded model.
    if (!existsSync(sourcePath))
      throw new AppError('NOT_FOUND', `There is no file "${sourcePath}".`)
    const probe = new ModelHost(sourceName)
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
      const file = await this.options.store.importFile(sourcePath)
      this.options.store.linkCatalog(model.id, file)
      if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
      return this.models().find((m) => m.id === model.id)!
    }

    const labels = input.labels
      ? 'names' in input.labels
        ? input.labels.names
        : readLabels(
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
    const file = await this.options.store.importFile(sourcePath)
    const id = this.options.store.addCustom(
      {
        name: input.name ?? sourceName.replace(/\.onnx$/i, ''),
        classes: classes ?? labels?.length ?? 0,
        labels,
        plan,
      },
      file,
    )
    if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
    return this.models().find((m) => m.id === id)!
  }

  detach(ref: ModelRef): boolean {
    if ('path' in ref) throw new AppError('INVALID_INPUT', 'Only attached models can be removed.')
    const id = 'catalogId' in ref ? ref.catalogId : ref.customId
    const stored = this.options.store.get(id)
    if (stored) {
      this.hosts.get(stored.sha256)?.host.dispose()
      this.hosts.delete(stored.sha256)
    }
    return this.options.store.remove(id)
  }

  dispose(): void {
    for (const { host } of this.hosts.values()) host.dispose()
    this.hosts.clear()
  }
}

function readLabels(path: string): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new AppError('NOT_FOUND', `The label file "${path}" cannot be read.`)
  }
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
