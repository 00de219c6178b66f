/**
 * OpenCV's `cv2.resize(…, interpolation=INTER_LINEAR)` for 8-bit images, reproduced to the bit,
 * fused with what follows it: only a region (the centre crop) is computed, and each resized
 * 8-bit value goes straight through a per-channel table of 256 levels (the normalisation) into
 * its plane of a CHW float32 tensor. PaddleClas resizes with OpenCV, and libvips (sharp) filters
 * differently when shrinking, so a model would see other pixels than it was evaluated with.
 *
 * The tables (linearResizeTables.ts) hold OpenCV's positions and 11-bit weights; the rounding is
 * that of its SIMD vertical pass, which (checked against OpenCV 4.6 on x86-64) applies to every
 * value of a row, its tail included.
 */
import type { LinearTables } from './linearResizeTables'

export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: number
}

/** Where each source channel goes in the tensor, and what each of its 256 levels becomes. */
export interface ChwChannels {
  /** planes[k]: the tensor plane of source channel k. */
  planes: readonly number[]
  /** 256 values per source channel: level v of channel k at k · 256 + v. */
  levels: Float32Array
}

/**
 * One source row's horizontal pass over the region (3 channels), shifted right by `shift`.
 * `x` holds, per region pixel, its two source offsets and their weights.
 */
function horizontal(
  data: Uint8Array,
  base: number,
  x: Int32Array,
  shift: number,
  row: Int32Array,
): void {
  const n = row.length
  for (let i = 0, t = 0; i < n; i += 3, t += 4) {
    const s0 = base + x[t]!
    const s1 = base + x[t + 1]!
    const a0 = x[t + 2]!
    const a1 = x[t + 3]!
    const r0 = data[s0]!
    const g0 = data[s0 + 1]!
    const b0 = data[s0 + 2]!
    const r1 = data[s1]!
    const g1 = data[s1 + 1]!
    const b1 = data[s1 + 2]!
    row[i] = (r0 * a0 + r1 * a1) >> shift
    row[i + 1] = (g0 * a0 + g1 * a1) >> shift
    row[i + 2] = (b0 * a0 + b1 * a1) >> shift
  }
}

/**
 * Resizes `source` (3 channels) as `tables` say and returns the region's CHW tensor:
 * 3 × region height × region width values.
 */
export function cvResizeLinearToChw(
  source: RawImage,
  tables: LinearTables,
  channels: ChwChannels,
): Float32Array {
  if (source.channels !== 3 || channels.planes.length !== 3) {
    throw new RangeError(`the resize takes 3-channel pixels, not ${source.channels}`)
  }
  if (
    source.width !== tables.source.width ||
    source.height !== tables.source.height ||
    tables.source.channels !== 3
  ) {
    throw new RangeError('the resize tables were made for another image size')
  }
  const { width, height } = tables
  const n = width * 3
  const plane = width * height
  const out = new Float32Array(3 * plane)
  const [p0, p1, p2] = channels.planes.map((c) => c * plane) as [number, number, number]
  const levels = channels.levels
  const data = source.data
  const stride = source.width * 3
  const area = tables.kind === 'area'
  // Linear: S >> 4 kept per row, as OpenCV's vertical pass takes it. Area: plain sums.
  const shift = area ? 0 : 4
  const { x, y0, y1, by0, by1 } = tables

  // Two horizontal rows, reused: consecutive output rows share source rows.
  let rowA = new Int32Array(n)
  let rowB = new Int32Array(n)
  let yA = -1
  let yB = -1
  for (let ry = 0; ry < height; ry++) {
    const s0 = y0[ry]!
    const s1 = y1[ry]!
    if (s0 !== yA) {
      if (s0 === yB) {
        ;[rowA, rowB] = [rowB, rowA]
        yB = yA
      } else horizontal(data, s0 * stride, x, shift, rowA)
      yA = s0
    }
    let second = rowA
    if (s1 !== yA) {
      if (s1 !== yB) {
        horizontal(data, s1 * stride, x, shift, rowB)
        yB = s1
      }
      second = rowB
    }
    const first = rowA
    const o = ry * width
    const o0 = p0 + o
    const o1 = p1 + o
    const o2 = p2 + o
    if (area) {
      for (let p = 0, i = 0; p < width; p++, i += 3) {
        out[o0 + p] = levels[(first[i]! + second[i]! + 2) >> 2]!
        out[o1 + p] = levels[256 + ((first[i + 1]! + second[i + 1]! + 2) >> 2)]!
        out[o2 + p] = levels[512 + ((first[i + 2]! + second[i + 2]! + 2) >> 2)]!
      }
    } else {
      const b0 = by0[ry]!
      const b1 = by1[ry]!
      // (S >> 4) * b >> 16 per row, then a rounding shift by 2. S ≤ 255·2048, so nothing here
      // overflows int32 or saturates int16, and the result is at most 255.
      for (let p = 0, i = 0; p < width; p++, i += 3) {
        const r = (((first[i]! * b0) >> 16) + ((second[i]! * b1) >> 16) + 2) >> 2
        const g = (((first[i + 1]! * b0) >> 16) + ((second[i + 1]! * b1) >> 16) + 2) >> 2
        const b = (((first[i + 2]! * b0) >> 16) + ((second[i + 2]! * b1) >> 16) + 2) >> 2
        out[o0 + p] = levels[r]!
        out[o1 + p] = levels[256 + g]!
        out[o2 + p] = levels[512 + b]!
      }
    }
  }
  return out
}
