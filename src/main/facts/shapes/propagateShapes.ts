/**
 * Static shape propagation over a graph, in node order (ONNX requires topological order), from
 * fixed input shapes. Each node either gets its outputs' shapes from its op's rule or is marked
 * with why it could not be (no rule for the op, an input of unknown shape, a subgraph, an
 * attribute the rule needs at run time); its outputs then stay unknown, so nothing downstream
 * is guessed either. Also tells which values are constant (initializers, Constant nodes, and
 * what is computed from constants alone: a DequantizeLinear of int8 weights is still weights).
 * Pure.
 */
import { type GraphNode, type OnnxGraphInfo } from '../onnxGraph'
import { convPoolRules } from './convPoolRules'
import { type ShapeRule, elementwiseRules } from './elementwiseRules'
import { layoutRules } from './layoutRules'
import { linearRules } from './linearRules'
import { ShapeError, type Value, makeContext, valued } from './ruleContext'

export const shapeRules: Readonly<Record<string, ShapeRule>> = {
  ...elementwiseRules,
  ...convPoolRules,
  ...layoutRules,
  ...linearRules,
}

/** Domains whose ops the rules know: ONNX's own, and onnxruntime's int8 ops. */
const knownDomains = new Set(['', 'ai.onnx', 'com.microsoft'])

export interface NodeShapes {
  node: GraphNode
  /** Shapes of the node's inputs in order; null for an input left out or of unknown shape. */
  inputs: (Value | null)[]
  /** Null when the node's shapes could not be worked out (see `failure`). */
  outputs: Value[] | null
  failure: string | null
}

export interface Propagation {
  nodes: NodeShapes[]
  values: ReadonlyMap<string, Value>
  /** Names of values that do not depend on any graph input. */
  constants: ReadonlySet<string>
}

function failureOf(
  node: GraphNode,
  rule: ShapeRule | undefined,
  missing: string | undefined,
): string | null {
  if (!knownDomains.has(node.domain)) return `it is an op of the domain "${node.domain}"`
  if (!rule) return 'no shape rule for this op'
  if ([...node.attributes.values()].some((a) => a.kind === 'graph')) return 'it has a subgraph'
  if (missing !== undefined) return `its input "${missing}" has no known shape`
  return null
}

export function propagateShapes(
  graph: OnnxGraphInfo,
  feeds: ReadonlyMap<string, number[]>,
): Propagation {
  const values = new Map<string, Value>()
  const constants = new Set<string>()
  for (const t of graph.initializers) {
    // An input of the same name (IR < 4 listed initializers as inputs too) may override it.
    if (feeds.has(t.name)) continue
    values.set(t.name, valued([...t.dims], t.values))
    constants.add(t.name)
  }
  for (const [name, shape] of feeds) values.set(name, valued([...shape], null))
  const opsetOf = new Map(
    graph.opsets.map((o) => [o.domain === 'ai.onnx' ? '' : o.domain, o.version]),
  )
  const nodes: NodeShapes[] = []
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => (name === '' ? null : (values.get(name) ?? null)))
    const missing = node.inputs.find((name, i) => name !== '' && inputs[i] === null)
    const rule = shapeRules[node.opType]
    let failure = failureOf(node, rule, missing)
    let outputs: Value[] | null = null
    if (failure === null && rule) {
      const domain = node.domain === 'ai.onnx' ? '' : node.domain
      const opset = opsetOf.get(domain) ?? opsetOf.get('') ?? 1
      try {
        outputs = rule(makeContext(node, opset, inputs))
        // Garbage attributes (a zero stride, a fractional scale) must not become counts.
        const bad = outputs.find((v) => !v.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        if (bad) throw new ShapeError(`it would make an impossible shape [${bad.shape.join(', ')}]`)
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error
        failure = error.message
      }
    }
    if (outputs) {
      const present = node.inputs.filter((name) => name !== '')
      const constant =
        node.opType === 'Constant' ||
        (present.length > 0 && present.every((name) => constants.has(name)))
      node.outputs.forEach((name, i) => {
        const value = outputs![i]
        if (!name || !value) return
        values.set(name, value)
        if (constant) constants.add(name)
      })
    }
    nodes.push({ node, inputs, outputs, failure })
  }
  return { nodes, values, constants }
}
