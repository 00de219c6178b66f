/**
 * The Classify view: the local ONNX models, the chosen one (from the route query, the source of
 * truth), and the images the user dropped with their results. Images stay while the app runs, so
 * leaving the view and coming back keeps them; choosing another model runs them all again.
 *
 * Each image remembers which run its result belongs to: an answer for a model the user has since
 * moved away from is dropped, never shown under the new model's name.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LocationQuery } from 'vue-router'
import type { ImageClassification, LocalModel } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'
import {
  modelRefFor,
  parseClassifyQuery,
  type ClassifyViewState,
} from '../classify/classifyViewState'
import { withUploadName } from '../classify/uploadNames'
import { readFile } from '../composables/useFileUpload'
import { useModelDetail } from '../composables/useModelDetail'
import { useCatalogEntriesStore } from './catalogEntries'

export type ImageStatus = 'uploading' | 'waiting' | 'running' | 'done' | 'failed'

export interface ClassifyImage {
  key: number
  name: string
  bytes: number
  /** Object URL of the file, for the thumbnail; revoked when the image is removed. */
  url: string
  uploadId: string | null
  status: ImageStatus
  /** The answer for this image: top-k, or the image's own error. */
  result: ImageClassification | null
  /** Why the image has no result when it is not the image's own fault (upload, model). */
  error: ApiError | null
  /** The model the result (or error) belongs to. */
  modelId: string | null
  run: number
}

export const TOP_K = 5
/** Images per `inference.classify` call: results show up in steps on big drops. */
const CHUNK = 16
/** Uploads at a time. */
const PARALLEL_UPLOADS = 3

