/**
 * The protobuf wire reader: varints of every width (negative int32/int64 as ten bytes), fixed
 * values, packed and unpacked repeated fields, skipping unknown fields of every wire type, and
 * errors that name the byte where the bytes stop making sense.
 */
import { describe, expect, it } from 'vitest'
import { FormatError } from '../../../src/main/paddle/formatError'
import { ProtoReader, WireType } from '../../../src/main/paddle/protobufReader'
import {
  END_GROUP,
  I32,
  I64,
  LEN,
  START_GROUP,
  VARINT,
  ProtoWriter,
  varint,
} from '../../../src/main/convert/protoWriter'

const reader = (bytes: Uint8Array | number[]) =>
  new ProtoReader(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))

function failure(read: () => unknown): FormatError {
  try {
    read()
  } catch (error) {
    if (error instanceof FormatError) return error
    throw error
  }
  throw new Error('expected a FormatError')
}

describe('varints', () => {
  const int32s: [number, number[]][] = [
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [2147483647, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-2147483648, [0x80, 0x80, 0x80, 0x80, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ]
  it.each(int32s)('int32 %d from its bytes, consuming all of them', (value, bytes) => {
    const r = reader(bytes)
    expect(r.int32()).toBe(value)
    expect(r.done()).toBe(true)
    // And the test's own encoder writes exactly these bytes.
    expect([...varint(value)]).toEqual(bytes)
  })

  const int64s: bigint[] = [
    0n,
    1n,
    -1n,
    2n ** 53n - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    -123456789012345n,
  ]
  it.each(int64s)('int64 %s round-trips exactly', (value) => {
    const bytes = varint(value)
    expect(bytes.length).toBe(value < 0n ? 10 : bytes.length)
    expect(reader(bytes).int64()).toBe(value)
  })

  it('uint64 reads the full unsigned range', () => {
    expect(reader(varint(2n ** 64n - 1n)).uint64()).toBe(2n ** 64n - 1n)
  })

  it('int64Number gives exact numbers and refuses what a number cannot hold', () => {
    expect(reader(varint(-1)).int64Number('dim')).toBe(-1)
    expect(reader(varint(2 ** 53 - 1)).int64Number('dim')).toBe(2 ** 53 - 1)
    const r = reader([0x07, ...varint(2n ** 60n)])
    r.int32()
    expect(failure(() => r.int64Number('dimension')).message).toBe(
      'dimension 1152921504606846976 is out of range at byte 1',
    )
  })

  it.each([
    ['truncated', [0x08, 0x80, 0x80], 'truncated varint at byte 1'],
    ['over 64 bits', [0x08, ...Array(9).fill(0xff), 0x02], 'varint overflows 64 bits at byte 1'],
    // The tenth byte can carry one bit only, so an eleventh byte is an overflow too.
    ['eleven-byte', [0x08, ...Array(10).fill(0x80), 0x01], 'varint overflows 64 bits at byte 1'],
  ])('a %s varint is refused where it starts', (_, bytes, message) => {
    const r = reader(bytes)
    expect(r.tag()).toEqual({ field: 1, wire: WireType.VARINT, at: 0 })
    expect(failure(() => r.int32()).message).toBe(message)
    const again = reader(bytes)
    again.tag()
    expect(failure(() => again.uint64())).toMatchObject({ message, offset: 1 })
  })
})

describe('fields', () => {
  it('reads fixed32, fixed64, float, double, strings and nested messages', () => {
    const bytes = new ProtoWriter()
      .fixed32(1, 0xdeadbeef)
      .fixed64(2, 2n ** 63n + 5n)
      .float(3, 1.5)
      .double(4, Math.PI)
      .string(5, 'conv2d_0.w_0 ✓')
      .message(6, new ProtoWriter().int(1, -7))
      .encode()
    const r = reader(bytes)
    const seen: unknown[] = []
    while (!r.done()) {
      const tag = r.tag()
      if (tag.field === 1) seen.push(r.fixed32())
      else if (tag.field === 2) seen.push(r.fixed64())
      else if (tag.field === 3) seen.push(r.float())
      else if (tag.field === 4) seen.push(r.double())
      else if (tag.field === 5) seen.push(r.string())
      else if (tag.field === 6) {
        const inner = r.message()
        inner.tag()
        seen.push(inner.int32())
        expect(inner.done()).toBe(true)
      }
    }
    expect(seen).toEqual([0xdeadbeef, 2n ** 63n + 5n, 1.5, Math.PI, 'conv2d_0.w_0 ✓', -7])
  })

  it('collects a repeated field written packed, unpacked, and both in one message', () => {
    const bytes = new ProtoWriter()
      .ints(2, [1, -1, 300], true)
      .ints(2, [4, 5])
      .floats(3, [0.5, 2], true)
      .floats(3, [-1])
      .encode()
    const r = reader(bytes)
    const ints: number[] = []
    const floats: number[] = []
    while (!r.done()) {
      const tag = r.tag()
      if (tag.field === 2) r.repeated(tag, WireType.VARINT, 'ints', (x) => x.int32(), ints)
      else r.repeated(tag, WireType.I32, 'floats', (x) => x.float(), floats)
    }
    expect(ints).toEqual([1, -1, 300, 4, 5])
    expect(floats).toEqual([0.5, 2, -1])
  })

  it('skips unknown fields of every wire type, nested groups included, and reads on', () => {
    const bytes = new ProtoWriter()
      .int(10, 2n ** 63n)
      .fixed64(11, 1n)
      .string(12, 'unknown')
      .tag(13, START_GROUP)
      .int(1, 5)
      .tag(14, START_GROUP)
      .fixed32(2, 9)
      .tag(14, END_GROUP)
      .tag(13, END_GROUP)
      .fixed32(15, 3)
      .int(1, 42)
      .encode()
    const r = reader(bytes)
    let known: number | null = null
    while (!r.done()) {
      const tag = r.tag()
      if (tag.field === 1) known = r.int32()
      else r.skip(tag)
    }
    expect(known).toBe(42)
  })

  const broken: [string, Uint8Array, string][] = [
    [
      'a length past the end of its message',
      new ProtoWriter().int(1, 1).tag(2, LEN).raw(varint(100)).raw([1, 2, 3]).encode(),
      'length 100 runs past the end of its message (3 bytes left) at byte 3',
    ],
    [
      'a huge length prefix',
      new ProtoWriter()
        .tag(2, LEN)
        .raw(varint(2n ** 62n))
        .encode(),
      'length 4611686018427387904 runs past the end of its message (0 bytes left) at byte 1',
    ],
    ['wire type 6', Uint8Array.from([0x0e, 0x00]), 'invalid wire type 6 at byte 0'],
    ['wire type 7', Uint8Array.from([0x08, 0x01, 0x0f]), 'invalid wire type 7 at byte 2'],
    ['field number 0', Uint8Array.from([0x00, 0x01]), 'invalid field number 0 at byte 0'],
    [
      'a truncated fixed64',
      new ProtoWriter().tag(3, I64).raw([1, 2, 3]).encode(),
      'truncated fixed64 at byte 1',
    ],
    [
      'a truncated fixed32',
      new ProtoWriter().tag(3, I32).raw([1]).encode(),
      'truncated fixed32 at byte 1',
    ],
    [
      'a group never closed',
      new ProtoWriter().tag(5, START_GROUP).int(1, 1).encode(),
      'group (field 5) is not closed at byte 0',
    ],
    [
      'a group closed by another field',
      new ProtoWriter().tag(5, START_GROUP).tag(6, END_GROUP).encode(),
      'end-group (field 6) closes another group at byte 1',
    ],
    [
      'a stray end-group',
      new ProtoWriter().tag(5, END_GROUP).encode(),
      'end-group (field 5) without a start at byte 0',
    ],
    [
      'groups nested 33 deep',
      new ProtoWriter()
        .raw(Array.from({ length: 33 }, () => [...varint(5 * 8 + START_GROUP)]).flat())
        .encode(),
      'groups nested deeper than 32 at byte 32',
    ],
  ]
  it.each(broken)('refuses %s, naming the byte', (_, bytes, message) => {
    const error = failure(() => {
      const r = reader(bytes)
      while (!r.done()) r.skip(r.tag())
    })
    expect(error.message).toBe(message)
  })

  it('reports offsets of nested messages and of pieces read from the middle of a file', () => {
    // A message inside a message whose second varint is cut off.
    const inner = Uint8Array.from([0x08, 0x01, 0x10, 0xff])
    const bytes = new ProtoWriter().int(1, 7).bytes(2, inner).encode()
    const r = reader(bytes)
    r.skip(r.tag())
    r.tag()
    const sub = r.message()
    sub.skip(sub.tag())
    sub.tag()
    expect(failure(() => sub.int32())).toMatchObject({
      message: 'truncated varint at byte 7',
      offset: 7,
    })
    // The same bytes read as a piece that started at byte 1,000 of a file.
    const piece = new ProtoReader(inner, 0, inner.length, 1000)
    piece.skip(piece.tag())
    piece.tag()
    expect(failure(() => piece.int32()).message).toBe('truncated varint at byte 1,003')
  })

  it('refuses a known field written with the wrong wire type', () => {
    const r = reader(new ProtoWriter().string(1, 'x').encode())
    const tag = r.tag()
    expect(failure(() => r.expect(tag, WireType.VARINT, 'Block.idx')).message).toBe(
      'Block.idx (field 1) is length-delimited, not varint, at byte 0',
    )
    expect(VARINT).toBe(WireType.VARINT)
  })
})
