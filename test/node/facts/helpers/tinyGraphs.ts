/**
 * Small ONNX graphs for the facts tests, written by the app's own ONNX writer, with every figure
 * the counter should find worked out by hand beside the graph.
 */
import {
  type OnnxAttribute,
  type OnnxDim,
  type OnnxNode,
  type OnnxTensor,
  OnnxType,
  encodeOnnxModel,
} from '../../../../src/main/convert/onnxModel'
import { encodeValues } from '../../../../src/main/convert/dataTypes'

export function tensor(name: string, dims: number[], type: OnnxType = OnnxType.FLOAT): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1)
  const values = Array.from({ length: count }, (_, i) => (type === OnnxType.FLOAT ? i / 7 : i))
  return { name, dataType: type, dims, data: encodeValues(type, values) }
}

/** A float tensor of the given values. */
export function floats(name: string, dims: number[], values: number[]): OnnxTensor {
  return { name, dataType: OnnxType.FLOAT, dims, data: encodeValues(OnnxType.FLOAT, values) }
}

export function int64s(name: string, values: number[]): OnnxTensor {
  return {
    name,
    dataType: OnnxType.INT64,
    dims: [values.length],
    data: encodeValues(OnnxType.INT64, values),
  }
}

/** int8 / uint8 tensors (encodeValues writes only the types the converter emits). */
export function bytesTensor(name: string, dims: number[], type: OnnxType): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1)
  return { name, dataType: type, dims, data: new Uint8Array(count) }
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, OnnxAttribute> = {},
): OnnxNode {
  return { opType, inputs, outputs, attributes }
}

export function model(options: {
  nodes: OnnxNode[]
  initializers?: OnnxTensor[]
  input: { name: string; shape: OnnxDim[] }
  output: string
  opset?: number
}): Uint8Array {
  return encodeOnnxModel({
    opset: options.opset ?? 13,
    producer: { name: 'zoo-explorer-tests', version: '1' },
    graph: {
      name: 'tiny',
      nodes: options.nodes,
      initializers: options.initializers ?? [],
      inputs: [{ name: options.input.name, elemType: OnnxType.FLOAT, shape: options.input.shape }],
      outputs: [{ name: options.output, elemType: OnnxType.FLOAT, shape: [] }],
    },
  })
}

/**
 * input [N, 3, S, S] → Conv 3→8 k3 s2 p1 with bias → BatchNorm → Relu → depthwise Conv k3 p1
 * (groups 8, no bias) → GlobalAveragePool → Flatten → Gemm 8→10 with bias.
 *
 * At S = 32 (outputs 8×16×16 = 2,048 elements):
 *   conv      2,048 · (3·3·3 + 1)       = 57,344
 *   bn        2 · 2,048                 =  4,096
 *   dwconv    2,048 · (8/8·3·3 + 0)     = 18,432
 *   gap       8 · (16·16 + 1)           =  2,056
 *   gemm      10 · 8 (bias not counted) =     80
 *   MACs                                 = 82,008
 *   weight MACs 2,048·27 + 18,432 + 80   = 73,808
 *   params    216 + 8 + 4·8 + 72 + 80 + 10 = 418, of which 16 BN running statistics
 */
export function convNet(side: OnnxDim = 32): Uint8Array {
  return model({
    input: { name: 'x', shape: ['N', 3, side, side] },
    output: 'logits',
    initializers: [
      tensor('w1', [8, 3, 3, 3]),
      tensor('b1', [8]),
      tensor('gamma', [8]),
      tensor('beta', [8]),
      tensor('mean', [8]),
      tensor('var', [8]),
      tensor('w2', [8, 1, 3, 3]),
      tensor('fc_w', [8, 10]),
      tensor('fc_b', [10]),
    ],
    nodes: [
      node('Conv', ['x', 'w1', 'b1'], ['c1'], {
        strides: { ints: [2, 2] },
        pads: { ints: [1, 1, 1, 1] },
        kernel_shape: { ints: [3, 3] },
      }),
      node('BatchNormalization', ['c1', 'gamma', 'beta', 'mean', 'var'], ['bn']),
      node('Relu', ['bn'], ['r']),
      node('Conv', ['r', 'w2'], ['c2'], { group: { i: 8 }, pads: { ints: [1, 1, 1, 1] } }),
      node('GlobalAveragePool', ['c2'], ['gap']),
      node('Flatten', ['gap'], ['flat'], { axis: { i: 1 } }),
      node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits']),
    ],
  })
}

/**
 * Self-attention's products, one head: x [N, 4, 16]; q = x·Wq and k = x·Wk (weights 16×16);
 * scores = q·kᵀ [4, 4]; out = softmax(scores)·x [4, 16].
 *   linear    2 · (4·16 outputs · 16)       = 2,048 (paddle.flops's MACs)
 *   q·kᵀ      16 outputs · 16               =   256 (two activations)
 *   a·x       64 outputs · 4                =   256 (two activations)
 *   FLOPs     2 · (2,048 + 512)             = 5,120
 */
export function attention(): Uint8Array {
  return model({
    input: { name: 'x', shape: ['N', 4, 16] },
    output: 'out',
    initializers: [tensor('wq', [16, 16]), tensor('wk', [16, 16])],
    nodes: [
      node('MatMul', ['x', 'wq'], ['q']),
      node('MatMul', ['x', 'wk'], ['k']),
      node('Transpose', ['k'], ['kt'], { perm: { ints: [0, 2, 1] } }),
      node('MatMul', ['q', 'kt'], ['scores']),
      node('Softmax', ['scores'], ['a'], { axis: { i: -1 } }),
      node('MatMul', ['a', 'x'], ['out']),
    ],
  })
}
