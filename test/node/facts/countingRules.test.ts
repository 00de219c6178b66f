/**
 * The counting conventions on graphs small enough to count by hand (the numbers are worked out
 * in helpers/tinyGraphs.ts): paddle.flops's conv, BN, pooling and linear rules, attention's
 * products of two activations apart, parameters without quantization and shape constants, and
 * nodes whose shapes cannot be known listed rather than guessed.
 */
import { describe, expect, it } from 'vitest'
import { OnnxType } from '../../../src/main/convert/onnxModel'
import { modelFacts } from '../../../src/main/facts/modelFacts'
import { memoryFile, walkModel } from '../../../src/main/facts/readOnnxGraph'
import { windowOutput } from '../../../src/main/facts/shapes/convPoolRules'
import { attention, bytesTensor, convNet, int64s, model, node, tensor } from './helpers/tinyGraphs'

async function factsOf(bytes: Uint8Array, inputSize?: number) {
  const graph = await walkModel(memoryFile(bytes))
  return modelFacts(graph, { fileBytes: bytes.length, ...(inputSize ? { inputSize } : {}) })
}

describe('paddle.flops rules on a small conv net', () => {
  it('counts conv (with and without bias), BN, global pooling and Gemm as worked out by hand', async () => {
    const facts = await factsOf(convNet(32))
    expect(facts.inputShape).toEqual([1, 3, 32, 32])
    expect(facts.macsByOp).toEqual([
      { type: 'Conv', macs: 57_344 + 18_432 },
      { type: 'BatchNormalization', macs: 4_096 },
      { type: 'GlobalAveragePool', macs: 2_056 },
      { type: 'Gemm', macs: 80 },
    ])
    expect(facts.macs).toBe(82_008)
    expect(facts.weightMacs).toBe(73_808)
    expect(facts.activationMatmulMacs).toBe(0)
    expect(facts.flops).toBe(164_016)
    expect(facts.params).toBe(418)
    expect(facts.paramsBnStatistics).toBe(16)
    expect(facts.notCounted).toEqual([])
  })

  it('takes the given size where the graph leaves height and width open, 224 by default', async () => {
    const open = convNet('S')
    const at64 = await factsOf(open, 64)
    expect(at64.inputShape).toEqual([1, 3, 64, 64])
    expect(at64.inputChosen).toEqual([
      { axis: 0, name: 'N', value: 1, why: 'batch' },
      { axis: 2, name: 'S', value: 64, why: 'size' },
      { axis: 3, name: 'S', value: 64, why: 'size' },
    ])
    // 4× the pixels: every spatial count ×4, the Gemm unchanged.
    expect(at64.macs).toBe((57_344 + 4_096 + 18_432) * 4 + 8 * (32 * 32 + 1) + 80)
    expect((await factsOf(open)).inputShape).toEqual([1, 3, 224, 224])
    // A size the graph fixes wins over the one asked for.
    expect((await factsOf(convNet(32), 64)).inputShape).toEqual([1, 3, 32, 32])
  })
})

describe('attention', () => {
  it('counts products with weights as MACs and products of two activations apart', async () => {
    const facts = await factsOf(attention())
    expect(facts.inputShape).toEqual([1, 4, 16])
    expect(facts.macs).toBe(2_048)
    expect(facts.activationMatmulMacs).toBe(512)
    expect(facts.weightMacs).toBe(2_048)
    expect(facts.flops).toBe(5_120)
    expect(facts.params).toBe(512)
  })
})

describe('int8 (QDQ) graphs', () => {
  it('counts the quantized weights once and leaves the scales and zero points out', async () => {
    // x → Q → DQ → Conv(DQ(w_int8), bias) : a 4→6 1×1 conv on 8×8, with bias.
    const bytes = model({
      input: { name: 'x', shape: [1, 4, 8, 8] },
      output: 'y',
      initializers: [
        tensor('xs', []),
        bytesTensor('xz', [], OnnxType.UINT8),
        bytesTensor('wq', [6, 4, 1, 1], OnnxType.INT8),
        tensor('ws', [6]),
        bytesTensor('wz', [6], OnnxType.INT8),
        tensor('b', [6]),
      ],
      nodes: [
        node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq']),
        node('DequantizeLinear', ['xq', 'xs', 'xz'], ['xd']),
        node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w']),
        node('Conv', ['xd', 'w', 'b'], ['y']),
      ],
    })
    const facts = await factsOf(bytes)
    expect(facts.params).toBe(24 + 6)
    expect(facts.paramsExcluded).toEqual([{ kind: 'quantization', tensors: 4, elements: 14 }])
    expect(facts.macs).toBe(6 * 64 * (4 + 1))
  })
})

