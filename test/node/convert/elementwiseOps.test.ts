/**
 * Binary element-wise operators with Paddle's `axis` broadcasting of a lower-rank Y (ONNX
 * aligns only trailing axes, so the converter pads Y: in the initializer when Y is a parameter,
 * by an Unsqueeze when it is computed or fed), and the affine `scale` and inference `dropout`.
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
import { DataType, attr } from '../../support/paddle/paddleWriter'
import { map } from './helpers/reference'
import { elementwise } from './helpers/tensorReference'

const X = tensor([2, 3, 4, 5], 2)

const binaries = {
  elementwise_add: (a: number, b: number) => a + b,
  elementwise_sub: (a: number, b: number) => a - b,
  elementwise_mul: (a: number, b: number) => a * b,
  elementwise_div: (a: number, b: number) => a / b,
} as const

/** Y shapes against X [N, C, H, W] and the axis Paddle writes for each. */
const layouts = [
  { name: 'Y [C], axis 1', dims: [3], axis: 1 },
  { name: 'Y [C, H], axis 1', dims: [3, 4], axis: 1 },
  { name: 'Y [W], axis −1 (numpy)', dims: [5], axis: -1 },
] as const

/** Y in ±[0.5, 1.5]: far from 0, so elementwise_div stays well conditioned. */
const yOf = (dims: readonly number[]) =>
  map(tensor([...dims], 8), (v) => Math.sign(v || 1) * (0.5 + Math.abs(v)))

describe.each(Object.keys(binaries) as (keyof typeof binaries)[])('%s', (type) => {
  it.each(
    layouts.flatMap((l) => [
      { ...l, fed: false },
      { ...l, fed: true },
    ]),
  )('broadcasts $name with Y a fed input: $fed', async ({ dims, axis, fed }) => {
    const y = yOf(dims)
    const c: ConvertCase = {
      ops: [
        {
          type,
          inputs: { X: ['x'], Y: ['y'] },
          outputs: { Out: ['out'] },
          attrs: { axis: attr.int(axis) },
        },
      ],
      inputs: fed ? { x: batched(X), y } : { x: batched(X) },
      params: fed ? {} : { y },
      vars: { out: [-1, 3, 4, 5] },
      fetch: ['out'],
    }
    const { outputs } = await runCase(c)
    expect(maxDiff(outputs[0]!, elementwise(X, y, axis, binaries[type]))).toBeLessThan(1e-5)
  })
})

async function runScale(x: Tensor, attrs: NonNullable<ConvertCase['ops'][number]['attrs']>) {
  const { outputs } = await runCase({
    ops: [{ type: 'scale', inputs: { X: ['x'] }, outputs: { Out: ['y'] }, attrs }],
    inputs: { x: batched(x) },
    vars: { y: [-1, ...x.dims.slice(1)] },
    fetch: ['y'],
  })
  return outputs[0]!
}

describe('scale', () => {
  const x = tensor([2, 3, 4], 3)

  it('adds the bias after scaling when bias_after_scale (scale·x + bias)', async () => {
    const out = await runScale(x, {
      scale: attr.float(2.5),
      bias: attr.float(0.75),
      bias_after_scale: true,
    })
    expect(
      maxDiff(
        out,
        map(x, (v) => 2.5 * v + 0.75),
      ),
    ).toBeLessThan(1e-5)
  })

  it('adds the bias before scaling when not (scale·(x + bias))', async () => {
    const out = await runScale(x, {
      scale: attr.float(2.5),
      bias: attr.float(0.75),
      bias_after_scale: false,
    })
    const expected = map(x, (v) => 2.5 * (v + 0.75))
    expect(maxDiff(out, expected)).toBeLessThan(1e-5)
    expect(
      maxDiff(
        expected,
        map(x, (v) => 2.5 * v + 0.75),
      ),
    ).toBeGreaterThan(1)
  })
})

describe('dropout at inference', () => {
  const x = tensor([2, 3, 4], 4)
  const run = async (implementation: string) => {
    const { outputs } = await runCase({
      ops: [
        {
          type: 'dropout',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'], Mask: ['mask'] },
          attrs: {
            dropout_prob: attr.float(0.3),
            is_test: true,
            dropout_implementation: implementation,
          },
        },
      ],
      inputs: { x: batched(x) },
      vars: { y: [-1, 3, 4], mask: { dims: [-1, 3, 4], dataType: DataType.UINT8 } },
      fetch: ['y'],
    })
    return outputs[0]!
  }

  it('downgrade_in_infer multiplies by 1 − p', async () => {
    expect(
      maxDiff(
        await run('downgrade_in_infer'),
        map(x, (v) => v * 0.7),
      ),
    ).toBeLessThan(1e-6)
  })

  it('upscale_in_train passes the input through', async () => {
    expect(maxDiff(await run('upscale_in_train'), x)).toBe(0)
  })
})
