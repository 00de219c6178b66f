/**
 * Protobuf wire format, read by hand over bytes in memory: varints (32-bit, and 64-bit as bigint
 * or as a number checked to be exact), fixed 32/64-bit values, length-delimited fields, repeated
 * scalars packed or unpacked, and skipping of unknown fields of every wire type. Every failure is
 * a FormatError that says at which byte of the file what went wrong; nothing here allocates more
 * than the bytes it was given, whatever lengths the bytes claim. Pure.
 */
import { FormatError, count } from './formatError'

export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  START_GROUP: 3,
  END_GROUP: 4,
  I32: 5,
} as const
export type WireType = (typeof WireType)[keyof typeof WireType]

const wireNames = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32']

/** Groups are a proto2 relic that Paddle and ONNX never write; deeper nesting is garbage. */
const MAX_GROUP_DEPTH = 32

export interface FieldTag {
  field: number
  wire: WireType
  /** Position of the tag itself in the reader's bytes (not counting `origin`). */
  at: number
}

const utf8 = new TextDecoder('utf-8')

/**
 * A cursor over one message: `bytes[start, end)`. Offsets in errors are `origin` plus the
 * position in `bytes`: a reader over a whole file (origin 0) reports file offsets, and so does
 * a reader over a piece of a file read from `origin`, and every sub-reader made by `message()`.
 */
