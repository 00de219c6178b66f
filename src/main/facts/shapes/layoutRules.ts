/**
 * Shape rules of the ops that move, cut, join or reshape tensors, make constants, or reduce axes:
 * Reshape, Flatten, Transpose, Concat, Split, Slice, Squeeze/Unsqueeze, Gather, Shape, Constant,
 * Pad, Resize, Expand, Tile, Range, reductions. Where opsets moved an attribute to an input
 * (axes, split, pads, starts/ends), both forms are read. Known values are carried through the
 * ops exporters use to compute shapes. Pure.
 */
import { type GraphTensor, elementCount } from '../onnxGraph'
import type { ShapeRule } from './elementwiseRules'
import {
  MAX_CARRIED_VALUES,
  type RuleContext,
  ShapeError,
  type Value,
  normalizeAxis,
  shaped,
  strides,
  valued,
} from './ruleContext'

const reshape: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const target = ctx.input(1) ? ctx.valuesOf(1, 'target shape') : (ctx.ints('shape') ?? [])
  const allowZero = ctx.int('allowzero', 0) === 1
  const out = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? 0) : d))
  const unknown = out.indexOf(-1)
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1)
    const total = elementCount(x.shape)
    if (known === 0 || total % known !== 0)
      throw new ShapeError(`[${x.shape.join(', ')}] cannot be reshaped to [${target.join(', ')}]`)
    out[unknown] = total / known
  }
  if (elementCount(out) !== elementCount(x.shape))
    throw new ShapeError(`[${x.shape.join(', ')}] cannot be reshaped to [${target.join(', ')}]`)
  return [valued(out, x.values)]
}

const flatten: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const rank = x.shape.length
  const axis = ctx.int('axis', 1)
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a > rank) throw new ShapeError(`axis ${axis} is outside a rank-${rank} tensor`)
  const out = [elementCount(x.shape.slice(0, a)), elementCount(x.shape.slice(a))]
  return [valued(out, x.values)]
}

const transpose: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const perm = ctx.ints('perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i)
  if (perm.length !== x.shape.length) throw new ShapeError(`its perm does not match its input`)
  return [shaped(perm.map((p) => x.shape[normalizeAxis(p, x.shape.length)]!))]
}

const concat: ShapeRule = (ctx) => {
  const inputs = ctx.node.inputs.map((_, i) => ctx.need(i))
  const first = inputs[0]!.shape
  const axis = normalizeAxis(ctx.int('axis', 0), first.length)
  const out = [...first]
  out[axis] = inputs.reduce((sum, v) => sum + v.shape[axis]!, 0)
  const values =
    axis === 0 && inputs.every((v) => v.values !== null) ? inputs.flatMap((v) => v.values!) : null
  return [valued(out, values)]
}

const split: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const axis = normalizeAxis(ctx.int('axis', 0), x.length)
  const outputs = ctx.node.outputs.length
  const sizes = ctx.input(1) ? ctx.valuesOf(1, 'split sizes') : ctx.ints('split')
  const size = x[axis]!
  let parts: number[]
  if (sizes) parts = sizes
  else {
    // Opset 18: num_outputs, the last part smaller when the axis does not divide evenly.
    const each = Math.ceil(size / outputs)
    parts = Array.from({ length: outputs }, (_, i) => Math.max(0, Math.min(each, size - i * each)))
  }
  if (parts.reduce((a, b) => a + b, 0) !== size)
    throw new ShapeError(`its parts do not add up to its axis (${size})`)
  return parts.map((p) => {
    const out = [...x]
    out[axis] = p
    return shaped(out)
  })
}

/** A Slice's first index, step and length on one axis of `size`, clamped as onnx does. */
function sliceRange(size: number, start: number, end: number, step: number) {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi)
  let s = start < 0 ? start + size : start
  let e = end < 0 ? end + size : end
  if (step > 0) {
    s = clamp(s, 0, size)
    e = clamp(e, 0, size)
  } else {
    s = clamp(s, 0, size - 1)
    e = clamp(e, -1, size - 1)
  }
  const length = Math.max(0, Math.ceil((e - s) / step))
  return { first: s, step, length }
}

