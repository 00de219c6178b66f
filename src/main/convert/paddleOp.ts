/**
 * One Paddle operator as a converter reads it: its bound variables by slot and its attributes by
 * name, with Paddle's defaults where the program leaves an attribute out, and an error naming the
 * operator when a slot or attribute is not what the converter needs.
 */
import type { AttrValue } from '../paddle/opAttributes'
import type { OpDesc } from '../paddle/programDesc'

export class ConversionError extends Error {
  override readonly name = 'ConversionError'
}

export class PaddleOp {
  constructor(
    private readonly desc: OpDesc,
    /** Position in the program's block, for messages. */
    readonly index: number,
  ) {}

  get type(): string {
    return this.desc.type
  }

  /** "conv2d #12 (→ conv2d_3.tmp_0)": which operator, for messages. */
  get label(): string {
    const out = this.desc.outputs.find((slot) => slot.arguments.length > 0)?.arguments[0]
    return `${this.type} #${this.index}${out ? ` (→ ${out})` : ''}`
  }

  fail(message: string): never {
    throw new ConversionError(`${this.label}: ${message}`)
  }

  /** Every variable bound to input slot `slot`. */
  inputs(slot: string): string[] {
    return this.desc.inputs.find((s) => s.parameter === slot)?.arguments ?? []
  }

  /** The one variable bound to input `slot`, or null when the slot is empty. */
  optionalInput(slot: string): string | null {
    const bound = this.inputs(slot)
    if (bound.length > 1) this.fail(`input ${slot} binds ${bound.length} variables, expected one`)
    return bound[0] ?? null
  }

  input(slot: string): string {
    return this.optionalInput(slot) ?? this.fail(`has no input ${slot}`)
  }

  outputs(slot: string): string[] {
    return this.desc.outputs.find((s) => s.parameter === slot)?.arguments ?? []
  }

  output(slot: string): string {
    const bound = this.outputs(slot)
    if (bound.length !== 1)
      this.fail(`output ${slot} binds ${bound.length} variables, expected one`)
    return bound[0]!
  }

  private value(name: string): AttrValue | undefined {
    const value = this.desc.attrs.find((a) => a.name === name)?.value
    return value?.kind === 'unknown' ? undefined : value
  }

  has(name: string): boolean {
    return this.value(name) !== undefined
  }

  private wrong(name: string, value: AttrValue, wanted: string): never {
    return this.fail(`attribute ${name} is ${value.kind}, expected ${wanted}`)
  }

  int(name: string, fallback?: number): number {
    const v = this.value(name)
    if (v === undefined) return fallback ?? this.fail(`has no attribute ${name}`)
    if (v.kind === 'int') return v.value
    if (v.kind === 'long') return Number(v.value)
    if (v.kind === 'bool') return v.value ? 1 : 0
    if (v.kind === 'scalar' && v.value?.i !== null && v.value?.i !== undefined)
      return Number(v.value.i)
    return this.wrong(name, v, 'an integer')
  }

  float(name: string, fallback?: number): number {
    const v = this.value(name)
    if (v === undefined) return fallback ?? this.fail(`has no attribute ${name}`)
    if (v.kind === 'float' || v.kind === 'float64' || v.kind === 'int') return v.value
    if (v.kind === 'long') return Number(v.value)
    if (v.kind === 'scalar' && v.value) {
      const s = v.value
      if (s.r !== null) return s.r
      if (s.i !== null) return Number(s.i)
    }
    return this.wrong(name, v, 'a number')
  }

  bool(name: string, fallback?: boolean): boolean {
    const v = this.value(name)
    if (v === undefined) return fallback ?? this.fail(`has no attribute ${name}`)
    if (v.kind === 'bool') return v.value
    if (v.kind === 'int') return v.value !== 0
    return this.wrong(name, v, 'a boolean')
  }

  string(name: string, fallback?: string): string {
    const v = this.value(name)
    if (v === undefined) return fallback ?? this.fail(`has no attribute ${name}`)
    if (v.kind === 'string') return v.value
    return this.wrong(name, v, 'a string')
  }

  ints(name: string, fallback?: readonly number[]): number[] {
    const v = this.value(name)
    if (v === undefined) return fallback ? [...fallback] : this.fail(`has no attribute ${name}`)
    if (v.kind === 'ints' || v.kind === 'blocks') return [...v.value]
    if (v.kind === 'longs') return v.value.map(Number)
    if (v.kind === 'bools') return v.value.map(Number)
    if (v.kind === 'int') return [v.value]
    return this.wrong(name, v, 'a list of integers')
  }

  floats(name: string, fallback?: readonly number[]): number[] {
    const v = this.value(name)
    if (v === undefined) return fallback ? [...fallback] : this.fail(`has no attribute ${name}`)
    if (v.kind === 'floats' || v.kind === 'float64s' || v.kind === 'ints') return [...v.value]
    if (v.kind === 'float' || v.kind === 'float64') return [v.value]
    if (v.kind === 'longs') return v.value.map(Number)
    return this.wrong(name, v, 'a list of numbers')
  }
}
