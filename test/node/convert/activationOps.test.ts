/**
 * Activations converted and run in onnxruntime, against Paddle's definitions written out in
 * TypeScript: the parameterised ones are run with the attribute values real exports write
 * (hard_sigmoid's 1/6 slope from PP-LCNet, where ONNX's default is 0.2) and with values that
 * differ from every default, so a converter leaning on a default fails.
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
import { build, erf, get, softmax } from './helpers/tensorReference'

type Attrs = NonNullable<ConvertCase['ops'][number]['attrs']>

/** [2, 3, 4, 5] in [−scale, scale), the batch open in the program. */
const input = (scale: number, seed = 5) => tensor([2, 3, 4, 5], seed, scale)

async function runUnary(
  type: string,
  x: Tensor,
  attrs: Attrs = {},
  params: Record<string, Tensor> = {},
): Promise<Tensor> {
  const slots: Record<string, string[]> = { X: ['x'] }
  if (params.alpha) slots.Alpha = ['alpha']
  const { outputs } = await runCase({
    ops: [{ type, inputs: slots, outputs: { Out: ['y'] }, attrs }],
    inputs: { x: batched(x) },
    params,
    vars: { y: [-1, ...x.dims.slice(1)] },
    fetch: ['y'],
  })
  return outputs[0]!
}

const hardSigmoid = (x: Tensor, slope: number, offset: number) =>
  map(x, (v) => Math.min(Math.max(slope * v + offset, 0), 1))

describe('hard_sigmoid', () => {
  it('reads slope 0.2 and offset 0.5 (as MobileNetV3 writes them)', async () => {
    const x = input(6)
    const out = await runUnary('hard_sigmoid', x, {
      slope: attr.float(0.2),
      offset: attr.float(0.5),
    })
    expect(maxDiff(out, hardSigmoid(x, 0.2, 0.5))).toBeLessThan(1e-5)
  })

  it('reads slope 1/6 (as PP-LCNet writes it), not ONNX’s default 0.2', async () => {
    const x = input(6)
    const out = await runUnary('hard_sigmoid', x, {
      slope: attr.float(1 / 6),
      offset: attr.float(0.5),
    })
    expect(maxDiff(out, hardSigmoid(x, 1 / 6, 0.5))).toBeLessThan(1e-5)
    expect(maxDiff(hardSigmoid(x, 1 / 6, 0.5), hardSigmoid(x, 0.2, 0.5))).toBeGreaterThan(0.05)
  })
})

const hardSwish = (x: Tensor, threshold: number, scale: number, offset: number) =>
  map(x, (v) => (v * Math.min(Math.max(v + offset, 0), threshold)) / scale)

describe('hard_swish', () => {
  it('computes x·min(max(x + 3, 0), 6)/6 with the default threshold, scale and offset', async () => {
    const x = input(8)
    const attrs = { threshold: attr.float(6), scale: attr.float(6), offset: attr.float(3) }
    expect(maxDiff(await runUnary('hard_swish', x, attrs), hardSwish(x, 6, 6, 3))).toBeLessThan(
      1e-5,
    )
  })

  it('honours a threshold, scale and offset other than 6, 6, 3', async () => {
    const x = input(8)
    const attrs = { threshold: attr.float(4), scale: attr.float(5), offset: attr.float(2) }
    const expected = hardSwish(x, 4, 5, 2)
    expect(maxDiff(await runUnary('hard_swish', x, attrs), expected)).toBeLessThan(1e-5)
    expect(maxDiff(expected, hardSwish(x, 6, 6, 3))).toBeGreaterThan(0.5)
  })
})

describe('gelu', () => {
  const x = input(4)
  const exact = map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)))
  const tanhForm = map(
    x,
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  )

  it('is the erf form when approximate is false', async () => {
    const out = await runUnary('gelu', x, { approximate: false })
    expect(maxDiff(out, exact)).toBeLessThan(1e-5)
  })

  it('is the tanh form when approximate is true', async () => {
    const out = await runUnary('gelu', x, { approximate: true })
    expect(maxDiff(out, tanhForm)).toBeLessThan(1e-5)
  })

  it('has inputs where the two forms differ by more than the tolerance', () => {
    // The tests above pass at 1e-5; the forms differ by up to ~5e-4 (at |x| ≈ 2.7).
    expect(maxDiff(exact, tanhForm)).toBeGreaterThan(1e-4)
  })
})

