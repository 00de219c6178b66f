/**
 * Matrix products (matmul_v2 in every transpose combination, the older matmul with its alpha,
 * mul's flattening at x_num_col_dims), layer_norm over one and over several axes, and the
 * reductions, converted and run in onnxruntime against Paddle's definitions in TypeScript.
 */
import { describe, expect, it } from 'vitest'
import {
  type ConvertCase,
  type Tensor,
  batched,
  maxDiff,
  runCase,
  tensor,
} from './helpers/convertCase'
import { attr } from '../../support/paddle/paddleWriter'
import { map } from './helpers/reference'
import { type Reduction, layerNorm, matmul, mul, reduce } from './helpers/tensorReference'

type Attrs = NonNullable<ConvertCase['ops'][number]['attrs']>

/** X [2, 3, 4] (or [2, 4, 3] when transposed) times Y [2, 4, 5] or [4, 5] (or transposed). */
function operands(transX: boolean, transY: boolean, yRank: 2 | 3) {
  const x = tensor(transX ? [2, 4, 3] : [2, 3, 4], 1)
  const yMatrix = transY ? [5, 4] : [4, 5]
  const y = tensor(yRank === 3 ? [2, ...yMatrix] : yMatrix, 2)
  return { x, y }
}

/** One matmul-like op on a fed X; Y fed (batch open) when rank 3, a parameter when rank 2. */
async function runProduct(type: string, x: Tensor, y: Tensor, attrs: Attrs, outDims: number[]) {
  const fedY = y.dims.length === 3
  const { outputs } = await runCase({
    ops: [{ type, inputs: { X: ['x'], Y: ['y'] }, outputs: { Out: ['out'] }, attrs }],
    inputs: fedY ? { x: batched(x), y: batched(y) } : { x: batched(x) },
    params: fedY ? {} : { y },
    vars: { out: [-1, ...outDims.slice(1)] },
    fetch: ['out'],
  })
  return outputs[0]!
}

const combos = [2, 3].flatMap((yRank) =>
  [false, true].flatMap((transX) =>
    [false, true].map((transY) => ({ yRank: yRank as 2 | 3, transX, transY })),
  ),
)

describe('matmul_v2', () => {
  it.each(combos)(
    'rank 3 × rank $yRank with trans_x $transX, trans_y $transY',
    async ({ yRank, transX, transY }) => {
      const { x, y } = operands(transX, transY, yRank)
      const expected = matmul(x, y, transX, transY)
      const out = await runProduct(
        'matmul_v2',
        x,
        y,
        { trans_x: transX, trans_y: transY },
        expected.dims,
      )
      expect(out.dims).toEqual([2, 3, 5])
      expect(maxDiff(out, expected)).toBeLessThan(1e-5)
    },
  )
})

describe('matmul (the older operator)', () => {
  it.each(combos)(
    'rank 3 × rank $yRank with transpose_X $transX, transpose_Y $transY, scaled by alpha',
    async ({ yRank, transX, transY }) => {
      const { x, y } = operands(transX, transY, yRank)
      const expected = map(matmul(x, y, transX, transY), (v) => 1.5 * v)
      const out = await runProduct(
        'matmul',
        x,
        y,
        { transpose_X: transX, transpose_Y: transY, alpha: attr.float(1.5) },
        expected.dims,
      )
      expect(maxDiff(out, expected)).toBeLessThan(1e-5)
    },
  )
})

describe('mul', () => {
  const x = tensor([2, 3, 4], 3)

  it('x_num_col_dims 1 flattens X [2, 3, 4] to [2, 12]', async () => {
    const y = tensor([12, 5], 4)
    const expected = mul(x, y, 1, 1)
    const out = await runProduct(
      'mul',
      x,
      y,
      { x_num_col_dims: attr.int(1), y_num_col_dims: attr.int(1) },
      expected.dims,
    )
    expect(out.dims).toEqual([2, 5])
    expect(maxDiff(out, expected)).toBeLessThan(1e-5)
  })

  it('x_num_col_dims 2 keeps X’s first two axes: [2, 3, 4] × [4, 5] is [2, 3, 5]', async () => {
    const y = tensor([4, 5], 5)
    const expected = mul(x, y, 2, 1)
    const out = await runProduct(
      'mul',
      x,
      y,
      { x_num_col_dims: attr.int(2), y_num_col_dims: attr.int(1) },
      expected.dims,
    )
    expect(out.dims).toEqual([2, 3, 5])
    expect(maxDiff(out, expected)).toBeLessThan(1e-5)
  })
})

