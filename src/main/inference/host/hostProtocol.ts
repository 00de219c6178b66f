/**
 * Messages between the app and a model host process (one per loaded model). Typed arrays travel
 * as they are: the channel uses Node's "advanced" (structured clone) serialisation.
 */
import type { ApiError } from '../../../shared/errors'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'

export interface TensorInfo {
  name: string
  type: string
  /** Dimensions; a string or -1 where the model leaves one open (a batch axis, say). */
  shape: (number | string)[]
}

export interface ModelInfo {
  inputs: TensorInfo[]
  outputs: TensorInfo[]
  loadMs: number
}

export interface HostImage {
  /** The caller's name for this image, echoed in its result. */
  key: string
  path?: string
  bytes?: Uint8Array
  /** How errors name the image (the file name a user knows, not an upload's stored path). */
  label?: string
}

export interface StageTimings {
  decodeMs: number
  preprocessMs: number
  /** This image's share of its batch's inference time. */
  inferenceMs: number
}

export type HostImageResult =
  | {
      key: string
      ok: true
      /** The model's first output for this image (logits or probabilities). */
      output: Float32Array
      timings: StageTimings
      /** Whether preprocessing reproduced the model's resize exactly. */
      exact: boolean
      image: { width: number; height: number; format: string }
    }
  | { key: string; ok: false; error: ApiError }

export type HostRequest =
  | { id: number; type: 'load'; modelPath: string; intraOpThreads: number }
  | { id: number; type: 'run'; images: HostImage[]; plan: PreprocessPlan; batchSize: number }

export type HostResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ApiError }