describe('other element-wise activations', () => {
  it('relu6 clips to [0, threshold]', async () => {
    const x = input(8)
    for (const threshold of [6, 4.5]) {
      const out = await runUnary('relu6', x, { threshold: attr.float(threshold) })
      expect(
        maxDiff(
          out,
          map(x, (v) => Math.min(Math.max(v, 0), threshold)),
        ),
      ).toBe(0)
    }
  })

  it('swish is x·sigmoid(beta·x)', async () => {
    const x = input(5)
    const out = await runUnary('swish', x, { beta: attr.float(1.7) })
    expect(
      maxDiff(
        out,
        map(x, (v) => v / (1 + Math.exp(-1.7 * v))),
      ),
    ).toBeLessThan(1e-5)
  })

  it('silu is x·sigmoid(x)', async () => {
    const x = input(5)
    expect(
      maxDiff(
        await runUnary('silu', x),
        map(x, (v) => v / (1 + Math.exp(-v))),
      ),
    ).toBeLessThan(1e-5)
  })

  it('leaky_relu takes alpha for the negative side', async () => {
    const x = input(3)
    const out = await runUnary('leaky_relu', x, { alpha: attr.float(0.15) })
    expect(
      maxDiff(
        out,
        map(x, (v) => (v >= 0 ? v : 0.15 * v)),
      ),
    ).toBeLessThan(1e-6)
  })

  it('sigmoid is 1/(1 + e^−x)', async () => {
    const x = input(6)
    expect(
      maxDiff(
        await runUnary('sigmoid', x),
        map(x, (v) => 1 / (1 + Math.exp(-v))),
      ),
    ).toBeLessThan(1e-6)
  })

  it('clip bounds by its min and max attributes', async () => {
    const x = input(2)
    const out = await runUnary('clip', x, { min: attr.float(-0.3), max: attr.float(0.55) })
    expect(
      maxDiff(
        out,
        map(x, (v) => Math.min(Math.max(v, -0.3), 0.55)),
      ),
    ).toBeLessThan(1e-7)
  })

  it('softmax normalises along an axis that is not the last', async () => {
    const x = input(3)
    const out = await runUnary('softmax', x, { axis: attr.int(1) })
    const expected = softmax(x, 1)
    expect(maxDiff(out, expected)).toBeLessThan(1e-4)
    // Along the last axis instead, the numbers differ: the axis really is honoured.
    expect(maxDiff(expected, softmax(x, -1))).toBeGreaterThan(0.05)
  })
})

describe('prelu', () => {
  const x = input(2, 9)
  const [, c, h, w] = x.dims as [number, number, number, number]
  const prelu = (slope: (idx: number[]) => number) =>
    build(x.dims, (idx) => {
      const v = get(x, idx)
      return v >= 0 ? v : slope(idx) * v
    })

  it('mode all: one slope for every element', async () => {
    const alpha = tensor([1], 3)
    const out = await runUnary('prelu', x, { mode: 'all' }, { alpha })
    expect(
      maxDiff(
        out,
        prelu(() => Number(alpha.data[0])),
      ),
    ).toBeLessThan(1e-6)
  })

  it('mode channel: one slope per channel (axis 1)', async () => {
    const alpha = tensor([c], 4)
    const out = await runUnary('prelu', x, { mode: 'channel' }, { alpha })
    expect(
      maxDiff(
        out,
        prelu((idx) => get(alpha, [idx[1]!])),
      ),
    ).toBeLessThan(1e-6)
  })

  it('mode element: one slope per element of a sample, shared across the batch', async () => {
    const alpha = tensor([1, c, h, w], 6)
    const out = await runUnary('prelu', x, { mode: 'element' }, { alpha })
    expect(
      maxDiff(
        out,
        prelu((idx) => get(alpha, [0, ...idx.slice(1)])),
      ),
    ).toBeLessThan(1e-6)
  })
})