describe('layer_norm', () => {
  const x = tensor([2, 4, 6], 6, 2)

  /** Scale in [0.5, 1.5) and Bias, flat over the normalised axes as Paddle stores them. */
  const affine = (begin: number) => {
    const row = x.dims.slice(begin).reduce((a, d) => a * d, 1)
    return { scale: map(tensor([row], 7), (v) => 1 + v / 2), bias: tensor([row], 8) }
  }

  async function runLayerNorm(begin: number, epsilon: number) {
    const { scale, bias } = affine(begin)
    const { outputs } = await runCase({
      ops: [
        {
          type: 'layer_norm',
          inputs: { X: ['x'], Scale: ['scale'], Bias: ['bias'] },
          outputs: { Y: ['y'], Mean: ['mean'], Variance: ['variance'] },
          attrs: { begin_norm_axis: attr.int(begin), epsilon: attr.float(epsilon) },
        },
      ],
      inputs: { x: batched(x) },
      params: { scale, bias },
      vars: { y: [-1, 4, 6], mean: [-1], variance: [-1] },
      fetch: ['y'],
    })
    return { out: outputs[0]!, expected: layerNorm(x, begin, scale, bias, epsilon) }
  }

  it('normalises over the last axis (begin_norm_axis 2 of rank 3)', async () => {
    const { out, expected } = await runLayerNorm(2, 1e-5)
    expect(maxDiff(out, expected)).toBeLessThan(1e-4)
  })

  it('normalises over axes 1 and 2 (begin_norm_axis 1), Scale and Bias flat over both', async () => {
    const { out, expected } = await runLayerNorm(1, 1e-5)
    expect(maxDiff(out, expected)).toBeLessThan(1e-4)
  })

  it('honours epsilon', async () => {
    const { out, expected } = await runLayerNorm(2, 0.5)
    expect(maxDiff(out, expected)).toBeLessThan(1e-4)
    const { scale, bias } = affine(2)
    expect(maxDiff(expected, layerNorm(x, 2, scale, bias, 1e-5))).toBeGreaterThan(0.01)
  })
})

describe('reductions', () => {
  const x = tensor([2, 3, 4, 5], 9)

  async function runReduce(type: string, attrs: Attrs, outDims: number[]) {
    const { outputs } = await runCase({
      ops: [{ type, inputs: { X: ['x'] }, outputs: { Out: ['y'] }, attrs }],
      inputs: { x: batched(x) },
      vars: { y: outDims },
      fetch: ['y'],
    })
    return outputs[0]!
  }

  it.each<[string, Reduction, number[], boolean, number[]]>([
    ['reduce_mean', 'mean', [1, 2], true, [-1, 1, 1, 5]],
    ['reduce_mean', 'mean', [1, -1], false, [-1, 4]],
    ['reduce_sum', 'sum', [2], false, [-1, 3, 5]],
    ['reduce_max', 'max', [1, 3], true, [-1, 1, 4, 1]],
  ])('%s over dim %j with keep_dim %s', async (type, kind, dim, keep, outDims) => {
    const out = await runReduce(
      type,
      { dim: attr.ints(dim), keep_dim: keep, reduce_all: false },
      outDims,
    )
    const axes = dim.map((a) => (a < 0 ? a + 4 : a))
    expect(maxDiff(out, reduce(x, axes, keep, kind))).toBeLessThan(1e-5)
  })

  it('reduce_all reduces every axis whatever dim lists (0-d result)', async () => {
    const out = await runReduce(
      'reduce_mean',
      { dim: attr.ints([0]), keep_dim: false, reduce_all: true },
      [],
    )
    expect(maxDiff(out, reduce(x, [0, 1, 2, 3], false, 'mean'))).toBeLessThan(1e-5)
  })

  it('reduce_all gives [1] where the program (Paddle before 0-d tensors) says so', async () => {
    const out = await runReduce(
      'reduce_sum',
      { dim: attr.ints([0]), keep_dim: false, reduce_all: true },
      [1],
    )
    const expected = reduce(x, [0, 1, 2, 3], false, 'sum')
    expect(maxDiff(out, { dims: [1], data: expected.data })).toBeLessThan(1e-4)
  })

  it('reduce_all with keep_dim keeps every axis as 1', async () => {
    const out = await runReduce(
      'reduce_max',
      { dim: attr.ints([0]), keep_dim: true, reduce_all: true },
      [1, 1, 1, 1],
    )
    expect(maxDiff(out, reduce(x, [0, 1, 2, 3], true, 'max'))).toBe(0)
  })
})
