/**
 * bilinear/nearest/bicubic `_interp_v2` → Resize. The output size comes from, in Paddle's order
 * of priority: SizeTensor, OutSize, the Scale tensor or `scale` attribute, then out_h/out_w. A
 * size from a scale maps coordinates by 1/scale (ONNX's `scales`), a given size by in/out
 * (`sizes`); OutSize beside a scale, which Paddle sizes by one and maps by the other, is
 * refused. Coordinates: align_corners → align_corners; otherwise bilinear's align_mode 0 is
 * half-pixel (negative source positions clamped, as ONNX's linear mode does; an output axis of
 * size 1 reads source 0) and 1 asymmetric; bicubic is always half-pixel; nearest is asymmetric
 * with floor.
 */
import type { GraphBuilder } from '../graphBuilder'
import type { PaddleOp } from '../paddleOp'
import type { OpTable } from '../opTable'

function interp(op: PaddleOp, g: GraphBuilder): void {
  const method = op.type.replace(/_interp_v2$/, '')
  const modes: Record<string, string> = { bilinear: 'linear', nearest: 'nearest', bicubic: 'cubic' }
  const mode = modes[method] ?? op.fail(`${method} interpolation is not supported`)
  if (op.string('data_layout', 'NCHW') !== 'NCHW') op.fail('only NCHW interpolation is supported')
  const xVar = op.input('X')
  if (g.rank(xVar, op.label) !== 4) op.fail('only 4-d (NCHW) inputs are supported')
  const x = g.read(xVar)
  const alignCorners = op.bool('align_corners', false)
  const transform = alignCorners
    ? 'align_corners'
    : mode === 'linear' && op.int('align_mode', 1) === 1
      ? 'asymmetric'
      : mode === 'nearest'
        ? 'asymmetric'
        : mode === 'linear'
          ? // Paddle's ratio is 0 for an output axis of size 1, so it reads source 0 where
            // half_pixel reads the middle; pytorch_half_pixel is half_pixel with that exception.
            'pytorch_half_pixel'
          : 'half_pixel'
  const attributes = {
    mode: { s: mode },
    coordinate_transformation_mode: { s: transform },
    ...(mode === 'nearest'
      ? { nearest_mode: { s: alignCorners ? 'round_prefer_ceil' : 'floor' } }
      : {}),
    ...(mode === 'cubic' ? { cubic_coeff_a: { f: -0.75 } } : {}),
  }
  const out = g.write(op.output('Out'))
  const batchAndChannels = () =>
    g.op('Slice', [g.op('Shape', [x]), g.int64s([0]), g.int64s([2]), g.int64s([0])])
  const sizes = (hw: string) => g.op('Concat', [batchAndChannels(), hw], { axis: { i: 0 } })
  const toInt64 = (v: string) =>
    g.op('Reshape', [g.op('Cast', [g.read(v)], { to: { i: 7 } }), g.int64s([-1])])
  const sizeList = op.inputs('SizeTensor')
  const outSize = op.optionalInput('OutSize')
  const scaleTensor = op.optionalInput('Scale')
  const scale = op.floats('scale', []).filter((s) => s > 0)
  // Paddle sizes the output by OutSize but still maps coordinates by 1/scale when a scale is
  // also given (SizeTensor's branch reads no scale); Resize takes sizes or scales, never both.
  if (sizeList.length === 0 && outSize && (scaleTensor || scale.length > 0) && !alignCorners)
    op.fail('OutSize together with a scale maps coordinates by the scale, not by OutSize')
  if (sizeList.length > 0 || outSize) {
    const hw =
      sizeList.length > 0
        ? g.op('Concat', sizeList.map(toInt64), { axis: { i: 0 } })
        : toInt64(outSize!)
    g.node('Resize', [x, '', '', sizes(hw)], [out], attributes)
    return
  }
  if (scaleTensor || scale.length > 0) {
    const hw = scaleTensor
      ? // One scale stands for both axes.
        g.op('Expand', [g.op('Cast', [g.read(scaleTensor)], { to: { i: 1 } }), g.int64s([2])])
      : g.floats(scale.length === 1 ? [scale[0]!, scale[0]!] : scale.slice(0, 2))
    const scales = g.op('Concat', [g.floats([1, 1]), hw], { axis: { i: 0 } })
    g.node('Resize', [x, '', scales], [out], attributes)
    return
  }
  const [h, w] = [op.int('out_h', -1), op.int('out_w', -1)]
  if (h <= 0 || w <= 0) op.fail('gives no output size (out_h/out_w, a scale or a size tensor)')
  g.node('Resize', [x, '', '', sizes(g.int64s([h, w]))], [out], attributes)
}

export const resizeOps: OpTable = {
  bilinear_interp_v2: interp,
  nearest_interp_v2: interp,
  bicubic_interp_v2: interp,
}
