/**
 * The ONNX graph a conversion builds, addressed by Paddle variable names. Paddle may write a
 * variable twice (in-place ops); ONNX values are written once, so each write gets a fresh ONNX
 * name and readers see the latest. Parameters and folded constants become initializers only
 * when a node reads them, so a parameter that was folded away (a bias reshaped at conversion
 * time) is not written twice. What the program says of each variable (element type, static dims,
 * -1 where fixed only at run time) is kept for converters that need a rank or a size.
 */
import { encodeValues } from './dataTypes'
import { ConversionError } from './paddleOp'
import type { OnnxAttribute, OnnxNode, OnnxTensor, OnnxType } from './onnxModel'
import { OnnxType as T } from './onnxModel'
import type { ByteSource } from './protoWriter'

/** What is known of a value before run time. */
export interface ValueFacts {
  dataType: OnnxType
  /** Null when the rank is unknown; -1 for a dimension fixed at run time. */
  dims: readonly number[] | null
}

export interface Constant {
  dataType: OnnxType
  dims: readonly number[]
  data: Uint8Array | ByteSource
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = []
  private readonly initializers = new Map<string, OnnxTensor>()
  /** Paddle variable → the ONNX value now holding it. */
  private readonly current = new Map<string, string>()
  private readonly constants = new Map<string, Constant>()
  private readonly facts = new Map<string, ValueFacts>()
  private readonly taken = new Set<string>()
  private temps = 0

  constructor(programFacts: ReadonlyMap<string, ValueFacts>) {
    for (const [name, facts] of programFacts) this.facts.set(name, facts)
  }

  /** A fresh ONNX value name for an intermediate result. */
  temp(hint: string): string {
    let name: string
    do name = `${hint}__${this.temps++}`
    while (this.taken.has(name))
    this.taken.add(name)
    return name
  }

  /** What the program says of variable `v` (or of a temporary, when a converter recorded it). */
  factsOf(v: string): ValueFacts | null {
    return this.facts.get(v) ?? null
  }

  /** Static dims of `v`, or a ConversionError when the program does not give its rank. */
  dims(v: string, who: string): readonly number[] {
    const dims = this.facts.get(v)?.dims
    if (!dims) throw new ConversionError(`${who}: the program gives no shape for ${v}`)
    return dims
  }

  rank(v: string, who: string): number {
    return this.dims(v, who).length
  }

  dataType(v: string): OnnxType {
    return this.facts.get(v)?.dataType ?? T.FLOAT
  }

  /** Records a parameter or folded constant as the value of `v`. */
  setConstant(v: string, constant: Constant): void {
    this.current.set(v, this.fresh(v))
    this.constants.set(v, constant)
    this.facts.set(v, { dataType: constant.dataType, dims: constant.dims })
  }

  /** The constant `v` holds, if it is one (a parameter or something folded from them). */
  constant(v: string): Constant | null {
    return this.constants.get(v) ?? null
  }

  /** The ONNX value that holds `v` now; a constant's initializer is written on first read. */
  read(v: string): string {
    const name = this.current.get(v)
    if (name === undefined)
      throw new ConversionError(`the program reads ${v} before any operator writes it`)
    const constant = this.constants.get(v)
    if (constant && !this.initializers.has(name)) this.initializers.set(name, { name, ...constant })
    return name
  }

  /** A new ONNX value for a write of `v`. */
  write(v: string, facts?: ValueFacts): string {
    const name = this.fresh(v)
    this.current.set(v, name)
    this.constants.delete(v)
    if (facts) this.facts.set(v, facts)
    return name
  }

  private fresh(v: string): string {
    if (!this.taken.has(v)) {
      this.taken.add(v)
      return v
    }
    return this.temp(v)
  }

  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes?: Record<string, OnnxAttribute>,
  ): void {
    this.nodes.push({
      opType,
      inputs: [...inputs],
      outputs: [...outputs],
      name: `${opType}_${this.nodes.length}`,
      ...(attributes ? { attributes } : {}),
    })
  }

  /** One node writing one new temporary; returns its name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, OnnxAttribute>,
  ): string {
    const out = this.temp(opType.toLowerCase())
    this.node(opType, inputs, [out], attributes)
    return out
  }

  /** An initializer of int64 values (shapes, axes, starts). */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(
      { dataType: T.INT64, dims, data: encodeValues(T.INT64, values) },
      'const_i64',
    )
  }

  /** An initializer of float32 values. */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(
      { dataType: T.FLOAT, dims, data: encodeValues(T.FLOAT, values) },
      'const_f32',
    )
  }

  /** A scalar (rank 0) of `dataType`, for broadcasting against a tensor of that type. */
  scalar(value: number, dataType: OnnxType = T.FLOAT): string {
    return this.tensor({ dataType, dims: [], data: encodeValues(dataType, [value]) }, 'const')
  }

  tensor(constant: Constant, hint: string): string {
    const name = this.temp(hint)
    this.initializers.set(name, { name, ...constant })
    return name
  }

  /** Renames a value everywhere (graph outputs get readable names at the end). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.inputs.forEach((input, i) => {
        if (input === from) (node.inputs as string[])[i] = to
      })
      node.outputs.forEach((output, i) => {
        if (output === from) (node.outputs as string[])[i] = to
      })
    }
    const tensor = this.initializers.get(from)
    if (tensor) {
      this.initializers.delete(from)
      this.initializers.set(to, { ...tensor, name: to })
    }
  }

  initializerList(): OnnxTensor[] {
    return [...this.initializers.values()]
  }
}
