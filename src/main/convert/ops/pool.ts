/**
 * pool2d → MaxPool / AveragePool / their Global forms. Adaptive pooling (ksize is then the
 * output size) is a plain pool when the sizes divide; otherwise every output bin i spans
 * floor(i·in/out) to ceil((i+1)·in/out), as Paddle computes it, built exactly from one slice per
 * bin and axis — a window over a rectangle reduces axis by axis, so rows then columns.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import type { OpTable } from '../opTable'
import { windowPadding } from './padding'

function adaptiveAlong(
  g: GraphBuilder,
  x: string,
  axis: number,
  size: number,
  bins: number,
  reduce: 'ReduceMean' | 'ReduceMax',
): string {
  const parts: string[] = []
  for (let i = 0; i < bins; i++) {
    const start = Math.floor((i * size) / bins)
    const end = Math.ceil(((i + 1) * size) / bins)
    const slice = g.op('Slice', [x, g.int64s([start]), g.int64s([end]), g.int64s([axis])])
    parts.push(g.op(reduce, [slice], { axes: { ints: [axis] }, keepdims: { i: 1 } }))
  }
  return g.op('Concat', parts, { axis: { i: axis } })
}

function pool2d(op: PaddleOp, g: GraphBuilder): void {
  if (op.string('data_format', 'NCHW') === 'NHWC')
    op.fail('channels-last (NHWC) pooling is not supported; export the model as NCHW')
  const type = op.string('pooling_type', 'max')
  if (type !== 'max' && type !== 'avg') op.fail(`unknown pooling_type "${type}"`)
  const isMax = type === 'max'
  const xVar = op.input('X')
  const dims = g.dims(xVar, op.label)
  if (dims.length !== 4) op.fail(`expects a 4-d input, got ${dims.length}-d`)
  const x = g.read(xVar)
  const out = g.write(op.output('Out'))
  const ksize = op.ints('ksize')
  const adaptive = op.bool('adaptive', false)
  if (op.bool('global_pooling', false) || (adaptive && ksize.every((k) => k === 1))) {
    g.node(isMax ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], [out])
    return
  }
  if (adaptive) {
    const [h, w] = [dims[2]!, dims[3]!]
    if (h < 0 || w < 0)
      op.fail('adaptive pooling needs the input size, which the program leaves open')
    const [oh, ow] = [ksize[0]!, ksize[1]!]
    if (h % oh === 0 && w % ow === 0) {
      const kernel = [h / oh, w / ow]
      g.node(isMax ? 'MaxPool' : 'AveragePool', [x], [out], {
        kernel_shape: { ints: kernel },
        strides: { ints: kernel },
        pads: { ints: [0, 0, 0, 0] },
      })
      return
    }
    const reduce = isMax ? 'ReduceMax' : 'ReduceMean'
    const rows = adaptiveAlong(g, x, 2, h, oh, reduce)
    const pooled = adaptiveAlong(g, rows, 3, w, ow, reduce)
    g.node('Identity', [pooled], [out])
    return
  }
  const strides = op.ints('strides', [1, 1])
  const padding = windowPadding(op, dims.slice(2), ksize, strides)
  g.node(isMax ? 'MaxPool' : 'AveragePool', [x], [out], {
    kernel_shape: { ints: ksize },
    strides: { ints: strides },
    ceil_mode: { i: op.bool('ceil_mode', false) ? 1 : 0 },
    ...padding.attributes,
    // Paddle's exclusive (default) divides by the window's cells inside the input.
    ...(isMax ? {} : { count_include_pad: { i: op.bool('exclusive', true) ? 0 : 1 } }),
  })
}

export const poolOps: OpTable = { pool2d }
