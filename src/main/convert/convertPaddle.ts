/**
 * Paddle 2 inference model (`inference.pdmodel` + `inference.pdiparams`) → ONNX, in TypeScript.
 * The program's feed variables become the graph's inputs (their names kept, the batch axis
 * open), its fetch targets the outputs ("output", or "output_0"… for several); parameters are
 * streamed from the params file into the model file as it is written, so memory holds the graph,
 * never the weights. Every unsupported operator type is named in one error before anything is
 * written. The model is written under a temporary name and renamed when complete.
 */
import { randomBytes } from 'node:crypto'
import { rename, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '../../shared/errors'
import { fileError, openRegularFile, readRegularFile } from '../files/regularFile'
import { VarKind } from '../paddle/dataType'
import { FormatError, asArchiveCorrupt } from '../paddle/formatError'
import { programParams, walkParams } from '../paddle/paramsFile'
import { FileCursor, positionalFile } from '../paddle/positionalFile'
import { type ProgramDesc, parseProgramDesc } from '../paddle/programDesc'
import { onnxTypeOf } from './dataTypes'
import { GraphBuilder, type ValueFacts } from './graphBuilder'
import { type OnnxDim, type OnnxValueInfo, writeOnnxModel } from './onnxModel'
import { opConverters } from './ops'
import { ConversionError, PaddleOp } from './paddleOp'
import type { ByteSource } from './protoWriter'

/** Bumped whenever a change to the converter changes what it writes (cached conversions redo). */
export const CONVERTER_VERSION = '1'
/** 17: the first with LayerNormalization; onnxruntime 1.16 and later run it. */
export const OPSET = 17

export interface ConvertOptions {
  model: string
  params: string
  out: string
  /** For messages: the model's name (the catalog id), else the program's file name. */
  name?: string
  signal?: AbortSignal
  onProgress?: (progress: {
    stage: 'reading' | 'converting' | 'writing'
    done: number
    total: number
  }) => void
  /** Tests: put weights in an external data file past this many bytes. */
  inlineLimit?: number
}

export interface GraphIo {
  name: string
  shape: OnnxDim[]
}

export interface ConvertResult {
  out: string
  /** The external data file beside `out`, for models past protobuf's 2 GB. */
  dataPath: string | null
  bytes: number
  opset: number
  converterVersion: string
  /** Paddle operator type → how many the program has. */
  ops: Record<string, number>
  inputs: GraphIo[]
  outputs: GraphIo[]
  paddleVersion: number | null
  parameters: number
  durationMs: number
}

const IGNORED = new Set(['feed', 'fetch'])

/** Every unsupported operator type of the program, in one error. */
function checkSupported(program: ProgramDesc, name: string): void {
  const missing = new Map<string, number>()
  for (const op of program.blocks[0]!.ops)
    if (!IGNORED.has(op.type) && !opConverters[op.type])
      missing.set(op.type, (missing.get(op.type) ?? 0) + 1)
  if (program.blocks.length > 1) missing.set('control flow (sub-blocks)', program.blocks.length - 1)
  if (missing.size === 0) return
  const list = [...missing].map(([type, n]) => (n > 1 ? `${type} (×${n})` : type)).join(', ')
  throw new AppError(
    'CONVERSION_UNSUPPORTED',
    `${name} cannot be converted to ONNX yet: ${missing.size === 1 ? 'its operator' : `${missing.size} of its operator types`} ${list} ${missing.size === 1 ? 'is' : 'are'} not supported by this version of the converter.`,
    { unsupported: Object.fromEntries(missing) },
  )
}

function programFacts(program: ProgramDesc): Map<string, ValueFacts> {
  const facts = new Map<string, ValueFacts>()
  for (const v of program.blocks[0]!.vars) {
    if (v.type.kind !== VarKind.LOD_TENSOR || !v.type.tensor) continue
    try {
      facts.set(v.name, { dataType: onnxTypeOf(v.type.tensor.dataType), dims: v.type.tensor.dims })
    } catch {
      // A variable of a type ONNX lacks matters only if an operator reads it, which then fails.
    }
  }
  return facts
}

function dimsOf(facts: ValueFacts | null, name: string): OnnxDim[] {
  return (facts?.dims ?? []).map((d, i) => (d >= 0 ? d : i === 0 ? 'N' : `${name}_${i}`))
}

/** A tensor's bytes read from the params file as they are written into the model. */
function fileSlice(
  handle: Awaited<ReturnType<typeof openRegularFile>>['handle'],
  offset: number,
  byteLength: number,
  signal?: AbortSignal,
): ByteSource {
  return {
    byteLength,
    async stream(write) {
      const chunk = 4 << 20
      for (let at = 0; at < byteLength; at += chunk) {
        if (signal?.aborted) throw new AppError('CANCELLED', 'The conversion was cancelled.')
        const buffer = new Uint8Array(Math.min(chunk, byteLength - at))
        let read = 0
        while (read < buffer.length) {
          const { bytesRead } = await handle.read(
            buffer,
            read,
            buffer.length - read,
            offset + at + read,
          )
          if (bytesRead === 0)
            throw new AppError(
              'ARCHIVE_CORRUPT',
              'The params file got shorter while it was being converted.',
            )
          read += bytesRead
        }
        await write(buffer)
      }
    },
  }
}

export async function convertPaddleModel(options: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now()
  const name = options.name ?? basename(options.model)
  const progress = options.onProgress ?? (() => {})
  let program: ProgramDesc
  try {
    program = parseProgramDesc(await readRegularFile(options.model, 'model'))
  } catch (error) {
    throw asArchiveCorrupt(error, `${basename(options.model)} is not a Paddle program: `)
  }
  if (program.blocks.length === 0)
    throw new AppError('ARCHIVE_CORRUPT', `${basename(options.model)} holds no program blocks.`)
  checkSupported(program, name)

  const g = new GraphBuilder(programFacts(program))
  const { handle, info } = await openRegularFile(options.params, 'archive')
  try {
    let parameters = 0
    try {
      const cursor = new FileCursor(positionalFile(handle, info.size))
      for await (const tensor of walkParams(cursor, programParams(program))) {
        g.setConstant(tensor.name, {
          dataType: onnxTypeOf(tensor.dataType),
          dims: tensor.dims,
          data: fileSlice(handle, tensor.dataOffset, tensor.byteLength, options.signal),
        })
        parameters++
      }
    } catch (error) {
      if (error instanceof FormatError)
        throw asArchiveCorrupt(error, `${basename(options.params)} `)
      throw error instanceof AppError ? error : fileError(options.params, error, 'archive')
    }
    progress({ stage: 'reading', done: 1, total: 1 })

    const ops = program.blocks[0]!.ops
    const counts: Record<string, number> = {}
    const inputs: OnnxValueInfo[] = []
    const fetched: { col: number; v: string }[] = []
    for (const [index, desc] of ops.entries()) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'The conversion was cancelled.')
      const op = new PaddleOp(desc, index)
      counts[op.type] = (counts[op.type] ?? 0) + 1
      try {
        if (op.type === 'feed') {
          const v = op.output('Out')
          const facts = g.factsOf(v)
          const input = g.write(v)
          inputs.push({ name: input, elemType: g.dataType(v), shape: dimsOf(facts, input) })
        } else if (op.type === 'fetch')
          fetched.push({ col: op.int('col', fetched.length), v: op.input('X') })
        else opConverters[op.type]!(op, g)
      } catch (error) {
        if (error instanceof ConversionError)
          throw new AppError(
            'CONVERSION_UNSUPPORTED',
            `${name} cannot be converted to ONNX: ${error.message}.`,
          )
        throw error
      }
      progress({ stage: 'converting', done: index + 1, total: ops.length })
    }
    if (inputs.length === 0 || fetched.length === 0)
      throw new AppError(
        'ARCHIVE_CORRUPT',
        `${basename(options.model)} has no ${inputs.length === 0 ? 'feed' : 'fetch'} operator: it is not an inference program.`,
      )

    const produced = new Set(g.nodes.flatMap((node) => node.outputs))
    const outputs: OnnxValueInfo[] = fetched
      .sort((a, b) => a.col - b.col)
      .map(({ v }, i) => {
        const readable = fetched.length === 1 ? 'output' : `output_${i}`
        const value = g.read(v)
        // A value no node writes (an input fetched as it is) is passed on by an Identity.
        if (produced.has(value)) g.rename(value, readable)
        else g.node('Identity', [value], [readable])
        return { name: readable, elemType: g.dataType(v), shape: dimsOf(g.factsOf(v), readable) }
      })

    progress({ stage: 'writing', done: 0, total: 1 })
    const temporary = `${options.out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      const written = await writeOnnxModel(
        temporary,
        {
          graph: { name: name, nodes: g.nodes, initializers: g.initializerList(), inputs, outputs },
          opset: OPSET,
          producer: { name: 'Zoo Explorer paddle2onnx', version: CONVERTER_VERSION },
          metadata: {
            source: basename(options.model),
            ...(program.version !== null ? { paddle_version: String(program.version) } : {}),
          },
        },
        {
          ...(options.inlineLimit !== undefined ? { inlineLimit: options.inlineLimit } : {}),
          // Named for the final model: the model file is renamed into place, its data is not.
          dataFile: `${basename(options.out)}.data`,
        },
      )
      const dataPath = written.dataPath
      await rename(temporary, options.out)
      progress({ stage: 'writing', done: 1, total: 1 })
      return {
        out: options.out,
        dataPath,
        bytes: written.bytes,
        opset: OPSET,
        converterVersion: CONVERTER_VERSION,
        ops: counts,
        inputs: inputs.map((i) => ({ name: i.name, shape: [...i.shape] })),
        outputs: outputs.map((o) => ({ name: o.name, shape: [...o.shape] })),
        paddleVersion: program.version,
        parameters,
        durationMs: performance.now() - started,
      }
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  } finally {
    await handle.close().catch(() => {})
  }
}
