/**
 * The weights cache: downloads and imports of model artifacts into content-addressed blobs
 * (<data>/cache/blobs/<sha256>), with a manifest row per artifact written only after its blob is
 * complete, verified and renamed into place. Downloads resume, retry, can be cancelled, are shared
 * when asked for twice, and report progress as `downloads.progress` events. An LRU budget bounds
 * the cache.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Database } from 'better-sqlite3'
import type {
  Artifact,
  ArtifactKind,
  DownloadState,
  GcReport,
  ImportArtifactInput,
  PullInput,
  VerifyReport,
  WeightsOverview,
  WeightsSettings,
  WeightsSettingsPatch,
} from '../../shared/contract'
import { importArtifactInput, pullInput } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalogService'
import type { EventBus } from '../events/eventBus'
import type { SettingsStore } from '../settings/settingsStore'
import type { UploadStore } from '../uploads/uploadStore'
import { mirrored } from './mirror'
import { packFolder } from './packFolder'
import { resumableDownload, type DownloadOptions } from './resumableDownload'
import { recognise, safeExtract } from './safeExtract'

const SETTINGS_KEY = 'weights'
const DEFAULT_BUDGET = 20 * 1024 ** 3
/**
 * A blob no manifest row points at, or a temporary, is left alone by gc until it is this old:
 * another process on the same data folder (`zoo import` beside the app) may still be writing it,
 * and its row only comes once the archive is extracted. `busyBlobNames` covers this process.
 */
const ORPHAN_GRACE_MS = 10 * 60 * 1000

interface Row {
  id: string
  model_id: string
  kind: ArtifactKind
  source: 'download' | 'import'
  url: string | null
  etag: string | null
  last_modified: string | null
  size: number
  sha256: string
  md5: string | null
  fetched_at: string
  last_used_at: string
  extracted_path: string | null
  contents_json: string | null
}

const toArtifact = (row: Row): Artifact => ({
  id: row.id,
  modelId: row.model_id,
  kind: row.kind,
  source: row.source,
  url: row.url,
  size: row.size,
  sha256: row.sha256,
  fetchedAt: row.fetched_at,
  lastUsedAt: row.last_used_at,
  contents: row.contents_json ? (JSON.parse(row.contents_json) as Artifact['contents']) : null,
})

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Makes a finished file durable under its final name: fsync, rename, fsync the folder. */
async function commitFile(from: string, to: string): Promise<void> {
  const handle = await open(from, 'r')
  await handle.sync()
  await handle.close()
  await rename(from, to)
  const dir = await open(join(to, '..'), 'r')
  await dir.sync().catch(() => {})
  await dir.close()
}

export interface WeightsServiceOptions {
  dataDir: string
  db: Database
  catalog: CatalogService
  events: EventBus
  settings: SettingsStore
  uploads: UploadStore
  env?: NodeJS.ProcessEnv
  /** Test seams for the downloader (short retry delays, a failing disk). */
  download?: Partial<Pick<DownloadOptions, 'retries' | 'retryDelayMs' | 'timeoutMs' | 'openFile'>>
}

interface Running {
  state: DownloadState
  controller: AbortController
  done: Promise<Artifact>
}

export class WeightsService {
  readonly root: string
  private readonly blobs: string
  private readonly partials: string
  private readonly extracted: string
  private readonly running = new Map<string, Running>()
  private readonly finished = new Map<string, DownloadState>()
  /**
   * Names in the blobs folder that a store or an import is writing (a blob committed before its
   * manifest row, a temporary copy or packed folder): gc must not take them for leftovers.
   */
  private readonly busyBlobNames = new Map<string, number>()

  constructor(private readonly options: WeightsServiceOptions) {
    this.root = join(options.dataDir, 'cache')
    this.blobs = join(this.root, 'blobs')
    this.partials = join(this.root, 'partial')
    this.extracted = join(this.root, 'extracted')
  }

  /** Marks blob-folder names as in use until the returned release is called. */
  private hold(names: string[]): () => void {
    for (const name of names) this.busyBlobNames.set(name, (this.busyBlobNames.get(name) ?? 0) + 1)
    return () => {
      for (const name of names) {
        const count = this.busyBlobNames.get(name)! - 1
        if (count === 0) this.busyBlobNames.delete(name)
        else this.busyBlobNames.set(name, count)
      }
    }
  }

  private async dirs(): Promise<void> {
    for (const dir of [this.blobs, this.partials, this.extracted])
      await mkdir(dir, { recursive: true })
  }

