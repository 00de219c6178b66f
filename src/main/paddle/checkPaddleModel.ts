/**
 * The check the weights cache makes before it calls a download "cached", and `zoo cache verify`
 * makes again: PaddleClas publishes no checksums, so what can be proved is that the model files
 * are structurally whole. A Paddle 2 program must parse and its params file must be consumed
 * exactly by the program's persistable variables; a Paddle 3 program must be PIR JSON whose
 * parameter ops account for every tensor of the params file; an ONNX file must be well-formed at
 * its top level with a graph; a `.pdparams` pickle must start and end like one. Reads headers
 * only: checking a 3 GB params file reads a few kilobytes per tensor at most.
 */
import { basename } from 'node:path'
import type { ModelCheckSummary } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import { fileError, openRegularFile, readRegularFile } from '../files/regularFile'
import { asArchiveCorrupt, FormatError } from './formatError'
import { checkOnnxTopLevel } from './onnxCheck'
import { type ParamsSlot, byName, programParams, walkParams } from './paramsFile'
import { checkPickle } from './pickleCheck'
import { parsePirProgram } from './pirProgram'
import { FileCursor, type PositionalFile, positionalFile } from './positionalFile'
import { parseProgramDesc } from './programDesc'

export type ModelCheckInput =
  | { format: 'paddle2' | 'paddle3'; model: string; params: string }
  | { format: 'onnx'; model: string }
  | { format: 'pdparams'; params: string }

/** Throws AppError('ARCHIVE_CORRUPT', message) naming the file and exactly what is wrong. */
export async function checkModelFiles(input: ModelCheckInput): Promise<ModelCheckSummary> {
  switch (input.format) {
    case 'paddle2':
      return checkPaddle2(input.model, input.params)
    case 'paddle3':
      return checkPaddle3(input.model, input.params)
    case 'onnx':
      return checkOnnx(input.model)
    case 'pdparams':
      return checkPdparams(input.params)
  }
}

async function checkPaddle2(model: string, params: string): Promise<ModelCheckSummary> {
  const name = basename(model)
  const bytes = await readRegularFile(model, 'model')
  let slots: ParamsSlot[]
  let program: ReturnType<typeof parseProgramDesc>
  try {
    program = parseProgramDesc(bytes)
  } catch (error) {
    throw asArchiveCorrupt(error, `${name} is not a Paddle program: `)
  }
  try {
    slots = programParams(program)
  } catch (error) {
    throw asArchiveCorrupt(error, `${name} cannot be checked: `)
  }
  const { count, bytes: paramBytes } = await walkParamsFile(params, slots)
  return {
    format: 'paddle2',
    paddleVersion: program.version,
    ops: program.blocks.reduce((sum, block) => sum + block.ops.length, 0),
    params: count,
    paramBytes,
  }
}

async function checkPaddle3(model: string, params: string): Promise<ModelCheckSummary> {
  const name = basename(model)
  const bytes = await readRegularFile(model, 'model')
  let text: string
  try {
    text = bytes.toString('utf8')
  } catch {
    // Over V8's longest string (about 512 MB): no real program comes near it.
    throw new AppError(
      'FILE_TOO_LARGE',
      `${name} is ${formatBytes(bytes.length)}, too large to read as a Paddle 3 program.`,
    )
  }
  let program: ReturnType<typeof parsePirProgram>
  try {
    program = parsePirProgram(text)
  } catch (error) {
    throw asArchiveCorrupt(error, `${name} `)
  }
  // Paddle saves the parameters sorted by name, each name once (pir_io.save_vars_pir).
  const unique = new Map(program.parameters.map((p) => [p.name, p]))
  const slots = [...unique.values()].sort(byName)
  const { count, bytes: paramBytes } = await walkParamsFile(params, slots)
  return { format: 'paddle3', paddleVersion: null, ops: program.ops, params: count, paramBytes }
}

async function checkOnnx(model: string): Promise<ModelCheckSummary> {
  await withFile(model, 'model', async (file) => {
    await checkOnnxTopLevel(new FileCursor(file, 0, 4096))
  })
  return { format: 'onnx', paddleVersion: null, ops: 0, params: 0, paramBytes: 0 }
}

async function checkPdparams(params: string): Promise<ModelCheckSummary> {
  await withFile(params, 'archive', checkPickle)
  return { format: 'pdparams', paddleVersion: null, ops: 0, params: 0, paramBytes: 0 }
}

async function walkParamsFile(
  path: string,
  slots: readonly ParamsSlot[],
): Promise<{ count: number; bytes: number }> {
  const totals = { count: 0, bytes: 0 }
  await withFile(path, 'archive', async (file) => {
    for await (const tensor of walkParams(new FileCursor(file), slots)) {
      totals.count++
      totals.bytes += tensor.byteLength
    }
  })
  return totals
}

/**
 * Runs `check` on the opened file `path`; a FormatError becomes ARCHIVE_CORRUPT naming the
 * file, a failed read the opener's error for it.
 */
async function withFile(
  path: string,
  kind: 'model' | 'archive',
  check: (file: PositionalFile) => Promise<void>,
): Promise<void> {
  const { handle, info } = await openRegularFile(path, kind)
  try {
    await check(positionalFile(handle, info.size))
  } catch (error) {
    if (error instanceof FormatError) throw asArchiveCorrupt(error, `${basename(path)} `)
    throw error instanceof AppError ? error : fileError(path, error, kind)
  } finally {
    await handle.close().catch(() => {})
  }
}
