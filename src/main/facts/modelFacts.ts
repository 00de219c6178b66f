/**
 * The facts of a model measured from its graph: params, MACs and FLOPs under named conventions,
 * the input shape they were measured at, opsets, producer, op counts, and the nodes that could
 * not be counted. Pure: the graph comes from readOnnxGraph.
 */
import type { ModelFacts } from '../../shared/contract/facts'
import { AppError } from '../../shared/errors'
import { nodeMacs, separateBiasMacs } from './countMacs'
import { countParams } from './countParams'
import { type GraphDim, type GraphValueInfo, type OnnxGraphInfo, defaultOpset } from './onnxGraph'
import { propagateShapes } from './shapes/propagateShapes'

/** Where the graph leaves the image's height and width open and nobody says: PaddleClas's crop. */
export const DEFAULT_INPUT_SIZE = 224

export const CONVENTIONS = [
  'params: elements of the weight tensors, as paddle.flops and the PaddleClas zoo count them, batch-norm running mean and variance included (Paddle makes them parameters; torch tools leave them out); not counted: quantization scales and zero points (an int8 model counts its quantized weights), shape and index constants, one-element constants of elementwise ops, unused constants.',
  'MACs: multiply-accumulates by paddle.flops rules, the zoo\'s "FLOPs" column: Conv out·(Cin/groups·kh·kw + bias), MatMul/Gemm with a weight out·in (bias not counted), BatchNorm 2·elements, AvgPool out, GlobalAveragePool out·(kernel+1), LeakyReLU elements, all other ops 0 (activations, MaxPool, LayerNorm, Softmax, Add, Mul); the product of two activations (attention) is 0 there and is reported apart.',
  'weight MACs: the products with weights alone (Conv Cin/groups·kh·kw and MatMul/Gemm in per output, no bias, no BatchNorm or pooling): the "multiply-adds" papers quote.',
  'FLOPs: 2 × (MACs + the products of two activations), counting each multiply and each add.',
  'Measured at batch 1 by static shape propagation; nodes whose shapes cannot be worked out are listed as not counted, never guessed.',
].join('\n')

function imageInput(graph: OnnxGraphInfo): GraphValueInfo {
  const weights = new Set(graph.initializers.map((t) => t.name))
  const input = graph.inputs.find((i) => !weights.has(i.name))
  if (!input) throw new AppError('MODEL_INPUT_UNSUPPORTED', 'The graph has no input.')
  return input
}

/**
 * The input's shape with its open dims chosen: batch 1, 3 channels, `size` for height and width
 * (NCHW, or NHWC when the last axis is a fixed 3 and the second is open).
 */
function chooseShape(input: GraphValueInfo, size: number) {
  const dims = input.dims
  if (!dims)
    throw new AppError('MODEL_INPUT_UNSUPPORTED', `The graph's input "${input.name}" has no shape.`)
  const rank = dims.length
  const open = (d: GraphDim | undefined) => typeof d !== 'number' || d <= 0
  const channelsLast = rank === 4 && dims[3] === 3 && open(dims[1])
  const channelAxis = channelsLast ? 3 : 1
  const chosen: ModelFacts['inputChosen'] = []
  const shape = dims.map((dim, axis) => {
    if (!open(dim)) return dim as number
    const name = typeof dim === 'string' ? dim : '?'
    const why =
      axis === 0 ? 'batch' : rank !== 4 ? null : axis === channelAxis ? 'channels' : 'size'
    if (!why)
      throw new AppError(
        'MODEL_INPUT_UNSUPPORTED',
        `The graph's input "${input.name}" has an open dimension ${axis} ("${name}") that is not a batch, channel or image axis.`,
      )
    const value = why === 'batch' ? 1 : why === 'channels' ? 3 : size
    chosen.push({ axis, name, value, why })
    return value
  })
  return { shape, chosen }
}

function tally<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}

const byCount = (a: { type: string; count: number }, b: { type: string; count: number }) =>
  b.count - a.count || a.type.localeCompare(b.type)

export interface FactsOptions {
  /** Height and width where the graph leaves them open. */
  inputSize?: number
  fileBytes: number
}

export function modelFacts(graph: OnnxGraphInfo, options: FactsOptions): ModelFacts {
  const input = imageInput(graph)
  const { shape, chosen } = chooseShape(input, options.inputSize ?? DEFAULT_INPUT_SIZE)
  const feeds = new Map([[input.name, shape]])
  // Other inputs take part only when the graph fixes their shapes.
  for (const other of graph.inputs)
    if (other !== input && other.dims?.every((d) => typeof d === 'number' && d > 0))
      feeds.set(other.name, other.dims as number[])
  const propagation = propagateShapes(graph, feeds)
  let macs = 0
  let activationMatmulMacs = 0
  let weightMacs = 0
  const perOp = new Map<string, number>()
  const failures = new Map<string, { count: number; reason: string }>()
  const biasAdds = separateBiasMacs(propagation.nodes, propagation.constants)
  for (const n of propagation.nodes) {
    if (n.failure !== null) {
      const entry = failures.get(n.node.opType) ?? { count: 0, reason: n.failure }
      entry.count++
      failures.set(n.node.opType, entry)
      continue
    }
    const count = nodeMacs(n, propagation.constants)
    count.macs += biasAdds.get(n) ?? 0
    macs += count.macs
    activationMatmulMacs += count.activationMatmul
    weightMacs += count.weights
    const total = count.macs + count.activationMatmul
    if (total > 0) perOp.set(n.node.opType, (perOp.get(n.node.opType) ?? 0) + total)
  }
  const params = countParams(graph)
  return {
    params: params.params,
    paramsBnStatistics: params.bnStatistics,
    paramsExcluded: params.excluded,
    macs,
    activationMatmulMacs,
    weightMacs,
    flops: 2 * (macs + activationMatmulMacs),
    macsByOp: [...perOp]
      .map(([type, value]) => ({ type, macs: value }))
      .sort((a, b) => b.macs - a.macs),
    inputName: input.name,
    inputShape: shape,
    inputChosen: chosen,
    opset: defaultOpset(graph),
    opsets: graph.opsets,
    producer: graph.producer,
    irVersion: graph.irVersion,
    ops: [...tally(graph.nodes, (n) => n.opType)]
      .map(([type, count]) => ({ type, count }))
      .sort(byCount),
    notCounted: [...failures]
      .map(([type, { count, reason }]) => ({ type, count, reason }))
      .sort(byCount),
    externalData: graph.initializers.some((t) => t.external !== null),
    fileBytes: options.fileBytes,
    conventions: CONVENTIONS,
  }
}