  settings(): WeightsSettings {
    const stored = (this.options.settings.read(SETTINGS_KEY) ?? {}) as Partial<WeightsSettings>
    const env = (this.options.env ?? process.env).ZOO_MIRROR
    return {
      mirror: env || (typeof stored.mirror === 'string' ? stored.mirror : null),
      mirrorFromEnv: Boolean(env),
      budgetBytes: typeof stored.budgetBytes === 'number' ? stored.budgetBytes : DEFAULT_BUDGET,
    }
  }

  configure(patch: WeightsSettingsPatch): WeightsSettings {
    const stored = (this.options.settings.read(SETTINGS_KEY) ?? {}) as Record<string, unknown>
    this.options.settings.write(SETTINGS_KEY, { ...stored, ...patch })
    return this.settings()
  }

  private rows(): Row[] {
    return this.options.db.prepare('SELECT * FROM artifacts ORDER BY model_id, kind').all() as Row[]
  }

  list(): WeightsOverview {
    const artifacts = this.rows().map(toArtifact)
    return {
      artifacts,
      downloads: [...[...this.running.values()].map((r) => r.state), ...this.finished.values()],
      totalBytes: artifacts.reduce((sum, a) => sum + a.size, 0),
      settings: this.settings(),
    }
  }

  get(id: string): Artifact | null {
    const row = this.options.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as
      Row | undefined
    return row ? toArtifact(row) : null
  }

  /** The folder an inference archive was extracted to, marking the artifact used. */
  extractedPath(id: string): string | null {
    const row = this.options.db
      .prepare('SELECT extracted_path FROM artifacts WHERE id = ?')
      .get(id) as { extracted_path: string | null } | undefined
    if (!row) return null
    this.options.db
      .prepare('UPDATE artifacts SET last_used_at = ? WHERE id = ?')
      .run(new Date().toISOString(), id)
    return row.extracted_path
  }

  private emit(state: DownloadState): void {
    this.options.events.emit('downloads.progress', { ...state })
  }

  /** Starts (or joins) the download of a model's artifact. */
  pull(rawInput: PullInput): { state: DownloadState; done: Promise<Artifact> } {
    const input = pullInput.parse(rawInput)
    const { model } = this.options.catalog.get(input.modelId)
    const source =
      input.kind === 'inference' ? model.downloads.inference : model.downloads.pretrained
    if (!source)
      throw new AppError(
        'NOT_FOUND',
        `PaddleClas publishes no ${input.kind} download for ${model.id}.`,
      )
    const id = `${model.id}:${input.kind}`
    const existing = this.running.get(id)
    if (existing) return { state: existing.state, done: existing.done }
    const url = mirrored(source, input.mirror ?? this.settings().mirror)
    const controller = new AbortController()
    const state: DownloadState = {
      id,
      modelId: model.id,
      kind: input.kind,
      url,
      state: 'queued',
      received: 0,
      total: null,
      rate: 0,
      eta: null,
      resumedFrom: 0,
      error: null,
      startedAt: new Date().toISOString(),
    }
    this.finished.delete(id)
    const done = this.runDownload(state, controller.signal)
    this.running.set(id, { state, controller, done })
    // Nobody may be awaiting (the UI follows events): failures are in the state, not unhandled.
    done.catch(() => {})
    return { state, done }
  }

  private async runDownload(state: DownloadState, signal: AbortSignal): Promise<Artifact> {
    const partial = join(this.partials, `${state.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.partial`)
    try {
      await this.dirs()
      state.state = 'downloading'
      this.emit(state)
      const result = await resumableDownload({
        url: state.url,
        partialPath: partial,
        signal,
        ...this.options.download,
        onProgress: (progress) => {
          Object.assign(state, progress)
          this.emit(state)
        },
      })
      state.resumedFrom = result.resumedFrom
      state.state = 'verifying'
      this.emit(state)
      const artifact = await this.store(partial, {
        id: state.id,
        modelId: state.modelId,
        kind: state.kind,
        source: 'download',
        url: state.url,
        etag: result.etag,
        lastModified: result.lastModified,
        sha256: result.sha256,
        md5: result.md5,
        size: result.size,
        onExtract: () => {
          state.state = 'extracting'
          this.emit(state)
        },
      })
      await rm(`${partial}.json`, { force: true })
      state.state = 'done'
      state.received = result.size
      state.total = result.size
      return artifact
    } catch (error) {
      const e = error instanceof AppError ? error : new AppError('DOWNLOAD_FAILED', String(error))
      state.state = e.code === 'CANCELLED' ? 'cancelled' : 'failed'
      state.error =
        e.details === undefined
          ? { code: e.code, message: e.message }
          : { code: e.code, message: e.message, details: e.details }
      throw e
    } finally {
      this.running.delete(state.id)
      this.finished.set(state.id, state)
      this.emit(state)
      // Trim to the budget, but never at the cost of what was just fetched.
      await this.gc(new Set([state.id])).catch(() => {})
    }
  }

