/**
 * ONNX ModelProto written from a plain description (nodes, initializers, inputs, outputs), field
 * numbers as in onnx/onnx.proto. Initializer data may be bytes in memory or a `ByteSource`
 * streamed from elsewhere (a Paddle params file), and tensors can go to an external data file
 * beside the model, which ONNX needs once a model passes protobuf's 2 GB limit.
 */
import { open } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { type ByteSource, ProtoWriter } from './protoWriter'

/** TensorProto.DataType. */
export const OnnxType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const
export type OnnxType = (typeof OnnxType)[keyof typeof OnnxType]

/** A dimension: a fixed size, or a name for one fixed only at run time (the batch axis). */
export type OnnxDim = number | string

export interface OnnxTensor {
  name: string
  dataType: OnnxType
  dims: readonly number[]
  /** Little-endian raw data. */
  data: Uint8Array | ByteSource
}

export type OnnxAttribute =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: readonly number[] }
  | { ints: readonly number[] }
  | { t: OnnxTensor }

export interface OnnxNode {
  opType: string
  inputs: readonly string[]
  outputs: readonly string[]
  name?: string
  attributes?: Readonly<Record<string, OnnxAttribute>>
}

export interface OnnxValueInfo {
  name: string
  elemType: OnnxType
  shape: readonly OnnxDim[]
}

export interface OnnxGraph {
  name: string
  nodes: readonly OnnxNode[]
  initializers: readonly OnnxTensor[]
  inputs: readonly OnnxValueInfo[]
  outputs: readonly OnnxValueInfo[]
}

export interface OnnxModelSpec {
  graph: OnnxGraph
  opset: number
  producer?: { name: string; version: string }
  /** Shown by Netron and kept by tools: where the model came from. */
  metadata?: Readonly<Record<string, string>>
  docString?: string
}

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const
/** TensorProto.DataLocation.EXTERNAL */
const EXTERNAL = 1

/** ONNX IR version per opset: IR 8 reads opsets up to 18, IR 7 up to 15. */
function irVersion(opset: number): number {
  return opset <= 15 ? 7 : 8
}

/** Where a tensor's data goes: inside the model, or at an offset of the external data file. */
type Placement = { inline: true } | { inline: false; location: string; offset: number }

function tensorProto(tensor: OnnxTensor, placement: Placement = { inline: true }): ProtoWriter {
  const m = new ProtoWriter().ints(1, tensor.dims, true).int(2, tensor.dataType)
  m.string(8, tensor.name)
  if (placement.inline) {
    if (tensor.data instanceof Uint8Array) m.bytes(9, tensor.data)
    else m.source(9, tensor.data)
    return m
  }
  const entry = (key: string, value: string) => new ProtoWriter().string(1, key).string(2, value)
  m.message(13, entry('location', placement.location))
  m.message(13, entry('offset', String(placement.offset)))
  m.message(13, entry('length', String(tensor.data.byteLength)))
  return m.int(14, EXTERNAL)
}

function attributeProto(name: string, value: OnnxAttribute): ProtoWriter {
  const m = new ProtoWriter().string(1, name)
  if ('f' in value) return m.float(2, value.f).int(20, ATTR.FLOAT)
  if ('i' in value) return m.int(3, value.i).int(20, ATTR.INT)
  if ('s' in value) return m.string(4, value.s).int(20, ATTR.STRING)
  if ('t' in value) return m.message(5, tensorProto(value.t)).int(20, ATTR.TENSOR)
  if ('floats' in value) return m.floats(7, value.floats, true).int(20, ATTR.FLOATS)
  return m.ints(8, value.ints, true).int(20, ATTR.INTS)
}

function nodeProto(node: OnnxNode): ProtoWriter {
  const m = new ProtoWriter()
  for (const input of node.inputs) m.string(1, input)
  for (const output of node.outputs) m.string(2, output)
  if (node.name) m.string(3, node.name)
  m.string(4, node.opType)
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    m.message(5, attributeProto(name, value))
  return m
}

