/**
 * Operators that move elements without computing: reshape2, flatten_contiguous_range,
 * transpose2, squeeze2, unsqueeze2, concat, stack, split, slice, pad3d, and the shape and
 * constant producers (shape, fill_constant, assign, cast). A reshape of a parameter is folded:
 * the same bytes under new dims, no node.
 */
import { encodeValues, onnxTypeOf } from '../dataTypes'
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import { normalizeAxis, product, type OpTable } from '../opTable'

/** Paddle's target shape with 0 (copy that dim) and one −1 (the rest) resolved, or null. */
function resolveShape(shape: readonly number[], from: readonly number[]): number[] | null {
  if (from.some((d) => d < 0)) return null
  const out = shape.map((d, i) => (d === 0 ? from[i]! : d))
  const known = product(out.filter((d) => d !== -1))
  const open = out.filter((d) => d === -1).length
  if (open > 1 || (open === 1 && known === 0)) return null
  return out.map((d) => (d === -1 ? product(from) / known : d))
}

/** An int64 tensor from a Paddle shape/index tensor (int32 or int64) or a list of 1-element ones. */
function int64Input(g: GraphBuilder, vars: readonly string[]): string {
  const cast = (v: string) => g.op('Cast', [g.read(v)], { to: { i: 7 } })
  if (vars.length === 1) return g.op('Reshape', [cast(vars[0]!), g.int64s([-1])])
  return g.op(
    'Concat',
    vars.map((v) => g.op('Reshape', [cast(v), g.int64s([1])])),
    { axis: { i: 0 } },
  )
}

/** Reshape to `shape` (Paddle's 0 and −1 are ONNX's too), folded when X is a parameter. */
function reshapeTo(g: GraphBuilder, xVar: string, outVar: string, shape: readonly number[]): void {
  const constant = g.constant(xVar)
  const resolved = constant ? resolveShape(shape, constant.dims) : null
  if (constant && resolved) {
    g.setConstant(outVar, { ...constant, dims: resolved })
    return
  }
  g.node('Reshape', [g.read(xVar), g.int64s(shape)], [g.write(outVar)])
}

function reshape2(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const outVar = op.output('Out')
  const list = op.inputs('ShapeTensor')
  const tensor = op.optionalInput('Shape')
  if (list.length > 0 || tensor) {
    const shape = int64Input(g, list.length > 0 ? list : [tensor!])
    g.node('Reshape', [g.read(xVar), shape], [g.write(outVar)])
    return
  }
  reshapeTo(g, xVar, outVar, op.ints('shape'))
}

/** Axes start_axis…stop_axis (both included) merged into one. */
function flatten(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  const rank = dims.length
  if (rank === 0) {
    g.node('Reshape', [g.read(xVar), g.int64s([1])], [g.write(op.output('Out'))])
    return
  }
  const start = normalizeAxis(op.int('start_axis', 1), rank, op)
  const stop = normalizeAxis(op.int('stop_axis', -1), rank, op)
  if (stop < start) op.fail(`stop_axis ${stop} comes before start_axis ${start}`)
  const after = dims.slice(stop + 1)
  if (after.some((d) => d < 0)) op.fail('axes after stop_axis must have sizes the program fixes')
  reshapeTo(g, xVar, op.output('Out'), [...Array<number>(start).fill(0), -1, ...after])
}

function transpose2(op: PaddleOp, g: GraphBuilder): void {
  g.node('Transpose', [g.read(op.input('X'))], [g.write(op.output('Out'))], {
    perm: { ints: op.ints('axis') },
  })
}

/**
 * squeeze2: the listed axes, or with none listed every axis the program fixes at size 1 (never
 * an axis sized at run time, so a batch of one keeps its batch axis).
 */
