/**
 * parseProgramDesc reads everything a converter needs from programs the test writes: blocks,
 * variables with their tensor types (every element type, dims packed or not, -1 axes), operators
 * with their slots and attributes of every type; it skips fields it does not know and refuses
 * programs that are cut off, garbage, or lack what framework.proto requires.
 */
import { describe, expect, it } from 'vitest'
import { FormatError } from '../../../src/main/paddle/formatError'
import { opAttr, opInputs, opOutputs, parseProgramDesc } from '../../../src/main/paddle/programDesc'
import { DataType, VarKind, attr, program, tinyModel } from '../../support/paddle/paddleWriter'
import { LEN, ProtoWriter, concat, varint } from '../../../src/main/convert/protoWriter'

function parseError(bytes: Uint8Array): string {
  try {
    parseProgramDesc(bytes)
  } catch (error) {
    if (error instanceof FormatError) return error.message
    throw error
  }
  throw new Error('expected the program to be refused')
}

describe('parseProgramDesc', () => {
  it('reads a small program: version, vars with types and shapes, ops with slots and attrs', () => {
    const { spec } = tinyModel()
    const p = parseProgramDesc(program(spec))
    expect(p.version).toBe(2006002)
    expect(p.blocks).toHaveLength(1)
    const block = p.blocks[0]!
    expect(block).toMatchObject({ idx: 0, parentIdx: -1, forwardBlockIdx: -1 })
    expect(block.ops.map((op) => op.type)).toEqual([
      'feed',
      'conv2d',
      'batch_norm',
      'relu',
      'fetch',
    ])
    const conv = block.ops[1]!
    expect(opInputs(conv, 'Filter')).toEqual(['conv2d_0.w_0'])
    expect(opInputs(conv, 'Input')).toEqual(['x'])
    expect(opOutputs(conv, 'Output')).toEqual(['conv2d_0.tmp_0'])
    expect(opInputs(conv, 'Bias')).toEqual([])
    expect(opAttr(conv, 'strides')).toEqual({ kind: 'ints', value: [1, 1] })
    expect(opAttr(conv, 'data_format')).toEqual({ kind: 'string', value: 'NCHW' })
    expect(opAttr(block.ops[2]!, 'epsilon')).toEqual({ kind: 'float', value: Math.fround(1e-5) })
    expect(opAttr(block.ops[2]!, 'is_test')).toEqual({ kind: 'bool', value: true })
    const x = block.vars.find((v) => v.name === 'x')!
    expect(x).toMatchObject({
      persistable: false,
      type: { kind: VarKind.LOD_TENSOR, tensor: { dataType: DataType.FP32, dims: [-1, 3, 8, 8] } },
    })
    const w = block.vars.find((v) => v.name === 'conv2d_0.w_0')!
    expect(w).toMatchObject({ persistable: true, type: { tensor: { dims: [4, 3, 3, 3] } } })
    expect(block.vars.find((v) => v.name === 'feed')!.type.kind).toBe(VarKind.FEED_MINIBATCH)
    expect(block.vars.find((v) => v.name === 'fetch')!.type.kind).toBe(VarKind.FETCH_LIST)
  })

  it('reads attributes of every type, packed and unpacked', () => {
    const attrs = {
      i: attr.int(-3),
      f: attr.float(0.25),
      s: attr.string('SAME'),
      ints: attr.ints([1, -2, 3]),
      intsPacked: attr.ints([4, -5], true),
      floats: attr.floats([0.5, -1.5]),
      floatsPacked: attr.floats([2.5], true),
      strings: attr.strings(['a', 'b']),
      b: attr.bool(true),
      bools: attr.bools([true, false, true]),
      block: attr.block(1),
      l: attr.long(-(2n ** 62n)),
      blocks: attr.blocks([1, 2]),
      longs: attr.longs([2n ** 63n - 1n, -1n]),
      longsPacked: attr.longs([7n], true),
      float64s: attr.float64s([Math.PI, -Math.E], true),
      v: attr.var('x'),
      vs: attr.vars(['x', 'y']),
      d: attr.float64(1 / 3),
      scalar: attr.scalarLong(-9n),
    }
    const p = parseProgramDesc(program({ ops: [{ type: 'everything', attrs }], feedFetch: false }))
    const op = p.blocks[0]!.ops[0]!
    const value = (name: string) => opAttr(op, name)
    expect(value('i')).toEqual({ kind: 'int', value: -3 })
    expect(value('f')).toEqual({ kind: 'float', value: 0.25 })
    expect(value('s')).toEqual({ kind: 'string', value: 'SAME' })
    expect(value('ints')).toEqual({ kind: 'ints', value: [1, -2, 3] })
    expect(value('intsPacked')).toEqual({ kind: 'ints', value: [4, -5] })
    expect(value('floats')).toEqual({ kind: 'floats', value: [0.5, -1.5] })
    expect(value('floatsPacked')).toEqual({ kind: 'floats', value: [2.5] })
    expect(value('strings')).toEqual({ kind: 'strings', value: ['a', 'b'] })
    expect(value('b')).toEqual({ kind: 'bool', value: true })
    expect(value('bools')).toEqual({ kind: 'bools', value: [true, false, true] })
    expect(value('block')).toEqual({ kind: 'block', value: 1 })
    expect(value('l')).toEqual({ kind: 'long', value: -(2n ** 62n) })
    expect(value('blocks')).toEqual({ kind: 'blocks', value: [1, 2] })
    expect(value('longs')).toEqual({ kind: 'longs', value: [2n ** 63n - 1n, -1n] })
    expect(value('longsPacked')).toEqual({ kind: 'longs', value: [7n] })
    expect(value('float64s')).toEqual({ kind: 'float64s', value: [Math.PI, -Math.E] })
    expect(value('v')).toEqual({ kind: 'var', value: 'x' })
    expect(value('vs')).toEqual({ kind: 'vars', value: ['x', 'y'] })
    expect(value('d')).toEqual({ kind: 'float64', value: 1 / 3 })
    expect(value('scalar')).toEqual({
      kind: 'scalar',
      value: { type: 2, b: null, i: -9n, r: null, c: null },
    })
    expect(op.attrs.map((a) => a.name)).toEqual(Object.keys(attrs))
  })

  it('reads every element type, dims packed or unpacked, and sub-blocks', () => {
    const types = Object.entries(DataType)
    const vars = types.map(([name, dataType], i) => ({
      name: `v_${name}`,
      dataType,
      dims: [-1, i, 2 ** 40],
      packedDims: i % 2 === 0,
    }))
    const p = parseProgramDesc(
      program({
        vars,
        feedFetch: false,
        version: null,
        subBlocks: [{ vars: [{ name: 'inner', dims: [2] }], ops: [{ type: 'relu' }] }],
      }),
    )
    expect(p.version).toBeNull()
    expect(p.blocks[0]!.vars.map((v) => v.type.tensor)).toEqual(
      vars.map((v) => ({ dataType: v.dataType, dims: v.dims })),
    )
    expect(p.blocks[1]).toMatchObject({ idx: 1, parentIdx: 0, ops: [{ type: 'relu' }] })
    expect(p.blocks[1]!.vars[0]!.name).toBe('inner')
  })

  it('skips fields it does not know, at every level', () => {
    const unknown = (m: ProtoWriter) =>
      m.int(90, 1).string(91, 'future').fixed64(92, 3n).fixed32(93, 4)
    const tensor = unknown(new ProtoWriter().int(1, DataType.INT64).ints(2, [3]))
    const type = unknown(
      new ProtoWriter().int(1, VarKind.LOD_TENSOR).message(3, new ProtoWriter().message(1, tensor)),
    )
    const v = unknown(new ProtoWriter().string(1, 'w').message(2, type).bool(3, true))
    const op = unknown(new ProtoWriter().string(3, 'scale'))
    const block = unknown(new ProtoWriter().int(1, 0).int(2, -1).message(3, v).message(4, op))
    const bytes = unknown(new ProtoWriter().message(1, block)).encode()
    const p = parseProgramDesc(bytes)
    expect(p.blocks[0]!.vars[0]).toMatchObject({
      name: 'w',
      persistable: true,
      type: { tensor: { dataType: DataType.INT64, dims: [3] } },
    })
    expect(p.blocks[0]!.ops[0]!.type).toBe('scale')
  })

  it('skips unknown messages nested 10,000 deep without recursing', () => {
    // Field 99 holding field 99 holding …: the headers, outermost first, then nothing.
    const lengths = [0]
    for (let i = 0; i < 10_000; i++) lengths.push(2 + varint(lengths[i]!).length + lengths[i]!)
    const tag = varint(99 * 8 + LEN)
    const nested = concat(
      lengths
        .slice(0, -1)
        .reverse()
        .flatMap((inner) => [tag, varint(inner)]),
    )
    const block = new ProtoWriter()
      .int(1, 0)
      .int(2, -1)
      .raw(nested)
      .message(4, new ProtoWriter().string(3, 'relu'))
    const p = parseProgramDesc(new ProtoWriter().message(1, block).encode())
    expect(p.blocks[0]!.ops.map((op) => op.type)).toEqual(['relu'])
  })

  const whole = program(tinyModel().spec)
  const refused: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /^the file is empty$/],
    [
      'a program without blocks',
      new ProtoWriter().message(4, new ProtoWriter().int(1, 1)).encode(),
      /no blocks/,
    ],
    ['a program cut in half', whole.subarray(0, whole.length >> 1), /at byte [\d,]+$/],
    ['a program missing its last byte', whole.subarray(0, whole.length - 1), /at byte [\d,]+$/],
    [
      'garbage',
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
      /at byte [\d,]+$/,
    ],
    // Tag 0, length 1, idx 2–3, parent_idx -1 (ten bytes) 4–14: the variable's tag is at 15.
    [
      'a variable without a name',
      new ProtoWriter()
        .message(
          1,
          new ProtoWriter().int(1, 0).int(2, -1).message(3, new ProtoWriter().bool(3, true)),
        )
        .encode(),
      /^a variable has no name at byte 15$/,
    ],
    [
      'an operator without a type',
      new ProtoWriter()
        .message(1, new ProtoWriter().int(1, 0).int(2, -1).message(4, new ProtoWriter()))
        .encode(),
      /^an operator has no type at byte 15$/,
    ],
    [
      'a block whose idx is a string',
      new ProtoWriter().message(1, new ProtoWriter().string(1, '0')).encode(),
      /^BlockDesc.idx \(field 1\) is length-delimited, not varint, at byte 2$/,
    ],
    [
      'a tensor of a non-element type',
      program({ vars: [{ name: 'x', dataType: VarKind.READER }], feedFetch: false }),
      /has data type READER, which is not a tensor element type, at byte/,
    ],
  ]
  it.each(refused)('refuses %s, saying where', (_, bytes, message) => {
    expect(parseError(bytes)).toMatch(message)
  })

  it('refuses garbage of many shapes with a FormatError, never a RangeError', () => {
    let seed = 12345
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from({ length: 1 + (trial % 97) * 7 }, random)
      try {
        parseProgramDesc(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError)
      }
    }
    // Every prefix of a real program either parses (a cut between fields) or is a FormatError.
    for (let end = 0; end < whole.length; end += 7) {
      try {
        parseProgramDesc(whole.subarray(0, end))
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError)
      }
    }
  })
})