function valueInfoProto(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter()
  for (const dim of info.shape)
    shape.message(
      1,
      typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim),
    )
  const tensorType = new ProtoWriter().int(1, info.elemType).message(2, shape)
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType))
}

function modelProto(spec: OnnxModelSpec, placements?: ReadonlyMap<string, Placement>) {
  const g = new ProtoWriter()
  for (const node of spec.graph.nodes) g.message(1, nodeProto(node))
  g.string(2, spec.graph.name)
  for (const tensor of spec.graph.initializers)
    g.message(5, tensorProto(tensor, placements?.get(tensor.name)))
  for (const input of spec.graph.inputs) g.message(11, valueInfoProto(input))
  for (const output of spec.graph.outputs) g.message(12, valueInfoProto(output))
  const m = new ProtoWriter().int(1, irVersion(spec.opset))
  if (spec.producer) m.string(2, spec.producer.name).string(3, spec.producer.version)
  if (spec.docString) m.string(6, spec.docString)
  m.message(7, g).message(8, new ProtoWriter().string(1, '').int(2, spec.opset))
  for (const [key, value] of Object.entries(spec.metadata ?? {}))
    m.message(14, new ProtoWriter().string(1, key).string(2, value))
  return m
}

/** The model's bytes, for models whose data is all in memory (tests, small models). */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  return modelProto(spec).encode()
}

/** Protobuf cannot read a message of 2 GiB or more; stay well clear of it. */
export const INLINE_LIMIT_BYTES = 1800 * 1024 * 1024

export interface WrittenModel {
  /** Bytes of the model file. */
  bytes: number
  /** The external data file, when the weights went there. */
  dataPath: string | null
}

export interface WriteOptions {
  /** Past this many bytes the weights go to an external data file. */
  inlineLimit?: number
  /** That file's name, beside `path` (default: the model's name + ".data"). */
  dataFile?: string
}

/**
 * Writes the model to `path`, streaming initializer data. When the model would reach the inline
 * limit, every initializer of 1 KiB or more goes to the external data file instead (named in the
 * model relative to it, as onnxruntime resolves it), and the model file holds only the graph.
 */
export async function writeOnnxModel(
  path: string,
  spec: OnnxModelSpec,
  options: WriteOptions = {},
): Promise<WrittenModel> {
  const inline = modelProto(spec)
  if (inline.byteLength < (options.inlineLimit ?? INLINE_LIMIT_BYTES))
    return { bytes: await writeMessage(path, inline), dataPath: null }
  const dataPath = join(dirname(path), options.dataFile ?? `${basename(path)}.data`)
  const placements = new Map<string, Placement>()
  const external: OnnxTensor[] = []
  let offset = 0
  for (const tensor of spec.graph.initializers) {
    if (tensor.data.byteLength < 1024) continue
    // Aligned to 4 KiB so onnxruntime can map each tensor.
    offset = Math.ceil(offset / 4096) * 4096
    placements.set(tensor.name, { inline: false, location: basename(dataPath), offset })
    external.push(tensor)
    offset += tensor.data.byteLength
  }
  const data = new ProtoWriter()
  let at = 0
  for (const tensor of external) {
    const placement = placements.get(tensor.name) as { offset: number }
    if (placement.offset > at) data.raw(new Uint8Array(placement.offset - at))
    if (tensor.data instanceof Uint8Array) data.raw(tensor.data)
    else data.stream(tensor.data)
    at = placement.offset + tensor.data.byteLength
  }
  await writeMessage(dataPath, data)
  return { bytes: await writeMessage(path, modelProto(spec, placements)), dataPath }
}

async function writeMessage(path: string, message: ProtoWriter): Promise<number> {
  const handle = await open(path, 'w')
  try {
    await message.writeTo(async (bytes) => {
      let written = 0
      while (written < bytes.length)
        written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten
    })
    await handle.sync()
  } finally {
    await handle.close()
  }
  return message.byteLength
}
