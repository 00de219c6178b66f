/**
 * The shape rules against an independent oracle: ONNX's own shape inference
 * (`onnx.shape_inference.infer_shapes`, strict, Debian's python3-onnx) on two graphs that use
 * the ops the zoo's models are made of — a ViT block (patch conv, class token, LayerNorm,
 * multi-head attention through Reshape/Transpose/Split/Squeeze, GELU, Gather, Gemm) and a CNN
 * tail (dilated and strided convs, ceil-mode pooling, ConvTranspose, Pad, Resize, negative-step
 * Slice, Expand, Tile, reductions, Shape arithmetic into a Reshape). Every value both sides know
 * must have the same shape, and ours must know every value.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type OnnxNode, OnnxType, encodeOnnxModel } from '../../../src/main/convert/onnxModel'
import { memoryFile, walkModel } from '../../../src/main/facts/readOnnxGraph'
import { propagateShapes } from '../../../src/main/facts/shapes/propagateShapes'
import { tempDirForTest } from '../helpers/tempDir'
import { PYTHON } from '../inference/helpers/pythonReference'
import { floats, int64s, node, tensor } from './helpers/tinyGraphs'

function haveOnnx(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    console.warn(
      `skipping the shape oracle tests: ${PYTHON} cannot import onnx; install python3-onnx (apt) to run them`,
    )
    return false
  }
  return true
}

const INFER = `import json, sys, onnx
model = onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]), strict_mode=True)
shapes = {}
for v in list(model.graph.value_info) + list(model.graph.output):
    dims = v.type.tensor_type.shape.dim
    if all(d.HasField("dim_value") for d in dims) and v.type.tensor_type.HasField("shape"):
        shapes[v.name] = [d.dim_value for d in dims]
print(json.dumps(shapes))`

/** ONNX's inferred shapes of every value it could fix, by name. */
function onnxShapes(bytes: Uint8Array): Record<string, number[]> {
  const path = join(tempDirForTest('facts-oracle'), 'graph.onnx')
  writeFileSync(path, bytes)
  const run = spawnSync(PYTHON, ['-c', INFER, path], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout) as Record<string, number[]>
}

async function ourShapes(bytes: Uint8Array, input: number[]) {
  const graph = await walkModel(memoryFile(bytes))
  const result = propagateShapes(graph, new Map([['x', input]]))
  const failed = result.nodes.filter((n) => n.failure).map((n) => `${n.node.opType}: ${n.failure}`)
  return { values: result.values, failed }
}

function graphOf(
  nodes: OnnxNode[],
  initializers: ReturnType<typeof tensor>[],
  input: number[],
  output: string,
  opset = 17,
) {
  return encodeOnnxModel({
    opset,
    graph: {
      name: 'oracle',
      nodes,
      initializers,
      inputs: [{ name: 'x', elemType: OnnxType.FLOAT, shape: input }],
      // Rank 2 with open dims: the oracle fills in every intermediate value.
      outputs: [{ name: output, elemType: OnnxType.FLOAT, shape: ['rows', 'columns'] }],
    },
  })
}

function vitBlock(): Uint8Array {
  return graphOf(
    [
      node('Conv', ['x', 'patch_w', 'patch_b'], ['patches'], { strides: { ints: [8, 8] } }),
      node('Reshape', ['patches', 'to_tokens'], ['flat']),
      node('Transpose', ['flat'], ['tokens'], { perm: { ints: [0, 2, 1] } }),
      node('Concat', ['cls', 'tokens'], ['seq'], { axis: { i: 1 } }),
      node('Add', ['seq', 'pos'], ['embedded']),
      node('LayerNormalization', ['embedded', 'ln_g', 'ln_b'], ['normed'], { axis: { i: -1 } }),
      node('MatMul', ['normed', 'qkv_w'], ['qkv']),
      node('Reshape', ['qkv', 'to_heads'], ['qkv5']),
      node('Transpose', ['qkv5'], ['qkvt'], { perm: { ints: [2, 0, 3, 1, 4] } }),
      node('Split', ['qkvt', 'three'], ['q0', 'k0', 'v0'], { axis: { i: 0 } }),
      node('Squeeze', ['q0', 'axis0'], ['q']),
      node('Squeeze', ['k0', 'axis0'], ['k']),
      node('Squeeze', ['v0', 'axis0'], ['v']),
      node('Transpose', ['k'], ['kt'], { perm: { ints: [0, 1, 3, 2] } }),
      node('MatMul', ['q', 'kt'], ['scores']),
      node('Mul', ['scores', 'scale'], ['scaled']),
      node('Softmax', ['scaled'], ['attn'], { axis: { i: -1 } }),
      node('MatMul', ['attn', 'v'], ['heads']),
      node('Transpose', ['heads'], ['heads_t'], { perm: { ints: [0, 2, 1, 3] } }),
      node('Reshape', ['heads_t', 'to_seq'], ['merged']),
      node('MatMul', ['merged', 'proj_w'], ['projected']),
      node('Add', ['projected', 'embedded'], ['residual']),
      node('Div', ['residual', 'sqrt2'], ['g1']),
      node('Erf', ['g1'], ['g2']),
      node('Add', ['g2', 'one'], ['g3']),
      node('Mul', ['residual', 'g3'], ['gelu']),
      node('Gather', ['gelu', 'index0'], ['cls_out'], { axis: { i: 1 } }),
      node('Gemm', ['cls_out', 'head_w', 'head_b'], ['logits'], { transB: { i: 1 } }),
    ],
    [
      tensor('patch_w', [16, 3, 8, 8]),
      tensor('patch_b', [16]),
      int64s('to_tokens', [1, 16, -1]),
      tensor('cls', [1, 1, 16]),
      tensor('pos', [1, 17, 16]),
      tensor('ln_g', [16]),
      tensor('ln_b', [16]),
      tensor('qkv_w', [16, 48]),
      int64s('to_heads', [0, 0, 3, 2, 8]),
      int64s('three', [1, 1, 1]),
      int64s('axis0', [0]),
      tensor('scale', []),
      int64s('to_seq', [1, 17, 16]),
      tensor('proj_w', [16, 16]),
      tensor('sqrt2', []),
      tensor('one', []),
      { ...int64s('index0', [0]), dims: [] },
      tensor('head_w', [10, 16]),
      tensor('head_b', [10]),
    ],
    [1, 3, 32, 32],
    'logits',
  )
}

