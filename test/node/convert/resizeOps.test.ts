/**
 * bilinear_interp_v2 and nearest_interp_v2 converted and run in onnxruntime, against Paddle's
 * interpolation kernels written out in TypeScript: align_corners, both align_modes, sizes up ×2
 * and down by ratios that do not divide, sizes from out_h/out_w and from a scale (which maps
 * coordinates by 1/scale, not in/out), and which of the size inputs wins when several are given.
 */
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/errors'
import {
  type ConvertCase,
  type Tensor,
  batched,
  maxDiff,
  runCase,
  tensor,
} from './helpers/convertCase'
import { attr } from '../../support/paddle/paddleWriter'
import { type InterpSpec, interp } from './helpers/tensorReference'

type Attrs = NonNullable<ConvertCase['ops'][number]['attrs']>

const SMALL = tensor([2, 2, 4, 5], 1)
const LARGE = tensor([2, 2, 7, 9], 2)

interface Run {
  method: 'bilinear' | 'nearest'
  x: Tensor
  attrs: Attrs
  /** Fed tensors bound to the op's OutSize, SizeTensor or Scale slots. */
  slots?: Record<string, Record<string, Tensor>>
}

async function runInterp({ method, x, attrs, slots = {} }: Run): Promise<Tensor> {
  const inputs: Record<string, string[]> = { X: ['x'] }
  const fed: ConvertCase['inputs'] = { x: batched(x) }
  for (const [slot, tensors] of Object.entries(slots)) {
    inputs[slot] = Object.keys(tensors)
    Object.assign(fed, tensors)
  }
  const { outputs } = await runCase({
    ops: [
      {
        type: `${method}_interp_v2`,
        inputs,
        outputs: { Out: ['y'] },
        attrs: { data_layout: 'NCHW', interp_method: method, ...attrs },
      },
    ],
    inputs: fed,
    vars: { y: [-1, x.dims[1]!, -1, -1] },
    fetch: ['y'],
  })
  return outputs[0]!
}

/** Attributes for a size from out_h/out_w, nothing else given. */
const sized = (out: [number, number], alignCorners: boolean, alignMode: 0 | 1): Attrs => ({
  out_h: attr.int(out[0]),
  out_w: attr.int(out[1]),
  scale: attr.floats([]),
  align_corners: alignCorners,
  align_mode: attr.int(alignMode),
})

const spec = (
  method: InterpSpec['method'],
  out: [number, number],
  alignCorners: boolean,
  alignMode: 0 | 1,
  scale?: [number, number],
): InterpSpec => ({ method, out, alignCorners, alignMode, ...(scale ? { scale } : {}) })

const cases: { name: string; x: Tensor; out: [number, number] }[] = [
  { name: 'up ×2 (4×5 → 8×10)', x: SMALL, out: [8, 10] },
  { name: 'down by ratios that do not divide (7×9 → 5×4)', x: LARGE, out: [5, 4] },
]

