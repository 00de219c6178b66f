/**
 * Paddle's non-window operators computed directly from their documented semantics, index by
 * index: broadcasting by `axis`, matrix products, reductions, normalisation, interpolation,
 * padding and the layout operators. The converted ONNX models are checked against these, so
 * none of them is written in terms of the ONNX operator it checks. Clarity over speed.
 */
import type { Tensor } from './convertCase'

export const count = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1)

function stridesOf(dims: readonly number[]): number[] {
  const strides = Array<number>(dims.length).fill(1)
  for (let i = dims.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * dims[i + 1]!
  return strides
}

/** Every index of a tensor of `dims`, in row-major order. */
export function* indices(dims: readonly number[]): Generator<number[]> {
  if (dims.some((d) => d === 0)) return
  const idx = Array<number>(dims.length).fill(0)
  for (;;) {
    yield [...idx]
    let axis = dims.length - 1
    while (axis >= 0 && ++idx[axis]! === dims[axis]) idx[axis--] = 0
    if (axis < 0) return
  }
}

/** A float tensor whose element at each index is `f(index)`. */
export function build(dims: readonly number[], f: (idx: number[]) => number): Tensor {
  const data = new Float32Array(count(dims))
  let i = 0
  for (const idx of indices(dims)) data[i++] = f(idx)
  return { dims: [...dims], data }
}

export function get(t: Tensor, idx: readonly number[]): number {
  const strides = stridesOf(t.dims)
  let offset = 0
  idx.forEach((v, i) => {
    if (v < 0 || v >= t.dims[i]!) throw new Error(`index ${idx} outside [${t.dims}]`)
    offset += v * strides[i]!
  })
  return Number(t.data[offset])
}

/** The same elements under other dims (what every reshape-like operator does to the data). */
export function withDims(t: Tensor, dims: readonly number[]): Tensor {
  if (count(dims) !== t.data.length) throw new Error(`[${dims}] does not hold ${t.data.length}`)
  return { dims: [...dims], data: t.data }
}

/** Output axis i is input axis perm[i]. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  return build(
    perm.map((p) => x.dims[p]!),
    (idx) => {
      const src: number[] = []
      perm.forEach((p, i) => (src[p] = idx[i]!))
      return get(x, src)
    },
  )
}

/**
 * Paddle's elementwise_* on X and a Y of lower (or equal) rank: Y's axis j lines up with X's
 * axis `axis` + j (axis −1: rank(X) − rank(Y), the trailing axes), size-1 axes of Y repeat.
 */
export function elementwise(
  x: Tensor,
  y: Tensor,
  axis: number,
  f: (a: number, b: number) => number,
): Tensor {
  const start = axis === -1 ? x.dims.length - y.dims.length : axis
  return build(x.dims, (idx) => {
    const yIdx = y.dims.map((d, j) => (d === 1 ? 0 : idx[start + j]!))
    return f(get(x, idx), get(y, yIdx))
  })
}

/**
 * matmul_v2: the last two axes multiplied (after swapping them where `trans_*` says), the
 * leading ones broadcast from the right as numpy does; both operands of rank ≥ 2 here.
 */
export function matmul(x: Tensor, y: Tensor, transX = false, transY = false): Tensor {
  const rx = x.dims.length
  const ry = y.dims.length
  const [m, k] = transX ? [x.dims[rx - 1]!, x.dims[rx - 2]!] : [x.dims[rx - 2]!, x.dims[rx - 1]!]
  const [k2, n] = transY ? [y.dims[ry - 1]!, y.dims[ry - 2]!] : [y.dims[ry - 2]!, y.dims[ry - 1]!]
  if (k !== k2) throw new Error(`inner sizes ${k} and ${k2} differ`)
  const bx = x.dims.slice(0, -2)
  const by = y.dims.slice(0, -2)
  const rank = Math.max(bx.length, by.length)
  const batch = Array.from({ length: rank }, (_, i) => {
    const a = bx[i - (rank - bx.length)] ?? 1
    const b = by[i - (rank - by.length)] ?? 1
    return Math.max(a, b)
  })
  const pick = (own: readonly number[], idx: readonly number[]) =>
    own.map((d, i) => (d === 1 ? 0 : idx[i + rank - own.length]!))
  return build([...batch, m, n], (idx) => {
    const b = idx.slice(0, rank)
    const [i, j] = [idx[rank]!, idx[rank + 1]!]
    let sum = 0
    for (let t = 0; t < k; t++) {
      const xv = get(x, [...pick(bx, b), ...(transX ? [t, i] : [i, t])])
      const yv = get(y, [...pick(by, b), ...(transY ? [j, t] : [t, j])])
      sum += xv * yv
    }
    return sum
  })
}

/**
 * mul: X flattened to a matrix at x_num_col_dims (rows: the product of the leading axes), Y at
 * y_num_col_dims; the product gets X's leading dims and Y's trailing ones.
 */
export function mul(x: Tensor, y: Tensor, xNumColDims: number, yNumColDims: number): Tensor {
  const rows = x.dims.slice(0, xNumColDims)
  const cols = y.dims.slice(yNumColDims)
  const x2 = withDims(x, [count(rows), count(x.dims.slice(xNumColDims))])
  const y2 = withDims(y, [count(y.dims.slice(0, yNumColDims)), count(cols)])
  return withDims(matmul(x2, y2), [...rows, ...cols])
}

export type Reduction = 'mean' | 'sum' | 'max'

/** reduce_* over `axes` (already non-negative), the reduced axes kept as 1 or dropped. */
export function reduce(x: Tensor, axes: readonly number[], keep: boolean, kind: Reduction): Tensor {
  const kept = x.dims.map((d, i) => (axes.includes(i) ? 1 : d))
  const acc = new Float64Array(count(kept)).fill(kind === 'max' ? -Infinity : 0)
  const keptStrides = stridesOf(kept)
  for (const idx of indices(x.dims)) {
    const at = idx.reduce((o, v, i) => o + (axes.includes(i) ? 0 : v * keptStrides[i]!), 0)
    const v = get(x, idx)
    acc[at] = kind === 'max' ? Math.max(acc[at]!, v) : acc[at]! + v
  }
  const n = count(axes.map((a) => x.dims[a]!))
  const data = Float32Array.from(acc, (v) => (kind === 'mean' ? v / n : v))
  return { dims: keep ? kept : x.dims.filter((_, i) => !axes.includes(i)), data }
}

/** softmax along `axis`: exp(x − max) / Σ exp(x − max) over that axis. */
export function softmax(x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.dims.length : axis
  return build(x.dims, (idx) => {
    const along = (t: number) =>
      get(
        x,
        idx.map((v, i) => (i === a ? t : v)),
      )
    let max = -Infinity
    for (let t = 0; t < x.dims[a]!; t++) max = Math.max(max, along(t))
    let sum = 0
    for (let t = 0; t < x.dims[a]!; t++) sum += Math.exp(along(t) - max)
    return Math.exp(along(idx[a]!) - max) / sum
  })
}

/**
 * layer_norm: every row of the axes from `beginNormAxis` on is normalised by its own mean and
 * (biased) variance, then scaled and shifted by the flat Scale and Bias over that row.
 */
export function layerNorm(
  x: Tensor,
  beginNormAxis: number,
  scale: Tensor,
  bias: Tensor,
  epsilon: number,
): Tensor {
  const row = count(x.dims.slice(beginNormAxis))
  const out = new Float32Array(x.data.length)
  for (let start = 0; start < x.data.length; start += row) {
    let mean = 0
    for (let j = 0; j < row; j++) mean += Number(x.data[start + j])
    mean /= row
    let variance = 0
    for (let j = 0; j < row; j++) variance += (Number(x.data[start + j]) - mean) ** 2
    variance /= row
    const inv = 1 / Math.sqrt(variance + epsilon)
    for (let j = 0; j < row; j++)
      out[start + j] =
        (Number(x.data[start + j]) - mean) * inv * Number(scale.data[j]) + Number(bias.data[j])
  }
  return { dims: [...x.dims], data: out }
}

/** erf by its Maclaurin series: exact to ~1e-12 where the tests use it (|x| ≤ 3.5). */
export function erf(x: number): number {
  if (Math.abs(x) > 3.5) throw new Error(`erf(${x}): the series loses precision past 3.5`)
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n
    const add = term / (2 * n + 1)
    sum += add
    if (Math.abs(add) < 1e-17) break
  }
  return (2 / Math.sqrt(Math.PI)) * sum
}

