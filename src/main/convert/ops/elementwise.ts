/**
 * Binary element-wise operators, `scale` and inference-time `dropout`. Paddle broadcasts a lower-rank Y by aligning its
 * first axis with X's axis `axis` (−1: the trailing axes, as numpy does); ONNX only aligns the
 * trailing axes, so such a Y gets trailing ones — folded into the initializer when Y is a
 * parameter, an Unsqueeze otherwise.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import type { OpConverter, OpTable } from '../opTable'

/** Y read so that ONNX's trailing-axis broadcasting lines it up as Paddle's `axis` does. */
export function alignedY(op: PaddleOp, g: GraphBuilder, xVar: string, yVar: string): string {
  const axis = op.int('axis', -1)
  const rankX = g.rank(xVar, op.label)
  const yDims = g.dims(yVar, op.label)
  const rankY = yDims.length
  if (axis === -1 || rankY >= rankX) return g.read(yVar)
  const start = axis < 0 ? axis + rankX : axis
  const trailing = rankX - start - rankY
  if (start < 0 || trailing < 0)
    op.fail(`axis ${axis} cannot place a rank-${rankY} Y within a rank-${rankX} X`)
  if (trailing === 0) return g.read(yVar)
  const constant = g.constant(yVar)
  if (constant)
    return g.tensor({ ...constant, dims: [...yDims, ...Array<number>(trailing).fill(1)] }, yVar)
  const axes = Array.from({ length: trailing }, (_, i) => rankY + i)
  return g.op('Unsqueeze', [g.read(yVar), g.int64s(axes)])
}

function binary(onnxType: string): OpConverter {
  return (op, g) => {
    const xVar = op.input('X')
    const y = alignedY(op, g, xVar, op.input('Y'))
    g.node(onnxType, [g.read(xVar), y], [g.write(op.output('Out'))])
  }
}

/** scale: scale·x + bias, or scale·(x + bias) when not `bias_after_scale`. */
function scale(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const type = g.dataType(xVar)
  const x = g.read(xVar)
  const out = g.write(op.output('Out'))
  const tensor = op.optionalInput('ScaleTensor')
  const factor = op.float('scale', 1)
  const bias = op.float('bias', 0)
  const after = op.bool('bias_after_scale', true)
  const s = tensor ? g.read(tensor) : factor === 1 ? null : g.scalar(factor, type)
  const b = bias === 0 ? null : g.scalar(bias, type)
  if (!s && !b) {
    g.node('Identity', [x], [out])
    return
  }
  if (!s) g.node('Add', [x, b!], [out])
  else if (!b) g.node('Mul', [x, s], [out])
  else if (after) g.node('Add', [g.op('Mul', [x, s]), b], [out])
  else g.node('Mul', [g.op('Add', [x, b]), s], [out])
}

/** dropout at inference: `downgrade_in_infer` scales by 1 − p, `upscale_in_train` passes through. */
function dropout(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const x = g.read(xVar)
  const out = g.write(op.output('Out'))
  const p = op.float('dropout_prob', 0.5)
  const downgrade =
    op.string('dropout_implementation', 'downgrade_in_infer') === 'downgrade_in_infer'
  if (!downgrade || p === 0) g.node('Identity', [x], [out])
  else g.node('Mul', [x, g.scalar(1 - p, g.dataType(xVar))], [out])
}

export const elementwiseOps: OpTable = {
  elementwise_add: binary('Add'),
  elementwise_sub: binary('Sub'),
  elementwise_mul: binary('Mul'),
  elementwise_div: binary('Div'),
  elementwise_pow: binary('Pow'),
  elementwise_max: binary('Max'),
  elementwise_min: binary('Min'),
  scale,
  dropout,
}