export const useClassifyViewStore = defineStore('classifyView', () => {
  const state = ref<ClassifyViewState>({ model: null, detail: null })

  const models = ref<LocalModel[]>([])
  const modelsLoaded = ref(false)
  const modelsError = ref<ApiError | null>(null)

  const images = ref<ClassifyImage[]>([])
  /** Time the last run needed to start its model, when it had to. */
  const loadMs = ref<number | null>(null)

  const catalogEntries = useCatalogEntriesStore()
  const catalog = computed(() => catalogEntries.entries)
  const catalogError = computed(() => catalogEntries.error)

  const detail = useModelDetail()

  const currentModel = computed(
    () => models.value.find((model) => model.id === state.value.model) ?? null,
  )
  const busy = computed(() =>
    images.value.some((image) => image.status === 'uploading' || image.status === 'running'),
  )

  async function loadModels(): Promise<void> {
    const result = await api.invoke('inference.models', {})
    if (result.ok) {
      models.value = result.value
      modelsError.value = null
    } else modelsError.value = result.error
    modelsLoaded.value = true
  }

  /** The catalog's ids and names for the "link to a catalog entry" picker; loaded once. */
  function loadCatalog(): Promise<void> {
    return catalogEntries.load()
  }

  /** Adopts the route's query; a different model runs the images again. */
  function applyQuery(query: LocationQuery): void {
    const next = parseClassifyQuery(query)
    const modelChanged = next.model !== state.value.model
    state.value = next
    void detail.show(next.detail)
    if (modelChanged) {
      loadMs.value = null
      void classify(images.value)
    }
  }

  let nextKey = 1
  let nextRun = 1

  /** The reactive proxy of an image, so that writes after an `await` update the view. */
  const live = (key: number) => images.value.find((image) => image.key === key)

  async function uploadOne(key: number, file: File): Promise<void> {
    let failure: ApiError
    try {
      const result = await api.upload(await readFile(file))
      const image = live(key)
      if (!image) return
      if (result.ok) {
        image.uploadId = result.value.uploadId
        image.status = 'waiting'
        return
      }
      failure = result.error
    } catch (error) {
      failure = {
        code: 'NOT_FOUND',
        message: `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      }
    }
    const image = live(key)
    if (image) Object.assign(image, { status: 'failed', error: failure, result: null })
  }

  /** Adds images: uploads them, then classifies them with the chosen model. */
  async function addImages(files: File[]): Promise<void> {
    const added = files.map((file): ClassifyImage => ({
      key: nextKey++,
      name: file.name,
      bytes: file.size,
      url: URL.createObjectURL(file),
      uploadId: null,
      status: 'uploading',
      result: null,
      error: null,
      modelId: null,
      run: 0,
    }))
    images.value.push(...added)
    const queue = added.map((image, index) => ({ key: image.key, file: files[index]! }))
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, async () => {
        for (let item = queue.shift(); item; item = queue.shift())
          await uploadOne(item.key, item.file)
      }),
    )
    await classify(added)
  }

  /** Runs the chosen model on these images (those that are uploaded), in chunks. */
  async function classify(targets: readonly ClassifyImage[]): Promise<void> {
    // A model the list does not hold (removed, or a link to one not attached here) is not run:
    // the view offers to attach it instead.
    const chosen = state.value.model
    const modelId =
      chosen && (!modelsLoaded.value || models.value.some((model) => model.id === chosen))
        ? chosen
        : null
    const keys = targets.filter((target) => live(target.key)?.uploadId).map((target) => target.key)
    if (keys.length === 0) return
    const run = nextRun++
    for (const key of keys) {
      const image = live(key)
      if (!image) continue
      image.run = run
      image.status = modelId ? 'running' : 'waiting'
      if (!modelId) Object.assign(image, { result: null, error: null, modelId: null })
    }
    if (!modelId) return
    const model = modelRefFor(modelId)
    for (let start = 0; start < keys.length; start += CHUNK) {
      // Images removed, or taken over by a newer run, are not sent.
      const chunk = keys
        .slice(start, start + CHUNK)
        .map(live)
        .filter((image): image is ClassifyImage => image?.run === run)
      if (chunk.length === 0) continue
      const result = await api.invoke('inference.classify', {
        model,
        images: chunk.map((image) => ({ uploadId: image.uploadId!, name: image.name })),
        topk: TOP_K,
      })
      if (result.ok && result.value.loadMs !== null) loadMs.value = result.value.loadMs
      chunk.forEach((target, index) => {
        const image = live(target.key)
        if (!image || image.run !== run) return
        image.modelId = modelId
        if (result.ok) {
          const answer = result.value.results[index]!
          image.result = answer.ok
            ? answer
            : { ...answer, error: withUploadName(answer.error, image.uploadId, image.name) }
          image.error = null
          image.status = answer.ok ? 'done' : 'failed'
        } else {
          image.result = null
          image.error = withUploadName(result.error, image.uploadId, image.name)
          image.status = 'failed'
        }
      })
    }
  }

  function rerun(): Promise<void> {
    return classify(images.value)
  }

  function removeImage(key: number): void {
    const image = live(key)
    if (!image) return
    URL.revokeObjectURL(image.url)
    images.value = images.value.filter((other) => other.key !== key)
  }

  function clearImages(): void {
    for (const image of images.value) URL.revokeObjectURL(image.url)
    images.value = []
  }

  /** Adds a freshly attached model to the list (the view then chooses it). */
  function attached(model: LocalModel): void {
    models.value = [...models.value.filter((other) => other.id !== model.id), model]
  }

  async function detach(id: string): Promise<ApiError | null> {
    const result = await api.invoke('inference.detach', { model: modelRefFor(id) })
    if (!result.ok) return result.error
    models.value = models.value.filter((model) => model.id !== id)
    return null
  }

  return {
    state,
    models,
    modelsLoaded,
    modelsError,
    currentModel,
    images,
    busy,
    loadMs,
    catalog,
    catalogError,
    detail: detail.detail,
    detailLoading: detail.loading,
    detailError: detail.error,
    loadModels,
    loadCatalog,
    applyQuery,
    addImages,
    rerun,
    removeImage,
    clearImages,
    attached,
    detach,
  }
})
