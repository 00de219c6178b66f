/**
 * conv2d, depthwise_conv2d and pool2d converted and run in onnxruntime, against Paddle's kernels
 * written out in TypeScript: each padding form (2 values, Paddle's 4-value [top, bottom, left,
 * right], SAME, VALID), groups, dilations, a bias added on axis 1, and pooling's global,
 * adaptive (sizes that do not divide), ceil_mode and exclusive variants.
 */
import { describe, expect, it } from 'vitest'
import { type ConvertCase, maxDiff, runCase, tensor } from '../../support/paddle/convertCase'
import { attr } from '../../support/paddle/paddleWriter'
import {
  adaptivePool2d,
  conv2d,
  map,
  pool2d,
  type Conv2dSpec,
  type Pool2dSpec,
} from '../../support/paddle/reference'

const X = tensor([2, 4, 9, 11], 3)

function convCase(
  opType: string,
  w: number[],
  attrs: ConvertCase['ops'][number]['attrs'],
  outDims: number[],
): ConvertCase {
  return {
    ops: [
      { type: opType, inputs: { Input: ['x'], Filter: ['w'] }, outputs: { Output: ['y'] }, attrs },
    ],
    inputs: { x: { ...X, programDims: [-1, 4, 9, 11] } },
    params: { w: tensor(w, 7) },
    vars: { y: outDims },
    fetch: ['y'],
  }
}

async function convDiff(
  opType: string,
  w: number[],
  attrs: ConvertCase['ops'][number]['attrs'],
  spec: Conv2dSpec,
) {
  const expected = conv2d(X, tensor(w, 7), spec)
  const { outputs } = await runCase(convCase(opType, w, attrs, [-1, ...expected.dims.slice(1)]))
  return maxDiff(outputs[0]!, expected)
}

describe('conv2d', () => {
  it('takes 2 paddings as [h, w] on both sides', async () => {
    const attrs = {
      strides: attr.ints([2, 1]),
      paddings: attr.ints([1, 2]),
      dilations: attr.ints([1, 1]),
      groups: attr.int(1),
    }
    const diff = await convDiff('conv2d', [6, 4, 3, 3], attrs, {
      strides: [2, 1],
      pads: [1, 1, 2, 2],
      dilations: [1, 1],
      groups: 1,
    })
    expect(diff).toBeLessThan(1e-5)
  })

  it('reads 4 paddings in Paddle’s [top, bottom, left, right] order', async () => {
    const attrs = {
      strides: attr.ints([1, 1]),
      paddings: attr.ints([0, 2, 1, 0]),
      dilations: attr.ints([1, 1]),
      groups: attr.int(1),
    }
    const diff = await convDiff('conv2d', [3, 4, 3, 2], attrs, {
      strides: [1, 1],
      pads: [0, 2, 1, 0],
      dilations: [1, 1],
      groups: 1,
    })
    expect(diff).toBeLessThan(1e-5)
  })

  it('pads SAME with the odd pixel at the end and ignores dilations, as Paddle does', async () => {
    const attrs = {
      strides: attr.ints([2, 2]),
      paddings: attr.ints([0, 0]),
      dilations: attr.ints([2, 2]),
      groups: attr.int(1),
      padding_algorithm: 'SAME',
    }
    // in 9 → out 5: total (5−1)·2 + 4 − 9 = 3 → 1 before, 2 after; in 11 → 6: 10 + 4 − 11 = 3.
    const diff = await convDiff('conv2d', [2, 4, 4, 4], attrs, {
      strides: [2, 2],
      pads: [1, 2, 1, 2],
      dilations: [1, 1],
      groups: 1,
    })
    expect(diff).toBeLessThan(1e-5)
  })

  it('pads nothing when VALID, whatever the paddings say', async () => {
    const attrs = {
      strides: attr.ints([1, 1]),
      paddings: attr.ints([3, 3]),
      dilations: attr.ints([1, 1]),
      groups: attr.int(1),
      padding_algorithm: 'VALID',
    }
    const diff = await convDiff('conv2d', [2, 4, 3, 3], attrs, {
      strides: [1, 1],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      groups: 1,
    })
    expect(diff).toBeLessThan(1e-5)
  })

  it('keeps groups and dilations (grouped and depthwise)', async () => {
    const grouped = {
      strides: attr.ints([1, 1]),
      paddings: attr.ints([2, 2]),
      dilations: attr.ints([2, 1]),
      groups: attr.int(2),
    }
    expect(
      await convDiff('conv2d', [6, 2, 3, 3], grouped, {
        strides: [1, 1],
        pads: [2, 2, 2, 2],
        dilations: [2, 1],
        groups: 2,
      }),
    ).toBeLessThan(1e-5)
    const depthwise = {
      strides: attr.ints([2, 2]),
      paddings: attr.ints([1, 1]),
      dilations: attr.ints([1, 1]),
      groups: attr.int(4),
    }
    expect(
      await convDiff('depthwise_conv2d', [4, 1, 3, 3], depthwise, {
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        dilations: [1, 1],
        groups: 4,
      }),
    ).toBeLessThan(1e-5)
  })

  it('adds the bias that follows as elementwise_add on axis 1', async () => {
    const attrs = {
      strides: attr.ints([1, 1]),
      paddings: attr.ints([1, 1]),
      dilations: attr.ints([1, 1]),
      groups: attr.int(1),
    }
    const bias = tensor([5], 11)
    const expected = conv2d(X, tensor([5, 4, 3, 3], 7), {
      strides: [1, 1],
      pads: [1, 1, 1, 1],
      dilations: [1, 1],
      groups: 1,
    })
    const withBias = {
      ...expected,
      data: map(expected, (v, i) => v + Number(bias.data[Math.floor(i / (9 * 11)) % 5])).data,
    }
    const c = convCase('conv2d', [5, 4, 3, 3], attrs, [-1, 5, 9, 11])
    c.ops.push({
      type: 'elementwise_add',
      inputs: { X: ['y'], Y: ['b'] },
      outputs: { Out: ['z'] },
      attrs: { axis: attr.int(1) },
    })
    c.params!.b = bias
    c.vars.z = [-1, 5, 9, 11]
    c.fetch = ['z']
    const { outputs } = await runCase(c)
    expect(maxDiff(outputs[0]!, withBias)).toBeLessThan(1e-5)
  })
})

