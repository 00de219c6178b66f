/** Whether an ONNX model takes an image tensor and returns class scores, in words if it does not. */
import { AppError } from '../../../shared/errors'
import type { ModelInfo, TensorInfo } from './hostProtocol'

const fixed = (dim: number | string | undefined): number | null =>
  typeof dim === 'number' && dim > 0 ? dim : null

export interface ImageModelShape {
  input: TensorInfo
  output: TensorInfo
  /** Side of the square input, or null where the model leaves it open. */
  inputSize: number | null
  /** Fixed batch size, or null when any batch size is accepted. */
  batchSize: number | null
  /** Number of classes from the output shape, or null when it is not fixed. */
  classes: number | null
}

const describe = (t: TensorInfo) => `${t.name}: ${t.type} [${t.shape.join(', ')}]`

export function imageModelShape(info: ModelInfo): ImageModelShape {
  const input = info.inputs[0]
  const output = info.outputs[0]
  if (!input || !output)
    throw new AppError('MODEL_INVALID', 'The model has no inputs or no outputs.')
  const problem = (why: string) =>
    new AppError(
      'MODEL_INPUT_UNSUPPORTED',
      `This model's input (${describe(input)}) is not an image tensor [batch, 3, height, width] of float32: ${why}.`,
    )
  if (info.inputs.length !== 1) throw problem(`it has ${info.inputs.length} inputs`)
  if (input.type !== 'float32') throw problem(`its type is ${input.type}`)
  if (input.shape.length !== 4) throw problem(`it has ${input.shape.length} dimensions, not 4`)
  const channels = fixed(input.shape[1])
  if (channels !== null && channels !== 3) throw problem(`it has ${channels} channels, not 3`)
  const height = fixed(input.shape[2])
  const width = fixed(input.shape[3])
  if (height !== null && width !== null && height !== width)
    throw problem(`it is not square (${height}×${width})`)
  if (output.shape.length !== 2) {
    throw new AppError(
      'MODEL_INPUT_UNSUPPORTED',
      `This model's output (${describe(output)}) is not class scores [batch, classes].`,
    )
  }
  return {
    input,
    output,
    inputSize: height ?? width,
    batchSize: fixed(input.shape[0]),
    classes: fixed(output.shape[1]),
  }
}
