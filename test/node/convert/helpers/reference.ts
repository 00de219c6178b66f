/**
 * Paddle's operators computed directly, loop by loop, as Paddle's CPU kernels define them: what
 * the converted ONNX models are checked against. Written for clarity, not speed (test sizes).
 */
import type { Tensor } from './convertCase'

const at4 = (dims: readonly number[], n: number, c: number, h: number, w: number) =>
  ((n * dims[1]! + c) * dims[2]! + h) * dims[3]! + w

export interface Conv2dSpec {
  strides: [number, number]
  /** [top, bottom, left, right], Paddle's order. */
  pads: [number, number, number, number]
  dilations: [number, number]
  groups: number
}

export function conv2d(x: Tensor, w: Tensor, spec: Conv2dSpec): Tensor {
  const [n, c, h, wd] = x.dims as [number, number, number, number]
  const [m, cg, kh, kw] = w.dims as [number, number, number, number]
  const [sh, sw] = spec.strides
  const [pt, pb, pl, pr] = spec.pads
  const [dh, dw] = spec.dilations
  const oh = Math.floor((h + pt + pb - (dh * (kh - 1) + 1)) / sh) + 1
  const ow = Math.floor((wd + pl + pr - (dw * (kw - 1) + 1)) / sw) + 1
  const out = new Float32Array(n * m * oh * ow)
  const perGroup = m / spec.groups
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++) {
      const g = Math.floor(o / perGroup)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let sum = 0
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = y * sh - pt + i * dh
                const ix = xo * sw - pl + j * dw
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue
                sum +=
                  Number(x.data[at4(x.dims, b, g * cg + ci, iy, ix)]) *
                  Number(w.data[at4(w.dims, o, ci, i, j)])
              }
          out[at4([n, m, oh, ow], b, o, y, xo)] = sum
        }
    }
  void c
  return { dims: [n, m, oh, ow], data: out }
}

export interface Pool2dSpec {
  type: 'max' | 'avg'
  ksize: [number, number]
  strides: [number, number]
  /** [top, bottom, left, right]. */
  pads: [number, number, number, number]
  ceilMode: boolean
  exclusive: boolean
}

/** Paddle's Pool2dFunctor: windows clipped to the input; avg divides by the clipped window when exclusive. */
export function pool2d(x: Tensor, spec: Pool2dSpec): Tensor {
  const [n, c, h, w] = x.dims as [number, number, number, number]
  const [kh, kw] = spec.ksize
  const [sh, sw] = spec.strides
  const [pt, pb, pl, pr] = spec.pads
  const size = (input: number, k: number, s: number, p0: number, p1: number) =>
    (spec.ceilMode ? Math.ceil : Math.floor)((input - k + p0 + p1) / s) + 1
  const oh = size(h, kh, sh, pt, pb)
  const ow = size(w, kw, sw, pl, pr)
  const out = new Float32Array(n * c * oh * ow)
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const hs = Math.max(y * sh - pt, 0)
          const he = Math.min(y * sh - pt + kh, h)
          const ws = Math.max(xo * sw - pl, 0)
          const we = Math.min(xo * sw - pl + kw, w)
          let acc = spec.type === 'max' ? -Infinity : 0
          for (let i = hs; i < he; i++)
            for (let j = ws; j < we; j++) {
              const v = Number(x.data[at4(x.dims, b, ch, i, j)])
              acc = spec.type === 'max' ? Math.max(acc, v) : acc + v
            }
          if (spec.type === 'avg') acc /= spec.exclusive ? (he - hs) * (we - ws) : kh * kw
          out[at4([n, c, oh, ow], b, ch, y, xo)] = acc
        }
  return { dims: [n, c, oh, ow], data: out }
}

/** Paddle's adaptive pooling: bin i spans floor(i·in/out) to ceil((i+1)·in/out). */
export function adaptivePool2d(x: Tensor, type: 'max' | 'avg', out: [number, number]): Tensor {
  const [n, c, h, w] = x.dims as [number, number, number, number]
  const [oh, ow] = out
  const result = new Float32Array(n * c * oh * ow)
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const hs = Math.floor((y * h) / oh)
          const he = Math.ceil(((y + 1) * h) / oh)
          const ws = Math.floor((xo * w) / ow)
          const we = Math.ceil(((xo + 1) * w) / ow)
          let acc = type === 'max' ? -Infinity : 0
          for (let i = hs; i < he; i++)
            for (let j = ws; j < we; j++) {
              const v = Number(x.data[at4(x.dims, b, ch, i, j)])
              acc = type === 'max' ? Math.max(acc, v) : acc + v
            }
          if (type === 'avg') acc /= (he - hs) * (we - ws)
          result[at4([n, c, oh, ow], b, ch, y, xo)] = acc
        }
  return { dims: [n, c, oh, ow], data: result }
}

/** f applied to every element. */
export function map(x: Tensor, f: (v: number, i: number) => number): Tensor {
  return {
    dims: [...x.dims],
    data: Float32Array.from(x.data as Float32Array, (v, i) => f(Number(v), i)),
  }
}
