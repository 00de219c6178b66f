/**
 * One converter test: a Paddle program of a few operators written by the tests' own ProgramDesc
 * and params writers, converted by the app's converter, run in the real onnxruntime-node. The
 * test compares what comes out with the same computation written directly in TypeScript
 * (`./reference.ts`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { type ConvertResult, convertPaddleModel } from '../../../../src/main/convert/convertPaddle'
import {
  DataType,
  type OpSpec,
  type VarSpec,
  paramsFile,
  program,
} from '../../../support/paddle/paddleWriter'

export interface Tensor {
  dims: number[]
  data: Float32Array | BigInt64Array | Int32Array
}

export interface ConvertCase {
  ops: OpSpec[]
  /** Fed variables with the values to run on. `programDims` overrides what the program declares (−1 for a batch axis). */
  inputs: Record<string, Tensor & { programDims?: number[] }>
  /** Parameters (persistable) with their values. */
  params?: Record<string, Tensor>
  /** Every other variable the ops write, with its dims as the program declares them. */
  vars: Record<string, number[] | { dims: number[]; dataType: number }>
  fetch: string[]
}

export interface CaseRun {
  outputs: Tensor[]
  conversion: ConvertResult
}

const paddleType = (t: Tensor) =>
  t.data instanceof BigInt64Array
    ? DataType.INT64
    : t.data instanceof Int32Array
      ? DataType.INT32
      : DataType.FP32

const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)

/** Writes the program and params files of `c` into `dir`. */
export function writeCase(dir: string, c: ConvertCase): { model: string; params: string } {
  const vars: VarSpec[] = [
    ...Object.entries(c.inputs).map(([name, t]) => ({
      name,
      dims: t.programDims ?? t.dims,
      dataType: paddleType(t),
    })),
    ...Object.entries(c.params ?? {}).map(([name, t]) => ({
      name,
      dims: t.dims,
      dataType: paddleType(t),
      persistable: true,
    })),
    ...Object.entries(c.vars).map(([name, v]) =>
      Array.isArray(v) ? { name, dims: v } : { name, dims: v.dims, dataType: v.dataType },
    ),
  ]
  const model = join(dir, 'inference.pdmodel')
  const params = join(dir, 'inference.pdiparams')
  writeFileSync(
    model,
    program({ vars, ops: c.ops, feeds: Object.keys(c.inputs), fetches: c.fetch }),
  )
  const sorted = Object.entries(c.params ?? {}).sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  )
  writeFileSync(
    params,
    paramsFile(
      sorted.map(([, t]) => ({ dims: t.dims, dataType: paddleType(t), data: bytesOf(t) })),
    ),
  )
  return { model, params }
}

/** Converts `c` and runs the ONNX model on its inputs. */
export async function runCase(c: ConvertCase): Promise<CaseRun> {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-convert-'))
  try {
    const files = writeCase(dir, c)
    const out = join(dir, 'model.onnx')
    const conversion = await convertPaddleModel({ ...files, out, name: 'test model' })
    const session = await ort.InferenceSession.create(out)
    try {
      const feeds: Record<string, ort.Tensor> = {}
      for (const [name, t] of Object.entries(c.inputs)) {
        const type =
          t.data instanceof BigInt64Array
            ? 'int64'
            : t.data instanceof Int32Array
              ? 'int32'
              : 'float32'
        feeds[name] = new ort.Tensor(type, t.data, t.dims)
      }
      const results = await session.run(feeds)
      const outputs = conversion.outputs.map(({ name }) => {
        const r = results[name]!
        return { dims: [...r.dims], data: r.data as Tensor['data'] }
      })
      return { outputs, conversion }
    } finally {
      await session.release()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Deterministic values in [−scale, scale): the same case gives the same numbers every run. */
export function values(count: number, seed = 1, scale = 1): Float32Array {
  const out = new Float32Array(count)
  let s = seed * 2654435761
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale
  }
  return out
}

export function tensor(dims: number[], seed = 1, scale = 1): Tensor {
  return {
    dims,
    data: values(
      dims.reduce((a, d) => a * d, 1),
      seed,
      scale,
    ),
  }
}

/** The largest |a − b| over two tensors of the same shape (throws on a shape mismatch). */
export function maxDiff(a: Tensor, b: Tensor): number {
  if (a.dims.join() !== b.dims.join()) throw new Error(`shape [${a.dims}] is not [${b.dims}]`)
  let max = 0
  for (let i = 0; i < a.data.length; i++)
    max = Math.max(max, Math.abs(Number(a.data[i]) - Number(b.data[i])))
  return max
}

/** `t` fed with its first axis left open (−1) in the program, as exported models declare the batch. */
export function batched(t: Tensor): Tensor & { programDims: number[] } {
  return { ...t, programDims: [-1, ...t.dims.slice(1)] }
}
