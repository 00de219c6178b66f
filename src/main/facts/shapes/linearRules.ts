/**
 * Shape rules of matrix products: Gemm (with its transposes), MatMul with NumPy's batching and
 * 1-D promotion, and the int8 forms QLinearMatMul and MatMulInteger. Pure.
 */
import type { ShapeRule } from './elementwiseRules'
import { ShapeError, broadcast, shaped } from './ruleContext'

/** The output shape of a (batched) matrix product of `a` and `b`, as numpy.matmul. */
export function matmulShape(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0 || b.length === 0) throw new ShapeError('a MatMul operand is a scalar')
  const left = a.length === 1 ? [1, a[0]!] : [...a]
  const right = b.length === 1 ? [b[0]!, 1] : [...b]
  const k = left[left.length - 1]!
  if (right[right.length - 2] !== k)
    throw new ShapeError(`[${a.join(', ')}] × [${b.join(', ')}] do not multiply`)
  const batch = broadcast(left.slice(0, -2), right.slice(0, -2))
  const out = [...batch, left[left.length - 2]!, right[right.length - 1]!]
  if (a.length === 1) out.splice(out.length - 2, 1)
  if (b.length === 1) out.pop()
  return out
}

function matmul(aIndex: number, bIndex: number): ShapeRule {
  return (ctx) => [shaped(matmulShape(ctx.need(aIndex).shape, ctx.need(bIndex).shape))]
}

const gemm: ShapeRule = (ctx) => {
  const a = ctx.need(0).shape
  const b = ctx.need(1).shape
  if (a.length !== 2 || b.length !== 2) throw new ShapeError('a Gemm operand is not a matrix')
  const [m, ka] = ctx.int('transA', 0) ? [a[1]!, a[0]!] : [a[0]!, a[1]!]
  const [kb, n] = ctx.int('transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!]
  if (ka !== kb) throw new ShapeError(`[${a.join(', ')}] × [${b.join(', ')}] do not multiply`)
  return [shaped([m, n])]
}

export const linearRules: Record<string, ShapeRule> = {
  Gemm: gemm,
  MatMul: matmul(0, 1),
  MatMulInteger: matmul(0, 1),
  QLinearMatMul: matmul(0, 3),
}