function poolCase(
  attrs: ConvertCase['ops'][number]['attrs'],
  outDims: number[],
  x = X,
): ConvertCase {
  return {
    ops: [{ type: 'pool2d', inputs: { X: ['x'] }, outputs: { Out: ['y'] }, attrs }],
    inputs: { x: { ...x, programDims: [-1, ...x.dims.slice(1)] } },
    vars: { y: [-1, ...outDims.slice(1)] },
    fetch: ['y'],
  }
}

async function poolDiff(
  spec: Pool2dSpec,
  extra: Record<string, ReturnType<typeof attr.int> | string | boolean> = {},
) {
  const expected = pool2d(X, spec)
  const [pt, pb, pl, pr] = spec.pads
  const attrs = {
    pooling_type: spec.type,
    ksize: attr.ints(spec.ksize),
    strides: attr.ints(spec.strides),
    paddings: attr.ints([pt, pb, pl, pr]),
    ceil_mode: spec.ceilMode,
    exclusive: spec.exclusive,
    ...extra,
  }
  const { outputs } = await runCase(poolCase(attrs, expected.dims))
  return maxDiff(outputs[0]!, expected)
}

describe('pool2d', () => {
  it('max-pools with asymmetric paddings and ceil_mode', async () => {
    const spec: Pool2dSpec = {
      type: 'max',
      ksize: [3, 2],
      strides: [2, 2],
      pads: [1, 0, 0, 1],
      ceilMode: true,
      exclusive: true,
    }
    expect(await poolDiff(spec)).toBe(0)
  })

  it('averages over the cells inside the input when exclusive (the default), over the whole window when not', async () => {
    const base: Pool2dSpec = {
      type: 'avg',
      ksize: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      ceilMode: false,
      exclusive: true,
    }
    expect(await poolDiff(base)).toBeLessThan(1e-6)
    expect(await poolDiff({ ...base, exclusive: false })).toBeLessThan(1e-6)
    // The two differ at the border: a converter that ignores `exclusive` fails one of them.
    expect(maxDiff(pool2d(X, base), pool2d(X, { ...base, exclusive: false }))).toBeGreaterThan(0.01)
  })

  it('pools globally', async () => {
    const attrs = {
      pooling_type: 'avg',
      ksize: attr.ints([1, 1]),
      global_pooling: true,
      strides: attr.ints([1, 1]),
      paddings: attr.ints([0, 0]),
    }
    const expected = adaptivePool2d(X, 'avg', [1, 1])
    const { outputs } = await runCase(poolCase(attrs, expected.dims))
    expect(maxDiff(outputs[0]!, expected)).toBeLessThan(1e-6)
  })

  it.each([
    ['avg', [3, 3]],
    ['avg', [2, 4]],
    ['max', [4, 3]],
    ['avg', [3, 11]],
  ] as const)(
    'pools adaptively (%s to %j) with Paddle’s exact bins, also when sizes do not divide',
    async (type, size) => {
      const attrs = {
        pooling_type: type,
        ksize: attr.ints([...size]),
        adaptive: true,
        strides: attr.ints([1, 1]),
        paddings: attr.ints([0, 0]),
      }
      const expected = adaptivePool2d(X, type, [...size])
      const { outputs } = await runCase(poolCase(attrs, expected.dims))
      expect(maxDiff(outputs[0]!, expected)).toBeLessThan(1e-6)
    },
  )
})
