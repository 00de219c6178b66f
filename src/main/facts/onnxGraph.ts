/**
 * An ONNX model as the facts counter sees it: the graph's structure (opsets, inputs, nodes with
 * their attributes, initializers by name, type and dims) without the weights' bytes. Only small
 * tensors keep their values: the shapes, axes and scales that shape propagation needs.
 */

/** TensorProto.DataType numbers (onnx.proto). */
export const ElemType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const

/** A dimension of a declared shape: a size, a symbolic name, or unknown (null). */
export type GraphDim = number | string | null

export interface GraphValueInfo {
  name: string
  /** ElemType; 0 when the type is not a tensor or not given. */
  elemType: number
  /** Null when the value has no shape at all (rank unknown). */
  dims: GraphDim[] | null
}

export interface GraphTensor {
  name: string
  dataType: number
  dims: number[]
  /** Where its data is: in the model file, or in an external data file (`location`). */
  external: string | null
  /**
   * The values, for small numeric tensors (shapes, axes, scales); null when the tensor is large
   * or its data is elsewhere (external, or a type read as opaque).
   */
  values: number[] | null
}

export type AttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: GraphTensor }
  /** A subgraph (If, Loop, Scan): not read; its node cannot be counted. */
  | { kind: 'graph' }
  | { kind: 'other'; type: number }

export interface GraphNode {
  opType: string
  /** '' (or 'ai.onnx') for the default domain. */
  domain: string
  name: string
  /** Input names in order; '' marks an optional input left out. */
  inputs: string[]
  outputs: string[]
  attributes: Map<string, AttributeValue>
}

export interface OnnxGraphInfo {
  irVersion: number | null
  producer: { name: string; version: string } | null
  /** One entry per domain ('' is the default domain). */
  opsets: { domain: string; version: number }[]
  inputs: GraphValueInfo[]
  outputs: GraphValueInfo[]
  valueInfo: GraphValueInfo[]
  initializers: GraphTensor[]
  nodes: GraphNode[]
  /** Sparse initializers are not read; how many the graph has. */
  sparseInitializers: number
}

/** The product of `dims` (1 for a scalar). */
export const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1)

/** The default domain's opset version, or null when the model imports none. */
export function defaultOpset(graph: Pick<OnnxGraphInfo, 'opsets'>): number | null {
  const entry = graph.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')
  return entry ? entry.version : null
}
