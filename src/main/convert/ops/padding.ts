/**
 * The padding of Paddle's windowed operators (conv2d, pool2d) in ONNX's terms. Paddle lists 2
 * paddings as [h, w] and 4 as [top, bottom, left, right]; ONNX wants [top, left, bottom, right].
 * `padding_algorithm` SAME pads by the total TensorFlow's rule gives, the odd pixel at the end
 * (ONNX's SAME_UPPER), and VALID pads nothing.
 */
import type { OnnxAttribute } from '../onnxModel'
import type { PaddleOp } from '../paddleOp'

export interface WindowPadding {
  /** Attributes for the ONNX node: `pads`, or `auto_pad` when sizes are known only at run time. */
  attributes: Record<string, OnnxAttribute>
  /** SAME makes Paddle ignore the dilations. */
  same: boolean
}

/**
 * @param spatial the input's spatial sizes (−1 where fixed at run time)
 * @param kernel the window's size (undilated, as Paddle's SAME rule uses it)
 */
export function windowPadding(
  op: PaddleOp,
  spatial: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
): WindowPadding {
  const algorithm = op.string('padding_algorithm', 'EXPLICIT')
  const n = kernel.length
  if (algorithm === 'VALID')
    return { attributes: { pads: { ints: Array<number>(2 * n).fill(0) } }, same: false }
  if (algorithm === 'SAME') {
    if (spatial.some((d) => d < 0))
      return { attributes: { auto_pad: { s: 'SAME_UPPER' } }, same: true }
    const before: number[] = []
    const after: number[] = []
    spatial.forEach((size, i) => {
      const out = Math.ceil(size / strides[i]!)
      const total = Math.max((out - 1) * strides[i]! + kernel[i]! - size, 0)
      before.push(Math.floor(total / 2))
      after.push(total - Math.floor(total / 2))
    })
    return { attributes: { pads: { ints: [...before, ...after] } }, same: true }
  }
  if (algorithm !== 'EXPLICIT') op.fail(`unknown padding_algorithm "${algorithm}"`)
  const paddings = op.ints('paddings', Array<number>(n).fill(0))
  if (paddings.length === n)
    return { attributes: { pads: { ints: [...paddings, ...paddings] } }, same: false }
  if (paddings.length === 2 * n) {
    // Paddle: [begin_0, end_0, begin_1, end_1, …]; ONNX: [begin_0, begin_1, …, end_0, end_1, …].
    const begins = paddings.filter((_, i) => i % 2 === 0)
    const ends = paddings.filter((_, i) => i % 2 === 1)
    return { attributes: { pads: { ints: [...begins, ...ends] } }, same: false }
  }
  return op.fail(`has ${paddings.length} paddings; a ${n}-d window takes ${n} or ${2 * n}`)
}