export interface InterpSpec {
  method: 'bilinear' | 'nearest'
  /** The output's [h, w]. */
  out: [number, number]
  alignCorners: boolean
  /** Bilinear only: 0 half-pixel, 1 asymmetric. */
  alignMode: 0 | 1
  /** The scale the size came from, when it came from one: then ratio = 1/scale. */
  scale?: [number, number]
}

/** Paddle's source/destination ratio of one axis (float32, as the kernel computes it). */
function interpRatio(size: number, out: number, spec: InterpSpec, scale: number | undefined) {
  if (out <= 1) return 0
  if (spec.alignCorners) return Math.fround((size - 1) / (out - 1))
  return scale !== undefined && scale > 0
    ? Math.fround(1 / Math.fround(scale))
    : Math.fround(size / out)
}

/** For one axis: the two source indices and the weight of the second, per output index. */
function linearTaps(size: number, out: number, ratio: number, halfPixel: boolean) {
  return Array.from({ length: out }, (_, d) => {
    const src = halfPixel ? Math.max(ratio * (d + 0.5) - 0.5, 0) : ratio * d
    const i0 = Math.floor(src)
    return { i0, i1: Math.min(i0 + 1, size - 1), w1: src - i0 }
  })
}

function nearestTap(ratio: number, d: number, alignCorners: boolean): number {
  return alignCorners
    ? Math.floor(Math.fround(ratio * d) + 0.5)
    : Math.floor(Math.fround(ratio * d))
}

