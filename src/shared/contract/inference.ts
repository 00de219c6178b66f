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

/** What a model is given for an image: `zoo preprocess` and Classify's "What the model sees". */
export const preprocessInput = z
  .object({
    model: modelRef,
    image: imageRef,
    /** For a model given by path, as classify takes them. */
    preprocess: preprocessOverrides.optional(),
  })
  .strict()
export type PreprocessInput = z.input<typeof preprocessInput>

/** What to do to an image before a model sees it (PaddleClas's Infer.transforms, as data). */
export interface PreprocessPlan {
  colorOrder: 'RGB' | 'BGR'
  resize: {
    mode: 'shortSide' | 'exact'
    size: number
    interpolation: 'bilinear' | 'bicubic' | 'nearest' | 'area' | 'lanczos'
    library: 'cv2' | 'pil'
  }
  cropSize: number | null
  scale: number
  mean: [number, number, number]
  std: [number, number, number]
  /** Side of the square tensor the model receives. */
  inputSize: number
}

export interface ModelInput {
  model: { id: string; name: string }
  plan: PreprocessPlan
  /** Whose resize was reproduced to the bit (OpenCV's or Pillow's), or an approximation. */
  resize: 'cv2' | 'pil' | 'approximate'
  image: { width: number; height: number; format: string }
  resized: { width: number; height: number }
  /** The centre crop's place in the resized image (null: no crop). */
  crop: { x: number; y: number; width: number; height: number } | null
  /** NCHW, float32. */
  shape: [1, 3, number, number]
  /** Per tensor plane, in the plan's colour order. */
  planes: { min: number; max: number; mean: number }[]
  /** The tensor turned back into 8-bit pixels (× std + mean, ÷ scale), RGB, as a PNG data URL. */
  picture: string
}

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
