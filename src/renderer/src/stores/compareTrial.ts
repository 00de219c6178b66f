/**
 * Compare's "try them on my images": a few images the user gave, each uploaded once, and every
 * compared model that has weights on this computer run on them. Answers are kept per model and
 * image, so adding a model to the comparison runs only that model, and images stay while the app
 * runs (leaving Compare and coming back keeps them). Models run one after the other: each call
 * already uses every core.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ImageClassification } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'
import { withUploadName } from '../classify/uploadNames'
import { readFile } from '../composables/useFileUpload'

/** "A few images": enough to see where models part ways, few enough to read side by side. */
export const MAX_TRIAL_IMAGES = 8
export const TRIAL_TOP_K = 5

export interface TrialImage {
  key: number
  name: string
  /** Object URL for the thumbnail; revoked when the image goes. */
  url: string
  uploadId: string | null
  /** Why the image could not be sent (its own answers then never come). */
  error: ApiError | null
}

/** One model's answer for one image: its classification, or why the model gave none. */
export type TrialAnswer = ImageClassification | { ok: false; error: ApiError }

const answerKey = (modelId: string, imageKey: number) => `${modelId}\u0000${imageKey}`

export const useCompareTrialStore = defineStore('compareTrial', () => {
  const images = ref<TrialImage[]>([])
  const answers = ref(new Map<string, TrialAnswer>())
  /** The model running now, for the progress line. */
  const running = ref<string | null>(null)
  /** Files beyond the limit in the last drop, said once. */
  const refused = ref(0)

  let nextKey = 1
  /** Models queued to run, in order; one loop drains it so two calls never race. */
  const queue: string[] = []
  let draining: Promise<void> | null = null

  const answerOf = (modelId: string, imageKey: number): TrialAnswer | null =>
    answers.value.get(answerKey(modelId, imageKey)) ?? null

  function setAnswer(modelId: string, imageKey: number, answer: TrialAnswer): void {
    const next = new Map(answers.value)
    next.set(answerKey(modelId, imageKey), answer)
    answers.value = next
  }

  async function upload(image: TrialImage, file: File): Promise<void> {
    try {
      const result = await api.upload(await readFile(file))
      const live = images.value.find((i) => i.key === image.key)
      if (!live) return
      if (result.ok) live.uploadId = result.value.uploadId
      else live.error = result.error
    } catch (error) {
      const live = images.value.find((i) => i.key === image.key)
      if (live)
        live.error = {
          code: 'NOT_FOUND',
          message: `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        }
    }
  }

  /** Adds images up to the limit and runs the given models on them. */
  async function addImages(files: File[], modelIds: readonly string[]): Promise<void> {
    const room = Math.max(0, MAX_TRIAL_IMAGES - images.value.length)
    refused.value = Math.max(0, files.length - room)
    const taken = files.slice(0, room)
    const added = taken.map((file): TrialImage => ({
      key: nextKey++,
      name: file.name,
      url: URL.createObjectURL(file),
      uploadId: null,
      error: null,
    }))
    images.value.push(...added)
    await Promise.all(added.map((image, i) => upload(image, taken[i]!)))
    await run(modelIds)
  }

  function removeImage(key: number): void {
    const image = images.value.find((i) => i.key === key)
    if (image) URL.revokeObjectURL(image.url)
    images.value = images.value.filter((i) => i.key !== key)
    answers.value = new Map([...answers.value].filter(([k]) => !k.endsWith(`\u0000${key}`)))
  }

  function clear(): void {
    for (const image of images.value) URL.revokeObjectURL(image.url)
    images.value = []
    answers.value = new Map()
    refused.value = 0
  }

  /** Runs each model on the sent images it has no answer for yet. */
  function run(modelIds: readonly string[]): Promise<void> {
    for (const id of modelIds) if (!queue.includes(id)) queue.push(id)
    draining ??= drain().finally(() => (draining = null))
    return draining
  }

  async function drain(): Promise<void> {
    for (let modelId = queue.shift(); modelId; modelId = queue.shift()) {
      const todo = images.value.filter(
        (image) => image.uploadId !== null && !answerOf(modelId!, image.key),
      )
      if (todo.length === 0) continue
      running.value = modelId
      const result = await api.invoke('inference.classify', {
        model: { catalogId: modelId },
        images: todo.map((image) => ({ uploadId: image.uploadId!, name: image.name })),
        topk: TRIAL_TOP_K,
      })
      todo.forEach((image, index) => {
        if (!images.value.some((i) => i.key === image.key)) return
        const answer: TrialAnswer = result.ok
          ? result.value.results[index]!
          : { ok: false, error: result.error }
        setAnswer(
          modelId!,
          image.key,
          answer.ok
            ? answer
            : { ...answer, error: withUploadName(answer.error, image.uploadId, image.name) },
        )
      })
    }
    running.value = null
  }

  return { images, answers, running, refused, answerOf, addImages, removeImage, clear, run }
})
