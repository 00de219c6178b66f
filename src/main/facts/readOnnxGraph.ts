/**
 * Reads an ONNX model's graph from its file without reading its weights: the ModelProto is walked
 * field by field with positional reads, nodes and tensors are descended into, and a tensor's data
 * is jumped over unless it is small (a shape, axes, a scale). A 1.8 GB model costs its graph's
 * bytes plus a few kilobytes, never its weights; a model whose weights are in an external data
 * file (`model.onnx.data`, past protobuf's 2 GB) is read the same way, the data file untouched.
 * Every length is checked against what is left of its message before anything is read.
 */
import { basename } from 'node:path'
import { AppError } from '../../shared/errors'
import { fileError, openRegularFile } from '../files/regularFile'
import { FormatError, count as n } from '../paddle/formatError'
import { FileCursor, type PositionalFile, positionalFile } from '../paddle/positionalFile'
import { ProtoReader, WireType } from '../paddle/protobufReader'
import {
  type AttributeValue,
  ElemType,
  type GraphNode,
  type GraphTensor,
  type OnnxGraphInfo,
  elementCount,
} from './onnxGraph'
import {
  decodeEntry,
  decodeOpset,
  decodePacked,
  decodeRawValues,
  decodeValueInfo,
} from './onnxMessages'

/** Tensors up to this many elements keep their values (Reshape shapes, Slice bounds, scales). */
const SMALL_TENSOR_ELEMENTS = 4096
/** Data fields up to this many bytes are read; larger ones are weights and are jumped over. */
const SMALL_DATA_BYTES = 64 * 1024
/** Strings (names, op types, string attributes) longer than this are garbage, not a graph. */
const MAX_STRING_BYTES = 1024 * 1024
/** A tag and a length are at most ten bytes each. */
const FIELD_HEADER_MAX = 20
/** Read-ahead of the cursor: a run of small nodes costs one read. */
const READ_AHEAD = 64 * 1024
/**
 * Past these counts a file is not a graph this reader takes: the largest real models have about
 * 10^5 nodes, and every node or tensor costs far more memory held than its bytes in the file.
 */
const MAX_NODES = 1_000_000
const MAX_DIMS = 64
/** TensorProto.DataLocation.EXTERNAL */
const EXTERNAL = 1

const wireNames = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32']

interface FieldHeader {
  field: number
  wire: WireType
  /** File offset of the tag. */
  at: number
  /** File offset of the value (after the tag, and the length for length-delimited fields). */
  start: number
  /** Bytes of the value; 0 for varints, whose value is `varint`. */
  length: number
  varint: bigint
}

const utf8 = new TextDecoder('utf-8')

/** The next field of the message that ends at `end`, the cursor left at its value. */
async function fieldHeader(c: FileCursor, end: number): Promise<FieldHeader> {
  const at = c.pos
  const head = await c.peek(Math.min(FIELD_HEADER_MAX, end - at), 1, 'a field header')
  const r = new ProtoReader(head, 0, head.length, at)
  const tag = r.tag()
  let length = 0
  let varint = 0n
  switch (tag.wire) {
    case WireType.VARINT:
      varint = r.uint64()
      break
    case WireType.I32:
      length = 4
      break
    case WireType.I64:
      length = 8
      break
    case WireType.LEN: {
      const claimed = r.uint64()
      const left = end - (at + r.offset)
      if (claimed > BigInt(left))
        throw new FormatError(
          `length ${claimed.toString()} at byte ${n(at)} runs past the end of its message (${n(left)} bytes left)`,
          at,
        )
      length = Number(claimed)
      break
    }
    default:
      throw new FormatError(`a group field, which ONNX never writes, at byte ${n(at)}`, at)
  }
  c.pos = at + r.offset
  if (tag.wire !== WireType.LEN && c.pos + length > end)
    throw new FormatError(`truncated ${wireNames[tag.wire]} value at byte ${n(at)}`, at)
  return { field: tag.field, wire: tag.wire, at, start: c.pos, length, varint }
}

function expectWire(h: FieldHeader, wire: WireType, what: string): void {
  if (h.wire !== wire)
    throw new FormatError(
      `${what} (field ${h.field}) is ${wireNames[h.wire]}, not ${wireNames[wire]}, at byte ${n(h.at)}`,
      h.at,
    )
}

function skip(c: FileCursor, h: FieldHeader): void {
  c.pos = h.start + h.length
}

async function payload(c: FileCursor, h: FieldHeader, what: string): Promise<Uint8Array> {
  return c.take(h.length, what)
}

async function reader(c: FileCursor, h: FieldHeader, what: string): Promise<ProtoReader> {
  const bytes = await payload(c, h, what)
  return new ProtoReader(bytes, 0, bytes.length, h.start)
}

