/**
 * The small ONNX models the inference tests need (a hand-checkable classifier and models that are
 * wrong in one precise way), so no model file has to be committed or downloaded. Written by the
 * app's own ONNX writer (src/main/convert/onnxModel.ts), which the converter uses too.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeValues } from '../../../../src/main/convert/dataTypes'
import { type OnnxAttribute, encodeOnnxModel } from '../../../../src/main/convert/onnxModel'

export const FLOAT = 1
export const INT64 = 7

/** A dimension: a fixed size, or a name for an open one (a batch axis). */
export type Dim = number | string

export interface Tensor {
  name: string
  dataType: typeof FLOAT | typeof INT64
  dims: number[]
  values: readonly number[]
}

export type Attribute = { name: string } & (
  { i: number } | { f: number } | { ints: readonly number[] }
)

export interface Node {
  opType: string
  inputs: string[]
  outputs: string[]
  attributes?: Attribute[]
}

export interface ValueInfo {
  name: string
  elemType: typeof FLOAT | typeof INT64
  shape: Dim[]
}

export interface Graph {
  nodes: Node[]
  initializers?: Tensor[]
  inputs: ValueInfo[]
  outputs: ValueInfo[]
}

/** A ModelProto (default-domain opset 13) as bytes, written by the app's own ONNX writer. */
export function encodeModel(graph: Graph, name = 'test_graph'): Uint8Array {
  const attributes = (list: Attribute[] = []) =>
    Object.fromEntries(list.map(({ name: key, ...value }) => [key, value as OnnxAttribute]))
  return encodeOnnxModel({
    opset: 13,
    producer: { name: 'zoo-explorer-tests', version: '' },
    graph: {
      name,
      nodes: graph.nodes.map((node, i) => ({
        ...node,
        name: `${node.opType.toLowerCase()}_${i}`,
        attributes: attributes(node.attributes),
      })),
      initializers: (graph.initializers ?? []).map((t) => ({
        name: t.name,
        dataType: t.dataType,
        dims: t.dims,
        data: encodeValues(t.dataType, t.values),
      })),
      inputs: graph.inputs,
      outputs: graph.outputs,
    },
  })
}

export interface TinyClassifier {
  /** Weights [channels][classes] and bias [classes] of the final Gemm. */
  weights: number[][]
  bias: number[]
  /** Side of the square input; a string leaves it open. */
  inputSize: Dim
  channels: number
}

/**
 * input [N, channels, S, S] → GlobalAveragePool → Flatten → Gemm(W, B) → output [N, classes]:
 * the score of class c is Σ_k mean_k · W[k][c] + B[c], mean_k the mean of input channel k, so
 * solid-colour images give scores a test can work out by hand.
 */
export function tinyClassifier(options: Partial<TinyClassifier> & { classes?: number } = {}): {
  bytes: Uint8Array
  spec: TinyClassifier
} {
  const channels = options.channels ?? 3
  const classes = options.classes ?? options.bias?.length ?? 4
  const weights =
    options.weights ??
    Array.from({ length: channels }, (_, k) =>
      Array.from({ length: classes }, (_, c) => Math.sin(1 + k * 7 + c * 3) * 2),
    )
  const bias = options.bias ?? Array.from({ length: classes }, (_, c) => (c % 3) * 0.1)
  const inputSize = options.inputSize ?? 32
  const bytes = encodeModel({
    nodes: [
      { opType: 'GlobalAveragePool', inputs: ['input'], outputs: ['pooled'] },
      {
        opType: 'Flatten',
        inputs: ['pooled'],
        outputs: ['flat'],
        attributes: [{ name: 'axis', i: 1 }],
      },
      { opType: 'Gemm', inputs: ['flat', 'W', 'B'], outputs: ['logits'] },
    ],
    initializers: [
      { name: 'W', dataType: FLOAT, dims: [channels, classes], values: weights.flat() },
      { name: 'B', dataType: FLOAT, dims: [classes], values: bias },
    ],
    inputs: [{ name: 'input', elemType: FLOAT, shape: ['N', channels, inputSize, inputSize] }],
    outputs: [{ name: 'logits', elemType: FLOAT, shape: ['N', classes] }],
  })
  return { bytes, spec: { weights, bias, inputSize, channels } }
}

/** A model whose input has rank 3 ([N, 3, 32]); otherwise a well-formed classifier. */
export function rank3Model(): Uint8Array {
  return encodeModel({
    nodes: [
      {
        opType: 'Flatten',
        inputs: ['input'],
        outputs: ['logits'],
        attributes: [{ name: 'axis', i: 1 }],
      },
    ],
    inputs: [{ name: 'input', elemType: FLOAT, shape: ['N', 3, 32] }],
    outputs: [{ name: 'logits', elemType: FLOAT, shape: ['N', 96] }],
  })
}

/**
 * Loads fine and looks like a classifier ([N,3,32,32] → [N,7]), but fails on every run: it
 * reshapes its input to a fixed [5, 7], which no N·3·32·32 elements fit.
 */
export function failingModel(): Uint8Array {
  return encodeModel({
    nodes: [{ opType: 'Reshape', inputs: ['input', 'shape'], outputs: ['logits'] }],
    initializers: [{ name: 'shape', dataType: INT64, dims: [2], values: [5, 7] }],
    inputs: [{ name: 'input', elemType: FLOAT, shape: ['N', 3, 32, 32] }],
    outputs: [{ name: 'logits', elemType: FLOAT, shape: ['N', 7] }],
  })
}

/** A single-channel (greyscale) classifier: [N, 1, 32, 32] → [N, 4]. */
export function oneChannelModel(): Uint8Array {
  return tinyClassifier({ channels: 1, classes: 4 }).bytes
}

export function writeModel(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}
