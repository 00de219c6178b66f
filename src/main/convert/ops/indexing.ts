/**
 * Operators that pick, repeat or rotate elements: gather, expand_v2, tile and roll (which ONNX
 * lacks: each rolled axis is two slices put back in the other order, so it needs the axis's
 * size from the program). Vision transformers use expand_v2 for the class token and Swin uses
 * roll for its shifted windows.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import { normalizeAxis, product, type OpTable } from '../opTable'

function gather(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('Axis')) op.fail('an axis given as a tensor is not supported')
  const xVar = op.input('X')
  const axis = normalizeAxis(op.int('axis', 0), g.rank(xVar, op.label), op)
  g.node('Gather', [g.read(xVar), g.read(op.input('Index'))], [g.write(op.output('Out'))], {
    axis: { i: axis },
  })
}

/** expand_v2: −1 keeps the input's size, which ONNX Expand does for a 1. */
function expandV2(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('Shape') || op.inputs('expand_shapes_tensor').length > 0)
    op.fail('a shape given as tensors is not supported')
  const shape = op.ints('shape').map((d) => (d === -1 ? 1 : d))
  g.node('Expand', [g.read(op.input('X')), g.int64s(shape)], [g.write(op.output('Out'))])
}

/** tile: repeat_times and the input's rank are aligned at the end, as Paddle pads both with 1s. */
function tile(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('RepeatTimes') || op.inputs('repeat_times_tensor').length > 0)
    op.fail('repeat times given as tensors are not supported')
  const xVar = op.input('X')
  const rank = g.rank(xVar, op.label)
  const repeats = op.ints('repeat_times')
  let x = g.read(xVar)
  if (repeats.length > rank)
    x = g.op('Unsqueeze', [x, g.int64s([...Array(repeats.length - rank).keys()])])
  const aligned = [...Array<number>(Math.max(0, rank - repeats.length)).fill(1), ...repeats]
  g.node('Tile', [x, g.int64s(aligned)], [g.write(op.output('Out'))])
}

/** Out[i] = X[(i − shift) mod n] along each listed axis; with no axis, over the flattened tensor. */
function roll(op: PaddleOp, g: GraphBuilder): void {
  if (op.optionalInput('ShiftsTensor')) op.fail('shifts given as a tensor are not supported')
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  const shifts = op.ints('shifts')
  const axes = op.ints('axis', [])
  const rollAlong = (value: string, axis: number, size: number, shift: number) => {
    const s = ((shift % size) + size) % size
    if (s === 0) return value
    const tail = g.op('Slice', [value, g.int64s([size - s]), g.int64s([size]), g.int64s([axis])])
    const head = g.op('Slice', [value, g.int64s([0]), g.int64s([size - s]), g.int64s([axis])])
    return g.op('Concat', [tail, head], { axis: { i: axis } })
  }
  const out = g.write(op.output('Out'))
  if (axes.length === 0) {
    if (dims.some((d) => d < 0))
      op.fail('rolling the flattened tensor needs its size, which is open')
    const flat = g.op('Reshape', [g.read(xVar), g.int64s([-1])])
    const rolled = rollAlong(flat, 0, product(dims), shifts[0] ?? 0)
    g.node('Reshape', [rolled, g.int64s(dims)], [out])
    return
  }
  if (axes.length !== shifts.length) op.fail(`has ${shifts.length} shifts for ${axes.length} axes`)
  let value = g.read(xVar)
  axes.forEach((a, i) => {
    const axis = normalizeAxis(a, dims.length, op)
    const size = dims[axis]!
    if (size < 0) op.fail(`rolling axis ${axis} needs its size, which the program leaves open`)
    value = rollAlong(value, axis, size, shifts[i]!)
  })
  g.node('Identity', [value], [out])
}

export const indexingOps: OpTable = {
  gather,
  expand_v2: expandV2,
  tile,
  roll,
}
