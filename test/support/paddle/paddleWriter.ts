/**
 * Writes Paddle inference models for tests, so none has to be committed: ProgramDescs
 * (`program({ vars, ops })`, framework.proto field numbers), combined params files
 * (`paramsFile(tensors)`, Paddle's save_combine layout), Paddle 3 PIR JSON (`pirJson`) and
 * pickles. Each writer has knobs for writing a file wrong in one precise way.
 */
import { DataType, VarKind, elementSize } from '../../../src/main/paddle/dataType'
import { AttrType } from '../../../src/main/paddle/opAttributes'
import { ProtoWriter, concat } from '../../../src/main/convert/protoWriter'

export { AttrType, DataType, VarKind }

export interface VarSpec {
  name: string
  /** Default FP32. */
  dataType?: number
  /** Default []. */
  dims?: number[]
  persistable?: boolean
  /** Default LOD_TENSOR; other kinds are written without a tensor description. */
  kind?: number
  lodLevel?: number
  /** Write dims as one packed run instead of one tag each (Paddle writes them unpacked). */
  packedDims?: boolean
}

/** An attribute value: a typed one from `attr`, or a plain string or boolean. */
export type AttrSpec = string | boolean | TypedAttr

export interface TypedAttr {
  type: number
  write(m: ProtoWriter): void
}

/** Attribute values by type, written to Attr's fields (framework.proto OpDesc.Attr). */
export const attr = {
  int: (v: number): TypedAttr => ({ type: AttrType.INT, write: (m) => m.int(3, v) }),
  float: (v: number): TypedAttr => ({ type: AttrType.FLOAT, write: (m) => m.float(4, v) }),
  string: (v: string): TypedAttr => ({ type: AttrType.STRING, write: (m) => m.string(5, v) }),
  ints: (v: number[], packed = false): TypedAttr => ({
    type: AttrType.INTS,
    write: (m) => m.ints(6, v, packed),
  }),
  floats: (v: number[], packed = false): TypedAttr => ({
    type: AttrType.FLOATS,
    write: (m) => m.floats(7, v, packed),
  }),
  strings: (v: string[]): TypedAttr => ({
    type: AttrType.STRINGS,
    write: (m) => v.forEach((s) => m.string(8, s)),
  }),
  bool: (v: boolean): TypedAttr => ({ type: AttrType.BOOLEAN, write: (m) => m.bool(10, v) }),
  bools: (v: boolean[], packed = false): TypedAttr => ({
    type: AttrType.BOOLEANS,
    write: (m) => m.ints(11, v.map(Number), packed),
  }),
  block: (v: number): TypedAttr => ({ type: AttrType.BLOCK, write: (m) => m.int(12, v) }),
  long: (v: bigint): TypedAttr => ({ type: AttrType.LONG, write: (m) => m.int(13, v) }),
  blocks: (v: number[]): TypedAttr => ({ type: AttrType.BLOCKS, write: (m) => m.ints(14, v) }),
  longs: (v: bigint[], packed = false): TypedAttr => ({
    type: AttrType.LONGS,
    write: (m) => m.ints(15, v, packed),
  }),
  float64s: (v: number[], packed = false): TypedAttr => ({
    type: AttrType.FLOAT64S,
    write: (m) => m.doubles(16, v, packed),
  }),
  var: (v: string): TypedAttr => ({ type: AttrType.VAR, write: (m) => m.string(17, v) }),
  vars: (v: string[]): TypedAttr => ({
    type: AttrType.VARS,
    write: (m) => v.forEach((s) => m.string(18, s)),
  }),
  float64: (v: number): TypedAttr => ({ type: AttrType.FLOAT64, write: (m) => m.double(19, v) }),
  /** A Scalar holding an int64 (type LONG = 2). */
  scalarLong: (v: bigint): TypedAttr => ({
    type: AttrType.SCALAR,
    write: (m) => m.message(20, new ProtoWriter().int(1, 2).int(3, v)),
  }),
}

