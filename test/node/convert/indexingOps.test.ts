/**
 * gather, expand_v2, tile and roll converted and run in onnxruntime against their definitions
 * written out in TypeScript: gather on a parameter by fed indices (Swin's relative position
 * bias), expand_v2 with −1 keeping a size (ViT's class token), tile with more repeats than axes,
 * roll with negative shifts, several axes and none (the flattened tensor).
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
import { build, count, get, withDims } from './helpers/tensorReference'

type Op = ConvertCase['ops'][number]

async function runOn(
  x: Tensor,
  op: Op,
  outDims: number[],
  batch = true,
  params: Record<string, Tensor> = {},
) {
  const input = batch ? batched(x) : { ...x, programDims: x.dims }
  const { outputs } = await runCase({
    ops: [op],
    inputs: { x: input },
    params,
    vars: { y: outDims },
    fetch: ['y'],
  })
  return outputs[0]!
}

/** Paddle's roll on one axis: out[i] = x[(i − shift) mod n]. */
function rollRef(x: Tensor, axis: number, shift: number): Tensor {
  const n = x.dims[axis]!
  return build(x.dims, (idx) => {
    const from = [...idx]
    from[axis] = (((idx[axis]! - shift) % n) + n) % n
    return get(x, from)
  })
}

describe('gather', () => {
  it('picks rows of a parameter by a fed int64 index tensor, on axis 0 and axis 1', async () => {
    const table = tensor([5, 3], 4)
    const index = { dims: [4], data: BigInt64Array.from([4n, 0n, 2n, 2n]) }
    for (const axis of [0, 1]) {
      const idx = axis === 0 ? index : { dims: [2], data: BigInt64Array.from([2n, 0n]) }
      const picked = idx.data.length
      const expected = build(axis === 0 ? [picked, 3] : [5, picked], ([i, j]) =>
        axis === 0
          ? get(table, [Number(idx.data[i!]), j!])
          : get(table, [i!, Number(idx.data[j!])]),
      )
      const { outputs } = await runCase({
        ops: [
          {
            type: 'gather',
            inputs: { X: ['t'], Index: ['x'] },
            outputs: { Out: ['y'] },
            attrs: { axis: attr.int(axis) },
          },
        ],
        inputs: { x: idx },
        params: { t: table },
        vars: { y: expected.dims },
        fetch: ['y'],
      })
      expect(maxDiff(outputs[0]!, expected)).toBe(0)
    }
  })
})

describe('expand_v2', () => {
  it('broadcasts a [1, 1, C] class token to the batch, −1 keeping the channel size', async () => {
    const token = tensor([1, 1, 6], 2)
    const x = tensor([3, 1, 6], 8)
    // cls = expand(token, [N, −1, −1]) with N taken from the program's literal 3; then x + cls.
    const ops: Op[] = [
      {
        type: 'expand_v2',
        inputs: { X: ['cls'] },
        outputs: { Out: ['big'] },
        attrs: { shape: attr.ints([3, -1, -1]) },
      },
      { type: 'elementwise_add', inputs: { X: ['x'], Y: ['big'] }, outputs: { Out: ['y'] } },
    ]
    const { outputs } = await runCase({
      ops,
      inputs: { x: { ...x, programDims: [3, 1, 6] } },
      params: { cls: token },
      vars: { big: [3, 1, 6], y: [3, 1, 6] },
      fetch: ['big', 'y'],
    })
    const expanded = build([3, 1, 6], ([, , c]) => get(token, [0, 0, c!]))
    expect(maxDiff(outputs[0]!, expanded)).toBe(0)
    expect(
      maxDiff(
        outputs[1]!,
        build([3, 1, 6], (i) => get(x, i) + get(expanded, i)),
      ),
    ).toBeLessThan(1e-6)
  })
})

describe('tile', () => {
  it('repeats each axis, and adds leading axes when repeat_times is longer than the rank', async () => {
    const x = tensor([2, 3], 5)
    const same = await runOn(
      x,
      {
        type: 'tile',
        inputs: { X: ['x'] },
        outputs: { Out: ['y'] },
        attrs: { repeat_times: attr.ints([2, 3]) },
      },
      [4, 9],
      false,
    )
    expect(
      maxDiff(
        same,
        build([4, 9], ([i, j]) => get(x, [i! % 2, j! % 3])),
      ),
    ).toBe(0)
    const longer = await runOn(
      x,
      {
        type: 'tile',
        inputs: { X: ['x'] },
        outputs: { Out: ['y'] },
        attrs: { repeat_times: attr.ints([2, 1, 2]) },
      },
      [2, 2, 6],
      false,
    )
    expect(
      maxDiff(
        longer,
        build([2, 2, 6], ([, i, j]) => get(x, [i!, j! % 3])),
      ),
    ).toBe(0)
  })
})

describe('roll', () => {
  it('rolls listed axes by their shifts, negative ones and ones past the size included', async () => {
    const x = tensor([2, 4, 5], 6)
    const y = await runOn(
      x,
      {
        type: 'roll',
        inputs: { X: ['x'] },
        outputs: { Out: ['y'] },
        attrs: { shifts: attr.ints([-1, 7]), axis: attr.ints([1, 2]) },
      },
      [-1, 4, 5],
    )
    expect(maxDiff(y, rollRef(rollRef(x, 1, -1), 2, 7))).toBe(0)
  })

  it('rolls the flattened tensor when no axis is given', async () => {
    const x = tensor([2, 3, 2], 7)
    const y = await runOn(
      x,
      {
        type: 'roll',
        inputs: { X: ['x'] },
        outputs: { Out: ['y'] },
        attrs: { shifts: attr.ints([5]) },
      },
      [2, 3, 2],
      false,
    )
    const flat = withDims(x, [count(x.dims)])
    expect(maxDiff(y, withDims(rollRef(flat, 0, 5), [2, 3, 2]))).toBe(0)
  })
})
