/** Paddle's element types (framework.proto VarType) as ONNX TensorProto types, and scalars of them. */
import { DataType } from '../paddle/dataType'
import { typeName } from '../paddle/dataType'
import { OnnxType } from './onnxModel'
import { ConversionError } from './paddleOp'

const toOnnx: Record<number, OnnxType> = {
  [DataType.BOOL]: OnnxType.BOOL,
  [DataType.INT16]: OnnxType.INT16,
  [DataType.INT32]: OnnxType.INT32,
  [DataType.INT64]: OnnxType.INT64,
  [DataType.FP16]: OnnxType.FLOAT16,
  [DataType.FP32]: OnnxType.FLOAT,
  [DataType.FP64]: OnnxType.DOUBLE,
  [DataType.UINT8]: OnnxType.UINT8,
  [DataType.INT8]: OnnxType.INT8,
  [DataType.BF16]: OnnxType.BFLOAT16,
}

export function onnxTypeOf(paddleType: number): OnnxType {
  const type = toOnnx[paddleType]
  if (type === undefined)
    throw new ConversionError(`Paddle's ${typeName(paddleType)} tensors have no ONNX equivalent`)
  return type
}

/** `values` as the little-endian bytes of a tensor of `type`. */
export function encodeValues(type: OnnxType, values: readonly number[]): Uint8Array {
  const width = {
    [OnnxType.FLOAT]: 4,
    [OnnxType.DOUBLE]: 8,
    [OnnxType.INT32]: 4,
    [OnnxType.INT64]: 8,
    [OnnxType.BOOL]: 1,
  }[type as number]
  if (!width) throw new ConversionError(`no constant of ONNX type ${type} can be written`)
  const data = new Uint8Array(values.length * width)
  const view = new DataView(data.buffer)
  values.forEach((v, i) => {
    if (type === OnnxType.FLOAT) view.setFloat32(i * 4, v, true)
    else if (type === OnnxType.DOUBLE) view.setFloat64(i * 8, v, true)
    else if (type === OnnxType.INT32) view.setInt32(i * 4, Math.trunc(v), true)
    else if (type === OnnxType.INT64) view.setBigInt64(i * 8, BigInt(Math.trunc(v)), true)
    else view.setUint8(i, v ? 1 : 0)
  })
  return data
}
