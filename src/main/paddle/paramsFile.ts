/**
 * Paddle's combined params file (`inference.pdiparams`): the program's persistable tensors one
 * after another in name order, each as
 *
 *   uint32 version (0) · uint64 LoD level count · per level: uint64 byte size + that many bytes ·
 *   uint32 tensor version (0) · int32 TensorDesc length · TensorDesc protobuf · raw data
 *
 * all little-endian, the data being product(dims) × element size bytes, and nothing after the
 * last tensor. The file holds no names: which tensor is which comes from the program.
 * `walkParams` reads only the headers (positional reads; the data is jumped over), checks each
 * against what the program expects there, and yields where each tensor's data lies, so a
 * converter can stream it later.
 */
import { type DataType, VarKind, elementSize, typeName } from './dataType'
import { FormatError, bytesText, count as n, countOf } from './formatError'
import { type FileCursor } from './positionalFile'
import { type ProgramDesc, type TensorDesc, readTensorDesc } from './programDesc'
import { ProtoReader } from './protobufReader'

/** What the program expects at one position of the params file; null where it does not say. */
export interface ParamsSlot {
  name: string
  dataType: DataType | null
  dims: readonly number[] | null
}

export interface ParamsTensor {
  /** Position in the file, 0-based. */
  index: number
  name: string
  dataType: DataType
  dims: number[]
  /** LoD levels stored with it (0 for parameters). */
  lodLevels: number
  /** Where its record (the version field) begins. */
  headerOffset: number
  dataOffset: number
  byteLength: number
}

/** Paddle stores at most a handful of LoD levels; more is a garbage count. */
const MAX_LOD_LEVELS = 64
/** A TensorDesc is a data type and a few dims: tens of bytes. */
const MAX_TENSOR_DESC_BYTES = 64 * 1024

export const shapeText = (dims: readonly number[]) => `[${dims.join(', ')}]`

function ordinal(i: number): string {
  const k = i + 1
  const suffix = k % 100 >= 11 && k % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th')
  return `${n(k)}${suffix}`
}

/**
 * Sorts by name in UTF-8 byte order (code point order), which is how Python's sorted() orders
 * the names Paddle saves; JavaScript's default sort (UTF-16 units) differs past U+FFFF.
 */
export function byName(a: { name: string }, b: { name: string }): number {
  return Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'))
}

/**
 * The params file's layout a Paddle 2 program implies: every persistable variable of every
 * block except feed, fetch and reader variables (which Paddle never saves), once per name, in
 * name order. A persistable variable that is not a dense tensor cannot be laid out here.
 */
export function programParams(program: ProgramDesc): ParamsSlot[] {
  const slots = new Map<string, ParamsSlot>()
  for (const block of program.blocks) {
    for (const v of block.vars) {
      if (!v.persistable || slots.has(v.name)) continue
      const kind = v.type.kind
      if (kind === VarKind.FEED_MINIBATCH || kind === VarKind.FETCH_LIST || kind === VarKind.READER)
        continue
      if (kind !== VarKind.LOD_TENSOR)
        throw new FormatError(
          `the program's persistable variable ${v.name} is a ${typeName(kind)}, which an inference params file cannot hold as a tensor`,
        )
      const tensor = v.type.tensor
      slots.set(v.name, {
        name: v.name,
        dataType: tensor?.dataType ?? null,
        dims: tensor?.dims ?? null,
      })
    }
  }
  return [...slots.values()].sort(byName)
}

function describe(dataType: DataType | null, dims: readonly number[] | null): string {
  return `${dims ? shapeText(dims) : '[?]'} ${dataType === null ? '?' : typeName(dataType)}`
}

function matches(slot: ParamsSlot, dataType: DataType, dims: readonly number[]): boolean {
  if (slot.dataType !== null && slot.dataType !== dataType) return false
  if (slot.dims === null) return true
  // A negative dim in the program (an axis fixed at run time) matches any stored size.
  return slot.dims.length === dims.length && slot.dims.every((d, i) => d < 0 || d === dims[i])
}

function u32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
}

function u64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
}

/** One record's header, up to where its data begins. */
interface RecordHeader {
  desc: TensorDesc
  lodLevels: number
  /** Where the TensorDesc begins. */
  descAt: number
}

