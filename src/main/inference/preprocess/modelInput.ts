/**
 * The exact tensor a model is given for an image, and what a person can check it by: the plan
 * that made it, the sizes on the way, each plane's range, and the tensor turned back into a
 * picture. The most common cause of "wrong results" against PaddleClas is a preprocessing
 * mismatch; this is how a user sees ours.
 */
import type { ModelInput, PreprocessPlan } from '../../../shared/contract/inference'
import { lazySharp } from './lazySharp'
import type { DecodedImage } from './decodeImage'
import { centreCrop, preprocessImage } from './preprocessImage'
import { resizeMethod } from './preprocessPlan'

export interface ModelInputTensor {
  view: ModelInput
  /** NCHW float32, N = 1. */
  tensor: Float32Array
}

/** Plane statistics in float64 (a mean of float32 values, not rounded on the way). */
function planeStats(tensor: Float32Array, plane: number): ModelInput['planes'] {
  return [0, 1, 2].map((c) => {
    let min = Infinity
    let max = -Infinity
    let sum = 0
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      const v = tensor[i]!
      if (v < min) min = v
      if (v > max) max = v
      sum += v
    }
    return { min, max, mean: sum / plane }
  })
}

/** value · std + mean, ÷ scale, rounded to a level; planes back in RGB for the eye. */
export function tensorPixels(tensor: Float32Array, plan: PreprocessPlan): Uint8Array {
  const plane = plan.inputSize * plan.inputSize
  const pixels = new Uint8Array(plane * 3)
  for (let c = 0; c < 3; c++) {
    const channel = plan.colorOrder === 'RGB' ? c : 2 - c
    const std = plan.std[c]!
    const mean = plan.mean[c]!
    for (let i = 0; i < plane; i++) {
      const level = Math.round((tensor[c * plane + i]! * std + mean) / plan.scale)
      pixels[i * 3 + channel] = level < 0 ? 0 : level > 255 ? 255 : level
    }
  }
  return pixels
}

export async function modelInput(
  image: DecodedImage,
  plan: PreprocessPlan,
  model: ModelInput['model'],
): Promise<ModelInputTensor> {
  const result = await preprocessImage(image, plan)
  const size = plan.inputSize
  const sharp = await lazySharp()
  const png = await sharp(tensorPixels(result.tensor, plan), {
    raw: { width: size, height: size, channels: 3 },
  })
    .png()
    .toBuffer()
  const resized = { width: result.resizedWidth, height: result.resizedHeight }
  return {
    tensor: result.tensor,
    view: {
      model,
      plan,
      resize: resizeMethod(plan),
      image: { width: image.width, height: image.height, format: image.format },
      resized,
      crop:
        plan.cropSize === null ? null : centreCrop(resized.width, resized.height, plan.cropSize),
      shape: [1, 3, size, size],
      planes: planeStats(result.tensor, size * size),
      picture: `data:image/png;base64,${png.toString('base64')}`,
    },
  }
}
