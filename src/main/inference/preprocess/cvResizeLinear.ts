/**
 * OpenCV's `cv2.resize(…, interpolation=INTER_LINEAR)` for 8-bit images, reproduced to the bit.
 * PaddleClas resizes with OpenCV, and libvips (sharp) filters differently when shrinking, so a
 * model would see other pixels than it was evaluated with. This follows OpenCV 4.x: float
 * source coordinates, 11-bit fixed-point weights, exact-2× shrinks done as INTER_AREA, and the
 * rounding of its SIMD vertical pass, which (checked against OpenCV 4.6 on x86-64) applies to
 * every value of a row, its tail included.
 */

const COEF_BITS = 11
const COEF_SCALE = 1 << COEF_BITS

export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: number
}

/** cvRound: round half to even, as the FPU (lrint) does. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const diff = value - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

interface AxisTable {
  /** Source index (times channels, for x) of the left/top neighbour; may be -1 along y. */
  offsets: Int32Array
  /** Fixed-point weights, two per destination index. */
  weights: Int16Array
  /** Destination indices from `limit` on use only the left neighbour (past the right edge). */
  limit: number
}

/**
 * Source positions and weights along one axis. OpenCV clamps positions outside the image to the
 * edge with full weight along x, but along y it keeps the weights and clamps only the rows read:
 * both neighbours are then the edge row, weighted separately (which rounds differently).
 */
function axisTable(
  sourceSize: number,
  destSize: number,
  stride: number,
  clampWeights: boolean,
): AxisTable {
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
    const w0 = roundHalfEven(Math.fround(1 - f) * COEF_SCALE)
    weights[d * 2] = w0
    weights[d * 2 + 1] = roundHalfEven(f * COEF_SCALE)
  }
  return { offsets, weights, limit }
}

/** A rectangle of the resized image: computing only a centre crop saves the rest. */
export interface Region {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Resizes `source` to `destWidth`×`destHeight` and returns `region` of the result (all of it by
 * default). Every pixel is computed exactly as the full resize would compute it.
 */
export function cvResizeLinear(
  source: RawImage,
  destWidth: number,
  destHeight: number,
  region: Region = { x: 0, y: 0, width: destWidth, height: destHeight },
): RawImage {
  const { width, height, channels } = source
  if (
    region.x < 0 ||
    region.y < 0 ||
    region.x + region.width > destWidth ||
    region.y + region.height > destHeight
  ) {
    throw new RangeError('the region lies outside the resized image')
  }
  if (destWidth === width && destHeight === height) return crop(source, region)
  if (destWidth * 2 === width && destHeight * 2 === height) return crop(halveArea(source), region)

  const cn = channels
  const xs = axisTable(width, destWidth, cn, true)
  const ys = axisTable(height, destHeight, 1, false)
  const rowLength = region.width * cn
  const out = new Uint8Array(rowLength * region.height)

  // Horizontal pass per source row, cached: consecutive output rows share source rows.
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
      // (S >> 4) * b >> 16 per row, then a rounding shift by 2. S ≤ 255·2048, so nothing here
      // overflows int32 or saturates int16, and the result is at most 255.
      out[o + x] = ((((row0[x]! >> 4) * b0) >> 16) + (((row1[x]! >> 4) * b1) >> 16) + 2) >> 2
    }
  }
  return { data: out, width: region.width, height: region.height, channels: cn }
}

export function crop(image: RawImage, region: Region): RawImage {
  const { width, channels: cn } = image
  if (
    region.x === 0 &&
    region.y === 0 &&
    region.width === width &&
    region.height === image.height
  ) {
    return { ...image, data: image.data.slice() }
  }
  const out = new Uint8Array(region.width * region.height * cn)
  for (let y = 0; y < region.height; y++) {
    const from = ((region.y + y) * width + region.x) * cn
    out.set(image.data.subarray(from, from + region.width * cn), y * region.width * cn)
  }
  return { data: out, width: region.width, height: region.height, channels: cn }
}

/** INTER_AREA for an exact 2× shrink: the rounded mean of each 2×2 block. */
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