function squeeze2(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  const listed = op.ints('axes', []).map((a) => normalizeAxis(a, dims.length, op))
  // Paddle leaves a listed axis alone when it is not of size 1.
  const squeezable =
    listed.length > 0
      ? listed.filter((a) => dims[a] === 1 || dims[a]! < 0)
      : dims.flatMap((d, i) => (d === 1 ? [i] : []))
  const x = g.read(xVar)
  const out = g.write(op.output('Out'))
  if (squeezable.length === 0) g.node('Identity', [x], [out])
  else g.node('Squeeze', [x, g.int64s(squeezable)], [out])
}

/** Where Paddle's unsqueeze2 puts new axes: each listed axis in turn, relative to the result so far. */
export function unsqueezeAxes(rank: number, axes: readonly number[]): number[] {
  const marks = Array<boolean>(rank + axes.length).fill(false)
  let current = rank
  for (const axis of axes) {
    const at = axis < 0 ? axis + current + 1 : axis
    for (let i = current; i >= at; i--) {
      if (marks[i]) {
        marks[i + 1] = true
        marks[i] = false
      }
    }
    marks[at] = true
    current++
  }
  return marks.flatMap((m, i) => (m ? [i] : []))
}

function unsqueeze2(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const tensors = [...op.inputs('AxesTensorList'), ...op.inputs('AxesTensor')]
  if (tensors.length > 0) op.fail('axes given as tensors are not supported')
  const rank = g.rank(xVar, op.label)
  const axes = unsqueezeAxes(rank, op.ints('axes'))
  g.node('Unsqueeze', [g.read(xVar), g.int64s(axes)], [g.write(op.output('Out'))])
}

function concat(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('AxisTensor')) op.fail('an axis given as a tensor is not supported')
  const xs = op.inputs('X')
  const axis = normalizeAxis(op.int('axis', 0), g.rank(xs[0]!, op.label), op)
  g.node(
    'Concat',
    xs.map((x) => g.read(x)),
    [g.write(op.output('Out'))],
    { axis: { i: axis } },
  )
}

function stack(op: PaddleOp, g: GraphBuilder): void {
  const xs = op.inputs('X')
  const axis = normalizeAxis(op.int('axis', 0), g.rank(xs[0]!, op.label) + 1, op)
  const parts = xs.map((x) => g.op('Unsqueeze', [g.read(x), g.int64s([axis])]))
  g.node('Concat', parts, [g.write(op.output('Y'))], { axis: { i: axis } })
}

/** split into `num` equal parts or into `sections` (one of which may be −1: the rest). */
function split(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('AxisTensor') || op.inputs('SectionsTensorList').length > 0)
    op.fail('an axis or sections given as tensors are not supported')
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  const axis = normalizeAxis(op.int('axis', 0), dims.length, op)
  const outs = op.outputs('Out')
  const size = dims[axis]!
  let sections = op.ints('sections', [])
  if (sections.length === 0) {
    const num = op.int('num', outs.length)
    if (num !== outs.length) op.fail(`num is ${num} but ${outs.length} outputs are bound`)
    if (size >= 0 && size % num !== 0) op.fail(`cannot split ${size} into ${num} equal parts`)
    if (size < 0) {
      g.node(
        'Split',
        [g.read(xVar)],
        outs.map((o) => g.write(o)),
        { axis: { i: axis } },
      )
      return
    }
    sections = Array<number>(num).fill(size / num)
  }
  const open = sections.indexOf(-1)
  if (open >= 0) {
    if (size < 0) op.fail('a −1 section needs the size of the split axis, which is open')
    sections[open] = size - sections.reduce((sum, s, i) => (i === open ? sum : sum + s), 0)
  }
  if (sections.length !== outs.length)
    op.fail(`${sections.length} sections but ${outs.length} outputs are bound`)
  g.node(
    'Split',
    [g.read(xVar), g.int64s(sections)],
    outs.map((o) => g.write(o)),
    {
      axis: { i: axis },
    },
  )
}

