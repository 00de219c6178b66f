/**
 * conv2d and depthwise_conv2d → Conv (NCHW; Paddle's conv has no bias input, the bias is the
 * elementwise_add after it). The filter is [Cout, Cin/groups, kh, kw] in both.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import type { OpTable } from '../opTable'
import { windowPadding } from './padding'

function conv2d(op: PaddleOp, g: GraphBuilder): void {
  if (op.string('data_format', 'NCHW') === 'NHWC')
    op.fail('channels-last (NHWC) convolutions are not supported; export the model as NCHW')
  const xVar = op.input('Input')
  const wVar = op.input('Filter')
  const xDims = g.dims(xVar, op.label)
  const wDims = g.dims(wVar, op.label)
  if (xDims.length !== 4 || wDims.length !== 4)
    op.fail(`expects a 4-d input and filter, got ${xDims.length}-d and ${wDims.length}-d`)
  const kernel = wDims.slice(2)
  const strides = op.ints('strides', [1, 1])
  const padding = windowPadding(op, xDims.slice(2), kernel, strides)
  const dilations = padding.same ? [1, 1] : op.ints('dilations', [1, 1])
  const inputs = [g.read(xVar), g.read(wVar)]
  const bias = op.optionalInput('Bias')
  if (bias) inputs.push(g.read(bias))
  g.node('Conv', inputs, [g.write(op.output('Output'))], {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    dilations: { ints: dilations },
    group: { i: op.int('groups', 1) },
    ...padding.attributes,
  })
}

export const convOps: OpTable = {
  conv2d,
  depthwise_conv2d: conv2d,
}
