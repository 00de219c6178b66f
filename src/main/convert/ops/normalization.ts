/**
 * batch_norm (inference: the stored mean and variance) and layer_norm, whose Scale and Bias are
 * flat vectors over every normalised axis; ONNX wants them shaped like those axes.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import { normalizeAxis, product, type OpTable } from '../opTable'

function batchNorm(op: PaddleOp, g: GraphBuilder): void {
  const layout = op.string('data_layout', 'NCHW')
  if (layout !== 'NCHW' && layout !== 'AnyLayout') op.fail(`data_layout ${layout} is not supported`)
  const inputs = ['X', 'Scale', 'Bias', 'Mean', 'Variance'].map((slot) => g.read(op.input(slot)))
  g.node('BatchNormalization', inputs, [g.write(op.output('Y'))], {
    epsilon: { f: op.float('epsilon', 1e-5) },
  })
}

function layerNorm(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  const axis = normalizeAxis(op.int('begin_norm_axis', 1), dims.length, op)
  const normalized = dims.slice(axis)
  const single = normalized.length === 1
  if (!single && normalized.some((d) => d < 0))
    op.fail('normalising over several axes needs their sizes, which the program leaves open')
  const shaped = (slot: 'Scale' | 'Bias', fill: number) => {
    const v = op.optionalInput(slot)
    if (!v) {
      if (normalized.some((d) => d < 0)) op.fail(`has no ${slot} and an open normalised size`)
      return g.floats(Array<number>(product(normalized)).fill(fill), normalized)
    }
    if (single) return g.read(v)
    const constant = g.constant(v)
    if (constant) return g.tensor({ ...constant, dims: normalized }, v)
    return g.op('Reshape', [g.read(v), g.int64s(normalized)])
  }
  g.node(
    'LayerNormalization',
    [g.read(xVar), shaped('Scale', 1), shaped('Bias', 0)],
    [g.write(op.output('Y'))],
    {
      axis: { i: axis },
      epsilon: { f: op.float('epsilon', 1e-5) },
    },
  )
}

export const normalizationOps: OpTable = {
  batch_norm: batchNorm,
  layer_norm: layerNorm,
}
