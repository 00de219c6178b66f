/**
 * Parameters of a graph: the elements of its constant tensors (initializers and Constant nodes)
 * that are weights, told apart from the constants that are not by where they are used:
 *
 * - quantization: the scales and zero points of QuantizeLinear, DequantizeLinear and the QLinear
 *   ops. An int8 model's weights are its quantized tensors, counted once, as the float model's.
 * - shape: shapes, axes, indices, pads, sizes, bounds (a Reshape's target, a Slice's starts), and
 *   every int64 tensor, which no layer learns.
 * - scalar: one-element operands of elementwise ops (the 3 and 6 of a hard-swish, Clip's bounds),
 *   which are constants of a function, not parameters of a layer.
 * - unused: constants no node reads.
 *
 * Batch-norm running mean and variance are counted: Paddle creates them as parameters of its
 * BatchNorm layers, so paddle.flops and the zoo's params include them (MobileNetV3_small_x0_35's
 * published 1.67 M is its params file's every tensor); torch's tools, for which they are buffers,
 * do not, so how many there are is returned too. Pure.
 */
import type { ExcludedKind } from '../../shared/contract/facts'
import { ElemType, type GraphTensor, type OnnxGraphInfo, elementCount } from './onnxGraph'

type Role = 'weight' | 'bnStatistics' | ExcludedKind

/** Inputs of each op that are not weights, by position. */
const inputRoles: Record<string, Record<number, Role>> = {
  QuantizeLinear: { 1: 'quantization', 2: 'quantization' },
  DequantizeLinear: { 1: 'quantization', 2: 'quantization' },
  QLinearConv: quantAt(1, 2, 4, 5, 6, 7),
  QLinearMatMul: quantAt(1, 2, 4, 5, 6, 7),
  QLinearAdd: quantAt(1, 2, 4, 5, 6, 7),
  QLinearMul: quantAt(1, 2, 4, 5, 6, 7),
  QLinearGlobalAveragePool: quantAt(1, 2, 3, 4),
  QLinearAveragePool: quantAt(1, 2, 3, 4),
  QLinearSigmoid: quantAt(1, 2, 3, 4),
  QLinearLeakyRelu: quantAt(1, 2, 3, 4),
  ConvInteger: quantAt(2, 3),
  MatMulInteger: quantAt(2, 3),
  BatchNormalization: { 3: 'bnStatistics', 4: 'bnStatistics' },
  Reshape: shapeAt(1),
  Slice: shapeAt(1, 2, 3, 4),
  Squeeze: shapeAt(1),
  Unsqueeze: shapeAt(1),
  Expand: shapeAt(1),
  Tile: shapeAt(1),
  Gather: shapeAt(1),
  GatherElements: shapeAt(1),
  ScatterND: shapeAt(1),
  ScatterElements: shapeAt(1),
  Pad: { 1: 'shape', 2: 'scalar', 3: 'shape' },
  Resize: shapeAt(1, 2, 3),
  Upsample: shapeAt(1),
  Split: shapeAt(1),
  ConstantOfShape: shapeAt(0),
  Range: shapeAt(0, 1, 2),
  TopK: shapeAt(1),
  CumSum: shapeAt(1),
  Trilu: shapeAt(1),
  Shape: shapeAt(0),
  Size: shapeAt(0),
  OneHot: shapeAt(1, 2),
  Clip: { 1: 'scalar', 2: 'scalar' },
  ...Object.fromEntries(
    ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2'].map((op) => [
      op,
      shapeAt(1),
    ]),
  ),
}

function quantAt(...positions: number[]): Record<number, Role> {
  return Object.fromEntries(positions.map((p) => [p, 'quantization']))
}

function shapeAt(...positions: number[]): Record<number, Role> {
  return Object.fromEntries(positions.map((p) => [p, 'shape']))
}

/** Ops whose one-element constant operands are function constants, not weights. */
const elementwise = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'Where',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Mod',
])

/** QLinearConcat: Y scale and zero point, then (X, scale, zero point) per input. */
function qlinearConcatRole(position: number): Role | undefined {
  if (position < 2) return 'quantization'
  return (position - 2) % 3 === 0 ? undefined : 'quantization'
}

function roleAt(opType: string, position: number, tensor: SourceTensor): Role {
  if (tensor.dataType === ElemType.INT64 || tensor.dataType === ElemType.BOOL) return 'shape'
  const role =
    opType === 'QLinearConcat' ? qlinearConcatRole(position) : inputRoles[opType]?.[position]
  if (role) return role
  if (tensor.elements <= 1 && elementwise.has(opType)) return 'scalar'
  return 'weight'
}

interface SourceTensor {
  dataType: number
  elements: number
}

/** The tensor a Constant node makes, as a source of constants. */
function constantTensor(node: OnnxGraphInfo['nodes'][number]): SourceTensor | null {
  const value = node.attributes.get('value')
  if (value?.kind === 'tensor') return sourceOf(value.value)
  for (const [name, attr] of node.attributes) {
    if (name === 'value_float') return { dataType: ElemType.FLOAT, elements: 1 }
    if (name === 'value_int') return { dataType: ElemType.INT64, elements: 1 }
    if (name === 'value_floats' && attr.kind === 'floats')
      return { dataType: ElemType.FLOAT, elements: attr.value.length }
    if (name === 'value_ints' && attr.kind === 'ints')
      return { dataType: ElemType.INT64, elements: attr.value.length }
  }
  return null
}

const sourceOf = (t: GraphTensor): SourceTensor => ({
  dataType: t.dataType,
  elements: elementCount(t.dims),
})

export interface ParamCount {
  params: number
  bnStatistics: number
  excluded: { kind: ExcludedKind; tensors: number; elements: number }[]
}

/** Where each Role ranks when one tensor is used several ways: a weight anywhere is a weight. */
const rank: Role[] = ['weight', 'bnStatistics', 'quantization', 'shape', 'scalar', 'unused']

export function countParams(graph: OnnxGraphInfo): ParamCount {
  const sources = new Map<string, SourceTensor>()
  for (const t of graph.initializers) sources.set(t.name, sourceOf(t))
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant' || !node.outputs[0]) continue
    const tensor = constantTensor(node)
    if (tensor) sources.set(node.outputs[0], tensor)
  }
  const roles = new Map<string, Role>()
  for (const node of graph.nodes) {
    node.inputs.forEach((name, position) => {
      const tensor = sources.get(name)
      if (!tensor) return
      const role = roleAt(node.opType, position, tensor)
      const earlier = roles.get(name)
      if (!earlier || rank.indexOf(role) < rank.indexOf(earlier)) roles.set(name, role)
    })
  }
  const result: ParamCount = { params: 0, bnStatistics: 0, excluded: [] }
  const excluded = new Map<ExcludedKind, { tensors: number; elements: number }>()
  for (const [name, tensor] of sources) {
    const role = roles.get(name) ?? 'unused'
    if (role === 'weight' || role === 'bnStatistics') {
      result.params += tensor.elements
      if (role === 'bnStatistics') result.bnStatistics += tensor.elements
      continue
    }
    const entry = excluded.get(role) ?? { tensors: 0, elements: 0 }
    entry.tensors++
    entry.elements += tensor.elements
    excluded.set(role, entry)
  }
  result.excluded = rank
    .filter((r): r is ExcludedKind => excluded.has(r as ExcludedKind))
    .map((kind) => ({ kind, ...excluded.get(kind)! }))
  return result
}
