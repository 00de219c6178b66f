/**
 * Paddle 3's program format (PIR), `inference.json`, read as far as the cache's check needs:
 * the magic and version, how many operators there are, and the parameter ops in order, with
 * their tensor types when they are written the way Paddle's serializer writes them
 * (paddle/fluid/pir/serialize_deserialize: `{"#": "p", "A": [is_distributed, is_parameter,
 * need_clip, name], "O": {"%": id, "TT": {"#": "0.t_dtensor", "D": [{"#": "0.t_f32"}, dims,
 * layout, lod, offset]}}}`, or the older uncompressed `builtin.parameter`). The app cannot run
 * these programs yet. Pure; throws FormatError.
 */
import { DataType } from './dataType'
import { FormatError } from './formatError'

export interface PirParameter {
  name: string
  /** Null when the op's type is not written as a dense tensor this reader knows. */
  dataType: DataType | null
  dims: number[] | null
}

export interface PirProgram {
  /** base_code.version: the PIR serialization version (not Paddle's release). */
  version: number | null
  /** Operators in every block of every region, nested ones included. */
  ops: number
  /** In program order. */
  parameters: PirParameter[]
}

/** PIR's builtin element types (builtin_type.h) as the params file's data types. */
const pirTypes: Record<string, DataType> = {
  t_bool: DataType.BOOL,
  t_i16: DataType.INT16,
  t_i32: DataType.INT32,
  t_i64: DataType.INT64,
  t_f16: DataType.FP16,
  t_f32: DataType.FP32,
  t_f64: DataType.FP64,
  t_ui8: DataType.UINT8,
  t_i8: DataType.INT8,
  t_bf16: DataType.BF16,
  t_c64: DataType.COMPLEX64,
  t_c128: DataType.COMPLEX128,
}

type Json = unknown
type JsonObject = Record<string, Json>

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** "0.t_f32" → "t_f32": the part after the dialect's id. */
function withoutDialect(name: string): string {
  const dot = name.indexOf('.')
  return dot < 0 ? name : name.slice(dot + 1)
}

function field(object: JsonObject, key: string): Json {
  return Object.hasOwn(object, key) ? object[key] : undefined
}

/** A FormatError phrased to follow the file's name. */
function notPir(detail: string): FormatError {
  return new FormatError(`is not a Paddle 3 program: ${detail}`)
}

function array(value: Json, where: string): Json[] {
  if (!Array.isArray(value)) throw notPir(`${where} is not a list`)
  return value
}

export function parsePirProgram(text: string): PirProgram {
  let root: Json
  try {
    root = JSON.parse(text)
  } catch (error) {
    throw new FormatError(`is not JSON (${(error as Error).message})`)
  }
  if (!isObject(root)) throw new FormatError('is not a JSON object')
  const base = field(root, 'base_code')
  if (!isObject(base) || field(base, 'magic') !== 'pir')
    throw notPir('it has no base_code with magic "pir"')
  const version = field(base, 'version')
  const program = field(root, 'program')
  if (!isObject(program)) throw notPir('it has no program')

  const result: PirProgram = {
    version: typeof version === 'number' ? version : null,
    ops: 0,
    parameters: [],
  }
  // Regions hold blocks, blocks hold ops, ops may hold regions: walked with a stack, in order.
  const regions: { regions: Json; where: string }[] = [
    { regions: field(program, 'regions'), where: 'program.regions' },
  ]
  while (regions.length > 0) {
    const { regions: list, where } = regions.pop()!
    const pending: { regions: Json; where: string }[] = []
    for (const [r, region] of array(list, where).entries()) {
      if (!isObject(region)) throw notPir(`${where}[${r}] is not an object`)
      const blocksWhere = `${where}[${r}].blocks`
      for (const [b, block] of array(field(region, 'blocks'), blocksWhere).entries()) {
        if (!isObject(block)) throw notPir(`${blocksWhere}[${b}] is not an object`)
        const opsWhere = `${blocksWhere}[${b}].ops`
        for (const [o, op] of array(field(block, 'ops'), opsWhere).entries()) {
          const opWhere = `${opsWhere}[${o}]`
          if (!isObject(op) || typeof field(op, '#') !== 'string')
            throw notPir(`${opWhere} is not an operator (no "#" name)`)
          result.ops++
          const parameter = parameterOf(op, opWhere)
          if (parameter) result.parameters.push(parameter)
          if (field(op, 'regions') !== undefined)
            pending.push({ regions: field(op, 'regions'), where: `${opWhere}.regions` })
        }
      }
    }
    // Reversed so that the first nested region is walked next.
    regions.push(...pending.reverse())
  }
  if (result.ops === 0) throw notPir('it has no operators')
  return result
}

function parameterOf(op: JsonObject, where: string): PirParameter | null {
  const name = field(op, '#') as string
  if (name === 'p') {
    // Compressed: the attributes are positional and the name is the fourth.
    const attrs = field(op, 'A')
    const paramName = Array.isArray(attrs) ? attrs[3] : undefined
    if (typeof paramName !== 'string')
      throw notPir(`${where} is a parameter op without a name (A[3])`)
    return { name: paramName, ...tensorType(outputType(field(op, 'O'))) }
  }
  if (withoutDialect(name) !== 'parameter' || !/^(builtin|0)\./.test(name)) return null
  const attrs = field(op, 'A')
  const named = Array.isArray(attrs)
    ? attrs.find((a) => isObject(a) && field(a, 'N') === 'parameter_name')
    : undefined
  const value = isObject(named) ? field(named, 'AT') : undefined
  const paramName = isObject(value) ? field(value, 'D') : undefined
  if (typeof paramName !== 'string')
    throw notPir(`${where} is a parameter op without a parameter_name`)
  return { name: paramName, ...tensorType(outputType(field(op, 'O'))) }
}

/** The type of an op's single result: "O" is that result, or a list holding it. */
function outputType(results: Json): Json {
  const result = Array.isArray(results) ? results[0] : results
  return isObject(result) ? field(result, 'TT') : undefined
}

function tensorType(type: Json): Pick<PirParameter, 'dataType' | 'dims'> {
  const unknown = { dataType: null, dims: null }
  if (!isObject(type)) return unknown
  const id = field(type, '#')
  const data = field(type, 'D')
  if (typeof id !== 'string' || withoutDialect(id) !== 't_dtensor' || !Array.isArray(data))
    return unknown
  const element = data[0]
  const elementId = isObject(element) ? field(element, '#') : undefined
  const dataType = typeof elementId === 'string' ? pirTypes[withoutDialect(elementId)] : undefined
  const dims = data[1]
  const goodDims = Array.isArray(dims) && dims.every((d) => Number.isSafeInteger(d))
  return {
    dataType: dataType ?? null,
    dims: goodDims ? (dims as number[]) : null,
  }
}