export class ProtoReader {
  private pos: number
  private readonly view: DataView

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    readonly origin = 0,
  ) {
    this.pos = start
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Position in `bytes` (not counting `origin`). */
  get offset(): number {
    return this.pos
  }

  done(): boolean {
    return this.pos >= this.end
  }

  error(message: string, at = this.pos): FormatError {
    const where = this.origin + at
    return new FormatError(`${message} at byte ${count(where)}`, where)
  }

  /** The next field's number and wire type. */
  tag(): FieldTag {
    const at = this.pos
    const short = this.shortVarint()
    if (short >= 0) {
      const wire = short & 7
      const field = short >>> 3
      if (wire > 5) throw this.error(`invalid wire type ${wire}`, at)
      if (field === 0) throw this.error('invalid field number 0', at)
      return { field, wire: wire as WireType, at }
    }
    const key = this.uint64()
    const wire = Number(key & 7n)
    const field = key >> 3n
    if (wire > 5) throw this.error(`invalid wire type ${wire}`, at)
    if (field === 0n || field > 0x1fffffffn)
      throw this.error(`invalid field number ${field.toString()}`, at)
    return { field: Number(field), wire: wire as WireType, at }
  }

  /** Fails unless `tag` has the wire type its field is declared with. */
  expect(tag: FieldTag, wire: WireType, what: string): void {
    if (tag.wire !== wire)
      throw this.error(
        `${what} (field ${tag.field}) is ${wireNames[tag.wire]}, not ${wireNames[wire]},`,
        tag.at,
      )
  }

  /** `value`, or a FormatError "`message` at byte N" naming the message (`at`) that lacks it. */
  required<T>(value: T | null, message: string, at: FieldTag): T {
    if (value === null) throw this.error(message, at.at)
    return value
  }

  /** An unsigned 64-bit varint. */
  uint64(): bigint {
    const start = this.pos
    const first = this.byteOf(start)
    if (first < 0x80) {
      this.pos++
      return BigInt(first)
    }
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      const b = this.byteOf(start)
      this.pos++
      if (i === 9 && b > 1) throw this.error('varint overflows 64 bits', start)
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return result
      shift += 7n
    }
    // Unreachable: a tenth byte with its continuation bit set is over 1.
    throw this.error('varint overflows 64 bits', start)
  }

  /** A signed 64-bit varint (negative values take ten bytes, two's complement). */
  int64(): bigint {
    return BigInt.asIntN(64, this.uint64())
  }

  /** An int64 that must fit a JavaScript number exactly (sizes, dims, versions). */
  int64Number(what: string): number {
    const at = this.pos
    const value = this.int64()
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER))
      throw this.error(`${what} ${value.toString()} is out of range`, at)
    return Number(value)
  }

  /**
   * An int32 (or enum) varint: the low 32 bits, signed. Writers sign-extend negative int32
   * values to ten bytes; those are read whole and checked like any varint.
   */
  int32(): number {
    const start = this.pos
    const first = this.byteOf(start)
    if (first < 0x80) {
      this.pos++
      return first
    }
    let value = 0
    for (let i = 0; i < 10; i++) {
      const b = this.byteOf(start)
      this.pos++
      if (i < 5) value |= (b & 0x7f) << (7 * i)
      if (i === 9 && b > 1) throw this.error('varint overflows 64 bits', start)
      if (b < 0x80) return value | 0
    }
    // Unreachable: a tenth byte with its continuation bit set is over 1.
    throw this.error('varint overflows 64 bits', start)
  }

  uint32(): number {
    return this.int32() >>> 0
  }

  bool(): boolean {
    return this.uint64() !== 0n
  }

  fixed32(): number {
    const at = this.need(4, 'fixed32')
    return this.view.getUint32(at, true)
  }

  float(): number {
    const at = this.need(4, 'float')
    return this.view.getFloat32(at, true)
  }

  fixed64(): bigint {
    const at = this.need(8, 'fixed64')
    return this.view.getBigUint64(at, true)
  }

  double(): number {
    const at = this.need(8, 'double')
    return this.view.getFloat64(at, true)
  }

  /** The payload of a length-delimited field, as a view (no copy). */
  bytesField(): Uint8Array {
    const { start, end } = this.lengthDelimited()
    return this.bytes.subarray(start, end)
  }

  string(): string {
    return utf8.decode(this.bytesField())
  }

  /** A reader over the embedded message that follows. */
  message(): ProtoReader {
    const { start, end } = this.lengthDelimited()
    return new ProtoReader(this.bytes, start, end, this.origin)
  }

  /**
   * One or more values of a repeated scalar field into `into`: packed (one length-delimited
   * run) or unpacked (one value per tag), whichever the writer chose.
   */
  repeated<T>(
    tag: FieldTag,
    elementWire: WireType,
    what: string,
    read: (reader: ProtoReader) => T,
    into: T[],
  ): void {
    if (tag.wire === WireType.LEN && elementWire !== WireType.LEN) {
      const packed = this.message()
      while (!packed.done()) into.push(read(packed))
      return
    }
    this.expect(tag, elementWire, what)
    into.push(read(this))
  }

  /** Skips the value of a field this reader does not know. */
  skip(tag: FieldTag): void {
    switch (tag.wire) {
      case WireType.VARINT:
        this.uint64()
        return
      case WireType.I64:
        this.need(8, 'fixed64')
        return
      case WireType.I32:
        this.need(4, 'fixed32')
        return
      case WireType.LEN:
        this.lengthDelimited()
        return
      case WireType.START_GROUP:
        this.skipGroup(tag)
        return
      case WireType.END_GROUP:
        throw this.error(`end-group (field ${tag.field}) without a start`, tag.at)
    }
  }

  /** Skips to the end-group matching `open`, through nested groups, without recursion. */
  private skipGroup(open: FieldTag): void {
    const stack = [open.field]
    while (stack.length > 0) {
      if (this.done()) throw this.error(`group (field ${open.field}) is not closed`, open.at)
      const tag = this.tag()
      if (tag.wire === WireType.START_GROUP) {
        if (stack.length >= MAX_GROUP_DEPTH)
          throw this.error(`groups nested deeper than ${MAX_GROUP_DEPTH}`, tag.at)
        stack.push(tag.field)
      } else if (tag.wire === WireType.END_GROUP) {
        if (tag.field !== stack.pop())
          throw this.error(`end-group (field ${tag.field}) closes another group`, tag.at)
      } else {
        this.skip(tag)
      }
    }
  }

  private lengthDelimited(): { start: number; end: number } {
    const at = this.pos
    const short = this.shortVarint()
    const length = short >= 0 ? short : this.uint64()
    const left = this.end - this.pos
    if (length > left)
      throw this.error(
        `length ${length.toString()} runs past the end of its message (${count(left)} bytes left)`,
        at,
      )
    const start = this.pos
    this.pos += Number(length)
    return { start, end: this.pos }
  }

  /**
   * The common case of tags and lengths without bigint: a varint of at most four bytes (below
   * 2^28) as a number, the cursor past it; -1, the cursor unmoved, for anything else.
   */
  private shortVarint(): number {
    const b = this.bytes
    const p = this.pos
    let value = 0
    for (let i = 0; i < 4 && p + i < this.end; i++) {
      const byte = b[p + i]!
      value |= (byte & 0x7f) << (7 * i)
      if (byte < 0x80) {
        this.pos = p + i + 1
        return value
      }
    }
    return -1
  }

  /** Claims `n` bytes and returns where they start. */
  private need(n: number, what: string): number {
    if (this.end - this.pos < n) throw this.error(`truncated ${what}`)
    const at = this.pos
    this.pos += n
    return at
  }

  /** The byte at the cursor; a varint that runs off the end is reported where it began. */
  private byteOf(varintStart: number): number {
    if (this.pos >= this.end) throw this.error('truncated varint', varintStart)
    return this.bytes[this.pos]!
  }
}