async function stringField(c: FileCursor, h: FieldHeader, what: string): Promise<string> {
  expectWire(h, WireType.LEN, what)
  if (h.length > MAX_STRING_BYTES)
    throw new FormatError(`${what} at byte ${n(h.at)} is ${n(h.length)} bytes long`, h.at)
  return utf8.decode(await payload(c, h, what))
}

async function float32(c: FileCursor, h: FieldHeader): Promise<number> {
  const bytes = await payload(c, h, 'a float')
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true)
}

async function float64(c: FileCursor, h: FieldHeader): Promise<number> {
  const bytes = await payload(c, h, 'a double')
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true)
}

const int64Of = (h: FieldHeader) => Number(BigInt.asIntN(64, h.varint))

/**
 * A repeated number field into `into`: packed (one length-delimited run, read when small, else
 * null so the caller knows the values were left) or one unpacked value.
 */
async function repeatedNumbers(
  c: FileCursor,
  h: FieldHeader,
  element: 'float' | 'double' | 'varint',
  into: number[] | null,
  limit = SMALL_DATA_BYTES,
): Promise<number[] | null> {
  if (h.wire === WireType.LEN) {
    if (into === null || h.length > limit) {
      skip(c, h)
      return null
    }
    into.push(...decodePacked(await payload(c, h, 'repeated values'), element, h.start))
    return into.length > SMALL_TENSOR_ELEMENTS ? null : into
  }
  const wire =
    element === 'float' ? WireType.I32 : element === 'double' ? WireType.I64 : WireType.VARINT
  expectWire(h, wire, 'a repeated value')
  const value =
    element === 'float'
      ? await float32(c, h)
      : element === 'double'
        ? await float64(c, h)
        : int64Of(h)
  into?.push(value)
  return into !== null && into.length > SMALL_TENSOR_ELEMENTS ? null : into
}

/** TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, uint64_data 11, external_data 13, data_location 14. */
async function walkTensor(c: FileCursor, end: number): Promise<GraphTensor> {
  const startAt = c.pos
  const dims: number[] = []
  let dataType = 0
  let name = ''
  let raw: { bytes: Uint8Array; at: number } | null = null
  let typed: number[] | null = []
  let sawTyped = false
  let location: string | null = null
  let externalFlag = false
  while (c.pos < end) {
    const h = await fieldHeader(c, end)
    switch (h.field) {
      case 1:
        if (
          (await repeatedNumbers(c, h, 'varint', dims, MAX_DIMS * 10)) === null ||
          dims.length > MAX_DIMS
        )
          throw new FormatError(
            `a tensor at byte ${n(startAt)} has over ${MAX_DIMS} dimensions`,
            startAt,
          )
        break
      case 2:
        expectWire(h, WireType.VARINT, 'TensorProto.data_type')
        dataType = Number(BigInt.asIntN(32, h.varint))
        break
      case 8:
        name = await stringField(c, h, 'a tensor name')
        break
      case 9:
        expectWire(h, WireType.LEN, 'TensorProto.raw_data')
        if (h.length <= SMALL_DATA_BYTES)
          raw = { bytes: await payload(c, h, 'raw data'), at: h.start }
        else {
          raw = null
          typed = null
          skip(c, h)
        }
        break
      case 4:
        sawTyped = true
        typed = await repeatedNumbers(c, h, 'float', typed)
        break
      case 10:
        sawTyped = true
        typed = await repeatedNumbers(c, h, 'double', typed)
        break
      case 5:
      case 7:
      case 11:
        sawTyped = true
        typed = await repeatedNumbers(c, h, 'varint', typed)
        break
      case 13: {
        expectWire(h, WireType.LEN, 'TensorProto.external_data')
        const entry = decodeEntry(await reader(c, h, 'an external data entry'))
        if (entry.key === 'location') location = entry.value
        break
      }
      case 14:
        expectWire(h, WireType.VARINT, 'TensorProto.data_location')
        externalFlag = h.varint === BigInt(EXTERNAL)
        break
      default:
        skip(c, h)
    }
    c.pos = h.start + h.length
  }
  if (dims.some((d) => d < 0))
    throw new FormatError(
      `tensor ${name || '(unnamed)'} at byte ${n(startAt)} has a negative dimension [${dims.join(', ')}]`,
      startAt,
    )
  const external = externalFlag ? (location ?? '') : null
  const count = elementCount(dims)
  let values: number[] | null = null
  if (external === null && count <= SMALL_TENSOR_ELEMENTS) {
    if (raw) values = decodeRawValues(dataType, raw.bytes, count, raw.at)
    // int32_data holds float16 and bfloat16 as bit patterns: not values.
    else if (sawTyped && typed && typed.length === count)
      values = dataType === ElemType.FLOAT16 || dataType === ElemType.BFLOAT16 ? null : typed
  }
  return { name, dataType, dims, external, values }
}

