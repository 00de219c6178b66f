/**
 * Paddle's VarType.Type enum (framework.proto): the element types a tensor can have, with their
 * sizes in bytes, and the variable kinds that are not tensors. Pure.
 */

/** Element types of a TensorDesc, as numbered in framework.proto. */
export const DataType = {
  BOOL: 0,
  INT16: 1,
  INT32: 2,
  INT64: 3,
  FP16: 4,
  FP32: 5,
  FP64: 6,
  SIZE_T: 19,
  UINT8: 20,
  INT8: 21,
  BF16: 22,
  COMPLEX64: 23,
  COMPLEX128: 24,
} as const
export type DataType = (typeof DataType)[keyof typeof DataType]

const elementBytes: Record<number, number> = {
  [DataType.BOOL]: 1,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.FP16]: 2,
  [DataType.FP32]: 4,
  [DataType.FP64]: 8,
  [DataType.SIZE_T]: 8,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.BF16]: 2,
  [DataType.COMPLEX64]: 8,
  [DataType.COMPLEX128]: 16,
}

/** The kinds of variable a VarDesc can be (the rest of VarType.Type). */
export const VarKind = {
  LOD_TENSOR: 7,
  SELECTED_ROWS: 8,
  FEED_MINIBATCH: 9,
  FETCH_LIST: 10,
  STEP_SCOPES: 11,
  LOD_RANK_TABLE: 12,
  LOD_TENSOR_ARRAY: 13,
  PLACE_LIST: 14,
  READER: 15,
  RAW: 17,
  TUPLE: 18,
} as const
export type VarKind = (typeof VarKind)[keyof typeof VarKind]

const names = new Map<number, string>(
  [...Object.entries(DataType), ...Object.entries(VarKind)].map(([name, value]) => [value, name]),
)

export function isDataType(value: number): value is DataType {
  return elementBytes[value] !== undefined
}

/** Bytes per element of `type`. */
export function elementSize(type: DataType): number {
  return elementBytes[type]!
}

/** "FP32", or "type 42" for a number framework.proto does not name. */
export function typeName(type: number): string {
  return names.get(type) ?? `type ${type}`
}
