import { z } from 'zod'
import type { ApiError } from '../errors'
import { artifactKinds, type ArtifactKind } from './values'

const modelId = z.string().min(1).max(200)
const httpUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//.test(url), 'an http(s) URL')

export const pullInput = z
  .object({
    modelId,
    kind: z.enum(artifactKinds).default('inference'),
    /** Base URL that replaces PaddleClas's download host (a self-hosted mirror). */
    mirror: httpUrl.optional(),
    /** Wait for the download to finish (the CLI); otherwise follow `downloads.progress`. */
    wait: z.boolean().default(false),
  })
  .strict()
export type PullInput = z.input<typeof pullInput>

export const artifactIdInput = z.object({ id: z.string().min(1).max(300) }).strict()

export const importArtifactInput = z
  .object({
    source: z.union([
      z.object({ path: z.string().min(1).max(4096) }).strict(),
      z.object({ uploadId: z.string().uuid(), fileName: z.string().min(1).max(500) }).strict(),
    ]),
    modelId,
    kind: z.enum(artifactKinds).default('inference'),
  })
  .strict()
export type ImportArtifactInput = z.input<typeof importArtifactInput>

export const verifyInput = z.object({ id: z.string().min(1).max(300).optional() }).strict()

export const weightsSettingsPatch = z
  .object({
    mirror: httpUrl.nullable().optional(),
    budgetBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 50)
      .optional(),
  })
  .strict()
export type WeightsSettingsPatch = z.infer<typeof weightsSettingsPatch>

export interface Artifact {
  /** `<modelId>:<kind>`. */
  id: string
  modelId: string
  kind: ArtifactKind
  source: 'download' | 'import'
  url: string | null
  size: number
  sha256: string
  fetchedAt: string
  lastUsedAt: string
  /** What the archive holds, once extracted (inference archives). */
  contents: { format: 'paddle2' | 'paddle3' | 'onnx' | 'unknown'; files: string[] } | null
}

export type DownloadStateName =
  'queued' | 'downloading' | 'verifying' | 'extracting' | 'done' | 'failed' | 'cancelled'

export interface DownloadState {
  id: string
  modelId: string
  kind: ArtifactKind
  url: string
  state: DownloadStateName
  received: number
  total: number | null
  /** Bytes per second. */
  rate: number
  /** Seconds left, when known. */
  eta: number | null
  /** Bytes already on disk from an earlier, interrupted download. */
  resumedFrom: number
  error: ApiError | null
  startedAt: string
}

export interface WeightsSettings {
  /** The mirror in use: `ZOO_MIRROR` wins over the setting. */
  mirror: string | null
  mirrorFromEnv: boolean
  budgetBytes: number
}

export interface WeightsOverview {
  artifacts: Artifact[]
  downloads: DownloadState[]
  totalBytes: number
  settings: WeightsSettings
}

export interface VerifyReport {
  checked: { id: string; ok: boolean; message: string }[]
}

export interface GcReport {
  removed: string[]
  freedBytes: number
}