function slice(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('Input')
  const axes = op.ints('axes')
  const bound = (tensor: string, list: string, attr: string) => {
    const vars = op.optionalInput(tensor) ? [op.input(tensor)] : op.inputs(list)
    return vars.length > 0 ? int64Input(g, vars) : g.int64s(op.ints(attr))
  }
  const starts = bound('StartsTensor', 'StartsTensorList', 'starts')
  const ends = bound('EndsTensor', 'EndsTensorList', 'ends')
  const sliced = g.op('Slice', [g.read(xVar), starts, ends, g.int64s(axes)])
  const outVar = op.output('Out')
  const decrease = op.ints('decrease_axis', [])
  if (decrease.length === 0) {
    g.node('Identity', [sliced], [g.write(outVar)])
    return
  }
  const squeezed = g.op('Squeeze', [sliced, g.int64s(decrease)])
  const rank = g.rank(xVar, op.label)
  // Paddle before 0-d tensors kept [1] where every axis was decreased.
  const keepOne = decrease.length === rank && g.factsOf(outVar)?.dims?.length === 1
  if (keepOne) g.node('Reshape', [squeezed, g.int64s([1])], [g.write(outVar)])
  else g.node('Identity', [squeezed], [g.write(outVar)])
}

/** pad3d on NCDHW: paddings [left, right, top, bottom, front, back]. */
function pad3d(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('Paddings')) op.fail('paddings given as a tensor are not supported')
  if (op.string('data_format', 'NCDHW') !== 'NCDHW') op.fail('only NCDHW pad3d is supported')
  const [l, r, t, b, f, back] = op.ints('paddings')
  const modes: Record<string, string> = {
    constant: 'constant',
    reflect: 'reflect',
    replicate: 'edge',
  }
  const mode =
    modes[op.string('mode', 'constant')] ??
    op.fail(`pad mode "${op.string('mode')}" is not supported`)
  const xVar = op.input('X')
  const inputs = [g.read(xVar), g.int64s([0, 0, f!, t!, l!, 0, 0, back!, b!, r!])]
  if (mode === 'constant') inputs.push(g.scalar(op.float('value', 0), g.dataType(xVar)))
  g.node('Pad', inputs, [g.write(op.output('Out'))], { mode: { s: mode } })
}

/** shape: the input's dims as the program's int32 (or int64) tensor. */
function shape(op: PaddleOp, g: GraphBuilder): void {
  const outVar = op.output('Out')
  const dims = g.op('Shape', [g.read(op.input('Input'))])
  g.node('Cast', [dims], [g.write(outVar)], { to: { i: g.dataType(outVar) } })
}

function fillConstant(op: PaddleOp, g: GraphBuilder): void {
  if (
    op.optionalInput('ShapeTensor') ||
    op.inputs('ShapeTensorList').length > 0 ||
    op.optionalInput('ValueTensor')
  )
    op.fail('a shape or value given as a tensor is not supported')
  const dims = op.ints('shape', [])
  const text = op.string('str_value', '')
  const value = text !== '' ? Number(text) : op.float('value', 0)
  const dataType = onnxTypeOf(op.int('dtype', 5))
  g.setConstant(op.output('Out'), {
    dataType,
    dims,
    data: encodeValues(dataType, Array<number>(product(dims)).fill(value)),
  })
}

function cast(op: PaddleOp, g: GraphBuilder): void {
  const to = onnxTypeOf(op.int('out_dtype'))
  g.node('Cast', [g.read(op.input('X'))], [g.write(op.output('Out'))], { to: { i: to } })
}

export const layoutOps: OpTable = {
  reshape2,
  reshape: reshape2,
  flatten_contiguous_range: flatten,
  transpose2,
  transpose: transpose2,
  squeeze2,
  unsqueeze2,
  concat,
  stack,
  split,
  slice,
  pad3d,
  shape,
  fill_constant: fillConstant,
  cast,
  assign: (op, g) => g.node('Identity', [g.read(op.input('X'))], [g.write(op.output('Out'))]),
}
