/**
 * The weights cache: downloads and imports of model artifacts into content-addressed blobs, with a
 * manifest row per artifact written only after its file is complete, verified (stated digests, the
 * archive's structure) and renamed into place. One process at a time writes an artifact (a lease in
 * the shared database); a second pull of it, from this process or another, follows the first.
 * Downloads resume, retry, can be cancelled, and report progress as `downloads.progress` events.
 * An LRU budget (files and extracted folders) bounds the cache.
 */
import { existsSync } from 'node:fs'
import { readFile, rm, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Database } from 'better-sqlite3'
import type {
  Artifact,
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
import { fileError } from '../files/regularFile'
import type { Lease, Leases } from '../locks/leases'
import { checkModelFiles } from '../paddle/checkPaddleModel'
import type { SettingsStore } from '../settings/settingsStore'
import type { UploadStore } from '../uploads/uploadStore'
import { folderBytes, type BlobStore } from '../store/blobStore'
import { checkArtifactFile, checkFolder, describeStructure } from './archiveCheck'
import { ArtifactTable, toArtifact, type ArtifactRecord, type ArtifactRow } from './artifactTable'
import { mirrored, mirrorWarning } from './mirror'
import { packFolder } from './packFolder'
import { NOT_MODIFIED, resumableDownload, type DownloadOptions } from './resumableDownload'

const SETTINGS_KEY = 'weights'
const DEFAULT_BUDGET = 20 * 1024 ** 3

const leaseName = (artifactId: string) => `artifact:${artifactId}`

export interface WeightsServiceOptions {
  /** The app's one blob store (attached and converted models live there too). */
  blobs: BlobStore
  db: Database
  catalog: CatalogService
  events: EventBus
  settings: SettingsStore
  uploads: UploadStore
  leases: Leases
  env?: NodeJS.ProcessEnv
  /**
   * Makes a freshly downloaded artifact runnable (the Paddle → ONNX converter); returns a
   * warning for the user, or null. A failure here does not fail the download: the artifact is
   * cached either way, and the warning says why it cannot run.
   */
  prepare?: (artifact: Artifact, signal?: AbortSignal) => Promise<string | null>
  /** Forgets what was made from an artifact being removed (its conversion) so that goes too. */
  forget?: (artifact: { modelId: string; sha256: string }) => Promise<void>
  /** Test seams for the downloader and unpacker (short retry delays, a failing disk). */
  download?: Partial<Pick<DownloadOptions, 'retries' | 'retryDelayMs' | 'timeoutMs' | 'openFile'>>
}

interface Running {
  state: DownloadState
  controller: AbortController
  done: Promise<Artifact>
}

/** What a file to cache is, besides its bytes: its record before it is checked and unpacked. */
type Incoming = Omit<
  ArtifactRecord,
  'extractedPath' | 'extractedBytes' | 'contents' | 'verification'
> & {
  /** The digests the server stated and the file was checked against. */
  digests: string[]
  /** The name that says what the file is (`X_infer.tar`, `X.pdparams`). */
  name: string
  onUnpack?: () => void
}

const DISK_FULL_KEEP =
  'The download itself is complete and kept: pull again once there is space and it is unpacked without downloading it again.'

export class WeightsService {
  private readonly store: BlobStore
  private readonly table: ArtifactTable
  private readonly running = new Map<string, Running>()
  private readonly finished = new Map<string, DownloadState>()

  constructor(private readonly options: WeightsServiceOptions) {
    this.store = options.blobs
    this.table = new ArtifactTable(options.db)
  }

  settings(): WeightsSettings {
    const stored = (this.options.settings.read(SETTINGS_KEY) ?? {}) as Partial<WeightsSettings>
    const env = (this.options.env ?? process.env).ZOO_MIRROR
    const mirror = env || (typeof stored.mirror === 'string' ? stored.mirror : null)
    return {
      mirror,
      mirrorFromEnv: Boolean(env),
      mirrorWarning: mirror ? mirrorWarning(mirror) : null,
      budgetBytes: typeof stored.budgetBytes === 'number' ? stored.budgetBytes : DEFAULT_BUDGET,
    }
  }

  configure(patch: WeightsSettingsPatch): WeightsSettings {
    const stored = (this.options.settings.read(SETTINGS_KEY) ?? {}) as Record<string, unknown>
    this.options.settings.write(SETTINGS_KEY, { ...stored, ...patch })
    return this.settings()
  }

  /** Rows with their extracted size measured (rows from before it was recorded are measured once). */
  private rows(): ArtifactRow[] {
    const rows = this.table.all()
    for (const row of rows) {
      if (row.extracted_bytes !== null) continue
      row.extracted_bytes =
        row.extracted_path && existsSync(row.extracted_path) ? folderBytes(row.extracted_path) : 0
      this.table.setExtractedBytes(row.id, row.extracted_bytes)
    }
    return rows
  }

  list(): WeightsOverview {
    const artifacts = this.rows().map(toArtifact)
    return {
      artifacts,
      downloads: [...[...this.running.values()].map((r) => r.state), ...this.finished.values()],
      totalBytes: artifacts.reduce((sum, a) => sum + a.size + a.extractedBytes, 0),
      settings: this.settings(),
    }
  }

  get(id: string): Artifact | null {
    const row = this.table.get(id)
    return row ? toArtifact(row) : null
  }

  /** The folder an inference archive was extracted to, marking the artifact used. */
  extractedPath(id: string): string | null {
    const row = this.table.get(id)
    if (!row) return null
    this.table.touch(id)
    return row.extracted_path
  }

  private emit(state: DownloadState): void {
    this.options.events.emit('jobs.progress', { ...state })
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
      job: 'download',
      modelId: model.id,
      kind: input.kind,
      url,
      state: 'queued',
      done: 0,
      total: null,
      unit: 'bytes',
      rate: 0,
      eta: null,
      resumedFrom: 0,
      error: null,
      startedAt: new Date().toISOString(),
      otherProcess: null,
      warning: mirrorWarning(url),
      runWarning: null,
    }
    this.finished.delete(id)
    const done = this.runDownload(state, controller.signal)
    this.running.set(id, { state, controller, done })
    // Nobody may be awaiting (the UI follows events): failures are in the state, not unhandled.
    done.catch(() => {})
    return { state, done }
  }

  /**
   * Takes the artifact's lease, following another process's download of it meanwhile. Returns
   * null when that process finished the artifact while this one waited.
   */
  private async leaseForDownload(state: DownloadState, signal: AbortSignal): Promise<Lease | null> {
    const partial = this.store.partialPath(state.id)
    let last = { at: performance.now(), bytes: 0 }
    let waited = false
    const lease = await this.options.leases.acquire(leaseName(state.id), 'download', {
      signal,
      onWait: (holder) => {
        waited = true
        void this.followPartial(state, holder.pid, partial, last).then((next) => (last = next))
      },
    })
    if (!waited) return lease
    state.otherProcess = null
    const row = this.table.get(state.id)
    if (
      row &&
      row.fetched_at >= state.startedAt &&
      (await this.store.intact(row.sha256, row.size))
    ) {
      lease.release()
      return null
    }
    return lease
  }

  /**
   * The cached row of this artifact from the same URL, when its blob (size) and extracted folder
   * are still there: then the download can ask the server whether it changed.
   */
  private async cachedCopy(state: DownloadState): Promise<ArtifactRow | null> {
    const row = this.table.get(state.id)
    if (!row || row.url !== state.url || (!row.etag && !row.last_modified)) return null
    const blob = await stat(this.store.blobPath(row.sha256)).catch(() => null)
    if (blob?.size !== row.size) return null
    if (row.extracted_path && !existsSync(row.extracted_path)) return null
    return row
  }

  /** Progress of a download another process is writing, read from its partial file. */
  private async followPartial(
    state: DownloadState,
    pid: number,
    partial: string,
    last: { at: number; bytes: number },
  ): Promise<{ at: number; bytes: number }> {
    const bytes = (await stat(partial).catch(() => null))?.size ?? 0
    const meta = await readFile(`${partial}.json`, 'utf8')
      .then((text) => JSON.parse(text) as { total?: number | null })
      .catch(() => null)
    const now = performance.now()
    const instant = now > last.at ? ((bytes - last.bytes) * 1000) / (now - last.at) : 0
    state.state = 'downloading'
    state.otherProcess = { pid }
    state.done = bytes
    state.total = meta?.total ?? null
    state.rate = Math.max(0, state.rate === 0 ? instant : state.rate * 0.7 + instant * 0.3)
    state.eta = state.total !== null && state.rate > 0 ? (state.total - bytes) / state.rate : null
    this.emit(state)
    return { at: now, bytes }
  }

  /** Runs `prepare` on a downloaded artifact, its progress and outcome in the download's state. */
  private async prepareDownloaded(
    artifact: Artifact,
    state: DownloadState,
    signal: AbortSignal,
  ): Promise<void> {
    const prepare = this.options.prepare
    if (!prepare || artifact.contents?.format !== 'paddle2') return
    state.state = 'converting'
    this.emit(state)
    // Cancelling now stops the conversion, not the download: the archive stays cached.
    const warning = await prepare(artifact, signal).catch((error: unknown) =>
      error instanceof AppError
        ? `Downloaded, but not runnable: ${error.message}`
        : `Downloaded, but the conversion failed unexpectedly: ${String(error)}`,
    )
    state.runWarning = warning
  }

  private async runDownload(state: DownloadState, signal: AbortSignal): Promise<Artifact> {
    const partial = this.store.partialPath(state.id)
    let lease: Lease | null = null
    try {
      await this.store.ensure()
      lease = await this.leaseForDownload(state, signal)
      if (!lease) {
        state.state = 'done'
        state.done = state.total = this.table.get(state.id)!.size
        return this.get(state.id)!
      }
      state.state = 'downloading'
      this.emit(state)
      const cached = await this.cachedCopy(state)
      const result = await resumableDownload({
        url: state.url,
        partialPath: partial,
        signal,
        ...(cached ? { cached: { etag: cached.etag, lastModified: cached.last_modified } } : {}),
        ...this.options.download,
        onProgress: ({ received, ...progress }) => {
          Object.assign(state, progress, { done: received })
          this.emit(state)
        },
      })
      if (result === NOT_MODIFIED) {
        // The server's file is the one already cached: nothing to fetch or unpack again.
        this.table.touch(state.id)
        state.state = 'done'
        state.done = state.total = cached!.size
        return this.get(state.id)!
      }
      state.resumedFrom = result.resumedFrom
      state.state = 'verifying'
      this.emit(state)
      const artifact = await this.commit(partial, {
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
        digests: result.digests,
        name: basename(new URL(state.url).pathname),
        onUnpack: () => {
          state.state = 'extracting'
          this.emit(state)
        },
      })
      await rm(`${partial}.json`, { force: true })
      await this.prepareDownloaded(artifact, state, signal)
      state.state = 'done'
      state.done = result.size
      state.total = result.size
      return artifact
    } catch (error) {
      let e = error instanceof AppError ? error : new AppError('DOWNLOAD_FAILED', String(error))
      if (e.code === 'ARCHIVE_UNSAFE' || e.code === 'ARCHIVE_CORRUPT') {
        // A refused archive is never resumed or retried from what is on disk.
        await rm(partial, { force: true })
        await rm(`${partial}.json`, { force: true })
      } else if (e.code === 'DISK_FULL' && state.state !== 'downloading') {
        e = new AppError('DISK_FULL', `${e.message} ${DISK_FULL_KEEP}`, e.details)
      }
      // What a later pull resumes from, so the message does not say "0 B" with megabytes saved.
      state.done = (await stat(partial).catch(() => null))?.size ?? 0
      state.state = e.code === 'CANCELLED' ? 'cancelled' : 'failed'
      state.error =
        e.details === undefined
          ? { code: e.code, message: e.message }
          : { code: e.code, message: e.message, details: e.details }
      throw e
    } finally {
      lease?.release()
      state.otherProcess = null
      this.running.delete(state.id)
      this.finished.set(state.id, state)
      this.emit(state)
      // Trim to the budget, but never at the cost of what was just fetched.
      await this.gc(new Set([state.id])).catch(() => {})
    }
  }

  /**
   * Checks a complete file (archive unpacked into staging and its model checked), then commits:
   * the blob under its hash, the extracted folder under the same name, then the manifest row, the
   * last two while the blob store holds the blob's lease (no gc deletes either before the row is
   * there). The caller holds the artifact's lease. `file` is moved into the cache (or removed).
   */
  private async commit(file: string, incoming: Incoming): Promise<Artifact> {
    let staging: string | null = null
    try {
      const checked = await checkArtifactFile(
        file,
        incoming.kind,
        incoming.name,
        this.store.stagingPath(incoming.sha256),
        {
          ...(incoming.onUnpack ? { onUnpack: incoming.onUnpack } : {}),
          ...(this.options.download?.openFile ? { openFile: this.options.download.openFile } : {}),
        },
      )
      staging = checked.staging
      const { digests, name: _name, onUnpack: _onUnpack, ...known } = incoming
      return await this.store.commit(
        { path: file, sha256: incoming.sha256, size: incoming.size },
        async () => {
          const extractedPath = checked.staging
            ? await this.store.commitExtracted(checked.staging, incoming.sha256, async (dir) =>
                checkFolder(dir).then(
                  () => true,
                  () => false,
                ),
              )
            : null
          staging = null
          this.table.upsert({
            ...known,
            extractedPath,
            extractedBytes: checked.extractedBytes,
            contents: checked.contents,
            verification: { digests, structure: checked.structure },
          })
          return this.get(incoming.id)!
        },
      )
    } catch (error) {
      if (staging) await rm(staging, { recursive: true, force: true })
      throw error
    }
  }

  cancel(id: string): boolean {
    const running = this.running.get(id)
    if (!running) return false
    running.controller.abort()
    return true
  }

  /** A file or folder the user already has (an offline machine), verified and cached like a download. */
  async import(rawInput: ImportArtifactInput): Promise<Artifact> {
    const input = importArtifactInput.parse(rawInput)
    const { model } = this.options.catalog.get(input.modelId)
    const path =
      'path' in input.source ? input.source.path : this.options.uploads.path(input.source.uploadId)
    const name = 'path' in input.source ? basename(input.source.path) : input.source.fileName
    const info = await stat(path).catch((error: unknown) => {
      throw fileError(path, error, 'archive')
    })
    const folder = info.isDirectory()
    if (folder && input.kind !== 'inference') {
      throw new AppError(
        'INVALID_INPUT',
        `"${path}" is a folder; pretrained weights are one .pdparams file: import that file.`,
      )
    }
    if (!folder && input.kind === 'inference' && !name.toLowerCase().endsWith('.tar')) {
      throw new AppError(
        'INVALID_INPUT',
        `An inference artifact is a PaddleClas *_infer.tar archive or its extracted folder; "${name}" is neither.`,
      )
    }
    const id = `${model.id}:${input.kind}`
    const lease = await this.options.leases.acquire(leaseName(id), 'import')
    let temporary: string | null = null
    try {
      await this.store.ensure()
      let copied: { path: string; sha256: string; size: number }
      if (folder) {
        temporary = this.store.temporary('import-folder')
        await packFolder(path, temporary)
        copied = await this.store.hashTemporary(temporary)
      } else {
        copied = await this.store.copyIn(path, 'import', 'archive')
      }
      temporary = copied.path
      const artifact = await this.commit(copied.path, {
        id,
        modelId: model.id,
        kind: input.kind,
        source: 'import',
        url: null,
        etag: null,
        lastModified: null,
        sha256: copied.sha256,
        md5: null,
        size: copied.size,
        digests: [],
        name: folder ? `${basename(path)}.tar` : name,
      })
      if ('uploadId' in input.source) this.options.uploads.remove(input.source.uploadId)
      temporary = null
      lease.release()
      // Made runnable now, as a download is; a failure here is reported again on first use.
      if (artifact.contents?.format === 'paddle2')
        await this.options.prepare?.(artifact).catch(() => null)
      return artifact
    } finally {
      if (temporary) await rm(temporary, { force: true })
      lease.release()
    }
  }

  /**
   * Deletes an artifact's manifest, then its blob and extracted folder unless another record
   * (an artifact, an attached model, a conversion) uses them or another process is committing
   * them (BlobStore.removeUnused); kept, they are cleared by a later gc once nothing uses them.
   */
  async remove(id: string): Promise<boolean> {
    const row = this.table.get(id)
    if (!row) return false
    this.table.delete(id)
    await this.options.forget?.({ modelId: row.model_id, sha256: row.sha256 })
    await this.store.removeUnused(row.sha256)
    return true
  }

  /** Re-hashes blobs against their manifests and re-runs the structural check of each. */
  async verify(id?: string): Promise<VerifyReport> {
    const rows = this.table.all().filter((row) => !id || row.id === id)
    if (id && rows.length === 0) throw new AppError('NOT_FOUND', `No cached artifact "${id}".`)
    const checked: VerifyReport['checked'] = []
    for (const row of rows) {
      checked.push({ id: row.id, ...(await this.verifyRow(row)) })
    }
    return { checked }
  }

  private async verifyRow(row: ArtifactRow): Promise<{ ok: boolean; message: string }> {
    const blob = this.store.blobPath(row.sha256)
    if (!existsSync(blob)) return { ok: false, message: 'its file is missing from the cache' }
    if (!(await this.store.intact(row.sha256, row.size))) {
      return { ok: false, message: `its file has changed (it no longer has SHA-256 ${row.sha256})` }
    }
    try {
      if (row.extracted_path) {
        if (!existsSync(row.extracted_path))
          return { ok: false, message: 'its extracted folder is missing' }
        const { structure } = await checkFolder(row.extracted_path)
        return { ok: true, message: `intact (${describeStructure(structure)})` }
      }
      const recorded = toArtifact(row).verification.structure
      if (recorded?.format !== 'pdparams') return { ok: true, message: 'intact' }
      const structure = await checkModelFiles({ format: 'pdparams', params: blob })
      return { ok: true, message: `intact (${describeStructure(structure)})` }
    } catch (error) {
      if (error instanceof AppError) return { ok: false, message: error.message }
      throw error
    }
  }

  /**
   * Keeps the cache within its budget by removing least recently used artifacts (never one being
   * downloaded or imported, here or by another process), then clears the leftovers of the whole
   * blob store (BlobStore.clearLeftovers): temporaries and staging folders of processes that are
   * gone, and blobs and folders no record uses (artifacts, attached models, conversions) and
   * nobody is committing, once they are old enough; and old uploads.
   */
  async gc(keep: ReadonlySet<string> = new Set()): Promise<GcReport> {
    const removed: string[] = []
    let freedBytes = 0
    const budget = this.settings().budgetBytes
    const rows = this.rows().sort((a, b) => a.last_used_at.localeCompare(b.last_used_at))
    let total = rows.reduce((sum, row) => sum + row.size + (row.extracted_bytes ?? 0), 0)
    for (const row of rows) {
      if (total <= budget) break
      if (this.running.has(row.id) || keep.has(row.id)) continue
      if (this.options.leases.holder(leaseName(row.id))) continue
      const bytes = row.size + (row.extracted_bytes ?? 0)
      await this.remove(row.id)
      removed.push(row.id)
      total -= bytes
      freedBytes += bytes
    }
    const leftovers = await this.store.clearLeftovers()
    const uploads = this.options.uploads.gc()
    return {
      removed,
      leftovers: leftovers.count + uploads.removed,
      freedBytes: freedBytes + leftovers.bytes + uploads.freedBytes,
    }
  }

  dispose(): void {
    for (const running of this.running.values()) running.controller.abort()
  }
}
