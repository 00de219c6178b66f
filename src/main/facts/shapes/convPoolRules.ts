/**
 * Shape rules of convolutions and pooling (float and int8 forms): output spatial sizes from
 * kernel, strides, pads, dilations, auto_pad and ceil_mode, as onnx/defs computes them. Pure.
 */
import type { ShapeRule } from './elementwiseRules'
import { type RuleContext, ShapeError, shaped } from './ruleContext'

interface Window {
  kernel: number[]
  strides: number[]
  dilations: number[]
  /** Begin and end padding per spatial axis: [b1, b2, …, e1, e2, …]. */
  pads: number[]
  autoPad: string
  ceil: boolean
}

function windowOf(ctx: RuleContext, spatial: number, kernel: number[]): Window {
  const ones = new Array<number>(spatial).fill(1)
  const pads = ctx.ints('pads') ?? new Array<number>(spatial * 2).fill(0)
  const strides = ctx.ints('strides') ?? ones
  const dilations = ctx.ints('dilations') ?? ones
  if (kernel.length !== spatial || pads.length !== spatial * 2 || strides.length !== spatial)
    throw new ShapeError(`its kernel, pads or strides do not match ${spatial} spatial axes`)
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0))
    throw new ShapeError('a stride or dilation is not positive')
  return {
    kernel,
    strides,
    dilations,
    pads,
    autoPad: ctx.string('auto_pad', 'NOTSET'),
    ceil: ctx.int('ceil_mode', 0) === 1,
  }
}

/** Output sizes of a sliding window over `input` (the spatial sizes). */
export function windowOutput(input: number[], w: Window): number[] {
  return input.map((size, i) => {
    const stride = w.strides[i]!
    const span = (w.kernel[i]! - 1) * w.dilations[i]! + 1
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.ceil(size / stride)
    const pad = w.autoPad === 'VALID' ? 0 : w.pads[i]! + w.pads[i + input.length]!
    const room = size + pad - span
    if (room < 0) throw new ShapeError(`its window (${span}) is larger than its input (${size})`)
    let out = (w.ceil ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1
    // With ceil_mode a last window that starts in the end padding is dropped.
    if (w.ceil && (out - 1) * stride >= size + (w.autoPad === 'VALID' ? 0 : w.pads[i]!)) out--
    return out
  })
}

/** Conv-like: data input `x`, weights input `wIndex` ([M, C/group, k…]). */
function conv(xIndex: number, wIndex: number): ShapeRule {
  return (ctx) => {
    const x = ctx.need(xIndex).shape
    const w = ctx.need(wIndex).shape
    if (x.length < 3 || w.length !== x.length)
      throw new ShapeError(`its input [${x.join(', ')}] and weights [${w.join(', ')}] do not match`)
    const kernel = ctx.ints('kernel_shape') ?? w.slice(2)
    const spatial = windowOutput(x.slice(2), windowOf(ctx, x.length - 2, kernel))
    return [shaped([x[0]!, w[0]!, ...spatial])]
  }
}

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const w = ctx.need(1).shape
  if (x.length < 3 || w.length !== x.length)
    throw new ShapeError(`its input [${x.join(', ')}] and weights [${w.join(', ')}] do not match`)
  const n = x.length - 2
  const channels = w[1]! * ctx.int('group', 1)
  const given = ctx.ints('output_shape')
  if (given) return [shaped([x[0]!, channels, ...given.slice(-n)])]
  const kernel = ctx.ints('kernel_shape') ?? w.slice(2)
  const w8 = windowOf(ctx, n, kernel)
  const outputPadding = ctx.ints('output_padding') ?? new Array<number>(n).fill(0)
  const spatial = x.slice(2).map((size, i) => {
    const full =
      w8.strides[i]! * (size - 1) + outputPadding[i]! + (kernel[i]! - 1) * w8.dilations[i]! + 1
    if (w8.autoPad === 'SAME_UPPER' || w8.autoPad === 'SAME_LOWER') return size * w8.strides[i]!
    return full - w8.pads[i]! - w8.pads[i + n]!
  })
  return [shaped([x[0]!, channels, ...spatial])]
}

/** MaxPool, AveragePool, LpPool (and QLinearAveragePool, data at input 0). */
const pool: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const kernel = ctx.ints('kernel_shape')
  if (!kernel) throw new ShapeError('it has no kernel_shape')
  const spatial = windowOutput(x.slice(2), windowOf(ctx, x.length - 2, kernel))
  const out = [x[0]!, x[1]!, ...spatial]
  return [shaped(out), shaped([...out])]
}

/** GlobalAveragePool, GlobalMaxPool, QLinearGlobalAveragePool: every spatial axis to 1. */
const globalPool: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  // QLinearGlobalAveragePool may be channels-last (NHWC).
  if (ctx.int('channels_last', 0) === 1)
    return [shaped([x[0]!, ...x.slice(1, -1).map(() => 1), x[x.length - 1]!])]
  return [shaped([x[0]!, x[1]!, ...x.slice(2).map(() => 1)])]
}

export const convPoolRules: Record<string, ShapeRule> = {
  Conv: conv(0, 1),
  ConvInteger: conv(0, 1),
  QLinearConv: conv(0, 3),
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  QLinearAveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  QLinearGlobalAveragePool: globalPool,
}
