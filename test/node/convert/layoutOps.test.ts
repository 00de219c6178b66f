/**
 * Operators that move elements (reshape2, flatten_contiguous_range, transpose2, concat, stack,
 * split, slice, squeeze2, unsqueeze2, pad3d) and the ones that make shapes and constants
 * (shape, fill_constant), converted and run in onnxruntime with the batch axis open in the
 * program, against Paddle's semantics written out in TypeScript.
 */
import { describe, expect, it } from 'vitest'
import { unsqueezeAxes } from '../../../src/main/convert/ops/layout'
import {
  type ConvertCase,
  type Tensor,
  batched,
  maxDiff,
  runCase,
  tensor,
} from './helpers/convertCase'
import { DataType, attr } from '../../support/paddle/paddleWriter'
import {
  type PadMode,
  build,
  concat,
  elementwise,
  get,
  pad3d,
  slice,
  transpose,
  withDims,
} from './helpers/tensorReference'

type Op = ConvertCase['ops'][number]

/** Runs `op` on a fed `x` (batch open) and returns what the fetched variables hold. */
async function runOn(
  x: Tensor,
  ops: Op[],
  vars: ConvertCase['vars'],
  fetch: string[],
  params: Record<string, Tensor> = {},
): Promise<Tensor[]> {
  const { outputs } = await runCase({ ops, inputs: { x: batched(x) }, params, vars, fetch })
  return outputs
}

describe('reshape2', () => {
  it('copies a dim for 0 and infers the −1 from a fed input whose batch is open', async () => {
    const x = tensor([2, 4, 6], 1)
    const [out] = await runOn(
      x,
      [
        {
          type: 'reshape2',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'], XShape: ['xshape'] },
          attrs: { shape: attr.ints([0, -1, 3]) },
        },
      ],
      { y: [-1, 8, 3], xshape: [0, -1, 4, 6] },
      ['y'],
    )
    expect(out!.dims).toEqual([2, 8, 3])
    expect(maxDiff(out!, withDims(x, [2, 8, 3]))).toBe(0)
  })

  it('reshapes a parameter at conversion time (0 and −1 resolved from its dims)', async () => {
    const x = tensor([3, 2, 12], 2)
    const p = tensor([2, 3, 4], 3)
    const [out] = await runOn(
      x,
      [
        {
          type: 'reshape2',
          inputs: { X: ['p'] },
          outputs: { Out: ['p2'] },
          attrs: { shape: attr.ints([0, -1]) },
        },
        {
          type: 'elementwise_add',
          inputs: { X: ['x'], Y: ['p2'] },
          outputs: { Out: ['y'] },
          attrs: { axis: attr.int(-1) },
        },
      ],
      { p2: [2, 12], y: [-1, 2, 12] },
      ['y'],
      { p },
    )
    expect(
      maxDiff(
        out!,
        elementwise(x, withDims(p, [2, 12]), -1, (a, b) => a + b),
      ),
    ).toBe(0)
  })
})

describe('flatten_contiguous_range', () => {
  const x = tensor([2, 3, 4, 5], 4)
  it.each([
    [1, 3, [2, 60]],
    [1, 2, [2, 12, 5]],
    [2, 3, [2, 3, 20]],
  ])('merges start_axis %i to stop_axis %i, both included', async (start, stop, dims) => {
    const [out] = await runOn(
      x,
      [
        {
          type: 'flatten_contiguous_range',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: { start_axis: attr.int(start), stop_axis: attr.int(stop) },
        },
      ],
      { y: [-1, ...dims.slice(1)] },
      ['y'],
    )
    expect(out!.dims).toEqual(dims)
    expect(maxDiff(out!, withDims(x, dims))).toBe(0)
  })
})