  /**
   * Commits a verified file to the cache: the blob under its hash (renamed from its temporary
   * name), the archive extracted into staging and renamed into place, then the manifest row.
   */
  private async store(
    file: string,
    meta: {
      id: string
      modelId: string
      kind: ArtifactKind
      source: 'download' | 'import'
      url: string | null
      etag: string | null
      lastModified: string | null
      sha256: string
      md5: string | null
      size: number
      onExtract?: () => void
      copy?: boolean
      /** The file's own name when `file` is not named after it (an upload is stored by its id). */
      fileName?: string
    },
  ): Promise<Artifact> {
    const release = this.hold([meta.sha256, `${meta.sha256}.${process.pid}.partial`])
    try {
      await this.dirs()
      const blob = join(this.blobs, meta.sha256)
      if (existsSync(blob)) {
        if (!meta.copy) await rm(file, { force: true })
      } else if (meta.copy) {
        const temporary = `${blob}.${process.pid}.partial`
        await copyFile(file, temporary)
        await commitFile(temporary, blob)
      } else {
        await commitFile(file, blob)
      }
      let extractedPath: string | null = null
      let contents: Artifact['contents'] = null
      const isTar = (meta.url ?? meta.fileName ?? basename(file)).toLowerCase().endsWith('.tar')
      if (meta.kind === 'inference' && isTar) {
        meta.onExtract?.()
        extractedPath = join(this.extracted, meta.sha256)
        if (!existsSync(extractedPath)) {
          const staging = `${extractedPath}.staging-${process.pid}`
          try {
            await safeExtract(blob, staging)
          } catch (error) {
            // A refused archive leaves nothing behind, unless another artifact uses the same blob.
            const used = this.options.db
              .prepare('SELECT 1 FROM artifacts WHERE sha256 = ?')
              .get(meta.sha256)
            if (!used) await rm(blob, { force: true })
            throw error
          }
          await rename(staging, extractedPath)
        }
        const found = await recognise(extractedPath)
        contents = { format: found.format, files: found.files }
      }
      const now = new Date().toISOString()
      this.options.db
        .prepare(
          `INSERT INTO artifacts (id, model_id, kind, source, url, etag, last_modified, size, sha256, md5,
             fetched_at, last_used_at, extracted_path, contents_json)
           VALUES (@id, @modelId, @kind, @source, @url, @etag, @lastModified, @size, @sha256, @md5, @now, @now,
             @extractedPath, @contents)
           ON CONFLICT (id) DO UPDATE SET source = excluded.source, url = excluded.url, etag = excluded.etag,
             last_modified = excluded.last_modified, size = excluded.size, sha256 = excluded.sha256,
             md5 = excluded.md5, fetched_at = excluded.fetched_at, last_used_at = excluded.last_used_at,
             extracted_path = excluded.extracted_path, contents_json = excluded.contents_json`,
        )
        .run({
          id: meta.id,
          modelId: meta.modelId,
          kind: meta.kind,
          source: meta.source,
          url: meta.url,
          etag: meta.etag,
          lastModified: meta.lastModified,
          size: meta.size,
          sha256: meta.sha256,
          md5: meta.md5,
          now,
          extractedPath,
          contents: contents ? JSON.stringify(contents) : null,
        })
      return this.get(meta.id)!
    } finally {
      release()
    }
  }

  cancel(id: string): boolean {
    const running = this.running.get(id)
    if (!running) return false
    running.controller.abort()
    return true
  }

  /** A file the user already has (an offline machine), verified and cached like a download. */
  async import(rawInput: ImportArtifactInput): Promise<Artifact> {
    const input = importArtifactInput.parse(rawInput)
    const { model } = this.options.catalog.get(input.modelId)
    const path =
      'path' in input.source ? input.source.path : this.options.uploads.path(input.source.uploadId)
    const name = 'path' in input.source ? basename(input.source.path) : input.source.fileName
    let info
    try {
      info = await stat(path)
    } catch {
      throw new AppError('NOT_FOUND', `There is no file "${path}".`)
    }
    if (info.isDirectory()) return this.importFolder(path, model.id, input.kind)
    if (!info.isFile())
      throw new AppError(
        'INVALID_INPUT',
        `"${path}" is not a file: import the archive (.tar), the model folder or the weights file itself.`,
      )
    if (input.kind === 'inference' && !name.toLowerCase().endsWith('.tar')) {
      throw new AppError(
        'INVALID_INPUT',
        `An inference artifact is a PaddleClas *_infer.tar archive or its extracted folder; "${name}" is neither.`,
      )
    }
    const sha256 = await sha256Of(path)
    const artifact = await this.store(path, {
      id: `${model.id}:${input.kind}`,
      modelId: model.id,
      kind: input.kind,
      source: 'import',
      url: null,
      etag: null,
      lastModified: null,
      sha256,
      md5: null,
      size: info.size,
      copy: true,
      fileName: name,
    })
    if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
    return artifact
  }

