/**
 * The PaddleClas inference preprocessing on decoded pixels: resize (short side or exact), centre
 * crop, scale, mean/std, HWC → CHW, in float32 arithmetic like NumPy's. OpenCV-bilinear and
 * Pillow (bilinear, bicubic, lanczos) plans are reproduced bit for bit, computing only the crop
 * and writing the tensor; other resamplers are approximated with libvips and say so.
 */
import type { Interpolation } from '../../../shared/catalog/types'
import { AppError } from '../../../shared/errors'
import { cvResizeLinearToChw, type ChwChannels, type RawImage } from './cvResizeLinear'
import { lazySharp } from './lazySharp'
import { cachedLinearTables, type LinearTables, type Region } from './linearResizeTables'
import { nativeCalls } from './nativeKernels'
import { normalizeTable } from './normalizeTable'
import { pilPlan, pilResizeToChw, type PilPlan } from './pilResample'
import { resizeMethod, type PreprocessPlan } from './preprocessPlan'
import { roundHalfEven } from './roundHalfEven'

/** PaddleClas ResizeImage: the size the image is resized to. */
export function resizedSize(
  width: number,
  height: number,
  plan: PreprocessPlan,
): { width: number; height: number } {
  if (plan.resize.mode === 'exact') return { width: plan.resize.size, height: plan.resize.size }
  const percent = plan.resize.size / Math.min(width, height)
  return { width: roundHalfEven(width * percent), height: roundHalfEven(height * percent) }
}

/** PaddleClas CropImage: a centre crop, offsets rounded down. */
export function centreCrop(width: number, height: number, size: number | null): Region {
  if (size === null) return { x: 0, y: 0, width, height }
  if (width < size || height < size) {
    throw new AppError(
      'MODEL_INPUT_UNSUPPORTED',
      `The crop (${size}px) is larger than the resized image (${width}×${height}).`,
    )
  }
  return {
    x: Math.floor((width - size) / 2),
    y: Math.floor((height - size) / 2),
    width: size,
    height: size,
  }
}

type Kernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3'

/** libvips kernels closest to each resampler (approximations: libvips filters when shrinking). */
const KERNELS: Record<Interpolation, Kernel> = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  area: 'linear',
  lanczos: 'lanczos3',
}

async function approximateResize(
  image: RawImage,
  width: number,
  height: number,
  region: Region,
  interpolation: Interpolation,
): Promise<RawImage> {
  const sharp = await lazySharp()
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill', kernel: KERNELS[interpolation] })
    .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: 3,
  }
}

/** The libvips path's cropped pixels through the normalisation table, HWC → CHW. */
function normalizeToChw(image: RawImage, channels: ChwChannels): Float32Array {
  const { data } = image
  const plane = image.width * image.height
  const tensor = new Float32Array(3 * plane)
  const { planes, levels } = channels
  for (let k = 0; k < 3; k++) {
    const base = planes[k]! * plane
    const table = k * 256
    for (let i = 0; i < plane; i++) tensor[base + i] = levels[table + data[i * 3 + k]!]!
  }
  return tensor
}

/** The exact resize: native when the addon is there (pool or inline), else in TypeScript. */
async function exactResizeToChw(
  image: RawImage,
  tables: LinearTables,
  channels: ChwChannels,
): Promise<Float32Array> {
  const native = nativeCalls()
  if (!native) return cvResizeLinearToChw(image, tables, channels)
  const out = new Float32Array(3 * tables.width * tables.height)
  await native.resize(
    image.data,
    image.width,
    image.height,
    tables,
    channels.levels,
    channels.planes,
    out,
  )
  return out
}

/** Pillow's resize: native when the addon is there, else in TypeScript (the same values). */
async function pilResize(
  image: RawImage,
  plan: PilPlan,
  channels: ChwChannels,
): Promise<Float32Array> {
  const native = nativeCalls()
  if (!native) return pilResizeToChw(image, plan, channels)
  const out = new Float32Array(3 * plan.width * plan.height)
  const { levels, planes } = channels
  await native.pilResize(image.data, image.width, image.height, plan, levels, planes, out)
  return out
}

export interface PreprocessedImage {
  tensor: Float32Array
  /** True when the resize is reproduced exactly (OpenCV bilinear, Pillow's convolutions), false when approximated. */
  exact: boolean
  resizedWidth: number
  resizedHeight: number
}

export async function preprocessImage(
  image: RawImage,
  plan: PreprocessPlan,
): Promise<PreprocessedImage> {
  const resized = resizedSize(image.width, image.height, plan)
  const region = centreCrop(resized.width, resized.height, plan.cropSize)
  if (region.width !== plan.inputSize || region.height !== plan.inputSize) {
    throw new AppError(
      'MODEL_INPUT_UNSUPPORTED',
      `The preprocessing makes ${region.width}×${region.height} images, but the model takes ${plan.inputSize}×${plan.inputSize}.`,
    )
  }
  if (image.channels !== 3) {
    throw new RangeError(`preprocessing takes 3-channel pixels, not ${image.channels}`)
  }
  const method = resizeMethod(plan)
  const channels = normalizeTable(plan)
  const { interpolation } = plan.resize
  let tensor: Float32Array
  if (method === 'cv2') {
    tensor = await exactResizeToChw(
      image,
      cachedLinearTables(image.width, image.height, 3, resized.width, resized.height, region),
      channels,
    )
  } else if (method === 'pil') {
    tensor = await pilResize(
      image,
      pilPlan(image, resized.width, resized.height, region, interpolation),
      channels,
    )
  } else {
    const pixels = await approximateResize(
      image,
      resized.width,
      resized.height,
      region,
      interpolation,
    )
    tensor = normalizeToChw(pixels, channels)
  }
  return {
    tensor,
    exact: method !== 'approximate',
    resizedWidth: resized.width,
    resizedHeight: resized.height,
  }
}
