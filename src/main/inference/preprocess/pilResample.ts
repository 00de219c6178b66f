/**
 * Pillow's `Image.resize(size, resample)` for 8-bit RGB, reproduced to the bit, fused with what
 * follows it in PaddleClas (centre crop, normalisation, CHW). PaddleClas's ResizeImage with
 * `backend: pil` hands the decoded array to Pillow, and 54 models of the zoo were evaluated so;
 * libvips aligns and filters differently (up to 147/255 off when enlarging).
 *
 * Pillow resamples by separable convolution: per output index a window of source indices and its
 * weights (the filter stretched by the reduction factor when shrinking, normalised to sum 1),
 * turned into 22-bit fixed point, the horizontal pass first into an 8-bit image, then the
 * vertical pass over it, each sum rounded by adding half and shifting and clamped to 0–255. An
 * axis whose size does not change is not passed over at all. Each output pixel depends only on
 * its own window, so computing the crop alone gives the same values as Pillow's whole image.
 */
import type { Interpolation } from '../../../shared/catalog/types'
import type { ChwChannels, RawImage } from './cvResizeLinear'
import type { Region } from './linearResizeTables'

interface Filter {
  support: number
  weight: (x: number) => number
}

const sinc = (x: number): number => {
  if (x === 0) return 1
  const px = x * Math.PI
  return Math.sin(px) / px
}

/** Pillow's convolution filters by the names PaddleClas gives them (BICUBIC's a is −0.5). */
const FILTERS: Partial<Record<Interpolation, Filter>> = {
  bilinear: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x)
      return a < 1 ? 1 - a : 0
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = Math.abs(x)
      const c = -0.5
      if (a < 1) return ((c + 2) * a - (c + 3)) * a * a + 1
      if (a < 2) return (((a - 5) * a + 8) * a - 4) * c
      return 0
    },
  },
  lanczos: {
    support: 3,
    weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0),
  },
}

/** Whether Pillow resizes with this interpolation by convolution (so we reproduce it exactly). */
export function isPilConvolution(interpolation: Interpolation): boolean {
  return FILTERS[interpolation] !== undefined
}

const PRECISION_BITS = 22
const HALF = 1 << (PRECISION_BITS - 1)

/** One axis's windows for output indices from…from+length: first source index, count, weights. */
export interface PilTaps {
  first: Int32Array
  count: Int32Array
  /** `size` fixed-point weights per output index. */
  weights: Int32Array
  size: number
}

export function pilTaps(
  inSize: number,
  outSize: number,
  interpolation: Interpolation,
  from: number,
  length: number,
): PilTaps {
  const filter = FILTERS[interpolation]
  if (!filter) throw new RangeError(`Pillow does not resize with ${interpolation} by convolution`)
  const scale = inSize / outSize
  const filterScale = Math.max(scale, 1)
  const support = filter.support * filterScale
  const size = Math.ceil(support) * 2 + 1
  const first = new Int32Array(length)
  const count = new Int32Array(length)
  const weights = new Int32Array(length * size)
  const window = new Float64Array(size)
  for (let i = 0; i < length; i++) {
    const center = (from + i + 0.5) * scale
    // C's (int) cast truncates toward zero; a negative start is clamped to 0 either way.
    const start = Math.max(Math.trunc(center - support + 0.5), 0)
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - start
    let sum = 0
    for (let x = 0; x < n; x++) {
      const w = filter.weight((x + start - center + 0.5) / filterScale)
      window[x] = w
      sum += w
    }
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? window[x]! / sum : window[x]!
      // Rounded half away from zero by truncation, as Pillow's normalize_coeffs_8bpc does.
      weights[i * size + x] = Math.trunc(
        w < 0 ? w * (1 << PRECISION_BITS) - 0.5 : w * (1 << PRECISION_BITS) + 0.5,
      )
    }
    first[i] = start
    count[i] = n
  }
  return { first, count, weights, size }
}

const clip8 = (sum: number): number => {
  const v = sum >> PRECISION_BITS
  return v < 0 ? 0 : v > 255 ? 255 : v
}

