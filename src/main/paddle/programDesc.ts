/**
 * Paddle 2's program format: `inference.pdmodel` is a ProgramDesc (framework.proto, proto2) of
 * blocks, each with its variables (name, kind, tensor type and shape, persistable) and its
 * operators (type, named input and output slots, typed attributes). `parseProgramDesc` reads
 * all of it, so a converter can walk the graph; unknown fields are skipped, required fields are
 * checked. Pure; throws FormatError naming the byte where the program stops making sense.
 */
import { type DataType, isDataType, typeName } from './dataType'
import { FormatError } from './formatError'
import { type OpAttr, type AttrValue, readAttr } from './opAttributes'
import { type FieldTag, ProtoReader, WireType } from './protobufReader'

const { VARINT, LEN } = WireType

export interface TensorDesc {
  dataType: DataType
  /** -1 for an axis fixed only at run time (the batch axis). */
  dims: number[]
}

export interface VarType {
  /** VarKind (LOD_TENSOR, FEED_MINIBATCH, …) or, rarely, a DataType. */
  kind: number
  /** The tensor of a LOD_TENSOR, SELECTED_ROWS or LOD_TENSOR_ARRAY variable. */
  tensor: TensorDesc | null
  lodLevel: number
  /** A READER's tensors. */
  readerTensors: { tensor: TensorDesc; lodLevel: number }[]
  /** A TUPLE's element types. */
  tupleTypes: number[]
}

export interface VarAttr {
  name: string
  type: number
  i: number | null
  s: string | null
  ints: number[]
}

export interface VarDesc {
  name: string
  type: VarType
  persistable: boolean
  needCheckFeed: boolean
  isParameter: boolean
  stopGradient: boolean
  attrs: VarAttr[]
}

/** One named input or output slot of an operator and the variables bound to it. */
export interface OpSlot {
  parameter: string
  arguments: string[]
}

export interface OpDesc {
  type: string
  inputs: OpSlot[]
  outputs: OpSlot[]
  attrs: OpAttr[]
  isTarget: boolean
}

export interface BlockDesc {
  idx: number
  parentIdx: number
  forwardBlockIdx: number
  vars: VarDesc[]
  ops: OpDesc[]
}

export interface ProgramDesc {
  blocks: BlockDesc[]
  /** Paddle's version that wrote the program, e.g. 2006002 for 2.6.2; null when absent. */
  version: number | null
  /** Operator versions the program was written against (op_version_map). */
  opVersions: Map<string, number>
}

/** Reads a whole ProgramDesc. Throws FormatError. */
export function parseProgramDesc(bytes: Uint8Array): ProgramDesc {
  if (bytes.length === 0) throw new FormatError('the file is empty', 0)
  const r = new ProtoReader(bytes)
  const program: ProgramDesc = { blocks: [], version: null, opVersions: new Map() }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, LEN, 'ProgramDesc.blocks')
        program.blocks.push(readBlock(r.message(), tag))
        break
      case 4: {
        r.expect(tag, LEN, 'ProgramDesc.version')
        const v = r.message()
        while (!v.done()) {
          const t = v.tag()
          if (t.field === 1) {
            v.expect(t, VARINT, 'Version.version')
            program.version = v.int64Number('version')
          } else v.skip(t)
        }
        break
      }
      case 5:
        r.expect(tag, LEN, 'ProgramDesc.op_version_map')
        readOpVersions(r.message(), program.opVersions)
        break
      default:
        r.skip(tag)
    }
  }
  if (program.blocks.length === 0) throw new FormatError('the program has no blocks', 0)
  return program
}

function readBlock(r: ProtoReader, at: FieldTag): BlockDesc {
  let idx: number | null = null
  let parentIdx: number | null = null
  const block: Omit<BlockDesc, 'idx' | 'parentIdx'> = { forwardBlockIdx: -1, vars: [], ops: [] }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, VARINT, 'BlockDesc.idx')
        idx = r.int32()
        break
      case 2:
        r.expect(tag, VARINT, 'BlockDesc.parent_idx')
        parentIdx = r.int32()
        break
      case 3:
        r.expect(tag, LEN, 'BlockDesc.vars')
        block.vars.push(readVar(r.message(), tag))
        break
      case 4:
        r.expect(tag, LEN, 'BlockDesc.ops')
        block.ops.push(readOp(r.message(), tag))
        break
      case 5:
        r.expect(tag, VARINT, 'BlockDesc.forward_block_idx')
        block.forwardBlockIdx = r.int32()
        break
      default:
        r.skip(tag)
    }
  }
  return {
    idx: r.required(idx, 'a block has no idx', at),
    parentIdx: r.required(parentIdx, 'a block has no parent_idx', at),
    ...block,
  }
}