const slice: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const rank = x.shape.length
  const fromInputs = ctx.opset >= 10
  const starts = fromInputs ? ctx.valuesOf(1, 'starts') : (ctx.ints('starts') ?? [])
  const ends = fromInputs ? ctx.valuesOf(2, 'ends') : (ctx.ints('ends') ?? [])
  const axes =
    (fromInputs ? (ctx.input(3) ? ctx.valuesOf(3, 'axes') : null) : ctx.ints('axes')) ??
    starts.map((_, i) => i)
  const steps = fromInputs && ctx.input(4) ? ctx.valuesOf(4, 'steps') : starts.map(() => 1)
  if (steps.some((s) => s === 0)) throw new ShapeError('a step is 0')
  // Per axis, the range kept; null for an axis kept whole.
  const picked: (ReturnType<typeof sliceRange> | null)[] = x.shape.map(() => null)
  axes.forEach((axis, i) => {
    const a = normalizeAxis(axis, rank)
    picked[a] = sliceRange(x.shape[a]!, starts[i]!, ends[i]!, steps[i]!)
  })
  const out = picked.map((p, d) => p?.length ?? x.shape[d]!)
  let values: number[] | null = null
  if (x.values) {
    const inStrides = strides(x.shape)
    const outStrides = strides(out)
    values = Array.from({ length: elementCount(out) }, (_, index) => {
      let at = 0
      for (let d = 0; d < rank; d++) {
        const k = Math.floor(index / outStrides[d]!) % out[d]!
        const range = picked[d]
        at += (range ? range.first + k * range.step : k) * inStrides[d]!
      }
      return x.values![at]!
    })
  }
  return [valued(out, values)]
}

function axesOf(ctx: RuleContext, inputFromOpset: number): number[] | null {
  if (ctx.opset >= inputFromOpset) return ctx.input(1) ? ctx.valuesOf(1, 'axes') : null
  return ctx.ints('axes')
}

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const axes = axesOf(ctx, 13)?.map((a) => normalizeAxis(a, x.shape.length))
  const out = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1))
  return [valued(out, x.values)]
}

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const axes = axesOf(ctx, 13)
  if (!axes) throw new ShapeError('it has no axes')
  const rank = x.shape.length + axes.length
  const at = axes.map((a) => normalizeAxis(a, rank))
  const out: number[] = []
  let next = 0
  for (let i = 0; i < rank; i++) out.push(at.includes(i) ? 1 : x.shape[next++]!)
  return [valued(out, x.values)]
}

const gather: ShapeRule = (ctx) => {
  const data = ctx.need(0)
  const indices = ctx.need(1)
  const axis = normalizeAxis(ctx.int('axis', 0), data.shape.length)
  const out = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)]
  let values: number[] | null = null
  if (data.values && indices.values && data.shape.length === 1) {
    const size = data.shape[0]!
    values = indices.values.map((i) => data.values![i < 0 ? i + size : i]!)
  }
  return [valued(out, values)]
}

const shapeOf: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const rank = x.length
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank)
  const dims = x.slice(clamp(ctx.int('start', 0)), clamp(ctx.int('end', rank)))
  return [valued([dims.length], dims)]
}

function tensorValue(t: GraphTensor): Value {
  return valued([...t.dims], t.values)
}

const constant: ShapeRule = (ctx) => {
  const t = ctx.tensor('value')
  if (t) return [tensorValue(t)]
  const ints = ctx.ints('value_ints')
  if (ctx.has('value_int')) return [valued([], [ctx.int('value_int', 0)])]
  if (ints && ctx.has('value_ints')) return [valued([ints.length], ints)]
  const floats = ctx.floats('value_floats')
  if (ctx.has('value_float')) return [valued([], [ctx.float('value_float', 0)])]
  if (floats) return [valued([floats.length], floats)]
  throw new ShapeError(
    'its value is of a kind this reader does not read (a sparse tensor or strings)',
  )
}

const constantOfShape: ShapeRule = (ctx) => {
  const shape = ctx.valuesOf(0, 'shape')
  const fill = ctx.tensor('value')?.values?.[0] ?? 0
  const count = elementCount(shape)
  return [valued(shape, count <= MAX_CARRIED_VALUES ? new Array<number>(count).fill(fill) : null)]
}

const pad: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const pads = ctx.opset >= 11 ? ctx.valuesOf(1, 'pads') : (ctx.ints('pads') ?? [])
  const axes = ctx.input(3)
    ? ctx.valuesOf(3, 'axes').map((a) => normalizeAxis(a, x.length))
    : x.map((_, i) => i)
  if (pads.length !== axes.length * 2) throw new ShapeError('its pads do not match its axes')
  const out = [...x]
  axes.forEach((a, i) => (out[a] = x[a]! + pads[i]! + pads[i + axes.length]!))
  return [shaped(out)]
}

/** Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (X, scales). */
const resize: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const inputsFrom11 = ctx.node.opType === 'Resize' && ctx.opset >= 11
  const sizes = inputsFrom11 ? ctx.input(3) : null
  if (sizes && elementCount(sizes.shape) > 0) return [shaped(ctx.valuesOf(3, 'output sizes'))]
  const scalesIndex = inputsFrom11 ? 2 : 1
  let scales = ctx.input(scalesIndex) ? ctx.valuesOf(scalesIndex, 'scales') : null
  scales ??= ctx.floats('scales')
  if (!scales || scales.length !== x.length)
    throw new ShapeError('its scales or sizes are not known')
  return [shaped(x.map((d, i) => Math.floor(d * scales[i]!)))]
}

const expand: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  const target = ctx.valuesOf(1, 'target shape')
  const rank = Math.max(x.shape.length, target.length)
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    const a = x.shape[x.shape.length - rank + i] ?? 1
    const b = target[target.length - rank + i] ?? 1
    if (a !== 1 && b !== 1 && a !== b)
      throw new ShapeError(`it cannot expand [${x.shape.join(', ')}]`)
    out.push(a === 1 ? b : a)
  }
  return [shaped(out)]
}

const tile: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const repeats = ctx.valuesOf(1, 'repeats')
  return [shaped(x.map((d, i) => d * (repeats[i] ?? 1)))]
}

const range: ShapeRule = (ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.valuesOf(i, 'bounds')[0]!)
  if (!delta) throw new ShapeError('its delta is 0')
  const count = Math.max(Math.ceil((limit! - start!) / delta!), 0)
  const values = count <= 4096 ? Array.from({ length: count }, (_, i) => start! + i * delta!) : null
  return [valued([count], values)]
}

/** ReduceX: axes an attribute until opset 18 (ReduceSum: 13), an input after. */
function reduce(inputFromOpset: number): ShapeRule {
  return (ctx) => {
    const x = ctx.need(0).shape
    const keep = ctx.int('keepdims', 1) === 1
    const given = axesOf(ctx, inputFromOpset)
    const noop = ctx.int('noop_with_empty_axes', 0) === 1
    if (given && given.length === 0 && noop) return [shaped([...x])]
    const axes = (given && given.length > 0 ? given : x.map((_, i) => i)).map((a) =>
      normalizeAxis(a, x.length),
    )
    const out = keep
      ? x.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.filter((_, i) => !axes.includes(i))
    return [shaped(out)]
  }
}

const argReduce: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const axis = normalizeAxis(ctx.int('axis', 0), x.length)
  const keep = ctx.int('keepdims', 1) === 1
  return [shaped(keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis))]
}

const topK: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const k = ctx.opset >= 10 ? ctx.valuesOf(1, 'k')[0]! : ctx.int('k', 1)
  const axis = normalizeAxis(ctx.int('axis', -1), x.length)
  const out = x.map((d, i) => (i === axis ? k : d))
  return [shaped(out), shaped([...out])]
}

const depthToSpace: ShapeRule = (ctx) => {
  const [n, c, h, w] = ctx.need(0).shape
  const b = ctx.int('blocksize', 1)
  return [shaped([n!, c! / (b * b), h! * b, w! * b])]
}

const spaceToDepth: ShapeRule = (ctx) => {
  const [n, c, h, w] = ctx.need(0).shape
  const b = ctx.int('blocksize', 1)
  return [shaped([n!, c! * b * b, h! / b, w! / b])]
}

const size: ShapeRule = (ctx) => [valued([], [elementCount(ctx.need(0).shape)])]

export const layoutRules: Record<string, ShapeRule> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Gather: gather,
  GatherElements: (ctx) => [shaped([...ctx.need(1).shape])],
  ScatterND: (ctx) => [shaped([...ctx.need(0).shape])],
  ScatterElements: (ctx) => [shaped([...ctx.need(0).shape])],
  Shape: shapeOf,
  Size: size,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  Expand: expand,
  Tile: tile,
  Range: range,
  ReduceSum: reduce(13),
  ...Object.fromEntries(
    [
      'ReduceMean',
      'ReduceMax',
      'ReduceMin',
      'ReduceProd',
      'ReduceL1',
      'ReduceL2',
      'ReduceLogSum',
      'ReduceLogSumExp',
      'ReduceSumSquare',
    ].map((op) => [op, reduce(18)]),
  ),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
}