/**
 * bilinear_interp_v2 / nearest_interp_v2 on NCHW, from Paddle's kernel formulas: bilinear
 * source src = ratio·(dst + 0.5) − 0.5 clamped at 0 (align_mode 0, no align_corners) or
 * ratio·dst, blending rows i and min(i + 1, in − 1); nearest floor(ratio·dst), rounded half up
 * with align_corners; ratio (in − 1)/(out − 1) with align_corners, else 1/scale or in/out.
 */
export function interp(x: Tensor, spec: InterpSpec): Tensor {
  const [n, c, h, w] = x.dims as [number, number, number, number]
  const [oh, ow] = spec.out
  const rh = interpRatio(h, oh, spec, spec.scale?.[0])
  const rw = interpRatio(w, ow, spec, spec.scale?.[1])
  if (spec.method === 'nearest')
    return build([n, c, oh, ow], ([b, ch, y, xo]) =>
      get(x, [
        b!,
        ch!,
        nearestTap(rh, y!, spec.alignCorners),
        nearestTap(rw, xo!, spec.alignCorners),
      ]),
    )
  const halfPixel = spec.alignMode === 0 && !spec.alignCorners
  const ty = linearTaps(h, oh, rh, halfPixel)
  const tx = linearTaps(w, ow, rw, halfPixel)
  return build([n, c, oh, ow], ([b, ch, y, xo]) => {
    const { i0: y0, i1: y1, w1: wy } = ty[y!]!
    const { i0: x0, i1: x1, w1: wx } = tx[xo!]!
    const at = (i: number, j: number) => get(x, [b!, ch!, i, j])
    return (
      at(y0, x0) * (1 - wy) * (1 - wx) +
      at(y1, x0) * wy * (1 - wx) +
      at(y0, x1) * (1 - wy) * wx +
      at(y1, x1) * wy * wx
    )
  })
}

export type PadMode = 'constant' | 'reflect' | 'replicate'

/** pad3d on NCDHW with paddings [left, right, top, bottom, front, back]. */
export function pad3d(
  x: Tensor,
  paddings: readonly [number, number, number, number, number, number],
  mode: PadMode,
  value = 0,
): Tensor {
  const [l, r, t, b, f, back] = paddings
  const [n, c, d, h, w] = x.dims as [number, number, number, number, number]
  const source = (o: number, before: number, size: number): number | null => {
    const i = o - before
    if (i >= 0 && i < size) return i
    if (mode === 'constant') return null
    if (mode === 'replicate') return Math.min(Math.max(i, 0), size - 1)
    // reflect: mirrored about the edge element, which is not repeated.
    return i < 0 ? -i : 2 * (size - 1) - i
  }
  return build([n, c, d + f + back, h + t + b, w + l + r], ([bi, ci, z, y, xo]) => {
    const sz = source(z!, f, d)
    const sy = source(y!, t, h)
    const sx = source(xo!, l, w)
    return sz === null || sy === null || sx === null ? value : get(x, [bi!, ci!, sz, sy, sx])
  })
}

/** Tensors joined along `axis`. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const a = axis < 0 ? axis + xs[0]!.dims.length : axis
  const dims = [...xs[0]!.dims]
  dims[a] = xs.reduce((s, t) => s + t.dims[a]!, 0)
  return build(dims, (idx) => {
    let at = idx[a]!
    for (const t of xs) {
      if (at < t.dims[a]!)
        return get(
          t,
          idx.map((v, i) => (i === a ? at : v)),
        )
      at -= t.dims[a]!
    }
    throw new Error('unreachable')
  })
}

/** Elements start…end−1 along `axis` (start, end already resolved to the axis). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const dims = [...x.dims]
  dims[axis] = end - start
  return build(dims, (idx) =>
    get(
      x,
      idx.map((v, i) => (i === axis ? v + start : v)),
    ),
  )
}
