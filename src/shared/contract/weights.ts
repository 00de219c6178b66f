import { z } from 'zod'
import type { JobProgress } from './progress'
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
    /** Wait for the download to finish (the CLI); otherwise follow `jobs.progress`. */
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

/** What the structural check of a model's files found (see src/main/paddle/). */
export interface ModelCheckSummary {
  format: 'paddle2' | 'paddle3' | 'onnx' | 'pdparams'
  /** Paddle's version number (2006002 = 2.6.2) when the program records one. */
  paddleVersion: number | null
  /** Operators of the program (every block, feed and fetch included); 0 for onnx and pdparams. */
  ops: number
  /** Tensors in the params file (Paddle models); 0 otherwise. */
  params: number
  /** Bytes of tensor data (Paddle models). */
  paramBytes: number
}

/**
 * How far an artifact can be trusted. PaddleClas publishes no checksums: what is checked is any
 * digest the server sent (an MD5 ETag, Content-MD5, Repr-Digest) and the archive's structure.
 */
export interface ArtifactVerification {
  /** The digests the bytes were checked against, e.g. "MD5 (ETag)"; empty when the server sent none. */
  digests: string[]
  structure: ModelCheckSummary | null
}

export interface Artifact {
  /** `<modelId>:<kind>`. */
  id: string
  modelId: string
  kind: ArtifactKind
  source: 'download' | 'import'
  url: string | null
  /** Bytes of the downloaded or imported file. */
  size: number
  /** Bytes its extracted folder takes besides (inference archives); counted in the budget too. */
  extractedBytes: number
  sha256: string
  /** The server's validators when it was downloaded, to tell a changed file from the same one. */
  etag: string | null
  lastModified: string | null
  fetchedAt: string
  lastUsedAt: string
  /** What the archive holds, once extracted (inference archives). */
  contents: { format: 'paddle2' | 'paddle3' | 'onnx' | 'unknown'; files: string[] } | null
  verification: ArtifactVerification
}

export type DownloadStateName =
  | 'queued'
  | 'downloading'
  | 'verifying'
  | 'extracting'
  /** A Paddle archive being converted to ONNX. */
  | 'converting'
  | 'done'
  | 'failed'
  | 'cancelled'

/** A download's progress: `done` and `total` are bytes. */
export interface DownloadState extends JobProgress<'download', DownloadStateName> {
  modelId: string
  kind: ArtifactKind
  url: string
  /** Bytes already on disk from an earlier, interrupted download. */
  resumedFrom: number
  /** Another process (a `zoo pull` beside the app, say) is downloading it; this one follows. */
  otherProcess: { pid: number } | null
  /** Something the user should know, e.g. that a plain-http mirror cannot be trusted. */
  warning: string | null
  /**
   * Once downloaded: why the model does not run here (its conversion to ONNX failed), or what
   * its self-check on the sample images found; null when it runs and nothing is amiss.
   */
  runWarning: string | null
}

export interface WeightsSettings {
  /** The mirror in use: `ZOO_MIRROR` wins over the setting. */
  mirror: string | null
  mirrorFromEnv: boolean
  /** Set when the mirror is plain http on another machine: its bytes can be altered on the way. */
  mirrorWarning: string | null
  budgetBytes: number
}

export interface WeightsOverview {
  artifacts: Artifact[]
  downloads: DownloadState[]
  /** What the cache takes on disk: files and extracted folders. */
  totalBytes: number
  settings: WeightsSettings
}

export interface VerifyReport {
  checked: { id: string; ok: boolean; message: string }[]
}

export interface GcReport {
  /** Artifacts removed to keep within the budget. */
  removed: string[]
  /** Leftovers cleared: interrupted temporaries, staging folders, files no artifact uses, uploads. */
  leftovers: number
  freedBytes: number
}