export interface OpSpec {
  type: string
  inputs?: Record<string, string[]>
  outputs?: Record<string, string[]>
  attrs?: Record<string, AttrSpec>
}

export interface BlockSpec {
  idx?: number
  parentIdx?: number
  vars?: VarSpec[]
  ops?: OpSpec[]
}

export interface ProgramSpec {
  vars?: VarSpec[]
  ops?: OpSpec[]
  /** More blocks after the first (which holds `vars` and `ops`). */
  subBlocks?: BlockSpec[]
  /** Paddle's version; default 2006002 (2.6.2), null to leave it out. */
  version?: number | null
  /**
   * Add Paddle's `feed` and `fetch` variables (persistable, FEED_MINIBATCH / FETCH_LIST) and
   * ops, as every exported inference program has. Default true.
   */
  feedFetch?: boolean
  /** The variables fed (default: the first non-persistable one), in column order. */
  feeds?: string[]
  /** The variables fetched (default: the first fed one), in column order. */
  fetches?: string[]
}

function tensorDesc(dataType: number, dims: readonly number[], packed = false): ProtoWriter {
  return new ProtoWriter().int(1, dataType).ints(2, dims, packed)
}

function varDesc(v: VarSpec): ProtoWriter {
  const kind = v.kind ?? VarKind.LOD_TENSOR
  const type = new ProtoWriter().int(1, kind)
  if (kind === VarKind.LOD_TENSOR) {
    const lod = new ProtoWriter().message(
      1,
      tensorDesc(v.dataType ?? DataType.FP32, v.dims ?? [], v.packedDims),
    )
    if (v.lodLevel !== undefined) lod.int(2, v.lodLevel)
    type.message(3, lod)
  }
  const m = new ProtoWriter().string(1, v.name).message(2, type)
  if (v.persistable !== undefined) m.bool(3, v.persistable)
  return m
}

function slot(parameter: string, args: readonly string[]): ProtoWriter {
  const m = new ProtoWriter().string(1, parameter)
  for (const a of args) m.string(2, a)
  return m
}

function opDesc(op: OpSpec): ProtoWriter {
  const m = new ProtoWriter()
  for (const [p, args] of Object.entries(op.inputs ?? {})) m.message(1, slot(p, args))
  for (const [p, args] of Object.entries(op.outputs ?? {})) m.message(2, slot(p, args))
  m.string(3, op.type)
  for (const [name, value] of Object.entries(op.attrs ?? {})) {
    const typed =
      typeof value === 'string'
        ? attr.string(value)
        : typeof value === 'boolean'
          ? attr.bool(value)
          : value
    const a = new ProtoWriter().string(1, name).int(2, typed.type)
    typed.write(a)
    m.message(4, a)
  }
  return m
}

function blockDesc(idx: number, parentIdx: number, vars: VarSpec[], ops: OpSpec[]): ProtoWriter {
  const m = new ProtoWriter().int(1, idx).int(2, parentIdx)
  for (const v of vars) m.message(3, varDesc(v))
  for (const op of ops) m.message(4, opDesc(op))
  return m
}

export const feedVar: VarSpec = { name: 'feed', kind: VarKind.FEED_MINIBATCH, persistable: true }
export const fetchVar: VarSpec = { name: 'fetch', kind: VarKind.FETCH_LIST, persistable: true }

/** The bytes of `inference.pdmodel` for `spec`. */
export function program(spec: ProgramSpec = {}): Uint8Array {
  const feedFetch = spec.feedFetch ?? true
  const vars = [...(spec.vars ?? []), ...(feedFetch ? [feedVar, fetchVar] : [])]
  const ops = spec.ops ?? []
  const feeds = spec.feeds ?? [vars.find((v) => !v.persistable)?.name ?? 'x']
  const fetches = spec.fetches ?? feeds.slice(0, 1)
  const allOps = feedFetch
    ? [
        ...feeds.map((v, col) => ({
          type: 'feed',
          inputs: { X: ['feed'] },
          outputs: { Out: [v] },
          attrs: { col: attr.int(col) },
        })),
        ...ops,
        ...fetches.map((v, col) => ({
          type: 'fetch',
          inputs: { X: [v] },
          outputs: { Out: ['fetch'] },
          attrs: { col: attr.int(col) },
        })),
      ]
    : ops
  const m = new ProtoWriter().message(1, blockDesc(0, -1, vars, allOps))
  for (const [i, block] of (spec.subBlocks ?? []).entries())
    m.message(
      1,
      blockDesc(block.idx ?? i + 1, block.parentIdx ?? 0, block.vars ?? [], block.ops ?? []),
    )
  const version = spec.version === undefined ? 2006002 : spec.version
  if (version !== null) m.message(4, new ProtoWriter().int(1, version))
  return m.encode()
}

