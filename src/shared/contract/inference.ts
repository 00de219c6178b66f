import { z } from 'zod'
import type { ApiError } from '../errors'

const path = z.string().min(1).max(4096)
const uploadId = z.string().regex(/^[0-9a-f-]{36}$/, 'an upload id from /api/upload')

/** Which model to run: a catalog entry with attached ONNX weights, a custom model, or a file. */
export const modelRef = z.union([
  z.object({ catalogId: z.string().min(1).max(200) }).strict(),
  z.object({ customId: z.string().regex(/^custom:[0-9a-f]{12}$/) }).strict(),
  z.object({ path }).strict(),
])
export type ModelRef = z.infer<typeof modelRef>

export const imageRef = z.union([
  z.object({ path }).strict(),
  z.object({ uploadId, name: z.string().max(500).optional() }).strict(),
])
export type ImageRef = z.infer<typeof imageRef>

const triple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()])

/** Preprocessing for a model attached by hand (the rest comes from its input size). */
export const preprocessOverrides = z
  .object({
    resizeShort: z.number().int().min(8).max(4096).optional(),
    crop: z.number().int().min(8).max(4096).optional(),
    mean: triple.optional(),
    std: triple.refine((s) => s.every((v) => v > 0), 'std values must be positive').optional(),
    scale: z.number().positive().finite().optional(),
    colorOrder: z.enum(['RGB', 'BGR']).optional(),
    interpolation: z.enum(['bilinear', 'bicubic', 'nearest', 'area', 'lanczos']).optional(),
  })
  .strict()
export type PreprocessOverrides = z.infer<typeof preprocessOverrides>

export const classifyInput = z
  .object({
    model: modelRef,
    images: z.array(imageRef).min(1).max(1000),
    topk: z.number().int().min(1).max(50).default(5),
    /** For a model given by path: preprocessing overrides and a label file. */
    preprocess: preprocessOverrides.optional(),
    labelsPath: path.optional(),
  })
  .strict()
export type ClassifyInput = z.input<typeof classifyInput>

export const attachInput = z
  .object({
    source: z.union([
      z.object({ path }).strict(),
      z.object({ uploadId, fileName: z.string().min(1).max(500) }).strict(),
    ]),
    /** Link the file to this catalog entry; without it the model is added as a custom model. */
    catalogId: z.string().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    labels: z
      .union([
        z.object({ path }).strict(),
        z.object({ uploadId }).strict(),
        z.object({ names: z.array(z.string().max(500)).min(1).max(100_000) }).strict(),
      ])
      .optional(),
    preprocess: preprocessOverrides.optional(),
  })
  .strict()
export type AttachInput = z.input<typeof attachInput>

export const detachInput = z.object({ model: modelRef }).strict()

export interface LocalModel {
  /** Catalog id, or "custom:…" for a model added by hand. */
  id: string
  ref: { catalogId: string } | { customId: string }
  name: string
  source: 'catalog' | 'custom'
  sha256: string
  sizeBytes: number
  inputSize: number | null
  classes: number | null
  labels: 'imagenet' | 'custom' | 'none'
  addedAt: string
  /** ONNX the user attached, or converted by the app from the entry's Paddle archive. */
  origin: 'attached' | 'converted'
  /** A converted model's first run on the sample images (null until it has had one). */
  selfCheck: ModelSelfCheck | null
}

export interface ClassScore {
  index: number
  label: string
  probability: number
}

export type ImageClassification =
  | {
      image: string
      ok: true
      top: ClassScore[]
      /** Whether softmax was applied (the model returned logits). */
      softmax: boolean
      timings: { decodeMs: number; preprocessMs: number; inferenceMs: number }
      /** Whether the preprocessing reproduced the model's resize exactly. */
      exact: boolean
      size: { width: number; height: number; format: string }
    }
  | { image: string; ok: false; error: ApiError }

export interface ClassifyResult {
  model: { id: string; name: string; inputSize: number; catalogId: string | null }
  results: ImageClassification[]
  /** Time to start the model, when this call had to load it. */
  loadMs: number | null
}

/** A model's first run on the sample images the app ships (after a conversion or an attach). */
export interface ModelSelfCheck {
  images: {
    image: string
    top1: ClassScore | null
    /** The class PaddleClas documents for the image (ImageNet models only). */
    documented: number | null
    agrees: boolean | null
    error?: string
  }[]
  /** Images with a documented class, and how many of them the model got. */
  checked: number
  agreed: number
  warnings: string[]
  checkedAt: string
}

export interface UploadResult {
  uploadId: string
  size: number
}
