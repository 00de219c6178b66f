/**
 * The small ONNX messages decoded from bytes in memory: value infos (name, element type, shape
 * with symbolic dims), opset imports, key/value entries, and the values of small tensors from
 * their raw or typed data. Field numbers as in onnx/onnx.proto. Pure.
 */
import { FormatError } from '../paddle/formatError'
import { ProtoReader, WireType } from '../paddle/protobufReader'
import { ElemType, type GraphDim, type GraphValueInfo } from './onnxGraph'

export function decodeOpset(r: ProtoReader): { domain: string; version: number } {
  let domain = ''
  let version = 0
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1 && tag.wire === WireType.LEN) domain = r.string()
    else if (tag.field === 2 && tag.wire === WireType.VARINT)
      version = r.int64Number('an opset version')
    else r.skip(tag)
  }
  return { domain, version }
}

/** StringStringEntryProto (external data entries, metadata). */
export function decodeEntry(r: ProtoReader): { key: string; value: string } {
  let key = ''
  let value = ''
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1 && tag.wire === WireType.LEN) key = r.string()
    else if (tag.field === 2 && tag.wire === WireType.LEN) value = r.string()
    else r.skip(tag)
  }
  return { key, value }
}

function decodeDim(r: ProtoReader): GraphDim {
  let dim: GraphDim = null
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1 && tag.wire === WireType.VARINT) dim = r.int64Number('a dimension')
    else if (tag.field === 2 && tag.wire === WireType.LEN) dim = r.string()
    else r.skip(tag)
  }
  return dim
}

/** TypeProto.Tensor: elem_type 1, shape 2 (TensorShapeProto: dim 1). */
function decodeTensorType(r: ProtoReader): { elemType: number; dims: GraphDim[] | null } {
  let elemType = 0
  let dims: GraphDim[] | null = null
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1 && tag.wire === WireType.VARINT) elemType = r.int32()
    else if (tag.field === 2 && tag.wire === WireType.LEN) {
      const shape = r.message()
      dims = []
      while (!shape.done()) {
        const dimTag = shape.tag()
        if (dimTag.field === 1 && dimTag.wire === WireType.LEN)
          dims.push(decodeDim(shape.message()))
        else shape.skip(dimTag)
      }
    } else r.skip(tag)
  }
  return { elemType, dims }
}

/** ValueInfoProto: name 1, type 2 (TypeProto: tensor_type 1; other kinds left as unknown). */
export function decodeValueInfo(r: ProtoReader): GraphValueInfo {
  const info: GraphValueInfo = { name: '', elemType: 0, dims: null }
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1 && tag.wire === WireType.LEN) info.name = r.string()
    else if (tag.field === 2 && tag.wire === WireType.LEN) {
      const type = r.message()
      while (!type.done()) {
        const typeTag = type.tag()
        if (typeTag.field === 1 && typeTag.wire === WireType.LEN)
          Object.assign(info, decodeTensorType(type.message()))
        else type.skip(typeTag)
      }
    } else r.skip(tag)
  }
  return info
}

/** Bytes per element of the types whose raw data this reader decodes. */
const rawWidth: Partial<Record<number, number>> = {
  [ElemType.FLOAT]: 4,
  [ElemType.DOUBLE]: 8,
  [ElemType.INT64]: 8,
  [ElemType.INT32]: 4,
  [ElemType.INT16]: 2,
  [ElemType.INT8]: 1,
  [ElemType.UINT8]: 1,
  [ElemType.BOOL]: 1,
}

/** A tensor's raw_data (little-endian) as numbers, or null for a type it does not read. */
export function decodeRawValues(
  dataType: number,
  bytes: Uint8Array,
  count: number,
  offset: number,
): number[] | null {
  const width = rawWidth[dataType]
  if (width === undefined) return null
  if (bytes.length !== width * count)
    throw new FormatError(
      `a tensor of ${count} elements has ${bytes.length} bytes of raw data, not ${width * count}`,
      offset,
    )
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const at = i * width
    switch (dataType) {
      case ElemType.FLOAT:
        out.push(view.getFloat32(at, true))
        break
      case ElemType.DOUBLE:
        out.push(view.getFloat64(at, true))
        break
      // Beyond 2^53 only the magnitude matters here (INT64_MAX as "to the end" of a Slice).
      case ElemType.INT64:
        out.push(Number(view.getBigInt64(at, true)))
        break
      case ElemType.INT32:
        out.push(view.getInt32(at, true))
        break
      case ElemType.INT16:
        out.push(view.getInt16(at, true))
        break
      case ElemType.INT8:
        out.push(view.getInt8(at))
        break
      default:
        out.push(view.getUint8(at))
    }
  }
  return out
}

/** A packed repeated field's payload (its bytes after the length) as numbers. */
export function decodePacked(
  payload: Uint8Array,
  element: 'float' | 'double' | 'varint',
  origin: number,
): number[] {
  const r = new ProtoReader(payload, 0, payload.length, origin)
  const out: number[] = []
  while (!r.done())
    out.push(
      element === 'float' ? r.float() : element === 'double' ? r.double() : Number(r.int64()),
    )
  return out
}