function readVar(r: ProtoReader, at: FieldTag): VarDesc {
  let name: string | null = null
  let type: VarType | null = null
  const flags = {
    persistable: false,
    needCheckFeed: false,
    isParameter: false,
    stopGradient: false,
  }
  const attrs: VarAttr[] = []
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, LEN, 'VarDesc.name')
        name = r.string()
        break
      case 2:
        r.expect(tag, LEN, 'VarDesc.type')
        type = readVarType(r.message(), tag)
        break
      case 3:
        r.expect(tag, VARINT, 'VarDesc.persistable')
        flags.persistable = r.bool()
        break
      case 4:
        r.expect(tag, VARINT, 'VarDesc.need_check_feed')
        flags.needCheckFeed = r.bool()
        break
      case 5:
        r.expect(tag, VARINT, 'VarDesc.is_parameter')
        flags.isParameter = r.bool()
        break
      case 6:
        r.expect(tag, VARINT, 'VarDesc.stop_gradient')
        flags.stopGradient = r.bool()
        break
      case 7:
        r.expect(tag, LEN, 'VarDesc.attrs')
        attrs.push(readVarAttr(r.message(), tag))
        break
      default:
        r.skip(tag)
    }
  }
  const varName = r.required(name, 'a variable has no name', at)
  return {
    name: varName,
    type: r.required(type, `variable ${varName} has no type`, at),
    ...flags,
    attrs,
  }
}

function readVarAttr(r: ProtoReader, at: FieldTag): VarAttr {
  let name: string | null = null
  let type: number | null = null
  const attr = { i: null as number | null, s: null as string | null, ints: [] as number[] }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, LEN, 'VarDesc.Attr.name')
        name = r.string()
        break
      case 2:
        r.expect(tag, VARINT, 'VarDesc.Attr.type')
        type = r.int32()
        break
      case 3:
        r.expect(tag, VARINT, 'VarDesc.Attr.i')
        attr.i = r.int32()
        break
      case 4:
        r.expect(tag, LEN, 'VarDesc.Attr.s')
        attr.s = r.string()
        break
      case 5:
        r.repeated(tag, VARINT, 'VarDesc.Attr.ints', (x) => x.int32(), attr.ints)
        break
      default:
        r.skip(tag)
    }
  }
  const attrName = r.required(name, 'a variable attribute has no name', at)
  return {
    name: attrName,
    type: r.required(type, `variable attribute ${attrName} has no type`, at),
    ...attr,
  }
}

function readVarType(r: ProtoReader, at: FieldTag): VarType {
  let kind: number | null = null
  const type: Omit<VarType, 'kind'> = {
    tensor: null,
    lodLevel: 0,
    readerTensors: [],
    tupleTypes: [],
  }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, VARINT, 'VarType.type')
        kind = r.int32()
        break
      case 2:
        r.expect(tag, LEN, 'VarType.selected_rows')
        type.tensor = readTensorDesc(r.message(), tag)
        break
      case 3:
      case 4: {
        r.expect(tag, LEN, tag.field === 3 ? 'VarType.lod_tensor' : 'VarType.tensor_array')
        const lod = readLoDTensorDesc(r.message(), tag)
        type.tensor = lod.tensor
        type.lodLevel = lod.lodLevel
        break
      }
      case 5: {
        r.expect(tag, LEN, 'VarType.reader')
        const reader = r.message()
        while (!reader.done()) {
          const t = reader.tag()
          if (t.field === 1) {
            reader.expect(t, LEN, 'ReaderDesc.lod_tensor')
            type.readerTensors.push(readLoDTensorDesc(reader.message(), t))
          } else reader.skip(t)
        }
        break
      }
      case 7: {
        r.expect(tag, LEN, 'VarType.tuple')
        const tuple = r.message()
        while (!tuple.done()) {
          const t = tuple.tag()
          if (t.field === 1)
            tuple.repeated(t, VARINT, 'Tuple.element_type', (x) => x.int32(), type.tupleTypes)
          else tuple.skip(t)
        }
        break
      }
      default:
        r.skip(tag)
    }
  }
  return { kind: r.required(kind, 'a variable type has no type', at), ...type }
}

