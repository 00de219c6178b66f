/**
 * Element-wise activations. Paddle's parameterised ones are written out from their own
 * attributes rather than trusting ONNX defaults: PP-LCNet and ESNet write hard_sigmoid with
 * slope 1/6 where ONNX HardSigmoid defaults to 0.2, and hard_swish has threshold/scale/offset.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import { normalizeAxis, unary, type OpTable } from '../opTable'

/** Paddle's hard_swish: x · min(max(x + offset, 0), threshold) / scale. */
function hardSwish(op: PaddleOp, g: GraphBuilder): void {
  const threshold = op.float('threshold', 6)
  const scale = op.float('scale', 6)
  const offset = op.float('offset', 3)
  const x = g.read(op.input('X'))
  const out = g.write(op.output('Out'))
  if (threshold === 6 && scale === 6 && offset === 3) {
    // ONNX HardSwish is exactly x · max(0, min(1, x/6 + 1/2)).
    g.node('HardSwish', [x], [out])
    return
  }
  const shifted = g.op('Add', [x, g.scalar(offset)])
  const clipped = g.op('Clip', [shifted, g.scalar(0), g.scalar(threshold)])
  const gated = g.op('Mul', [x, clipped])
  g.node('Div', [gated, g.scalar(scale)], [out])
}

/** Paddle's gelu: exact (erf) unless `approximate`, then the tanh form. */
function gelu(op: PaddleOp, g: GraphBuilder): void {
  const x = g.read(op.input('X'))
  const out = g.write(op.output('Out'))
  const half = g.op('Mul', [x, g.scalar(0.5)])
  let inner: string
  if (op.bool('approximate', false)) {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = g.op('Mul', [g.op('Mul', [x, x]), x])
    const poly = g.op('Add', [x, g.op('Mul', [cube, g.scalar(0.044715)])])
    inner = g.op('Tanh', [g.op('Mul', [poly, g.scalar(Math.sqrt(2 / Math.PI))])])
  } else {
    // 0.5·x·(1 + erf(x/√2))
    inner = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)])])
  }
  g.node('Mul', [half, g.op('Add', [inner, g.scalar(1)])], [out])
}

/** swish(x) = x · sigmoid(β·x); silu is β = 1. */
function swish(op: PaddleOp, g: GraphBuilder): void {
  const beta = op.type === 'silu' ? 1 : op.float('beta', 1)
  const x = g.read(op.input('X'))
  const scaled = beta === 1 ? x : g.op('Mul', [x, g.scalar(beta)])
  g.node('Mul', [x, g.op('Sigmoid', [scaled])], [g.write(op.output('Out'))])
}

/**
 * prelu: one slope for all (`all`), one per channel (`channel`, shaped to broadcast along the
 * channel axis), or one per element of a sample (`element`).
 */
function prelu(op: PaddleOp, g: GraphBuilder): void {
  const xVar = op.input('X')
  const rank = g.rank(xVar, op.label)
  const mode = op.string('mode', 'all')
  const alphaVar = op.input('Alpha')
  const alphaDims = g.dims(alphaVar, op.label)
  const count = alphaDims.reduce((a, d) => a * d, 1)
  let shape: number[]
  if (mode === 'all') shape = [1]
  else if (mode === 'channel') {
    const channelsLast = op.string('data_format', 'NCHW') === 'NHWC'
    shape = channelsLast ? [count] : [count, ...Array<number>(rank - 2).fill(1)]
  } else if (mode === 'element') shape = [...g.dims(xVar, op.label).slice(1)]
  else return op.fail(`unknown prelu mode "${mode}"`)
  const alpha = g.op('Reshape', [g.read(alphaVar), g.int64s(shape)])
  g.node('PRelu', [g.read(xVar), alpha], [g.write(op.output('Out'))])
}

/** clip with its bounds from attributes, or from the Min/Max tensors when bound. */
function clip(op: PaddleOp, g: GraphBuilder): void {
  const bound = (slot: 'Min' | 'Max', attr: 'min' | 'max', fallback: number) => {
    const tensor = op.optionalInput(slot)
    if (!tensor) return g.scalar(op.float(attr, fallback))
    const read = g.read(tensor)
    // Clip takes scalars of the input's type.
    return g.op('Squeeze', [g.op('Cast', [read], { to: { i: g.dataType(op.input('X')) } })])
  }
  const min = bound('Min', 'min', -3.4028234663852886e38)
  const max = bound('Max', 'max', 3.4028234663852886e38)
  g.node('Clip', [g.read(op.input('X')), min, max], [g.write(op.output('Out'))])
}

function softmax(op: PaddleOp, g: GraphBuilder): void {
  const x = op.input('X')
  const axis = normalizeAxis(op.int('axis', -1), g.rank(x, op.label), op)
  g.node('Softmax', [g.read(x)], [g.write(op.output('Out'))], { axis: { i: axis } })
}

export const activationOps: OpTable = {
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  exp: unary('Exp'),
  sqrt: unary('Sqrt'),
  rsqrt: (op, g) => {
    const root = g.op('Sqrt', [g.read(op.input('X'))])
    g.node('Reciprocal', [root], [g.write(op.output('Out'))])
  },
  abs: unary('Abs'),
  erf: unary('Erf'),
  relu6: (op, g) => {
    const x = g.read(op.input('X'))
    const max = g.scalar(op.float('threshold', 6))
    g.node('Clip', [x, g.scalar(0), max], [g.write(op.output('Out'))])
  },
  leaky_relu: unary('LeakyRelu', (op) => ({ alpha: { f: op.float('alpha', 0.02) } })),
  hard_sigmoid: unary('HardSigmoid', (op) => ({
    alpha: { f: op.float('slope', 0.2) },
    beta: { f: op.float('offset', 0.5) },
  })),
  hard_swish: hardSwish,
  swish,
  silu: swish,
  gelu,
  prelu,
  clip,
  softmax,
}