function cnnTail(): Uint8Array {
  return graphOf(
    [
      node('Conv', ['x', 'w1'], ['c1'], {
        strides: { ints: [2, 2] },
        pads: { ints: [1, 2, 1, 2] },
        dilations: { ints: [2, 1] },
      }),
      node('MaxPool', ['c1'], ['p1'], {
        kernel_shape: { ints: [3, 3] },
        strides: { ints: [2, 2] },
        ceil_mode: { i: 1 },
      }),
      node('AveragePool', ['c1'], ['p2'], {
        kernel_shape: { ints: [2, 2] },
        strides: { ints: [2, 2] },
        pads: { ints: [0, 0, 1, 1] },
      }),
      node('ConvTranspose', ['p1', 'wt'], ['up'], {
        strides: { ints: [2, 2] },
        pads: { ints: [1, 1, 1, 1] },
        output_padding: { ints: [1, 1] },
      }),
      node('Pad', ['up', 'pads'], ['padded']),
      node('Resize', ['padded', '', 'scales'], ['resized'], { mode: { s: 'nearest' } }),
      node('Slice', ['resized', 'starts', 'ends', 'axes', 'steps'], ['sliced']),
      node('Conv', ['sliced', 'dw'], ['dwout'], { group: { i: 4 }, auto_pad: { s: 'SAME_UPPER' } }),
      node('ReduceMean', ['dwout'], ['mean'], { axes: { ints: [2, 3] }, keepdims: { i: 1 } }),
      node('Expand', ['mean', 'expand_to'], ['expanded']),
      node('Tile', ['p2', 'repeats'], ['tiled']),
      node('Concat', ['expanded', 'tiled'], ['joined'], { axis: { i: 1 } }),
      node('GlobalAveragePool', ['joined'], ['gap']),
      node('Shape', ['gap'], ['gap_shape']),
      node('Gather', ['gap_shape', 'first'], ['batch']),
      node('Concat', ['batch', 'minus1'], ['flat_shape'], { axis: { i: 0 } }),
      node('Reshape', ['gap', 'flat_shape'], ['flat']),
      node('Unsqueeze', ['flat', 'axis0'], ['un']),
      node('Flatten', ['un'], ['logits'], { axis: { i: 2 } }),
    ],
    [
      tensor('w1', [8, 3, 3, 3]),
      tensor('wt', [8, 4, 3, 3]),
      int64s('pads', [0, 0, 1, 2, 0, 0, 3, 0]),
      floats('scales', [4], [1, 1, 2, 1.5]),
      int64s('starts', [-1, 1]),
      int64s('ends', [-1000, 100]),
      int64s('axes', [2, 3]),
      int64s('steps', [-2, 3]),
      tensor('dw', [8, 1, 3, 3]),
      int64s('expand_to', [1, 8, 16, 13]),
      int64s('repeats', [1, 1, 1, 1]),
      int64s('first', [0]),
      int64s('minus1', [-1]),
      int64s('axis0', [0]),
    ],
    [1, 3, 64, 48],
    'logits',
    13,
  )
}

describe.skipIf(!haveOnnx())('shapes against onnx.shape_inference', () => {
  it.each([
    ['a ViT block', vitBlock, [1, 3, 32, 32]],
    ['a CNN tail', cnnTail, [1, 3, 64, 48]],
  ] as const)('%s: every value the same shape', async (_, make, input) => {
    const bytes = make()
    const theirs = onnxShapes(bytes)
    const ours = await ourShapes(bytes, [...input])
    expect(ours.failed).toEqual([])
    const names = Object.keys(theirs)
    expect(names.length).toBeGreaterThan(15)
    for (const name of names)
      expect({ name, shape: ours.values.get(name)?.shape }).toEqual({ name, shape: theirs[name] })
  })
})
