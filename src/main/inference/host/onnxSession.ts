/**
 * The one way an ONNX Runtime session is made for a model: the options every model host runs
 * with, and the benchmarks too (bench/*.bench.mts), so that a figure a benchmark prints is a
 * figure of the sessions the app runs.
 */
import { existsSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { AppError } from '../../../shared/errors'
import { readRegularFile, statRegularFile } from '../../files/regularFile'

/** Where the sessions run; recorded with every benchmark (a CUDA build would say otherwise). */
export const EXECUTION_PROVIDER = 'cpu'

/** The onnxruntime version these sessions run on. */
export const onnxRuntimeVersion = (): string => ort.env.versions.common

export function sessionOptions(intraOpThreads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [EXECUTION_PROVIDER],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Spinning intra-op threads keep a core busy after each run, starving the decoder that
    // prepares the next batch on the same cores.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  }
}

/**
 * Opens the model file (checked like any input: a regular file under the model cap) in a
 * session with `intraOpThreads` threads. A file ONNX Runtime cannot load is MODEL_INVALID.
 */
export async function openSession(
  modelPath: string,
  intraOpThreads: number,
): Promise<ort.InferenceSession> {
  // A converted model past 2 GB keeps its weights in model.onnx.data beside it, which onnxruntime
  // finds only when it opens the model by path (from bytes it has no folder to look in).
  const external = existsSync(`${modelPath}.data`)
  if (external) await statRegularFile(modelPath, 'model')
  const bytes = external ? null : await readRegularFile(modelPath, 'model')
  const options = sessionOptions(intraOpThreads)
  try {
    return bytes
      ? await ort.InferenceSession.create(bytes, options)
      : await ort.InferenceSession.create(modelPath, options)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new AppError(
      'MODEL_INVALID',
      /protobuf|parse|invalid|model_path|ModelProto/i.test(message)
        ? `This file is not a valid ONNX model (${message.split('\n')[0]}).`
        : `ONNX Runtime cannot load this model: ${message.split('\n')[0]}`,
    )
  }
}