/** AttributeProto.AttributeType numbers. */
const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20. */
async function walkAttribute(
  c: FileCursor,
  end: number,
): Promise<{ name: string; value: AttributeValue }> {
  let name = ''
  let type = 0
  let f: number | null = null
  let i: number | null = null
  let s: string | null = null
  let t: GraphTensor | null = null
  let graph = false
  const floats: number[] = []
  const ints: number[] = []
  const strings: string[] = []
  // A list too long to be a shape fact (an embedded table) is not read: the attribute is opaque.
  let tooLong = false
  while (c.pos < end) {
    const h = await fieldHeader(c, end)
    switch (h.field) {
      case 1:
        name = await stringField(c, h, 'an attribute name')
        break
      case 2:
        expectWire(h, WireType.I32, 'AttributeProto.f')
        f = await float32(c, h)
        break
      case 3:
        expectWire(h, WireType.VARINT, 'AttributeProto.i')
        i = int64Of(h)
        break
      case 4:
        expectWire(h, WireType.LEN, 'AttributeProto.s')
        // A long string attribute (an embedded blob) is not a shape fact; leave it.
        if (h.length <= SMALL_DATA_BYTES) s = utf8.decode(await payload(c, h, 'a string attribute'))
        else {
          s = ''
          skip(c, h)
        }
        break
      case 5:
        expectWire(h, WireType.LEN, 'AttributeProto.t')
        t = await walkTensor(c, h.start + h.length)
        break
      case 6:
        graph = true
        skip(c, h)
        break
      case 7:
        if ((await repeatedNumbers(c, h, 'float', floats)) === null) tooLong = true
        break
      case 8:
        if ((await repeatedNumbers(c, h, 'varint', ints)) === null) tooLong = true
        break
      case 9:
        strings.push(await stringField(c, h, 'a string attribute'))
        break
      case 20:
        expectWire(h, WireType.VARINT, 'AttributeProto.type')
        type = Number(h.varint)
        break
      default:
        skip(c, h)
    }
    c.pos = h.start + h.length
  }
  const value: AttributeValue = tooLong
    ? { kind: 'other', type }
    : attributeValue(type, { f, i, s, t, graph, floats, ints, strings })
  return { name, value }
}

