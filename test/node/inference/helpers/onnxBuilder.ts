/**
 * A minimal protobuf encoder for ONNX ModelProto: enough to write the small models the inference
 * tests need (a hand-checkable classifier and models that are wrong in one precise way), so no
 * model file has to be committed or downloaded. Field numbers follow onnx/onnx.proto.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const VARINT = 0
const FIXED32 = 5
const LENGTH = 2

/** Bytes of one protobuf message, built field by field. */
class Message {
  private readonly parts: Uint8Array[] = []

  private push(bytes: number[] | Uint8Array): this {
    this.parts.push(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))
    return this
  }

  private tag(field: number, wire: number): this {
    return this.push(varint(BigInt((field << 3) | wire)))
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, VARINT).push(varint(BigInt(value)))
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    return this.tag(field, FIXED32).push(bytes)
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, LENGTH)
      .push(varint(BigInt(value.length)))
      .push(value)
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  message(field: number, value: Message): this {
    return this.bytes(field, value.encode())
  }

  packedInts(field: number, values: readonly (number | bigint)[]): this {
    return this.bytes(field, concat(values.map((v) => Uint8Array.from(varint(BigInt(v))))))
  }

  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4)
    const view = new DataView(bytes.buffer)
    values.forEach((v, i) => view.setFloat32(i * 4, v, true))
    return this.bytes(field, bytes)
  }

  encode(): Uint8Array {
    return concat(this.parts)
  }
}

/** Base-128 varint; negative int64 values take ten bytes (two's complement), as protobuf does. */
function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value)
  const out: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) byte |= 0x80
    out.push(byte)
  } while (v !== 0n)
  return out
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

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

function tensorProto(tensor: Tensor): Message {
  const m = new Message().packedInts(1, tensor.dims).int(2, tensor.dataType)
  if (tensor.dataType === FLOAT) m.packedFloats(4, tensor.values)
  else m.packedInts(7, tensor.values)
  return m.string(8, tensor.name)
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1
const ATTR_INT = 2
const ATTR_INTS = 7

function attributeProto(attribute: Attribute): Message {
  const m = new Message().string(1, attribute.name)
  if ('i' in attribute) return m.int(3, attribute.i).int(20, ATTR_INT)
  if ('f' in attribute) return m.float(2, attribute.f).int(20, ATTR_FLOAT)
  return m.packedInts(8, attribute.ints).int(20, ATTR_INTS)
}

function nodeProto(node: Node, index: number): Message {
  const m = new Message()
  for (const input of node.inputs) m.string(1, input)
  for (const output of node.outputs) m.string(2, output)
  m.string(3, `${node.opType.toLowerCase()}_${index}`).string(4, node.opType)
  for (const attribute of node.attributes ?? []) m.message(5, attributeProto(attribute))
  return m
}

function valueInfoProto(info: ValueInfo): Message {
  const shape = new Message()
  for (const dim of info.shape) {
    shape.message(
      1,
      typeof dim === 'number' ? new Message().int(1, dim) : new Message().string(2, dim),
    )
  }
  const tensorType = new Message().int(1, info.elemType).message(2, shape)
  return new Message().string(1, info.name).message(2, new Message().message(1, tensorType))
}

/** A ModelProto (IR version 8, default-domain opset 13) as bytes. */
export function encodeModel(graph: Graph, name = 'test_graph'): Uint8Array {
  const g = new Message()
  graph.nodes.forEach((node, i) => g.message(1, nodeProto(node, i)))
  g.string(2, name)
  for (const tensor of graph.initializers ?? []) g.message(5, tensorProto(tensor))
  for (const input of graph.inputs) g.message(11, valueInfoProto(input))
  for (const output of graph.outputs) g.message(12, valueInfoProto(output))
  return new Message()
    .int(1, 8)
    .string(2, 'zoo-explorer-tests')
    .message(7, g)
    .message(8, new Message().string(1, '').int(2, 13))
    .encode()
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