describe('shape arithmetic and what cannot be counted', () => {
  it('follows Shape → Gather → Unsqueeze → Concat into a Reshape, the constants not params', async () => {
    const bytes = model({
      input: { name: 'x', shape: ['N', 2, 3, 4] },
      output: 'y',
      initializers: [int64s('zero', [0]), int64s('minus1', [-1]), tensor('w', [24, 5])],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'zero'], ['n'], { axis: { i: 0 } }),
        node('Concat', ['n', 'minus1'], ['target'], { axis: { i: 0 } }),
        node('Reshape', ['x', 'target'], ['flat']),
        node('MatMul', ['flat', 'w'], ['y']),
      ],
    })
    const facts = await factsOf(bytes)
    expect(facts.macs).toBe(5 * 24)
    expect(facts.params).toBe(120)
    expect(facts.paramsExcluded).toEqual([{ kind: 'shape', tensors: 2, elements: 2 }])
  })

  it('lists an unknown op and everything that depends on it as not counted, with counts', async () => {
    const bytes = model({
      input: { name: 'x', shape: [1, 3, 8, 8] },
      output: 'y',
      initializers: [tensor('w', [4, 3, 1, 1]), tensor('w2', [4, 4, 1, 1])],
      nodes: [
        node('Conv', ['x', 'w'], ['a']),
        node('MysteryOp', ['a'], ['b']),
        node('Conv', ['b', 'w2'], ['c']),
        node('Conv', ['c', 'w2'], ['y']),
      ],
    })
    const facts = await factsOf(bytes)
    expect(facts.macs).toBe(64 * 4 * 3)
    expect(facts.notCounted).toEqual([
      { type: 'Conv', count: 2, reason: 'its input "b" has no known shape' },
      { type: 'MysteryOp', count: 1, reason: 'no shape rule for this op' },
    ])
  })
})

describe('inputs and values', () => {
  it('opens an NHWC input at height and width, and NCHW channels at 3', async () => {
    const nhwc = model({
      input: { name: 'x', shape: ['N', 'H', 'W', 3] },
      output: 'y',
      nodes: [node('Transpose', ['x'], ['y'], { perm: { ints: [0, 3, 1, 2] } })],
    })
    expect((await factsOf(nhwc, 96)).inputShape).toEqual([1, 96, 96, 3])
    const channels = model({
      input: { name: 'x', shape: ['N', 'C', 8, 8] },
      output: 'y',
      nodes: [node('Relu', ['x'], ['y'])],
    })
    expect((await factsOf(channels)).inputChosen).toContainEqual({
      axis: 1,
      name: 'C',
      value: 3,
      why: 'channels',
    })
  })

  it('carries no values for a huge constant (a ConstantOfShape of 10^10 elements)', async () => {
    const bytes = model({
      input: { name: 'x', shape: [1, 3, 8, 8] },
      output: 'y',
      initializers: [int64s('big', [1, 100_000, 100_000])],
      nodes: [
        node('ConstantOfShape', ['big'], ['zeros']),
        node('Shape', ['zeros'], ['s']),
        node('Add', ['zeros', 'zeros'], ['sum']),
        node('Relu', ['x'], ['y']),
      ],
    })
    const facts = await factsOf(bytes)
    expect(facts.notCounted).toEqual([])
  })
})

describe('sliding windows', () => {
  const window = (over: Partial<Parameters<typeof windowOutput>[1]>) => ({
    kernel: [3],
    strides: [2],
    dilations: [1],
    pads: [0, 0],
    autoPad: 'NOTSET',
    ceil: false,
    ...over,
  })
  it.each([
    { input: 6, w: {}, out: 2 },
    { input: 6, w: { ceil: true }, out: 3 },
    // The last window would start in the padding: dropped.
    { input: 4, w: { ceil: true, kernel: [2], pads: [0, 1] }, out: 2 },
    { input: 7, w: { autoPad: 'SAME_UPPER' }, out: 4 },
    { input: 7, w: { dilations: [2], strides: [1] }, out: 3 },
    { input: 224, w: { kernel: [3], strides: [2], pads: [1, 1] }, out: 112 },
  ])('$input with $w → $out', ({ input, w, out }) => {
    expect(windowOutput([input], window(w))).toEqual([out])
  })
})