function attributeValue(
  type: number,
  v: {
    f: number | null
    i: number | null
    s: string | null
    t: GraphTensor | null
    graph: boolean
    floats: number[]
    ints: number[]
    strings: string[]
  },
): AttributeValue {
  switch (type) {
    case AttrType.FLOAT:
      return { kind: 'float', value: v.f ?? 0 }
    case AttrType.INT:
      return { kind: 'int', value: v.i ?? 0 }
    case AttrType.STRING:
      return { kind: 'string', value: v.s ?? '' }
    case AttrType.TENSOR:
      return v.t ? { kind: 'tensor', value: v.t } : { kind: 'other', type }
    case AttrType.GRAPH:
      return { kind: 'graph' }
    case AttrType.FLOATS:
      return { kind: 'floats', value: v.floats }
    case AttrType.INTS:
      return { kind: 'ints', value: v.ints }
    case AttrType.STRINGS:
      return { kind: 'strings', value: v.strings }
  }
  // Writers before IR 3 left the type out: go by the field that is there.
  if (type === 0) {
    if (v.t) return { kind: 'tensor', value: v.t }
    if (v.graph) return { kind: 'graph' }
    if (v.ints.length > 0) return { kind: 'ints', value: v.ints }
    if (v.floats.length > 0) return { kind: 'floats', value: v.floats }
    if (v.strings.length > 0) return { kind: 'strings', value: v.strings }
    if (v.i !== null) return { kind: 'int', value: v.i }
    if (v.f !== null) return { kind: 'float', value: v.f }
    if (v.s !== null) return { kind: 'string', value: v.s }
  }
  return { kind: 'other', type }
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
async function walkNode(c: FileCursor, end: number): Promise<GraphNode> {
  const node: GraphNode = {
    opType: '',
    domain: '',
    name: '',
    inputs: [],
    outputs: [],
    attributes: new Map(),
  }
  while (c.pos < end) {
    const h = await fieldHeader(c, end)
    switch (h.field) {
      case 1:
        node.inputs.push(await stringField(c, h, 'a node input'))
        break
      case 2:
        node.outputs.push(await stringField(c, h, 'a node output'))
        break
      case 3:
        node.name = await stringField(c, h, 'a node name')
        break
      case 4:
        node.opType = await stringField(c, h, 'an op type')
        break
      case 7:
        node.domain = await stringField(c, h, 'a node domain')
        break
      case 5: {
        expectWire(h, WireType.LEN, 'NodeProto.attribute')
        const { name, value } = await walkAttribute(c, h.start + h.length)
        node.attributes.set(name, value)
        break
      }
      default:
        skip(c, h)
    }
    c.pos = h.start + h.length
  }
  return node
}

/** GraphProto: node 1, initializer 5, input 11, output 12, value_info 13, sparse_initializer 15. */
async function walkGraph(c: FileCursor, end: number, graph: OnnxGraphInfo): Promise<void> {
  while (c.pos < end) {
    const h = await fieldHeader(c, end)
    const close = h.start + h.length
    switch (h.field) {
      case 1:
        expectWire(h, WireType.LEN, 'GraphProto.node')
        if (graph.nodes.length >= MAX_NODES)
          throw new FormatError(`its graph has over ${n(MAX_NODES)} nodes`, h.at)
        graph.nodes.push(await walkNode(c, close))
        break
      case 5:
        expectWire(h, WireType.LEN, 'GraphProto.initializer')
        if (graph.initializers.length >= MAX_NODES)
          throw new FormatError(`its graph has over ${n(MAX_NODES)} initializers`, h.at)
        graph.initializers.push(await walkTensor(c, close))
        break
      case 11:
      case 12:
      case 13: {
        expectWire(h, WireType.LEN, 'a value info')
        const info = decodeValueInfo(await reader(c, h, 'a value info'))
        ;(h.field === 11 ? graph.inputs : h.field === 12 ? graph.outputs : graph.valueInfo).push(
          info,
        )
        break
      }
      case 15:
        graph.sparseInitializers++
        skip(c, h)
        break
      default:
        skip(c, h)
    }
    c.pos = close
  }
}

/** ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8. */
export async function walkModel(file: PositionalFile): Promise<OnnxGraphInfo> {
  if (file.size === 0) throw new FormatError('the file is empty', 0)
  const c = new FileCursor(file, 0, READ_AHEAD)
  const graph: OnnxGraphInfo = {
    irVersion: null,
    producer: null,
    opsets: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
    initializers: [],
    nodes: [],
    sparseInitializers: 0,
  }
  let producerName = ''
  let producerVersion = ''
  let sawGraph = false
  while (c.pos < file.size) {
    const h = await fieldHeader(c, file.size)
    const close = h.start + h.length
    switch (h.field) {
      case 1:
        expectWire(h, WireType.VARINT, 'ModelProto.ir_version')
        graph.irVersion = Number(h.varint)
        break
      case 2:
        producerName = await stringField(c, h, 'the producer name')
        break
      case 3:
        producerVersion = await stringField(c, h, 'the producer version')
        break
      case 7:
        expectWire(h, WireType.LEN, 'ModelProto.graph')
        sawGraph = true
        await walkGraph(c, close, graph)
        break
      case 8:
        expectWire(h, WireType.LEN, 'ModelProto.opset_import')
        graph.opsets.push(decodeOpset(await reader(c, h, 'an opset import')))
        break
      default:
        skip(c, h)
    }
    c.pos = close
  }
  if (graph.irVersion === null) throw new FormatError('it has no ir_version (field 1)')
  if (!sawGraph) throw new FormatError('it has no graph (field 7)')
  if (producerName || producerVersion)
    graph.producer = { name: producerName, version: producerVersion }
  return graph
}

/** A model's bytes in memory as a file (tests, and models already read). */
export function memoryFile(bytes: Uint8Array): PositionalFile {
  let bytesRead = 0
  return {
    size: bytes.length,
    get bytesRead() {
      return bytesRead
    },
    read(position, want, need, what) {
      const length = Math.max(0, Math.min(want, bytes.length - position))
      if (length < need)
        return Promise.reject(
          new FormatError(`ends inside ${what} at byte ${n(position)}`, position),
        )
      bytesRead += length
      return Promise.resolve(bytes.subarray(position, position + length))
    },
  }
}

/**
 * The graph of the ONNX file at `path`. Refuses what is not a regular file (a FIFO, a device) and
 * files over the model cap; a malformed file is MODEL_INVALID naming it and the byte.
 */
export async function readOnnxGraph(path: string): Promise<OnnxGraphInfo & { fileBytes: number }> {
  const { handle, info } = await openRegularFile(path, 'model')
  try {
    const graph = await walkModel(positionalFile(handle, info.size))
    return { ...graph, fileBytes: info.size }
  } catch (error) {
    if (error instanceof FormatError)
      throw new AppError(
        'MODEL_INVALID',
        `${basename(path)} is not a readable ONNX model: ${error.message}.`,
        { offset: error.offset ?? null },
      )
    throw error instanceof AppError ? error : fileError(path, error, 'model')
  } finally {
    await handle.close().catch(() => {})
  }
}
