/**
 * Multiply-accumulates per node, by the rules of `paddle.flops` (Paddle's dynamic_flops hooks),
 * which is what the PaddleClas zoo publishes in its FLOPs columns:
 *
 *   Conv / ConvTranspose   out_elements · (C_in / groups · k_h · k_w + (bias ? 1 : 0))
 *   Linear (MatMul, Gemm with a constant weight)   out_elements · in_features (bias not counted)
 *   BatchNormalization     2 · elements
 *   AvgPool                out_elements
 *   AdaptiveAvgPool (GlobalAveragePool)   out_elements · (kernel elements + 1)
 *   LeakyReLU              elements
 *   everything else        0 (ReLU, ReLU6, Dropout by rule; Hardswish, Sigmoid, GELU, Softmax,
 *                          LayerNorm, MaxPool, Add, Mul by having no hook)
 *
 * A MatMul of two activations (attention's Q·Kᵀ and A·V) is a function call, not a layer, so
 * paddle.flops counts it as 0; it is returned apart, for the FLOPs figure that does count it.
 * The int8 forms (QLinearConv, QLinearMatMul, QLinearGlobalAveragePool…) count as their float
 * ops. Pure.
 */
import { elementCount } from './onnxGraph'
import type { NodeShapes } from './shapes/propagateShapes'
import type { Value } from './shapes/ruleContext'

export interface NodeMacs {
  /** paddle.flops's count. */
  macs: number
  /** A product of two activations, which paddle.flops leaves out. */
  activationMatmul: number
  /** The products with weights alone (conv and linear, no bias): the papers' "multiply-adds". */
  weights: number
}

const none = (): NodeMacs => ({ macs: 0, activationMatmul: 0, weights: 0 })

type MacRule = (n: NodeShapes, isConstant: (input: number) => boolean) => NodeMacs

const numel = (v: Value | null | undefined) => (v ? elementCount(v.shape) : 0)

/** Conv-like with data at `x`, weights at `w` ([M, C/g, k…]) and an optional bias at `bias`. */
function conv(x: number, w: number, bias: number): MacRule {
  return (n) => {
    const input = n.inputs[x]!.shape
    const weights = n.inputs[w]!.shape
    const groups = n.node.attributes.get('group')
    const g = groups?.kind === 'int' ? groups.value : 1
    const kernel = elementCount(weights.slice(2))
    const hasBias = n.inputs[bias] != null ? 1 : 0
    const out = numel(n.outputs![0])
    const products = out * (input[1]! / g) * kernel
    return { macs: products + out * hasBias, activationMatmul: 0, weights: products }
  }
}

/** A product of `a` and `b`: a layer's weights when either is constant, else two activations. */
function matmul(a: number, b: number): MacRule {
  return (n, isConstant) => {
    const depth = n.inputs[a]!.shape.at(-1) ?? 1
    const count = numel(n.outputs![0]) * depth
    return isConstant(a) || isConstant(b)
      ? { macs: count, activationMatmul: 0, weights: count }
      : { macs: 0, activationMatmul: count, weights: 0 }
  }
}

const gemm: MacRule = (n, isConstant) => {
  const a = n.inputs[0]!.shape
  const transA = n.node.attributes.get('transA')
  const depth = transA?.kind === 'int' && transA.value ? a[0]! : a[1]!
  const count = numel(n.outputs![0]) * depth
  return isConstant(0) || isConstant(1)
    ? { macs: count, activationMatmul: 0, weights: count }
    : { macs: 0, activationMatmul: count, weights: 0 }
}

const batchNorm: MacRule = (n) => ({
  macs: 2 * numel(n.inputs[0]),
  activationMatmul: 0,
  weights: 0,
})

const avgPool: MacRule = (n) => ({ macs: numel(n.outputs![0]), activationMatmul: 0, weights: 0 })

/** paddle's count_adap_avgpool: kernel = input size ÷ output size per axis, plus one divide. */
const globalAvgPool: MacRule = (n) => {
  const lastAxis = n.node.attributes.get('channels_last')
  const channelsLast = lastAxis?.kind === 'int' && lastAxis.value === 1
  const spatial = (shape: number[]) => (channelsLast ? shape.slice(1, -1) : shape.slice(2))
  const output = spatial(n.outputs![0]!.shape)
  const kernel = spatial(n.inputs[0]!.shape).reduce(
    (p, d, i) => p * Math.floor(d / (output[i] ?? 1)),
    1,
  )
  return { macs: numel(n.outputs![0]) * (kernel + 1), activationMatmul: 0, weights: 0 }
}

const leakyRelu: MacRule = (n) => ({ macs: numel(n.inputs[0]), activationMatmul: 0, weights: 0 })

const macRules: Record<string, MacRule> = {
  Conv: conv(0, 1, 2),
  ConvTranspose: conv(0, 1, 2),
  ConvInteger: conv(0, 1, 99),
  QLinearConv: conv(0, 3, 8),
  MatMul: matmul(0, 1),
  MatMulInteger: matmul(0, 1),
  QLinearMatMul: matmul(0, 3),
  Gemm: gemm,
  BatchNormalization: batchNorm,
  AveragePool: avgPool,
  QLinearAveragePool: avgPool,
  GlobalAveragePool: globalAvgPool,
  QLinearGlobalAveragePool: globalAvgPool,
  LeakyRelu: leakyRelu,
  QLinearLeakyRelu: leakyRelu,
}

/** The node's count; zero for ops paddle.flops has no hook for. Needs the node's shapes. */
export function nodeMacs(n: NodeShapes, constants: ReadonlySet<string>): NodeMacs {
  const rule = macRules[n.node.opType]
  if (!rule || !n.outputs) return none()
  return rule(n, (i) => constants.has(n.node.inputs[i] ?? ''))
}

const convOps = new Set(['Conv', 'ConvTranspose'])

/**
 * Converters that keep a Paddle conv's bias as the `elementwise_add` it is in the program write a
 * Conv without bias followed by an Add of a per-channel constant. paddle.flops counts that bias
 * in the conv (+1 per output element), so such an Add is found here and counted with its Conv:
 * out_elements for each Conv whose only reader is such an Add.
 */
export function separateBiasMacs(
  nodes: readonly NodeShapes[],
  constants: ReadonlySet<string>,
): Map<NodeShapes, number> {
  const producer = new Map<string, NodeShapes>()
  const readers = new Map<string, number>()
  for (const n of nodes) {
    for (const name of n.node.outputs) producer.set(name, n)
    for (const name of n.node.inputs) readers.set(name, (readers.get(name) ?? 0) + 1)
  }
  const found = new Map<NodeShapes, number>()
  for (const n of nodes) {
    if (n.node.opType !== 'Add' || !n.outputs || n.node.inputs.length !== 2) continue
    n.node.inputs.forEach((name, i) => {
      const conv = producer.get(name)
      const other = n.inputs[1 - i]
      if (!conv?.outputs || !convOps.has(conv.node.opType) || conv.inputs[2] != null) return
      if (!other || !constants.has(n.node.inputs[1 - i]!) || readers.get(name) !== 1) return
      const out = conv.outputs[0]!.shape
      if (elementCount(other.shape) !== out[1]) return
      found.set(conv, elementCount(out))
    })
  }
  return found
}
