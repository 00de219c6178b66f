/**
 * Operator attributes of a Paddle 2 program (framework.proto OpDesc.Attr): a name, a declared
 * AttrType and the one field that type names, read into a typed value. Pure.
 */
import { type FieldTag, type ProtoReader, WireType } from './protobufReader'

const { VARINT, I32, I64, LEN } = WireType

/** Paddle's Scalar attribute value (framework.proto, Paddle 2.5 and later). */
export interface Scalar {
  /** 1 BOOLEAN, 2 LONG, 3 FLOAT64, 4 COMPLEX128. */
  type: number
  b: boolean | null
  i: bigint | null
  r: number | null
  c: { r: number; i: number } | null
}

/** framework.proto's AttrType. */
export const AttrType = {
  INT: 0,
  FLOAT: 1,
  STRING: 2,
  INTS: 3,
  FLOATS: 4,
  STRINGS: 5,
  BOOLEAN: 6,
  BOOLEANS: 7,
  BLOCK: 8,
  LONG: 9,
  BLOCKS: 10,
  LONGS: 11,
  FLOAT64S: 12,
  VAR: 13,
  VARS: 14,
  FLOAT64: 15,
  SCALAR: 16,
  SCALARS: 17,
} as const

/** An attribute's value, chosen by its declared type (int64s stay exact as bigint). */
export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'bool'; value: boolean }
  | { kind: 'bools'; value: boolean[] }
  | { kind: 'block'; value: number }
  | { kind: 'long'; value: bigint }
  | { kind: 'blocks'; value: number[] }
  | { kind: 'longs'; value: bigint[] }
  | { kind: 'float64s'; value: number[] }
  | { kind: 'var'; value: string }
  | { kind: 'vars'; value: string[] }
  | { kind: 'float64'; value: number }
  | { kind: 'scalar'; value: Scalar | null }
  | { kind: 'scalars'; value: Scalar[] }
  | { kind: 'unknown'; value: null }

export interface OpAttr {
  name: string
  type: number
  value: AttrValue
}

/** Every field an Attr may carry; `readAttr` keeps the one its type names. */
interface AttrFields {
  i: number
  f: number
  s: string
  ints: number[]
  floats: number[]
  strings: string[]
  b: boolean
  bools: boolean[]
  blockIdx: number
  l: bigint
  blocksIdx: number[]
  longs: bigint[]
  float64s: number[]
  varName: string
  varsName: string[]
  float64: number
  scalar: Scalar | null
  scalars: Scalar[]
}

export function readAttr(r: ProtoReader, at: FieldTag): OpAttr {
  let name: string | null = null
  let type: number | null = null
  const a: AttrFields = {
    i: 0,
    f: 0,
    s: '',
    ints: [],
    floats: [],
    strings: [],
    b: false,
    bools: [],
    blockIdx: 0,
    l: 0n,
    blocksIdx: [],
    longs: [],
    float64s: [],
    varName: '',
    varsName: [],
    float64: 0,
    scalar: null,
    scalars: [],
  }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, LEN, 'Attr.name')
        name = r.string()
        break
      case 2:
        r.expect(tag, VARINT, 'Attr.type')
        type = r.int32()
        break
      case 3:
        r.expect(tag, VARINT, 'Attr.i')
        a.i = r.int32()
        break
      case 4:
        r.expect(tag, I32, 'Attr.f')
        a.f = r.float()
        break
      case 5:
        r.expect(tag, LEN, 'Attr.s')
        a.s = r.string()
        break
      case 6:
        r.repeated(tag, VARINT, 'Attr.ints', (x) => x.int32(), a.ints)
        break
      case 7:
        r.repeated(tag, I32, 'Attr.floats', (x) => x.float(), a.floats)
        break
      case 8:
        r.expect(tag, LEN, 'Attr.strings')
        a.strings.push(r.string())
        break
      case 10:
        r.expect(tag, VARINT, 'Attr.b')
        a.b = r.bool()
        break
      case 11:
        r.repeated(tag, VARINT, 'Attr.bools', (x) => x.bool(), a.bools)
        break
      case 12:
        r.expect(tag, VARINT, 'Attr.block_idx')
        a.blockIdx = r.int32()
        break
      case 13:
        r.expect(tag, VARINT, 'Attr.l')
        a.l = r.int64()
        break
      case 14:
        r.repeated(tag, VARINT, 'Attr.blocks_idx', (x) => x.int32(), a.blocksIdx)
        break
      case 15:
        r.repeated(tag, VARINT, 'Attr.longs', (x) => x.int64(), a.longs)
        break
      case 16:
        r.repeated(tag, I64, 'Attr.float64s', (x) => x.double(), a.float64s)
        break
      case 17:
        r.expect(tag, LEN, 'Attr.var_name')
        a.varName = r.string()
        break
      case 18:
        r.expect(tag, LEN, 'Attr.vars_name')
        a.varsName.push(r.string())
        break
      case 19:
        r.expect(tag, I64, 'Attr.float64')
        a.float64 = r.double()
        break
      case 20:
        r.expect(tag, LEN, 'Attr.scalar')
        a.scalar = readScalar(r.message())
        break
      case 21:
        r.expect(tag, LEN, 'Attr.scalars')
        a.scalars.push(readScalar(r.message()))
        break
      default:
        r.skip(tag)
    }
  }
  const attrName = r.required(name, 'an operator attribute has no name', at)
  const attrType = r.required(type, `attribute ${attrName} has no type`, at)
  return { name: attrName, type: attrType, value: attrValue(attrType, a) }
}

