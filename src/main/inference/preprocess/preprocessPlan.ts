/**
 * What to do to an image before a model sees it, as data: colour order, resize, centre crop,
 * scale, mean/std, CHW. Derived from a catalog model's PaddleClas `Infer.transforms`, or from an
 * ONNX file's input shape (plus overrides) for models attached by hand.
 */
import type { Interpolation, Preprocess } from '../../../shared/catalog/types'
import type { PreprocessPlan } from '../../../shared/contract/inference'
import { AppError } from '../../../shared/errors'
import { isPilConvolution } from './pilResample'

export type { PreprocessPlan }

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406]
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225]

export function planFromCatalog(preprocess: Preprocess): PreprocessPlan {
  const { resize } = preprocess
  if (resize.mode === 'cropAtRatio') {
    throw new AppError(
      'MODEL_INPUT_UNSUPPORTED',
      'This model resizes with CropImageAtRatio, which Zoo Explorer does not implement yet.',
    )
  }
  return {
    colorOrder: preprocess.colorOrder,
    resize: {
      mode: resize.mode,
      size: resize.size,
      interpolation: resize.interpolation,
      library: resize.library,
    },
    cropSize: preprocess.cropSize,
    scale: preprocess.scale,
    mean: preprocess.mean,
    std: preprocess.std,
    inputSize: preprocess.cropSize ?? resize.size,
  }
}

export interface PlanOverrides {
  resizeShort?: number
  crop?: number
  mean?: [number, number, number]
  std?: [number, number, number]
  scale?: number
  colorOrder?: 'RGB' | 'BGR'
  interpolation?: Interpolation
}

/**
 * For an ONNX file of unknown origin: the ImageNet convention scaled to its input size (resize the
 * short side to input/0.875, centre-crop the input size, ImageNet mean/std, RGB), then overrides.
 */
export function planFromInputSize(
  inputSize: number,
  overrides: PlanOverrides = {},
): PreprocessPlan {
  const crop = overrides.crop ?? inputSize
  return {
    colorOrder: overrides.colorOrder ?? 'RGB',
    resize: {
      mode: 'shortSide',
      size: overrides.resizeShort ?? Math.round(crop / 0.875),
      interpolation: overrides.interpolation ?? 'bilinear',
      library: 'cv2',
    },
    cropSize: crop,
    scale: overrides.scale ?? 1 / 255,
    mean: overrides.mean ?? IMAGENET_MEAN,
    std: overrides.std ?? IMAGENET_STD,
    inputSize: crop,
  }
}

/** How the resize is done: OpenCV's bilinear or Pillow's convolutions to the bit, else approximated. */
export function resizeMethod(plan: PreprocessPlan): 'cv2' | 'pil' | 'approximate' {
  const { library, interpolation } = plan.resize
  if (library === 'cv2' && interpolation === 'bilinear') return 'cv2'
  if (library === 'pil' && isPilConvolution(interpolation)) return 'pil'
  return 'approximate'
}
