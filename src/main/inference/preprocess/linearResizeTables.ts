/**
 * The coefficient tables of OpenCV's `cv2.resize(…, INTER_LINEAR)` for 8-bit images (OpenCV
 * 4.x): float source coordinates, 11-bit fixed-point weights, exact-2× shrinks done as
 * INTER_AREA. They depend on the sizes alone, so a batch of same-size photos (all 500×375, all
 * 4032×3024) computes them once: `cachedLinearTables` keeps the last few.
 *
 * The tables cover only a region of the resized image (the centre crop).
 */

import { roundHalfEven } from './roundHalfEven'

const COEF_BITS = 11
const COEF_SCALE = 1 << COEF_BITS

/** A rectangle of the resized image: computing only a centre crop saves the rest. */
export interface Region {
  x: number
  y: number
  width: number
  height: number
}

export interface LinearTables {
  /**
   * 'linear': each region value is a weighted pair of source values along x, then along y.
   * 'area': an exact 2× shrink, the rounded mean of a 2×2 block (OpenCV switches to INTER_AREA).
   */
  kind: 'linear' | 'area'
  /** The source image these tables read, and the region's size. */
  source: { width: number; height: number; channels: number }
  width: number
  height: number
  /**
   * Per pixel of a region row, four numbers: the offsets within a source row of the two source
   * pixels combined, and their fixed-point weights (linear) or 1 and 1 (area).
   */
  x: Int32Array
  /** Per region row: the two source rows combined, already clamped to the image. */
  y0: Int32Array
  y1: Int32Array
  /** Their fixed-point weights (linear; unused for area). */
  by0: Int32Array
  by1: Int32Array
}

interface Axis {
  /** Source index of the first neighbour, and of the second (equal past the right edge). */
  s0: Int32Array
  s1: Int32Array
  w0: Int32Array
  w1: Int32Array
}

/**
 * Source positions and weights along one axis, for destination indices [from, from + count).
 * OpenCV clamps positions outside the image to the edge with full weight along x, but along y it
 * keeps the weights and clamps only the rows read: both neighbours are then the edge row,
 * weighted separately (which rounds differently).
 */
function axis(
  sourceSize: number,
  destSize: number,
  from: number,
  count: number,
  clampWeights: boolean,
): Axis {
  const scale = 1 / (destSize / sourceSize)
  const s0 = new Int32Array(count)
  const s1 = new Int32Array(count)
  const w0 = new Int32Array(count)
  const w1 = new Int32Array(count)
  const last = sourceSize - 1
  for (let i = 0; i < count; i++) {
    let f = Math.fround((from + i + 0.5) * scale - 0.5)
    let s = Math.floor(f)
    f = Math.fround(f - s)
    if (clampWeights && s < 0) {
      f = 0
      s = 0
    }
    // Past the right edge only the left neighbour counts (with weight 1 and 0, the second tap
    // reads the same value, which keeps the kernel free of branches).
    const pastEdge = clampWeights && s >= last
    if (pastEdge) {
      f = 0
      s = last
    }
    s0[i] = Math.min(Math.max(s, 0), last)
    s1[i] = pastEdge ? s0[i]! : Math.min(Math.max(s + 1, 0), last)
    w0[i] = roundHalfEven(Math.fround(1 - f) * COEF_SCALE)
    w1[i] = roundHalfEven(f * COEF_SCALE)
  }
  return { s0, s1, w0, w1 }
}

/** Along x, interleaved per pixel; offsets in a source row are pixel × channels. */
function xTable(pixels: Axis, channels: number): Int32Array {
  const n = pixels.s0.length
  const x = new Int32Array(4 * n)
  for (let p = 0; p < n; p++) {
    x[4 * p] = pixels.s0[p]! * channels
    x[4 * p + 1] = pixels.s1[p]! * channels
    x[4 * p + 2] = pixels.w0[p]!
    x[4 * p + 3] = pixels.w1[p]!
  }
  return x
}

function checkRegion(destWidth: number, destHeight: number, region: Region): void {
  if (
    region.x < 0 ||
    region.y < 0 ||
    region.width < 1 ||
    region.height < 1 ||
    region.x + region.width > destWidth ||
    region.y + region.height > destHeight
  ) {
    throw new RangeError('the region lies outside the resized image')
  }
}

/** The tables for resizing a `width`×`height` image to `destWidth`×`destHeight`, in `region`. */
export function linearTables(
  width: number,
  height: number,
  channels: number,
  destWidth: number,
  destHeight: number,
  region: Region,
): LinearTables {
  checkRegion(destWidth, destHeight, region)
  const sizes = {
    source: { width, height, channels },
    width: region.width,
    height: region.height,
  }
  if (destWidth * 2 === width && destHeight * 2 === height) {
    const ones = (n: number) => new Int32Array(n).fill(1)
    const columns = Int32Array.from({ length: region.width }, (_, i) => 2 * (region.x + i))
    const rows = Int32Array.from({ length: region.height }, (_, i) => 2 * (region.y + i))
    const x = xTable(
      {
        s0: columns,
        s1: columns.map((c) => c + 1),
        w0: ones(region.width),
        w1: ones(region.width),
      },
      channels,
    )
    return {
      kind: 'area',
      ...sizes,
      x,
      y0: rows,
      y1: rows.map((r) => r + 1),
      by0: ones(region.height),
      by1: ones(region.height),
    }
  }
  const x = xTable(axis(width, destWidth, region.x, region.width, true), channels)
  const y = axis(height, destHeight, region.y, region.height, false)
  return { kind: 'linear', ...sizes, x, y0: y.s0, y1: y.s1, by0: y.w0, by1: y.w1 }
}

const CACHE_SIZE = 8
const cache = new Map<string, LinearTables>()

/** `linearTables`, remembered for the last few sizes (most recently used kept). */
export function cachedLinearTables(
  width: number,
  height: number,
  channels: number,
  destWidth: number,
  destHeight: number,
  region: Region,
): LinearTables {
  const key = `${width}x${height}x${channels}>${destWidth}x${destHeight}@${region.x},${region.y},${region.width},${region.height}`
  let tables = cache.get(key)
  if (tables) {
    cache.delete(key)
  } else {
    tables = linearTables(width, height, channels, destWidth, destHeight, region)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
  }
  cache.set(key, tables)
  return tables
}