function attrValue(type: number, a: AttrFields): AttrValue {
  switch (type) {
    case AttrType.INT:
      return { kind: 'int', value: a.i }
    case AttrType.FLOAT:
      return { kind: 'float', value: a.f }
    case AttrType.STRING:
      return { kind: 'string', value: a.s }
    case AttrType.INTS:
      return { kind: 'ints', value: a.ints }
    case AttrType.FLOATS:
      return { kind: 'floats', value: a.floats }
    case AttrType.STRINGS:
      return { kind: 'strings', value: a.strings }
    case AttrType.BOOLEAN:
      return { kind: 'bool', value: a.b }
    case AttrType.BOOLEANS:
      return { kind: 'bools', value: a.bools }
    case AttrType.BLOCK:
      return { kind: 'block', value: a.blockIdx }
    case AttrType.LONG:
      return { kind: 'long', value: a.l }
    case AttrType.BLOCKS:
      return { kind: 'blocks', value: a.blocksIdx }
    case AttrType.LONGS:
      return { kind: 'longs', value: a.longs }
    case AttrType.FLOAT64S:
      return { kind: 'float64s', value: a.float64s }
    case AttrType.VAR:
      return { kind: 'var', value: a.varName }
    case AttrType.VARS:
      return { kind: 'vars', value: a.varsName }
    case AttrType.FLOAT64:
      return { kind: 'float64', value: a.float64 }
    case AttrType.SCALAR:
      return { kind: 'scalar', value: a.scalar }
    case AttrType.SCALARS:
      return { kind: 'scalars', value: a.scalars }
    default:
      return { kind: 'unknown', value: null }
  }
}

function readScalar(r: ProtoReader): Scalar {
  const scalar: Scalar = { type: 0, b: null, i: null, r: null, c: null }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, VARINT, 'Scalar.type')
        scalar.type = r.int32()
        break
      case 2:
        r.expect(tag, VARINT, 'Scalar.b')
        scalar.b = r.bool()
        break
      case 3:
        r.expect(tag, VARINT, 'Scalar.i')
        scalar.i = r.int64()
        break
      case 4:
        r.expect(tag, I64, 'Scalar.r')
        scalar.r = r.double()
        break
      case 5: {
        r.expect(tag, LEN, 'Scalar.c')
        const c = r.message()
        const value = { r: 0, i: 0 }
        while (!c.done()) {
          const t = c.tag()
          if (t.field === 1 || t.field === 2) {
            c.expect(t, I64, 'Complex')
            value[t.field === 1 ? 'r' : 'i'] = c.double()
          } else c.skip(t)
        }
        scalar.c = value
        break
      }
      default:
        r.skip(tag)
    }
  }
  return scalar
}
