/**
 * Shape rules of the ops whose output has the shape of their input (activations, normalisations,
 * quantisation) or of their inputs broadcast together (arithmetic, comparisons, Where, and the
 * int8 QLinearAdd/QLinearMul). Integer arithmetic on small known tensors is carried out, since
 * exporters compute Reshape targets that way (Shape → Gather → Mul → Concat). Pure.
 */
import { elementCount } from '../onnxGraph'
import {
  MAX_CARRIED_VALUES,
  type RuleContext,
  type Value,
  broadcast,
  broadcastIndex,
  normalizeAxis,
  shaped,
  valued,
} from './ruleContext'

export type ShapeRule = (ctx: RuleContext) => Value[]

/** Output 0 has input 0's shape (further outputs of these ops are not used by inference). */
const sameShape: ShapeRule = (ctx) => [shaped([...ctx.need(0).shape])]

/** Output 0 is input 0, values and all. */
const passThrough: ShapeRule = (ctx) => {
  const x = ctx.need(0)
  return [valued([...x.shape], x.values), shaped([...x.shape])]
}

const unaryOps = [
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Erf',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Abs',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Softplus',
  'Softsign',
  'Elu',
  'Selu',
  'Celu',
  'Gelu',
  'Mish',
  'Sin',
  'Cos',
  'Not',
  'IsNaN',
  'IsInf',
  'Clip',
  'Softmax',
  'LogSoftmax',
  'Hardmax',
  'BatchNormalization',
  'InstanceNormalization',
  'LpNormalization',
  'MeanVarianceNormalization',
  'GroupNormalization',
  'QuantizeLinear',
  'DequantizeLinear',
  'QLinearSigmoid',
  'QLinearLeakyRelu',
  'ThresholdedRelu',
  'Shrink',
  'CumSum',
  'Trilu',
]

/** LayerNormalization's optional Mean and InvStdDev keep the axes before `axis`, 1 after. */
const layerNorm: ShapeRule = (ctx) => {
  const x = ctx.need(0).shape
  const axis = normalizeAxis(ctx.int('axis', -1), x.length)
  const stats = x.map((d, i) => (i < axis ? d : 1))
  return [shaped([...x]), shaped(stats), shaped([...stats])]
}

/** DynamicQuantizeLinear: y of x's shape, a scalar scale and zero point. */
const dynamicQuantize: ShapeRule = (ctx) => [shaped([...ctx.need(0).shape]), shaped([]), shaped([])]

type Arithmetic = (a: number, b: number) => number

const arithmetic: Record<string, Arithmetic> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Shape arithmetic is integer division (ONNX's Div on int64 truncates).
  Div: (a, b) => (b === 0 ? NaN : Math.trunc(a / b)),
  Max: Math.max,
  Min: Math.min,
  Equal: (a, b) => (a === b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  LessOrEqual: (a, b) => (a <= b ? 1 : 0),
  GreaterOrEqual: (a, b) => (a >= b ? 1 : 0),
}

/** The inputs broadcast together; values computed when all are known and `op` is given. */
function broadcastValues(inputs: Value[], op: ((xs: number[]) => number) | null): Value {
  const shape = broadcast(...inputs.map((v) => v.shape))
  const count = elementCount(shape)
  if (!op || count > MAX_CARRIED_VALUES || inputs.some((v) => v.values === null))
    return shaped(shape)
  const out: number[] = []
  for (let i = 0; i < count; i++)
    out.push(op(inputs.map((v) => v.values![broadcastIndex(i, shape, v.shape)]!)))
  return valued(shape, out)
}

function binary(name: string): ShapeRule {
  const op = arithmetic[name]
  return (ctx) => [
    broadcastValues([ctx.need(0), ctx.need(1)], op ? (xs) => op(xs[0]!, xs[1]!) : null),
  ]
}

/** Sum, Mean, Max, Min take any number of inputs. */
function variadic(name: string): ShapeRule {
  const op = arithmetic[name]
  return (ctx) => {
    const inputs = ctx.node.inputs.map((_, i) => ctx.need(i))
    return [broadcastValues(inputs, op ? (xs) => xs.reduce((a, b) => op(a, b)) : null)]
  }
}

const where: ShapeRule = (ctx) => [
  broadcastValues([ctx.need(0), ctx.need(1), ctx.need(2)], (xs) => (xs[0] ? xs[1]! : xs[2]!)),
]

/** QLinearAdd / QLinearMul (com.microsoft): A, A scale, A zero point, B, B scale, … */
const qlinearBinary: ShapeRule = (ctx) => [shaped(broadcast(ctx.need(0).shape, ctx.need(3).shape))]

export const elementwiseRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(unaryOps.map((op) => [op, sameShape])),
  Identity: passThrough,
  Dropout: passThrough,
  Cast: passThrough,
  CastLike: passThrough,
  Neg: (ctx) => {
    const x = ctx.need(0)
    return [valued([...x.shape], x.values?.map((v) => -v) ?? null)]
  },
  LayerNormalization: layerNorm,
  DynamicQuantizeLinear: dynamicQuantize,
  ...Object.fromEntries(
    [
      'Add',
      'Sub',
      'Mul',
      'Div',
      'Pow',
      'Mod',
      'PRelu',
      'Equal',
      'Less',
      'Greater',
      'LessOrEqual',
      'GreaterOrEqual',
      'And',
      'Or',
      'Xor',
      'BitShift',
    ].map((op) => [op, binary(op)]),
  ),
  ...Object.fromEntries(['Sum', 'Mean', 'Max', 'Min'].map((op) => [op, variadic(op)])),
  Where: where,
  QLinearAdd: qlinearBinary,
  QLinearMul: qlinearBinary,
}