describe('moving and joining', () => {
  it('transpose2 puts input axis perm[i] at output axis i', async () => {
    const x = tensor([2, 3, 4, 5], 5)
    const perm = [0, 2, 3, 1]
    const [out] = await runOn(
      x,
      [
        {
          type: 'transpose2',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: { axis: attr.ints(perm) },
        },
      ],
      { y: [-1, 4, 5, 3] },
      ['y'],
    )
    expect(maxDiff(out!, transpose(x, perm))).toBe(0)
  })

  it('concat joins along a negative axis', async () => {
    const a = tensor([2, 2, 3], 6)
    const b = tensor([2, 4, 3], 7)
    const c = tensor([2, 1, 3], 8)
    const { outputs } = await runCase({
      ops: [
        {
          type: 'concat',
          inputs: { X: ['a', 'b', 'c'] },
          outputs: { Out: ['y'] },
          attrs: { axis: attr.int(-2) },
        },
      ],
      inputs: { a: batched(a), b: batched(b), c: batched(c) },
      vars: { y: [-1, 7, 3] },
      fetch: ['y'],
    })
    expect(maxDiff(outputs[0]!, concat([a, b, c], 1))).toBe(0)
  })

  it('stack on axis 1 adds a new axis 1 indexing the inputs', async () => {
    const a = tensor([2, 3, 4], 9)
    const b = tensor([2, 3, 4], 10)
    const { outputs } = await runCase({
      ops: [
        {
          type: 'stack',
          inputs: { X: ['a', 'b'] },
          outputs: { Y: ['y'] },
          attrs: { axis: attr.int(1) },
        },
      ],
      inputs: { a: batched(a), b: batched(b) },
      vars: { y: [-1, 2, 3, 4] },
      fetch: ['y'],
    })
    const expected = build([2, 2, 3, 4], ([n, i, ...rest]) => get(i === 0 ? a : b, [n!, ...rest]))
    expect(maxDiff(outputs[0]!, expected)).toBe(0)
  })

  it('split with num cuts an axis into equal parts', async () => {
    const x = tensor([2, 6, 4], 11)
    const outs = await runOn(
      x,
      [
        {
          type: 'split',
          inputs: { X: ['x'] },
          outputs: { Out: ['s0', 's1', 's2'] },
          attrs: { axis: attr.int(1), num: attr.int(3), sections: attr.ints([]) },
        },
      ],
      { s0: [-1, 2, 4], s1: [-1, 2, 4], s2: [-1, 2, 4] },
      ['s0', 's1', 's2'],
    )
    outs.forEach((out, i) => expect(maxDiff(out, slice(x, 1, 2 * i, 2 * i + 2))).toBe(0))
  })

  it('split with sections gives a −1 section what the others leave', async () => {
    const x = tensor([2, 3, 7], 12)
    const outs = await runOn(
      x,
      [
        {
          type: 'split',
          inputs: { X: ['x'] },
          outputs: { Out: ['s0', 's1', 's2'] },
          attrs: { axis: attr.int(2), num: attr.int(0), sections: attr.ints([2, -1, 1]) },
        },
      ],
      { s0: [-1, 3, 2], s1: [-1, 3, 4], s2: [-1, 3, 1] },
      ['s0', 's1', 's2'],
    )
    const bounds: [number, number][] = [
      [0, 2],
      [2, 6],
      [6, 7],
    ]
    outs.forEach((out, i) => expect(maxDiff(out, slice(x, 2, ...bounds[i]!))).toBe(0))
  })

  it('slice takes negative starts from the end, clamps large ends, drops decrease_axis', async () => {
    const x = tensor([2, 5, 6, 7], 13)
    const [out] = await runOn(
      x,
      [
        {
          type: 'slice',
          inputs: { Input: ['x'] },
          outputs: { Out: ['y'] },
          attrs: {
            axes: attr.ints([1, 3]),
            starts: attr.ints([-3, 2]),
            ends: attr.ints([10000, 3]),
            decrease_axis: attr.ints([3]),
            infer_flags: attr.ints([1, 1]),
          },
        },
      ],
      { y: [-1, 3, 6] },
      ['y'],
    )
    // Axis 1: −3 → 2, 10000 → 5; axis 3: element 2 alone, then dropped.
    const expected = withDims(slice(slice(x, 1, 2, 5), 3, 2, 3), [2, 3, 6])
    expect(maxDiff(out!, expected)).toBe(0)
  })
})

describe('squeeze2', () => {
  it('drops the listed axes (a negative one counted from the end)', async () => {
    const x = tensor([2, 1, 5, 1], 14)
    const [out] = await runOn(
      x,
      [
        {
          type: 'squeeze2',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: { axes: attr.ints([1, -1]) },
        },
      ],
      { y: [-1, 5] },
      ['y'],
    )
    expect(maxDiff(out!, withDims(x, [2, 5]))).toBe(0)
  })

  it('with no axes drops the size-1 axes the program fixes, never the open batch', async () => {
    // A batch of one at run time: the batch axis is −1 in the program and must stay.
    const x = tensor([1, 1, 5, 1], 15)
    const [out] = await runOn(
      x,
      [
        {
          type: 'squeeze2',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: { axes: attr.ints([]) },
        },
      ],
      { y: [-1, 5] },
      ['y'],
    )
    expect(out!.dims).toEqual([1, 5])
    expect(maxDiff(out!, withDims(x, [1, 5]))).toBe(0)
  })
})

/**
 * Paddle's unsqueeze as its documentation states it: each listed axis in turn inserts a 1 into
 * the shape built so far, a negative axis counting from the end of that shape (−1: append).
 */
function paddleUnsqueeze(dims: readonly number[], axes: readonly number[]): number[] {
  const out = [...dims]
  for (const axis of axes) out.splice(axis < 0 ? axis + out.length + 1 : axis, 0, 1)
  return out
}

