/**
 * Matrix products: matmul_v2 (`trans_x`, `trans_y`), the older matmul (`transpose_X/Y` and a
 * scalar `alpha`) and mul, which flattens X to 2-d at `x_num_col_dims` and Y at `y_num_col_dims`.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import { product, type OpTable } from '../opTable'

/** `v` with its last two axes swapped (a vector is left as it is). */
function swapLast(g: GraphBuilder, v: string, rank: number): string {
  if (rank < 2) return g.read(v)
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2]
  return g.op('Transpose', [g.read(v)], { perm: { ints: perm } })
}

function matmul(op: PaddleOp, g: GraphBuilder): void {
  const v2 = op.type === 'matmul_v2'
  const xVar = op.input('X')
  const yVar = op.input('Y')
  const x = op.bool(v2 ? 'trans_x' : 'transpose_X', false)
    ? swapLast(g, xVar, g.rank(xVar, op.label))
    : g.read(xVar)
  const y = op.bool(v2 ? 'trans_y' : 'transpose_Y', false)
    ? swapLast(g, yVar, g.rank(yVar, op.label))
    : g.read(yVar)
  const out = g.write(op.output('Out'))
  const alpha = v2 ? 1 : op.float('alpha', 1)
  if (alpha === 1) g.node('MatMul', [x, y], [out])
  else g.node('Mul', [g.op('MatMul', [x, y]), g.scalar(alpha)], [out])
}

function mul(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const yVar = op.input('Y')
  const xn = op.int('x_num_col_dims', 1)
  const yn = op.int('y_num_col_dims', 1)
  const xRank = g.rank(xVar, op.label)
  const yDims = g.dims(yVar, op.label)
  if (yDims.some((d) => d < 0)) op.fail('Y needs sizes the program fixes')
  // X keeps its first xn axes and merges the rest; the product then has X's leading axes.
  const x =
    xRank === xn + 1
      ? g.read(xVar)
      : g.op('Reshape', [g.read(xVar), g.int64s([...Array<number>(xn).fill(0), -1])])
  const yRows = product(yDims.slice(0, yn))
  const yCols = yDims.slice(yn)
  const y =
    yDims.length === 2 && yn === 1
      ? g.read(yVar)
      : g.op('Reshape', [g.read(yVar), g.int64s([yRows, product(yCols)])])
  const out = g.write(op.output('Out'))
  if (yCols.length === 1) g.node('MatMul', [x, y], [out])
  else
    g.node(
      'Reshape',
      [g.op('MatMul', [x, y]), g.int64s([...Array<number>(xn).fill(0), ...yCols])],
      [out],
    )
}

export const linearOps: OpTable = {
  matmul_v2: matmul,
  matmul,
  mul,
}