describe('bilinear_interp_v2', () => {
  it.each(cases)('align_mode 0: half-pixel, source clamped at 0 — $name', async ({ x, out }) => {
    const y = await runInterp({ method: 'bilinear', x, attrs: sized(out, false, 0) })
    expect(maxDiff(y, interp(x, spec('bilinear', out, false, 0)))).toBeLessThan(1e-5)
  })

  it.each(cases)('align_mode 1: asymmetric (src = ratio·dst) — $name', async ({ x, out }) => {
    const y = await runInterp({ method: 'bilinear', x, attrs: sized(out, false, 1) })
    expect(maxDiff(y, interp(x, spec('bilinear', out, false, 1)))).toBeLessThan(1e-5)
  })

  it.each(cases)('align_corners: ratio (in − 1)/(out − 1) — $name', async ({ x, out }) => {
    // align_mode is ignored with align_corners; 0 here, so a converter reading it fails.
    const y = await runInterp({ method: 'bilinear', x, attrs: sized(out, true, 0) })
    expect(maxDiff(y, interp(x, spec('bilinear', out, true, 0)))).toBeLessThan(1e-5)
  })

  it.each<[boolean, 0 | 1]>([
    [false, 0],
    [false, 1],
    [true, 0],
  ])(
    'reads source row 0 for an output axis of size 1 (Paddle’s ratio is then 0): align_corners %s, align_mode %i',
    async (alignCorners, alignMode) => {
      // Half-pixel proper would read the middle of the input: (0 + 0.5)·7/1 − 0.5 = 3.
      const attrs = sized([1, 4], alignCorners, alignMode)
      const y = await runInterp({ method: 'bilinear', x: LARGE, attrs })
      const expected = interp(LARGE, spec('bilinear', [1, 4], alignCorners, alignMode))
      expect(maxDiff(y, expected)).toBeLessThan(1e-5)
    },
  )

  it('the three coordinate mappings give different results on these inputs', () => {
    for (const { x, out } of cases) {
      const half = interp(x, spec('bilinear', out, false, 0))
      expect(maxDiff(half, interp(x, spec('bilinear', out, false, 1)))).toBeGreaterThan(0.05)
      expect(maxDiff(half, interp(x, spec('bilinear', out, true, 0)))).toBeGreaterThan(0.05)
    }
  })

  it('a scale attribute sizes the output (floor(in·scale)) and maps by 1/scale', async () => {
    // 7×9 by [0.6, 0.75] is 4×6; 1/scale (1.67, 1.33) is not in/out (1.75, 1.5).
    const attrs = { ...sized([-1, -1], false, 0), scale: attr.floats([0.6, 0.75]) }
    const y = await runInterp({ method: 'bilinear', x: LARGE, attrs })
    const expected = interp(LARGE, spec('bilinear', [4, 6], false, 0, [0.6, 0.75]))
    expect(y.dims).toEqual([2, 2, 4, 6])
    expect(maxDiff(y, expected)).toBeLessThan(1e-5)
    expect(maxDiff(expected, interp(LARGE, spec('bilinear', [4, 6], false, 0)))).toBeGreaterThan(
      0.05,
    )
  })

  it('a scale attribute of 2 upsamples ×2', async () => {
    const attrs = { ...sized([-1, -1], false, 1), scale: attr.floats([2, 2]) }
    const y = await runInterp({ method: 'bilinear', x: SMALL, attrs })
    expect(maxDiff(y, interp(SMALL, spec('bilinear', [8, 10], false, 1, [2, 2])))).toBeLessThan(
      1e-5,
    )
  })
})

describe('nearest_interp_v2', () => {
  it.each(cases)('without align_corners takes floor(ratio·dst) — $name', async ({ x, out }) => {
    const y = await runInterp({ method: 'nearest', x, attrs: sized(out, false, 1) })
    expect(maxDiff(y, interp(x, spec('nearest', out, false, 1)))).toBe(0)
  })

  it.each(cases)('with align_corners rounds ratio·dst half up — $name', async ({ x, out }) => {
    // 7 → 5: ratio 1.5, so rows 1 and 3 land on 1.5 and 4.5 and round up to 2 and 5.
    const y = await runInterp({ method: 'nearest', x, attrs: sized(out, true, 1) })
    expect(maxDiff(y, interp(x, spec('nearest', out, true, 1)))).toBe(0)
  })

  it('a scale attribute of 2 upsamples ×2', async () => {
    const attrs = { ...sized([-1, -1], false, 1), scale: attr.floats([2, 2]) }
    const y = await runInterp({ method: 'nearest', x: SMALL, attrs })
    expect(maxDiff(y, interp(SMALL, spec('nearest', [8, 10], false, 1, [2, 2])))).toBe(0)
  })
})

