/**
 * A cheap structural check of an ONNX file: its top level is a well-formed ModelProto in
 * protobuf wire format that ends exactly at the end of the file, has an ir_version and a graph.
 * Length-delimited payloads (the graph and its weights) are jumped over, not read, so a 2 GB
 * model costs a few reads.
 */
import { FormatError, bytesText, count as n } from './formatError'
import { type FileCursor } from './positionalFile'
import { ProtoReader, WireType } from './protobufReader'

/** ModelProto's fields (onnx.proto) and their wire types. */
const modelFields: Record<number, { name: string; wire: WireType }> = {
  1: { name: 'ir_version', wire: WireType.VARINT },
  2: { name: 'producer_name', wire: WireType.LEN },
  3: { name: 'producer_version', wire: WireType.LEN },
  4: { name: 'domain', wire: WireType.LEN },
  5: { name: 'model_version', wire: WireType.VARINT },
  6: { name: 'doc_string', wire: WireType.LEN },
  7: { name: 'graph', wire: WireType.LEN },
  8: { name: 'opset_import', wire: WireType.LEN },
  14: { name: 'metadata_props', wire: WireType.LEN },
  20: { name: 'training_info', wire: WireType.LEN },
  25: { name: 'functions', wire: WireType.LEN },
  26: { name: 'configuration', wire: WireType.LEN },
}

/** A tag and a length are at most ten bytes each. */
const FIELD_HEADER_MAX = 20

export interface OnnxTopLevel {
  /** Top-level fields, by number, in file order. */
  fields: number[]
  graphBytes: number
}

interface FieldHeader {
  field: number
  wire: WireType
  name: string
  /** Bytes of tag and length. */
  headerBytes: number
  /** Bytes of the value after the header. */
  payload: bigint
}

/** Decodes one top-level field's tag (and length) from `head`, read at file offset `start`. */
function fieldHeader(head: Uint8Array, start: number): FieldHeader {
  const r = new ProtoReader(head, 0, head.length, start)
  try {
    const tag = r.tag()
    const known = modelFields[tag.field]
    if (known) r.expect(tag, known.wire, `ModelProto.${known.name}`)
    let payload = 0n
    if (tag.wire === WireType.VARINT) r.uint64()
    else if (tag.wire === WireType.I64) payload = 8n
    else if (tag.wire === WireType.I32) payload = 4n
    else if (tag.wire === WireType.LEN) payload = r.uint64()
    else throw r.error(`a group field (wire type ${tag.wire}), which ONNX never writes,`, tag.at)
    const name = known ? known.name : `field ${tag.field}`
    return { field: tag.field, wire: tag.wire, name, headerBytes: r.offset, payload }
  } catch (error) {
    if (error instanceof FormatError)
      throw new FormatError(`is not an ONNX model: ${error.message}`, error.offset)
    throw error
  }
}

/** Walks the ModelProto under `cursor` from its start. Throws FormatError. */
export async function checkOnnxTopLevel(cursor: FileCursor): Promise<OnnxTopLevel> {
  if (cursor.left === 0) throw new FormatError('is empty', 0)
  const result: OnnxTopLevel = { fields: [], graphBytes: 0 }
  while (cursor.left > 0) {
    const start = cursor.pos
    const header = fieldHeader(await cursor.peek(FIELD_HEADER_MAX, 1, 'a field header'), start)
    const left = cursor.left - header.headerBytes
    if (header.payload > BigInt(left))
      throw new FormatError(
        `ends early: its ${header.name} at byte ${n(start)} claims ${header.payload <= BigInt(Number.MAX_SAFE_INTEGER) ? bytesText(Number(header.payload)) : `${header.payload.toString()} bytes`}, but only ${n(left)} remain`,
        start,
      )
    const payload = Number(header.payload)
    cursor.pos = start + header.headerBytes + payload
    result.fields.push(header.field)
    if (header.field === 7) result.graphBytes += payload
  }
  if (!result.fields.includes(1))
    throw new FormatError('is not an ONNX model: it has no ir_version (field 1)')
  if (!result.fields.includes(7))
    throw new FormatError('is not an ONNX model: it has no graph (field 7)')
  return result
}
