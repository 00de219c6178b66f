/**
 * A protobuf encoder: messages built field by field, repeated scalars packed or unpacked, raw
 * bytes for writing what no encoder would (the tests' malformed files). A length-delimited field
 * can also be a `ByteSource` whose bytes are only produced when the message is written out, so an
 * ONNX model of gigabytes of weights is streamed from the params file, never held in memory.
 */

export const VARINT = 0
export const I64 = 1
export const LEN = 2
export const START_GROUP = 3
export const END_GROUP = 4
export const I32 = 5

/** Base-128 varint; negative values take ten bytes (two's complement), as protobuf does. */
export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value))
  const out: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) byte |= 0x80
    out.push(byte)
  } while (v !== 0n)
  return Uint8Array.from(out)
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Bytes of known length that are produced only when written (a tensor's data in a file). */
export interface ByteSource {
  readonly byteLength: number
  /** Calls `write` with the bytes in order, `byteLength` of them in all. */
  stream(write: (bytes: Uint8Array) => Promise<void>): Promise<void>
}

type Part = Uint8Array | ByteSource

export class ProtoWriter {
  private readonly parts: Part[] = []
  private length = 0

  /** Bytes this message takes when written. */
  get byteLength(): number {
    return this.length
  }

  private push(part: Part): this {
    this.parts.push(part)
    this.length += part.byteLength
    return this
  }

  /** Appends bytes as they are (a hand-made tag, garbage). */
  raw(bytes: Uint8Array | readonly number[]): this {
    return this.push(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))
  }

  tag(field: number, wire: number): this {
    return this.raw(varint(BigInt(field) * 8n + BigInt(wire)))
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, VARINT).raw(varint(value))
  }

  bool(field: number, value: boolean): this {
    return this.int(field, value ? 1 : 0)
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    return this.tag(field, I32).raw(bytes)
  }

  double(field: number, value: number): this {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setFloat64(0, value, true)
    return this.tag(field, I64).raw(bytes)
  }

  fixed32(field: number, value: number): this {
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setUint32(0, value, true)
    return this.tag(field, I32).raw(bytes)
  }

  fixed64(field: number, value: bigint): this {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigUint64(0, value, true)
    return this.tag(field, I64).raw(bytes)
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, LEN).raw(varint(value.length)).raw(value)
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  message(field: number, value: ProtoWriter): this {
    this.tag(field, LEN).raw(varint(value.length))
    for (const part of value.parts) this.push(part)
    return this
  }

  /** Appends a source's bytes as they are, with no tag (a plain data file). */
  stream(source: ByteSource): this {
    return this.push(source)
  }

  /** A length-delimited field whose bytes `source` streams when the message is written. */
  source(field: number, source: ByteSource): this {
    return this.tag(field, LEN).raw(varint(source.byteLength)).push(source)
  }

  /** A repeated varint field: one tag per value, or one packed run. */
  ints(field: number, values: readonly (number | bigint)[], packed = false): this {
    if (packed) return this.bytes(field, concat(values.map((v) => varint(v))))
    for (const v of values) this.int(field, v)
    return this
  }

  floats(field: number, values: readonly number[], packed = false): this {
    if (!packed) {
      for (const v of values) this.float(field, v)
      return this
    }
    const bytes = new Uint8Array(values.length * 4)
    values.forEach((v, i) => new DataView(bytes.buffer).setFloat32(i * 4, v, true))
    return this.bytes(field, bytes)
  }

  doubles(field: number, values: readonly number[], packed = false): this {
    if (!packed) {
      for (const v of values) this.double(field, v)
      return this
    }
    const bytes = new Uint8Array(values.length * 8)
    values.forEach((v, i) => new DataView(bytes.buffer).setFloat64(i * 8, v, true))
    return this.bytes(field, bytes)
  }

  /** The message's bytes; only for messages without streamed parts. */
  encode(): Uint8Array {
    return concat(
      this.parts.map((part) => {
        if (part instanceof Uint8Array) return part
        throw new Error('a message with streamed parts is written with writeTo, not encoded')
      }),
    )
  }

  /**
   * Writes the message through `write` in blocks of about `blockBytes`, streaming its sources.
   * The bytes passed to `write` are only valid until the promise it returns settles: the block
   * is reused (a fresh megabyte per tensor made a conversion mostly garbage collection).
   */
  async writeTo(write: (bytes: Uint8Array) => Promise<void>, blockBytes = 1 << 20): Promise<void> {
    const block = new Uint8Array(blockBytes)
    let used = 0
    const flush = async () => {
      if (used === 0) return
      await write(block.subarray(0, used))
      used = 0
    }
    for (const part of this.parts) {
      if (!(part instanceof Uint8Array)) {
        await flush()
        await part.stream(write)
        continue
      }
      if (used + part.length > blockBytes) await flush()
      if (part.length > blockBytes) await write(part)
      else {
        block.set(part, used)
        used += part.length
      }
    }
    await flush()
  }
}