  /** An extracted inference folder, packed into a reproducible tar and cached like an archive. */
  private async importFolder(path: string, modelId: string, kind: ArtifactKind): Promise<Artifact> {
    if (kind !== 'inference') {
      throw new AppError(
        'INVALID_INPUT',
        `"${path}" is a folder; pretrained weights are one .pdparams file: import that file.`,
      )
    }
    await this.dirs()
    // In the blobs folder so the commit is a rename; gc clears it if the app dies midway.
    const packedName = `import-${randomUUID()}.partial`
    const packed = join(this.blobs, packedName)
    const release = this.hold([packedName])
    try {
      await packFolder(path, packed)
      return await this.store(packed, {
        id: `${modelId}:${kind}`,
        modelId,
        kind,
        source: 'import',
        url: null,
        etag: null,
        lastModified: null,
        sha256: await sha256Of(packed),
        md5: null,
        size: (await stat(packed)).size,
        fileName: `${basename(resolve(path))}.tar`,
      })
    } finally {
      await rm(packed, { force: true })
      release()
    }
  }

  /** Deletes an artifact's manifest, then its blob and extracted folder unless others share them. */
  async remove(id: string): Promise<boolean> {
    const row = this.options.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as
      Row | undefined
    if (!row) return false
    this.options.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id)
    const shared = this.options.db
      .prepare('SELECT 1 FROM artifacts WHERE sha256 = ?')
      .get(row.sha256)
    if (!shared) {
      await rm(join(this.blobs, row.sha256), { force: true })
      if (row.extracted_path) await rm(row.extracted_path, { recursive: true, force: true })
    }
    return true
  }

  /** Re-hashes blobs against their manifests. */
  async verify(id?: string): Promise<VerifyReport> {
    const rows = this.rows().filter((row) => !id || row.id === id)
    if (id && rows.length === 0) throw new AppError('NOT_FOUND', `No cached artifact "${id}".`)
    const checked: VerifyReport['checked'] = []
    for (const row of rows) {
      const blob = join(this.blobs, row.sha256)
      if (!existsSync(blob)) {
        checked.push({ id: row.id, ok: false, message: 'its file is missing from the cache' })
        continue
      }
      const actual = await sha256Of(blob)
      checked.push(
        actual === row.sha256
          ? { id: row.id, ok: true, message: 'intact' }
          : {
              id: row.id,
              ok: false,
              message: `its file has changed (SHA-256 ${actual}, expected ${row.sha256})`,
            },
      )
    }
    return { checked }
  }

  /**
   * Keeps the cache within its budget by removing least recently used artifacts (never one being
   * downloaded), and clears files no manifest points at once they are old enough to be leftovers.
   */
  async gc(keep: ReadonlySet<string> = new Set()): Promise<GcReport> {
    const removed: string[] = []
    let freedBytes = 0
    const budget = this.settings().budgetBytes
    const rows = this.rows().sort((a, b) => a.last_used_at.localeCompare(b.last_used_at))
    let total = rows.reduce((sum, row) => sum + row.size, 0)
    for (const row of rows) {
      if (total <= budget) break
      if (this.running.has(row.id) || keep.has(row.id)) continue
      await this.remove(row.id)
      removed.push(row.id)
      total -= row.size
      freedBytes += row.size
    }
    if (existsSync(this.blobs)) {
      const known = new Set(this.rows().map((row) => row.sha256))
      for (const name of await readdir(this.blobs)) {
        if (this.busyBlobNames.has(name)) continue
        const orphan = !known.has(name) && /^[0-9a-f]{64}$/.test(name)
        if (!orphan && !name.endsWith('.partial')) continue
        const info = await stat(join(this.blobs, name)).catch(() => null)
        if (!info || Date.now() - info.mtimeMs < ORPHAN_GRACE_MS) continue
        if (orphan) freedBytes += info.size
        await rm(join(this.blobs, name), { force: true })
      }
    }
    return { removed, freedBytes }
  }

  dispose(): void {
    for (const running of this.running.values()) running.controller.abort()
  }
}