export interface TensorSpec {
  /** Default FP32. */
  dataType?: number
  dims: number[]
  /** The raw data; default product(dims) × element size bytes of a counting pattern. */
  data?: Uint8Array
  /** LoD levels, as the bytes of each (Paddle writes size_t offsets). */
  lod?: Uint8Array[]
  /** The record's version field (Paddle writes 0). */
  version?: number
  tensorVersion?: number
  /** Write the LoD level count as this instead of lod.length. */
  lodCount?: bigint
  /** Write the TensorDesc length as this instead of the real one. */
  descLength?: number
  /** Write these bytes as the TensorDesc instead of the real one. */
  desc?: Uint8Array
  packedDims?: boolean
}

export function dataBytesOf(dataType: number, dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1) * elementSize(dataType as DataType)
}

function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7) & 0xff
  return bytes
}

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, value >>> 0, true)
  return b
}

function u64(value: bigint): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, value, true)
  return b
}

/** One tensor's record: version, LoD, tensor version, TensorDesc length and bytes, data. */
export function tensorRecord(t: TensorSpec, seed = 0): Uint8Array {
  const dataType = t.dataType ?? DataType.FP32
  const desc = t.desc ?? tensorDesc(dataType, t.dims, t.packedDims).encode()
  const lod = t.lod ?? []
  return concat([
    u32(t.version ?? 0),
    u64(t.lodCount ?? BigInt(lod.length)),
    ...lod.flatMap((level) => [u64(BigInt(level.length)), level]),
    u32(t.tensorVersion ?? 0),
    u32(t.descLength ?? desc.length),
    desc,
    t.data ?? pattern(dataBytesOf(dataType, t.dims), seed),
  ])
}

/** The bytes of `inference.pdiparams` holding `tensors` in the order given. */
export function paramsFile(tensors: readonly TensorSpec[]): Uint8Array {
  return concat(tensors.map((t, i) => tensorRecord(t, i)))
}

/** Byte order of UTF-8 names, as Paddle sorts what it saves. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))
}

/** The tensors Paddle would save for `vars`: the persistable tensors, in name order. */
export function paramsOf(vars: readonly VarSpec[]): (TensorSpec & { name: string })[] {
  return vars
    .filter((v) => v.persistable && (v.kind ?? VarKind.LOD_TENSOR) === VarKind.LOD_TENSOR)
    .sort(byName)
    .map((v) => ({ name: v.name, dataType: v.dataType ?? DataType.FP32, dims: v.dims ?? [] }))
}

