/**
 * What a shape rule sees of one node: its inputs' static shapes (and values, for the small
 * integer tensors shape arithmetic is made of), its attributes, the opset. A rule that cannot
 * work out an output throws ShapeError with the reason, and the node is reported as not counted.
 * Pure.
 */
import type { AttributeValue, GraphNode, GraphTensor } from '../onnxGraph'
import { elementCount } from '../onnxGraph'

export interface Value {
  shape: number[]
  /** Known values, row-major, for small tensors (shapes, axes, indices, scalars); else null. */
  values: number[] | null
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ShapeError'
  }
}

/** Values are carried through shape arithmetic only for tensors this small. */
export const MAX_CARRIED_VALUES = 4096

export interface RuleContext {
  node: GraphNode
  /** The opset of the node's domain. */
  opset: number
  /** Input `i`, or null when the node leaves it out. */
  input(i: number): Value | null
  /** Input `i`, which the op requires. */
  need(i: number): Value
  /** The values of input `i`, which the rule cannot do without (a Reshape's shape). */
  valuesOf(i: number, what: string): number[]
  int(name: string, fallback: number): number
  float(name: string, fallback: number): number
  string(name: string, fallback: string): string
  /** An ints attribute, or null when absent. */
  ints(name: string): number[] | null
  floats(name: string): number[] | null
  tensor(name: string): GraphTensor | null
  has(name: string): boolean
}

export function makeContext(
  node: GraphNode,
  opset: number,
  inputs: readonly (Value | null)[],
): RuleContext {
  const attr = (name: string): AttributeValue | undefined => {
    const value = node.attributes.get(name)
    if (value?.kind === 'other') throw new ShapeError(`its attribute "${name}" could not be read`)
    return value
  }
  const ctx: RuleContext = {
    node,
    opset,
    input: (i) => inputs[i] ?? null,
    need(i) {
      const value = inputs[i]
      if (!value) throw new ShapeError(`its input ${i + 1} is missing`)
      return value
    },
    valuesOf(i, what) {
      const value = ctx.need(i)
      if (!value.values) throw new ShapeError(`its ${what} is only known at run time`)
      return value.values
    },
    int(name, fallback) {
      const a = attr(name)
      return a?.kind === 'int' ? a.value : fallback
    },
    float(name, fallback) {
      const a = attr(name)
      return a?.kind === 'float' ? a.value : fallback
    },
    string(name, fallback) {
      const a = attr(name)
      return a?.kind === 'string' ? a.value : fallback
    },
    ints(name) {
      const a = attr(name)
      if (a?.kind === 'ints') return a.value
      if (a?.kind === 'int') return [a.value]
      return null
    },
    floats(name) {
      const a = attr(name)
      return a?.kind === 'floats' ? a.value : null
    },
    tensor(name) {
      const a = attr(name)
      return a?.kind === 'tensor' ? a.value : null
    },
    has: (name) => node.attributes.has(name),
  }
  return ctx
}

/** A value of `shape` with no known contents. */
export const shaped = (shape: number[]): Value => ({ shape, values: null })

/** A value with known contents (kept only when small). */
export function valued(shape: number[], values: number[] | null): Value {
  const ok = values !== null && values.length === elementCount(shape)
  return { shape, values: ok && values.length <= MAX_CARRIED_VALUES ? values : null }
}

/** `axis` in [0, rank), counting negative axes from the end. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a >= rank) throw new ShapeError(`axis ${axis} is outside a rank-${rank} tensor`)
  return a
}

/** NumPy broadcasting of shapes. */
export function broadcast(...shapes: readonly number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length))
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    let size = 1
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i] ?? 1
      if (d === 1) continue
      if (size !== 1 && d !== size)
        throw new ShapeError(
          `shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast`,
        )
      size = d
    }
    out.push(size)
  }
  return out
}

/** Row-major strides of `shape`. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1)
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!
  return out
}

/** Element `index` (row-major in `outShape`) read from a tensor of `shape` broadcast to it. */
export function broadcastIndex(
  index: number,
  outShape: readonly number[],
  shape: readonly number[],
) {
  const outStrides = strides(outShape)
  const inStrides = strides(shape)
  const offset = outShape.length - shape.length
  let at = 0
  for (let i = 0; i < shape.length; i++) {
    const coordinate = Math.floor(index / outStrides[i + offset]!) % outShape[i + offset]!
    if (shape[i] !== 1) at += coordinate * inStrides[i]!
  }
  return at
}
