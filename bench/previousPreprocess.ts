/**
 * The decode + preprocess path as it was before the fused resize (two sharp calls per image, a
 * full HWC resize of the crop, a per-value float32 normalisation), kept so the inference bench
 * can time old against new in one run and check, on every image it times, that the new tensors
 * are the old ones bit for bit. Not used by the app.
 */
import sharp from 'sharp'
import type { RawImage } from '../src/main/inference/preprocess/cvResizeLinear'
import { MAX_INPUT_PIXELS } from '../src/main/inference/preprocess/decodeImage'
import type { Region } from '../src/main/inference/preprocess/linearResizeTables'
import { centreCrop, resizedSize } from '../src/main/inference/preprocess/preprocessImage'
import type { PreprocessPlan } from '../src/main/inference/preprocess/preprocessPlan'

const COEF_SCALE = 1 << 11

export async function previousDecode(bytes: Uint8Array): Promise<RawImage> {
  const input = sharp(bytes, {
    failOn: 'warning',
    limitInputPixels: MAX_INPUT_PIXELS,
    ignoreIcc: true,
  })
  await input.metadata()
  const { data, info } = await input
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: 3,
  }
}

/** The OpenCV-bilinear plans only (the bench's plan is one). */
export function previousPreprocess(image: RawImage, plan: PreprocessPlan): Float32Array {
  const resized = resizedSize(image.width, image.height, plan)
  const region = centreCrop(resized.width, resized.height, plan.cropSize)
  return normalizeToChw(resize(image, resized.width, resized.height, region), plan)
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const diff = value - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

function axisTable(sourceSize: number, destSize: number, stride: number, clampWeights: boolean) {
  const scale = 1 / (destSize / sourceSize)
  const offsets = new Int32Array(destSize)
  const weights = new Int16Array(destSize * 2)
  let limit = destSize
  for (let d = 0; d < destSize; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5)
    let s = Math.floor(f)
    f = Math.fround(f - s)
    if (clampWeights && s < 0) {
      f = 0
      s = 0
    }
    if (clampWeights && s + 1 >= sourceSize) {
      limit = Math.min(limit, d)
      if (s >= sourceSize - 1) {
        f = 0
        s = sourceSize - 1
      }
    }
    offsets[d] = s * stride
    weights[d * 2] = roundHalfEven(Math.fround(1 - f) * COEF_SCALE)
    weights[d * 2 + 1] = roundHalfEven(f * COEF_SCALE)
  }
  return { offsets, weights, limit }
}

function crop(image: RawImage, region: Region): RawImage {
  const { width, channels: cn } = image
  const out = new Uint8Array(region.width * region.height * cn)
  for (let y = 0; y < region.height; y++) {
    const from = ((region.y + y) * width + region.x) * cn
    out.set(image.data.subarray(from, from + region.width * cn), y * region.width * cn)
  }
  return { data: out, width: region.width, height: region.height, channels: cn }
}

function halveArea(source: RawImage): RawImage {
  const { width, channels: cn } = source
  const destWidth = width / 2
  const destHeight = source.height / 2
  const out = new Uint8Array(destWidth * destHeight * cn)
  const data = source.data
  for (let y = 0; y < destHeight; y++) {
    const r0 = 2 * y * width * cn
    const r1 = r0 + width * cn
    for (let x = 0; x < destWidth; x++) {
      for (let k = 0; k < cn; k++) {
        const i = 2 * x * cn + k
        out[(y * destWidth + x) * cn + k] =
          (data[r0 + i]! + data[r0 + i + cn]! + data[r1 + i]! + data[r1 + i + cn]! + 2) >> 2
      }
    }
  }
  return { data: out, width: destWidth, height: destHeight, channels: cn }
}

function resize(source: RawImage, destWidth: number, destHeight: number, region: Region): RawImage {
  const { width, height, channels } = source
  if (destWidth === width && destHeight === height) return crop(source, region)
  if (destWidth * 2 === width && destHeight * 2 === height) return crop(halveArea(source), region)
  const cn = channels
  const xs = axisTable(width, destWidth, cn, true)
  const ys = axisTable(height, destHeight, 1, false)
  const rowLength = region.width * cn
  const out = new Uint8Array(rowLength * region.height)
  const horizontal = (y: number): Int32Array => {
    const row = new Int32Array(rowLength)
    const base = y * width * cn
    const data = source.data
    for (let rx = 0; rx < region.width; rx++) {
      const dx = region.x + rx
      const sx = base + xs.offsets[dx]!
      const a0 = xs.weights[dx * 2]!
      const a1 = xs.weights[dx * 2 + 1]!
      const o = rx * cn
      if (dx >= xs.limit) {
        for (let k = 0; k < cn; k++) row[o + k] = data[sx + k]! * COEF_SCALE
      } else {
        for (let k = 0; k < cn; k++) row[o + k] = data[sx + k]! * a0 + data[sx + k + cn]! * a1
      }
    }
    return row
  }
  let cachedY0 = -1
  let cachedY1 = -1
  let row0: Int32Array = new Int32Array(0)
  let row1: Int32Array = new Int32Array(0)
  for (let ry = 0; ry < region.height; ry++) {
    const dy = region.y + ry
    const sy = ys.offsets[dy]!
    const y0 = Math.min(Math.max(sy, 0), height - 1)
    const y1 = Math.min(Math.max(sy + 1, 0), height - 1)
    if (y0 !== cachedY0) {
      row0 = y0 === cachedY1 ? row1 : horizontal(y0)
      cachedY0 = y0
    }
    if (y1 !== cachedY1) {
      row1 = y1 === y0 ? row0 : horizontal(y1)
      cachedY1 = y1
    }
    const b0 = ys.weights[dy * 2]!
    const b1 = ys.weights[dy * 2 + 1]!
    const o = ry * rowLength
    for (let x = 0; x < rowLength; x++) {
      out[o + x] = ((((row0[x]! >> 4) * b0) >> 16) + (((row1[x]! >> 4) * b1) >> 16) + 2) >> 2
    }
  }
  return { data: out, width: region.width, height: region.height, channels: cn }
}

function normalizeToChw(image: RawImage, plan: PreprocessPlan): Float32Array {
  const { width, height, data } = image
  const plane = width * height
  const tensor = new Float32Array(3 * plane)
  const f = Math.fround
  const scale = f(plan.scale)
  for (let c = 0; c < 3; c++) {
    const source = plan.colorOrder === 'RGB' ? c : 2 - c
    const mean = f(plan.mean[c]!)
    const std = f(plan.std[c]!)
    const base = c * plane
    for (let i = 0; i < plane; i++)
      tensor[base + i] = f(f(f(data[i * 3 + source]! * scale) - mean) / std)
  }
  return tensor
}