/** A small classifier-shaped program: input → conv2d → batch_norm → relu, with its params. */
export function tinyModel(): { spec: ProgramSpec; vars: VarSpec[] } {
  const vars: VarSpec[] = [
    { name: 'x', dims: [-1, 3, 8, 8] },
    { name: 'conv2d_0.w_0', dims: [4, 3, 3, 3], persistable: true },
    { name: 'conv2d_0.tmp_0', dims: [-1, 4, 8, 8] },
    { name: 'batch_norm_0.w_0', dims: [4], persistable: true },
    { name: 'batch_norm_0.b_0', dims: [4], persistable: true },
    { name: 'batch_norm_0.w_1', dims: [4], persistable: true },
    { name: 'batch_norm_0.w_2', dims: [4], persistable: true },
    { name: 'batch_norm_0.tmp_2', dims: [-1, 4, 8, 8] },
    { name: 'relu_0.tmp_0', dims: [-1, 4, 8, 8] },
  ]
  const ops: OpSpec[] = [
    {
      type: 'conv2d',
      inputs: { Input: ['x'], Filter: ['conv2d_0.w_0'] },
      outputs: { Output: ['conv2d_0.tmp_0'] },
      attrs: {
        strides: attr.ints([1, 1]),
        paddings: attr.ints([1, 1]),
        groups: attr.int(1),
        data_format: 'NCHW',
      },
    },
    {
      type: 'batch_norm',
      inputs: {
        X: ['conv2d_0.tmp_0'],
        Scale: ['batch_norm_0.w_0'],
        Bias: ['batch_norm_0.b_0'],
        Mean: ['batch_norm_0.w_1'],
        Variance: ['batch_norm_0.w_2'],
      },
      outputs: { Y: ['batch_norm_0.tmp_2'] },
      attrs: { epsilon: attr.float(1e-5), is_test: true },
    },
    { type: 'relu', inputs: { X: ['batch_norm_0.tmp_2'] }, outputs: { Out: ['relu_0.tmp_0'] } },
  ]
  return { spec: { vars, ops }, vars }
}

export interface PirParamSpec {
  name: string
  /** PIR's element type name, e.g. "t_f32". */
  pirType?: string
  dims: number[]
}

/**
 * A Paddle 3 `inference.json`: one block with a data op, the parameter ops written the way
 * Paddle's serializer compresses them ("p"), an op using them, and a fetch.
 */
export function pirJson(
  params: readonly PirParamSpec[],
  options: {
    magic?: string | null
    legacyParameterOps?: boolean
    /** Leave the parameters' types out. */
    untyped?: boolean
  } = {},
): string {
  const paramType = (p: PirParamSpec) =>
    options.untyped ? undefined : tensorType(p.pirType ?? 't_f32', p.dims)
  const tensorType = (pirType: string, dims: number[]) => ({
    '#': '0.t_dtensor',
    D: [{ '#': `0.${pirType}` }, dims, 'NCHW', [], 0],
  })
  let id = 1
  const ops: unknown[] = [
    {
      '#': '1.data',
      I: [],
      O: [{ '%': id++, TT: tensorType('t_f32', [-1, 3, 8, 8]) }],
      A: [{ N: 'name', AT: { '#': '0.a_str', D: 'x' } }],
    },
    ...params.map((p) =>
      options.legacyParameterOps
        ? {
            '#': 'builtin.parameter',
            I: [],
            O: [{ '%': id++, TT: paramType(p) }],
            A: [{ N: 'parameter_name', AT: { '#': '0.a_str', D: p.name } }],
          }
        : {
            '#': 'p',
            A: [0, 1, 0, p.name],
            O: { '%': id++, TT: paramType(p) },
            DA: [],
            QA: [],
          },
    ),
    {
      '#': '1.relu',
      I: [{ '%': 1 }],
      O: [{ '%': id++, TT: tensorType('t_f32', [-1, 3, 8, 8]) }],
      A: [],
    },
    {
      '#': '1.fetch',
      I: [{ '%': id - 1 }],
      O: [{ '%': id++, TT: tensorType('t_f32', [-1, 3, 8, 8]) }],
      A: [],
    },
  ]
  const baseCode: Record<string, unknown> = { version: 1, trainable: false }
  if (options.magic !== null) baseCode.magic = options.magic ?? 'pir'
  return JSON.stringify({
    base_code: baseCode,
    program: { regions: [{ '#': 'region_0', blocks: [{ '#': 'block_0', args: [], ops }] }] },
  })
}

/** A protocol-`protocol` pickle of an empty dict: PROTO n, EMPTY_DICT, STOP. */
export function pickle(protocol = 2): Uint8Array {
  return Uint8Array.from([0x80, protocol, 0x7d, 0x71, 0x00, 0x2e])
}