/** ONNX Unsqueeze: ones at the output positions `axes`, the input dims in order elsewhere. */
function onnxUnsqueeze(dims: readonly number[], axes: readonly number[]): number[] {
  const rest = [...dims]
  return Array.from({ length: dims.length + axes.length }, (_, i) =>
    axes.includes(i) ? 1 : rest.shift()!,
  )
}

describe('unsqueeze2', () => {
  it('inserts axes one by one: [2, 3, 4] with axes [1, −1, 0] is [1, 2, 1, 3, 4, 1]', () => {
    // [2, 3, 4] → axis 1 → [2, 1, 3, 4] → −1 (rank 4: position 4) → [2, 1, 3, 4, 1] → 0.
    expect(unsqueezeAxes(3, [1, -1, 0])).toEqual([0, 2, 5])
    expect(paddleUnsqueeze([2, 3, 4], [1, -1, 0])).toEqual([1, 2, 1, 3, 4, 1])
    // Read as ONNX reads axes (all relative to the output), the same list means another shape.
    expect(onnxUnsqueeze([2, 3, 4], [0, 1, 5])).toEqual([1, 1, 2, 3, 4, 1])
  })

  it('places the new axes where Paddle’s rule does, for every rank and axis order', () => {
    let seed = 7
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return (seed >>> 8) % n
    }
    for (let trial = 0; trial < 500; trial++) {
      const rank = next(5)
      // Distinct sizes ≥ 2, so a shape says where every input axis went.
      const dims = Array.from({ length: rank }, (_, i) => i + 2)
      const axes: number[] = []
      for (let k = 0, n = 1 + next(4); k < n; k++) {
        const current = rank + k
        axes.push(next(2 * current + 2) - (current + 1))
      }
      expect(
        onnxUnsqueeze(dims, unsqueezeAxes(rank, axes)),
        `rank ${rank}, axes [${axes}]`,
      ).toEqual(paddleUnsqueeze(dims, axes))
    }
  })

  it('converts to the shape Paddle gives, the batch open', async () => {
    const x = tensor([2, 3, 4], 16)
    const [out] = await runOn(
      x,
      [
        {
          type: 'unsqueeze2',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'], XShape: ['xshape'] },
          attrs: { axes: attr.ints([1, -1, 0]) },
        },
      ],
      { y: [1, -1, 1, 3, 4, 1], xshape: [0, -1, 3, 4] },
      ['y'],
    )
    expect(out!.dims).toEqual([1, 2, 1, 3, 4, 1])
    expect(maxDiff(out!, withDims(x, [1, 2, 1, 3, 4, 1]))).toBe(0)
  })
})

describe('shape and constants', () => {
  it('shape gives the run-time dims as int32', async () => {
    const x = tensor([2, 3, 5], 17)
    const [out] = await runOn(
      x,
      [{ type: 'shape', inputs: { Input: ['x'] }, outputs: { Out: ['s'] } }],
      { s: { dims: [3], dataType: DataType.INT32 } },
      ['s'],
    )
    expect(out!.data).toBeInstanceOf(Int32Array)
    expect([...out!.data]).toEqual([2, 3, 5])
  })

  it('fill_constant makes a value a following elementwise op reads', async () => {
    const x = tensor([2, 3, 4], 18)
    const [out] = await runOn(
      x,
      [
        {
          type: 'fill_constant',
          outputs: { Out: ['c'] },
          attrs: {
            shape: attr.longs([1n]),
            value: attr.float(2.5),
            dtype: attr.int(DataType.FP32),
            str_value: '2.5',
          },
        },
        {
          type: 'elementwise_mul',
          inputs: { X: ['x'], Y: ['c'] },
          outputs: { Out: ['y'] },
          attrs: { axis: attr.int(-1) },
        },
      ],
      { c: [1], y: [-1, 3, 4] },
      ['y'],
    )
    expect(
      maxDiff(
        out!,
        build(x.dims, (idx) => 2.5 * get(x, idx)),
      ),
    ).toBeLessThan(1e-6)
  })
})

describe('pad3d', () => {
  const x = tensor([2, 2, 6, 4, 6], 19)
  // [left, right, top, bottom, front, back]: all different (one 0), so no two can trade places
  // unnoticed, and each below its axis's size, as reflect needs.
  const paddings = [1, 4, 0, 3, 2, 5] as const

  it.each<[PadMode, number]>([
    ['constant', 0.75],
    ['reflect', 0],
    ['replicate', 0],
  ])('pads NCDHW in %s mode', async (mode, value) => {
    const expected = pad3d(x, paddings, mode, value)
    const [out] = await runOn(
      x,
      [
        {
          type: 'pad3d',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: {
            paddings: attr.ints([...paddings]),
            mode,
            value: attr.float(value),
            data_format: 'NCDHW',
          },
        },
      ],
      { y: [-1, ...expected.dims.slice(1)] },
      ['y'],
    )
    expect(out!.dims).toEqual([2, 2, 13, 7, 11])
    expect(maxDiff(out!, expected)).toBe(0)
  })
})