describe('interp_v2 size priority: SizeTensor > OutSize > Scale tensor > scale > out_h/out_w', () => {
  const int32 = (values: number[]): Tensor => ({
    dims: [values.length],
    data: Int32Array.from(values),
  })
  const float32 = (values: number[]): Tensor => ({
    dims: [values.length],
    data: Float32Array.from(values),
  })
  const everything = { ...sized([3, 3], false, 0), scale: attr.floats([2, 2]) }

  it('SizeTensor wins over all the others, and maps by in/out (its branch reads no scale)', async () => {
    const y = await runInterp({
      method: 'bilinear',
      x: SMALL,
      attrs: everything,
      slots: {
        SizeTensor: { size_h: int32([6]), size_w: int32([7]) },
        OutSize: { out_size: int32([5, 5]) },
        Scale: { scale_t: float32([1.5]) },
      },
    })
    expect(maxDiff(y, interp(SMALL, spec('bilinear', [6, 7], false, 0)))).toBeLessThan(1e-5)
  })

  it('OutSize wins over out_h/out_w', async () => {
    const y = await runInterp({
      method: 'bilinear',
      x: SMALL,
      attrs: sized([3, 3], false, 0),
      slots: { OutSize: { out_size: int32([6, 7]) } },
    })
    expect(maxDiff(y, interp(SMALL, spec('bilinear', [6, 7], false, 0)))).toBeLessThan(1e-5)
  })

  it.each([
    { scale: [1.5], hw: [1.5, 1.5] as [number, number], out: [6, 7] as [number, number] },
    { scale: [1.5, 0.8], hw: [1.5, 0.8] as [number, number], out: [6, 4] as [number, number] },
  ])(
    'a Scale tensor $scale wins over the scale attribute and out_h/out_w',
    async ({ scale, hw, out }) => {
      const y = await runInterp({
        method: 'bilinear',
        x: SMALL,
        attrs: everything,
        slots: { Scale: { scale_t: float32(scale) } },
      })
      expect(y.dims).toEqual([2, 2, ...out])
      expect(maxDiff(y, interp(SMALL, spec('bilinear', out, false, 0, hw)))).toBeLessThan(1e-5)
    },
  )

  it('the scale attribute wins over out_h/out_w', async () => {
    const attrs = { ...sized([3, 3], false, 0), scale: attr.floats([0.6, 0.75]) }
    const y = await runInterp({ method: 'nearest', x: LARGE, attrs })
    expect(y.dims).toEqual([2, 2, 4, 6])
    expect(maxDiff(y, interp(LARGE, spec('nearest', [4, 6], false, 0, [0.6, 0.75])))).toBe(0)
  })

  it('OutSize with a scale: sized by OutSize but mapped by 1/scale, which is refused', async () => {
    // Paddle's kernel keeps the scale's ratio when OutSize overrides the size: out 6×7 read
    // at 0.5·dst. ONNX Resize takes sizes or scales, never both, so no Resize reproduces it.
    const run = runInterp({
      method: 'bilinear',
      x: SMALL,
      attrs: everything,
      slots: { OutSize: { out_size: int32([6, 7]) } },
    })
    await expect(run).rejects.toBeInstanceOf(AppError)
    await expect(run).rejects.toMatchObject({
      code: 'CONVERSION_UNSUPPORTED',
      message: expect.stringMatching(/OutSize.*scale/),
    })
    // What Resize with OutSize as its sizes would give (in/out) is not what Paddle gives.
    const paddle = interp(SMALL, spec('bilinear', [6, 7], false, 0, [2, 2]))
    expect(maxDiff(paddle, interp(SMALL, spec('bilinear', [6, 7], false, 0)))).toBeGreaterThan(0.05)
  })

  it('OutSize with a scale and align_corners converts: the ratio is then (in − 1)/(out − 1)', async () => {
    const y = await runInterp({
      method: 'bilinear',
      x: SMALL,
      attrs: { ...everything, align_corners: true },
      slots: { OutSize: { out_size: int32([6, 7]) } },
    })
    expect(maxDiff(y, interp(SMALL, spec('bilinear', [6, 7], true, 0, [2, 2])))).toBeLessThan(1e-5)
  })
})