/** Reads the header of the record at the cursor, which the program calls `name`. */
async function readHeader(cursor: FileCursor, name: string): Promise<RecordHeader> {
  const headerOffset = cursor.pos
  const header = `the header of ${name}`
  const version = u32(await cursor.take(4, header))
  if (version !== 0)
    throw new FormatError(
      `has version ${n(version)} where ${name}'s record begins, at byte ${n(headerOffset)} (expected 0): the file is damaged, or not a Paddle params file`,
      headerOffset,
    )
  const lodAt = cursor.pos
  const lodLevels = u64(await cursor.take(8, header))
  if (lodLevels > BigInt(MAX_LOD_LEVELS))
    throw new FormatError(
      `claims ${lodLevels.toString()} LoD levels for ${name} at byte ${n(lodAt)} (Paddle writes at most a few): the file is damaged`,
      lodAt,
    )
  for (let level = 0; level < Number(lodLevels); level++) {
    const levelAt = cursor.pos
    const size = u64(await cursor.take(8, header))
    if (size > BigInt(cursor.left))
      throw new FormatError(
        `ends early: LoD level ${level} of ${name} at byte ${n(levelAt)} claims ${size.toString()} bytes, but only ${n(cursor.left)} remain`,
        levelAt,
      )
    // The offsets themselves are not needed: parameters have none, and a converter skips them.
    cursor.pos += Number(size)
  }
  const tensorVersionAt = cursor.pos
  const tensorVersion = u32(await cursor.take(4, header))
  if (tensorVersion !== 0)
    throw new FormatError(
      `has tensor version ${n(tensorVersion)} for ${name} at byte ${n(tensorVersionAt)} (expected 0): the file is damaged`,
      tensorVersionAt,
    )
  const lengthAt = cursor.pos
  const length = u32(await cursor.take(4, header)) | 0
  if (length > cursor.left)
    throw new FormatError(
      `ends early: ${name}'s TensorDesc at byte ${n(lengthAt)} claims ${bytesText(length)}, but only ${n(cursor.left)} remain`,
      lengthAt,
    )
  if (length < 0 || length > MAX_TENSOR_DESC_BYTES)
    throw new FormatError(
      `claims a TensorDesc of ${n(length)} bytes for ${name} at byte ${n(lengthAt)}: the file is damaged`,
      lengthAt,
    )
  const descAt = cursor.pos
  const bytes = await cursor.take(length, `${name}'s TensorDesc`)
  try {
    const desc = readTensorDesc(new ProtoReader(bytes, 0, length, descAt), { at: 0 })
    return { desc, lodLevels: Number(lodLevels), descAt }
  } catch (error) {
    if (error instanceof FormatError)
      throw new FormatError(
        `has a malformed TensorDesc for ${name}: ${error.message}`,
        error.offset,
      )
    throw error
  }
}

/**
 * Walks the params file under `cursor` from its start, expecting exactly `slots`, and yields
 * each tensor. Throws FormatError (phrased to follow the params file's name) at the first thing
 * that is not as the program says: a record cut off, a bad version field, a tensor of another
 * type or shape, tensors missing, bytes left over.
 */
export async function* walkParams(
  cursor: FileCursor,
  slots: readonly ParamsSlot[],
): AsyncGenerator<ParamsTensor> {
  const expected = `the program's ${countOf(slots.length, 'persistable variable')}`
  for (const [index, slot] of slots.entries()) {
    const headerOffset = cursor.pos
    const which = `${slot.name} (the ${ordinal(index)} of ${expected}, in name order)`
    const more = slots.length - index - 1
    if (cursor.left === 0)
      throw new FormatError(
        `ends after ${countOf(index, 'tensor')}, at byte ${n(headerOffset)}: the program expects ${n(slots.length)}, and ${which}${more > 0 ? ` and ${n(more)} more are` : ' is'} missing`,
        headerOffset,
      )
    const { desc, lodLevels, descAt } = await readHeader(cursor, slot.name)
    const dataOffset = cursor.pos
    const stored = describe(desc.dataType, desc.dims)
    if (desc.dims.some((d) => d < 0))
      throw new FormatError(
        `stores ${slot.name} at byte ${n(headerOffset)} as ${stored}: a stored tensor cannot have a negative dimension`,
        descAt,
      )
    if (!matches(slot, desc.dataType, desc.dims))
      throw new FormatError(
        `does not match the program: the tensor at byte ${n(headerOffset)} is ${stored}, but there the program expects ${which}, ${describe(slot.dataType, slot.dims)}`,
        headerOffset,
      )
    const byteLength = dataBytes(desc.dims, elementSize(desc.dataType))
    if (byteLength === null || byteLength > cursor.left) {
      const needs =
        byteLength === null
          ? `${stored}, more bytes than the file holds,`
          : `${bytesText(byteLength)} of ${typeName(desc.dataType)} data`
      const short = byteLength === null ? '' : ` ${bytesText(byteLength - cursor.left)}`
      const rest = more > 0 ? `, and ${countOf(more, 'more tensor')} should follow` : ''
      throw new FormatError(
        `ends${short} early: ${slot.name} needs ${needs} at byte ${n(dataOffset)}${rest}`,
        dataOffset,
      )
    }
    cursor.pos += byteLength
    yield { index, name: slot.name, ...desc, lodLevels, headerOffset, dataOffset, byteLength }
  }
  if (cursor.left > 0)
    throw new FormatError(
      `has ${bytesText(cursor.left)} after its last tensor (${expected} end at byte ${n(cursor.pos)}): the file is damaged, or belongs to another program`,
      cursor.pos,
    )
}

/** product(dims) × element size, or null when that is beyond exact numbers (a hostile shape). */
function dataBytes(dims: readonly number[], size: number): number | null {
  if (dims.includes(0)) return 0
  let bytes = size
  for (const d of dims) {
    bytes *= d
    if (bytes > Number.MAX_SAFE_INTEGER) return null
  }
  return bytes
}