function readLoDTensorDesc(r: ProtoReader, at: FieldTag): { tensor: TensorDesc; lodLevel: number } {
  let tensor: TensorDesc | null = null
  let lodLevel = 0
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1) {
      r.expect(tag, LEN, 'LoDTensorDesc.tensor')
      tensor = readTensorDesc(r.message(), tag)
    } else if (tag.field === 2) {
      r.expect(tag, VARINT, 'LoDTensorDesc.lod_level')
      lodLevel = r.int32()
    } else r.skip(tag)
  }
  return { tensor: r.required(tensor, 'a LoDTensorDesc has no tensor', at), lodLevel }
}

/**
 * A TensorDesc: also the header of every tensor in a params file, so it is exported for that
 * reader. Dims may be packed or unpacked (Paddle writes them unpacked).
 */
export function readTensorDesc(r: ProtoReader, at: FieldTag | { at: number }): TensorDesc {
  let dataType: number | null = null
  const dims: number[] = []
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1) {
      r.expect(tag, VARINT, 'TensorDesc.data_type')
      dataType = r.int32()
    } else if (tag.field === 2) {
      r.repeated(tag, VARINT, 'TensorDesc.dims', (x) => x.int64Number('dimension'), dims)
    } else r.skip(tag)
  }
  if (dataType === null) throw r.error('a TensorDesc has no data type', at.at)
  if (!isDataType(dataType))
    throw r.error(
      `a TensorDesc has data type ${typeName(dataType)}, which is not a tensor element type,`,
      at.at,
    )
  return { dataType, dims }
}

function readOpVersions(r: ProtoReader, into: Map<string, number>): void {
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field !== 1) {
      r.skip(tag)
      continue
    }
    r.expect(tag, LEN, 'OpVersionMap.pair')
    const pair = r.message()
    let name: string | null = null
    let version = 0
    while (!pair.done()) {
      const t = pair.tag()
      if (t.field === 1) {
        pair.expect(t, LEN, 'OpVersionPair.op_name')
        name = pair.string()
      } else if (t.field === 2) {
        pair.expect(t, LEN, 'OpVersionPair.op_version')
        const v = pair.message()
        while (!v.done()) {
          const vt = v.tag()
          if (vt.field === 1) {
            v.expect(vt, VARINT, 'OpVersion.version')
            version = v.int32()
          } else v.skip(vt)
        }
      } else pair.skip(t)
    }
    into.set(r.required(name, 'an op version has no op name', tag), version)
  }
}

function readSlot(r: ProtoReader, at: FieldTag): OpSlot {
  let parameter: string | null = null
  const args: string[] = []
  while (!r.done()) {
    const tag = r.tag()
    if (tag.field === 1) {
      r.expect(tag, LEN, 'OpDesc.Var.parameter')
      parameter = r.string()
    } else if (tag.field === 2) {
      r.expect(tag, LEN, 'OpDesc.Var.arguments')
      args.push(r.string())
    } else r.skip(tag)
  }
  return { parameter: r.required(parameter, 'an operator slot has no name', at), arguments: args }
}

function readOp(r: ProtoReader, at: FieldTag): OpDesc {
  let type: string | null = null
  const op: Omit<OpDesc, 'type'> = { inputs: [], outputs: [], attrs: [], isTarget: false }
  while (!r.done()) {
    const tag = r.tag()
    switch (tag.field) {
      case 1:
        r.expect(tag, LEN, 'OpDesc.inputs')
        op.inputs.push(readSlot(r.message(), tag))
        break
      case 2:
        r.expect(tag, LEN, 'OpDesc.outputs')
        op.outputs.push(readSlot(r.message(), tag))
        break
      case 3:
        r.expect(tag, LEN, 'OpDesc.type')
        type = r.string()
        break
      case 4:
        r.expect(tag, LEN, 'OpDesc.attrs')
        op.attrs.push(readAttr(r.message(), tag))
        break
      case 5:
        r.expect(tag, VARINT, 'OpDesc.is_target')
        op.isTarget = r.bool()
        break
      default:
        r.skip(tag)
    }
  }
  return { type: r.required(type, 'an operator has no type', at), ...op }
}

/** The variables bound to input slot `parameter` of `op` (empty when it has none). */
export function opInputs(op: OpDesc, parameter: string): string[] {
  return op.inputs.find((slot) => slot.parameter === parameter)?.arguments ?? []
}

/** The variables bound to output slot `parameter` of `op`. */
export function opOutputs(op: OpDesc, parameter: string): string[] {
  return op.outputs.find((slot) => slot.parameter === parameter)?.arguments ?? []
}

/** The value of attribute `name` of `op`, if it has one. */
export function opAttr(op: OpDesc, name: string): AttrValue | undefined {
  return op.attrs.find((attr) => attr.name === name)?.value
}
