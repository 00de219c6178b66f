/**
 * A real app core whose downloads go to a fault server on 127.0.0.1 (through ZOO_MIRROR), with
 * short retry delays, plus what the weights tests look at: the cache folders, manifest rows, the
 * server path of a model's artifact, and archives shaped like PaddleClas's.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Artifact, ArtifactKind, DownloadState } from '@shared/contract'
import type { AppCore, AppCoreOptions } from '../../../../src/main/core/appCore'
import type { OpenForWrite } from '../../../../src/main/files/openForWrite'
import { PADDLE_HOST } from '../../../../src/main/weights/mirror'
import { openTestCore } from '../../helpers/testCore'
import { startFaultServer, type FaultServer } from './faultServer'
import { paddleModelFiles } from '../../../support/paddle/modelFiles'
import { modelArchive } from '../../../support/ustar'

/** Catalog models used by the tests (all publish an inference archive and pretrained weights). */
export const MODEL = 'ResNet50_vd'
export const OTHER_MODEL = 'MobileNetV2'
export const THIRD_MODEL = 'PPLCNet_x0_25'

export interface CacheDirs {
  root: string
  blobs: string
  partials: string
  extracted: string
}

export const cacheDirs = (dataDir: string): CacheDirs => {
  const root = join(dataDir, 'cache')
  return {
    root,
    blobs: join(root, 'blobs'),
    partials: join(root, 'partial'),
    extracted: join(root, 'extracted'),
  }
}

/** Every entry under `dir` (files, folders, links), relative to it; [] when it does not exist. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return []
  const found: string[] = []
  const walk = (sub: string) => {
    for (const name of readdirSync(sub).sort()) {
      const path = join(sub, name)
      found.push(relative(dir, path))
      if (lstatSync(path).isDirectory()) walk(path) // links are listed, never followed
    }
  }
  walk(dir)
  return found
}

export interface WeightsCore {
  core: AppCore
  dataDir: string
  dirs: CacheDirs
  server: FaultServer
  /** The path on the server of a model's artifact (PaddleClas's path, kept by the mirror). */
  pathOf(modelId: string, kind?: ArtifactKind): string
  /** Where the service keeps a model's partial download. */
  partialOf(modelId: string, kind?: ArtifactKind): string
  /** Manifest rows, straight from SQLite. */
  rows(): { id: string; sha256: string; size: number }[]
  /** Every `downloads.progress` event so far. */
  events: DownloadState[]
}

export type WeightsCoreOptions = Partial<AppCoreOptions> & { server?: FaultServer }

/** A core with ZOO_MIRROR pointing at a fault server (a new one unless given). */
export async function openWeightsCore(options: WeightsCoreOptions = {}): Promise<WeightsCore> {
  const { server: given, ...coreOptions } = options
  const server = given ?? (await startFaultServer())
  const { core, dataDir } = openTestCore({
    env: { ZOO_MIRROR: server.url },
    ...coreOptions,
    download: { retries: 3, retryDelayMs: 10, timeoutMs: 5_000, ...coreOptions.download },
  })
  const events: DownloadState[] = []
  core.events.on('jobs.progress', (state) => {
    if (state.job === 'download') events.push(state)
  })
  const urlOf = (modelId: string, kind: ArtifactKind) => {
    const { downloads } = core.catalog.get(modelId).model
    const url = kind === 'inference' ? downloads.inference : downloads.pretrained
    if (!url?.startsWith(PADDLE_HOST)) throw new Error(`${modelId} has no PaddleClas ${kind} URL`)
    return url
  }
  return {
    core,
    dataDir,
    dirs: cacheDirs(dataDir),
    server,
    pathOf: (modelId, kind = 'inference') => `/${urlOf(modelId, kind).slice(PADDLE_HOST.length)}`,
    partialOf: (modelId, kind = 'inference') =>
      join(cacheDirs(dataDir).partials, `${modelId}_${kind}.partial`),
    rows: () =>
      core.db.prepare('SELECT id, sha256, size FROM artifacts ORDER BY id').all() as {
        id: string
        sha256: string
        size: number
      }[],
    events,
  }
}

/**
 * A PaddleClas-style inference archive for a model: a real (tiny) Paddle program with about
 * `paramsBytes` of random weights, so it passes the structural check and two differ.
 */
export function inferenceArchive(modelId: string, paramsBytes = 64 * 1024): Buffer {
  return modelArchive(`${modelId}_infer`, {
    ...paddleModelFiles(paramsBytes),
    'inference.pdiparams.info': `${modelId}\n`,
  })
}

/** Serves a fresh inference archive for the model and returns its bytes. */
export function serveArchive(weights: WeightsCore, modelId = MODEL, paramsBytes?: number): Buffer {
  const body = inferenceArchive(modelId, paramsBytes)
  weights.server.put(weights.pathOf(modelId), body)
  return body
}

/** Pulls and waits, returning the artifact (throws the AppError when it fails). */
export function pullNow(
  weights: WeightsCore,
  modelId = MODEL,
  kind: ArtifactKind = 'inference',
): Promise<Artifact> {
  return weights.core.weights.pull({ modelId, kind }).done
}

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const fileSize = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? -1

/**
 * The full-disk seam: files opened through it accept `capacity` bytes in total (over every
 * handle), then each write fails with ENOSPC as a real full disk does (after the bytes that fit).
 */
export function fullDiskAfter(capacity: number): {
  openFile: OpenForWrite
  written: () => number
} {
  let written = 0
  return {
    written: () => written,
    openFile: async (path, flags, mode) => {
      const handle = await open(path, flags, mode)
      const realWrite = handle.write.bind(handle) as (chunk: Buffer) => Promise<unknown>
      const write = async (chunk: Buffer) => {
        const room = Math.max(0, capacity - written)
        if (chunk.length <= room) {
          written += chunk.length
          return realWrite(chunk)
        }
        if (room > 0) await realWrite(chunk.subarray(0, room))
        written += room
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          errno: -28,
          syscall: 'write',
        })
      }
      Object.assign(handle, { write })
      return handle
    },
  }
}