/** The windows of both passes for one resize's region: null where an axis keeps its size. */
export interface PilPlan {
  h: PilTaps | null
  v: PilTaps | null
  x: number
  y: number
  width: number
  height: number
}

/** Pillow skips a pass whose axis keeps its size; only the region's windows are worked out. */
export function pilPlan(
  image: { width: number; height: number },
  width: number,
  height: number,
  region: Region,
  interpolation: Interpolation,
): PilPlan {
  const { x, y } = region
  return {
    h: width !== image.width ? pilTaps(image.width, width, interpolation, x, region.width) : null,
    v:
      height !== image.height
        ? pilTaps(image.height, height, interpolation, y, region.height)
        : null,
    x,
    y,
    width: region.width,
    height: region.height,
  }
}

/**
 * The plan's region of the resized image through the levels table into a CHW float32 tensor,
 * as Pillow would resize the whole image and PaddleClas crop it.
 */
export function pilResizeToChw(
  image: RawImage,
  plan: PilPlan,
  channels: ChwChannels,
): Float32Array {
  const { data } = image
  const rowStride = image.width * 3
  const { width: cw, height: ch, v: vTaps } = plan

  // The horizontal pass over the source rows the region's vertical windows read.
  const rowFrom = vTaps ? vTaps.first[0]! : plan.y
  const rowTo = vTaps ? vTaps.first[ch - 1]! + vTaps.count[ch - 1]! : plan.y + ch
  const rows = rowTo - rowFrom
  const temp = new Uint8Array(rows * cw * 3)
  if (plan.h) {
    const { first, count, weights, size } = plan.h
    for (let y = 0; y < rows; y++) {
      const src = (rowFrom + y) * rowStride
      let out = y * cw * 3
      for (let x = 0; x < cw; x++) {
        let s0 = HALF
        let s1 = HALF
        let s2 = HALF
        let p = src + first[x]! * 3
        const k = x * size
        const n = count[x]!
        for (let t = 0; t < n; t++, p += 3) {
          const w = weights[k + t]!
          s0 += data[p]! * w
          s1 += data[p + 1]! * w
          s2 += data[p + 2]! * w
        }
        temp[out++] = clip8(s0)
        temp[out++] = clip8(s1)
        temp[out++] = clip8(s2)
      }
    }
  } else {
    for (let y = 0; y < rows; y++) {
      const src = (rowFrom + y) * rowStride + plan.x * 3
      temp.set(data.subarray(src, src + cw * 3), y * cw * 3)
    }
  }

  const plane = cw * ch
  const tensor = new Float32Array(3 * plane)
  const { levels, planes } = channels
  const base0 = planes[0]! * plane
  const base1 = planes[1]! * plane
  const base2 = planes[2]! * plane
  const tempStride = cw * 3
  for (let y = 0; y < ch; y++) {
    const outRow = y * cw
    if (!vTaps) {
      let p = (plan.y - rowFrom + y) * tempStride
      for (let x = 0; x < cw; x++, p += 3) {
        tensor[base0 + outRow + x] = levels[temp[p]!]!
        tensor[base1 + outRow + x] = levels[256 + temp[p + 1]!]!
        tensor[base2 + outRow + x] = levels[512 + temp[p + 2]!]!
      }
      continue
    }
    const start = (vTaps.first[y]! - rowFrom) * tempStride
    const n = vTaps.count[y]!
    const k = y * vTaps.size
    for (let x = 0; x < cw; x++) {
      let s0 = HALF
      let s1 = HALF
      let s2 = HALF
      let p = start + x * 3
      for (let t = 0; t < n; t++, p += tempStride) {
        const w = vTaps.weights[k + t]!
        s0 += temp[p]! * w
        s1 += temp[p + 1]! * w
        s2 += temp[p + 2]! * w
      }
      tensor[base0 + outRow + x] = levels[clip8(s0)]!
      tensor[base1 + outRow + x] = levels[256 + clip8(s1)]!
      tensor[base2 + outRow + x] = levels[512 + clip8(s2)]!
    }
  }
  return tensor
}
