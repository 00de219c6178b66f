/** reduce_mean/sum/max/min over `dim` (or every axis with `reduce_all`), `keep_dim` or not. */
import type { OnnxAttribute } from '../onnxModel'
import { normalizeAxis, type OpConverter, type OpTable } from '../opTable'

function reduce(onnxType: string, axesAsInput: boolean): OpConverter {
  return (op, g) => {
    const xVar = op.input('X')
    const rank = g.rank(xVar, op.label)
    const listed = op.ints('dim', [])
    const all = op.bool('reduce_all', false) || listed.length === 0 || listed.length === rank
    const axes = all ? [...Array(rank).keys()] : listed.map((a) => normalizeAxis(a, rank, op))
    const keep = op.bool('keep_dim', false)
    const outVar = op.output('Out')
    const attributes: Record<string, OnnxAttribute> = { keepdims: { i: keep ? 1 : 0 } }
    const inputs = [g.read(xVar)]
    // ReduceSum takes its axes as an input from opset 13, the others from opset 18.
    if (axesAsInput) inputs.push(g.int64s(axes))
    else attributes.axes = { ints: axes }
    // Paddle before 0-d tensors gave [1] for a reduction over every axis.
    const keepOne = !keep && all && g.factsOf(outVar)?.dims?.length === 1
    if (!keepOne) {
      g.node(onnxType, inputs, [g.write(outVar)], attributes)
      return
    }
    g.node('Reshape', [g.op(onnxType, inputs, attributes), g.int64s([1])], [g.write(outVar)])
  }
}

export const reduceOps: OpTable = {
  reduce_mean: reduce('ReduceMean', false),
  reduce_max: reduce('ReduceMax', false),
  reduce_min: reduce('ReduceMin', false),
  reduce_sum: reduce('ReduceSum', true),
}
