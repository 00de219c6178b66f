/** How a converter for one Paddle operator type is written, and the helpers most of them share. */
import type { GraphBuilder } from './graphBuilder'
import type { OnnxAttribute } from './onnxModel'
import type { PaddleOp } from './paddleOp'

/** Adds the ONNX nodes computing `op` to `g`: reads its inputs, writes its outputs. */
export type OpConverter = (op: PaddleOp, g: GraphBuilder) => void

export type OpTable = Readonly<Record<string, OpConverter>>

/** Out = onnxType(X), for operators that are one ONNX node on their X. */
export function unary(
  onnxType: string,
  attributes?: (op: PaddleOp) => Record<string, OnnxAttribute>,
): OpConverter {
  return (op, g) => {
    const x = g.read(op.input('X'))
    g.node(onnxType, [x], [g.write(op.output('Out'))], attributes?.(op))
  }
}

/** An axis of a rank-`rank` tensor, negative ones counted from the end. */
export function normalizeAxis(axis: number, rank: number, op: PaddleOp): number {
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a >= rank) op.fail(`axis ${axis} is out of range for a rank-${rank} input`)
  return a
}

export const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1)
