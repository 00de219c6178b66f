/**
 * Files the page hands to the app (images to classify, ONNX models to attach) when it cannot
 * name a path: browser mode, drag and drop. Each lands in <data>/uploads under a random id,
 * written to a `.partial` name first so a half-received file is never used.
 *
 * The app and `zoo` commands in a terminal share one data folder, and every one of them opens this
 * store, so clearing it must never take another process's work:
 * - a partial is named after its writer, `<id>.<host>-<pid>.partial`, and is removed only when
 *   that writer is gone (no such process on this host) or it has not been written for
 *   PARTIAL_IDLE_MS (a writer on another host, a pid reused since);
 * - a completed upload is removed once unused for UNUSED_MAX_AGE_MS (using one refreshes it);
 * - all uploads together stay under `uploadLimits.folderMaxBytes`: an arriving upload makes room
 *   by removing the least recently used completed ones, never one used in the last
 *   EVICTABLE_AFTER_MS (what the user just dropped), and is refused when that is not enough.
 * Two processes receiving at the same moment can each fill the room the other sees; the folder
 * then overshoots by at most what they receive, and the next upload or `gc` trims it.
 */
import { createHash, randomUUID } from 'node:crypto'
import {
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { UploadResult } from '../../shared/contract'
import { AppError, failureOf, type Result } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import { isProcessAlive } from '../app/processAlive'
import { uploadLimits } from '../files/inputLimits'

const MINUTE = 60_000
/** A partial nobody has written to for this long is abandoned, whoever its writer was. */
export const PARTIAL_IDLE_MS = 10 * MINUTE
/** A completed upload unused for a day is a leftover of an interrupted action. */
export const UNUSED_MAX_AGE_MS = 24 * 60 * MINUTE
/** Never removed to make room before this age: the page that sent it is about to use it. */
export const EVICTABLE_AFTER_MS = 5 * MINUTE

const ID = /^[0-9a-f-]{36}$/
/** `<id>.<host>-<pid>.partial`; `<id>.partial` from versions that did not name the writer. */
const PARTIAL = /^[0-9a-f-]{36}(?:\.([0-9a-f]{8})-(\d+))?\.partial$/
/** This machine, short and file-name safe: a data folder on a share may be written from several. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8)
const WRITER = `${HOST}-${process.pid}`
/** Partials this process is writing, so a leftover of an earlier process with our pid is seen. */
const writingHere = new Set<string>()

export interface UploadStoreLimits {
  fileMaxBytes: number
  folderMaxBytes: number
}

export interface GcResult {
  removed: number
  freedBytes: number
}

interface Entry {
  file: string
  size: number
  mtimeMs: number
  kind: 'completed' | 'partial' | 'other'
  /** A partial whose writing process is known to be gone. */
  writerGone: boolean
}

export class UploadStore {
  readonly dir: string
  readonly limits: UploadStoreLimits

  constructor(dataDir: string, limits: Partial<UploadStoreLimits> = {}) {
    this.dir = join(dataDir, 'uploads')
    this.limits = { ...uploadLimits, ...limits }
    mkdirSync(this.dir, { recursive: true })
    this.gc()
  }

  /**
   * Removes abandoned partials and long-unused uploads, and trims the folder to its cap if two
   * processes overshot it. Safe while other processes upload into the same folder.
   */
  gc(): GcResult {
    const { removed, freedBytes } = this.sweep(0, null)
    return { removed, freedBytes }
  }

  async fromStream(stream: Readable, expectedBytes?: number): Promise<UploadResult> {
    const { fileMaxBytes } = this.limits
    if (expectedBytes !== undefined && expectedBytes > fileMaxBytes) throw tooLarge(fileMaxBytes)
    const uploadId = randomUUID()
    const partial = join(this.dir, `${uploadId}.${WRITER}.partial`)
    let budget = this.sweep(expectedBytes ?? 0, partial).budget
    const makeRoom = (size: number) => {
      if (size > budget) budget = this.sweep(size, partial).budget
    }
    let size = 0
    writingHere.add(partial)
    try {
      await pipeline(
        stream,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length
            if (size > fileMaxBytes) throw tooLarge(fileMaxBytes)
            makeRoom(size)
            yield chunk
          }
        },
        // Opened now, not lazily: removing a failed upload must not race the file's creation.
        createWriteStream(partial, { fd: openSync(partial, 'w') }),
      )
      renameSync(partial, join(this.dir, uploadId))
    } catch (error) {
      rmSync(partial, { force: true })
      throw uploadError(error)
    } finally {
      writingHere.delete(partial)
    }
    return { uploadId, size }
  }

  fromBytes(bytes: Uint8Array): Promise<UploadResult> {
    return this.fromStream(
      Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
      bytes.byteLength,
    )
  }

  /** For the faces (HTTP, IPC): the upload as a result, never a throw, so both say the same. */
  async receive(
    source: Readable | Uint8Array,
    expectedBytes?: number,
  ): Promise<Result<UploadResult>> {
    try {
      const value =
        source instanceof Uint8Array
          ? await this.fromBytes(source)
          : await this.fromStream(source, expectedBytes)
      return { ok: true, value }
    } catch (error) {
      return failureOf(error, 'The upload')
    }
  }

  /** The file of an upload; NOT_FOUND when it does not exist (expired or never finished). */
  path(uploadId: string): string {
    if (!ID.test(uploadId))
      throw new AppError('INVALID_INPUT', `"${uploadId}" is not an upload id.`)
    const file = join(this.dir, uploadId)
    try {
      statSync(file)
    } catch {
      throw new AppError(
        'NOT_FOUND',
        `Upload ${uploadId} does not exist (it may have expired); upload the file again.`,
      )
    }
    try {
      // Used now: the last to be removed when room is needed, and not expired for another day.
      const now = new Date()
      utimesSync(file, now, now)
    } catch {
      // Another user's file, or removed this instant: the path is still the answer.
    }
    return file
  }

  remove(uploadId: string): void {
    if (ID.test(uploadId)) rmSync(join(this.dir, uploadId), { force: true })
  }

  /**
   * Clears what has expired and, when `needed` bytes (the size of the upload writing `own`) do not
   * fit under the cap, the least recently used uploads old enough to go. Returns how many bytes
   * `own` may hold; refuses an upload for which that is not enough.
   */
  private sweep(needed: number, own: string | null): GcResult & { budget: number } {
    const now = Date.now()
    const entries = this.scan().filter((entry) => entry.file !== own)
    const expired = entries.filter((entry) => isExpired(entry, now))
    const kept = entries.filter((entry) => !expired.includes(entry))
    const used = total(kept)
    const budget = this.limits.folderMaxBytes - used
    const victims = needed > budget ? leastRecentlyUsed(kept, now, needed - budget) : []
    if (own !== null && needed > budget + total(victims)) {
      this.removeAll(expired)
      throw this.folderFull(used, needed)
    }
    const result = this.removeAll([...expired, ...victims])
    return { ...result, budget: budget + total(victims) }
  }

  private scan(): Entry[] {
    const entries: Entry[] = []
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name)
      let info
      try {
        info = statSync(file)
      } catch {
        continue // removed meanwhile by another process
      }
      if (!info.isFile()) continue
      const partial = PARTIAL.exec(name)
      const pid = Number(partial?.[2])
      entries.push({
        file,
        size: info.size,
        mtimeMs: info.mtimeMs,
        kind: partial ? 'partial' : ID.test(name) ? 'completed' : 'other',
        writerGone:
          partial?.[1] === HOST &&
          (pid === process.pid ? !writingHere.has(file) : !isProcessAlive(pid)),
      })
    }
    return entries
  }

  private removeAll(entries: readonly Entry[]): GcResult {
    let removed = 0
    let freedBytes = 0
    for (const entry of entries) {
      try {
        rmSync(entry.file, { force: true })
        removed++
        freedBytes += entry.size
      } catch {
        // Not ours to remove (permissions): it stays, and counts as used.
      }
    }
    return { removed, freedBytes }
  }

  private folderFull(used: number, needed: number): AppError {
    const { folderMaxBytes } = this.limits
    return new AppError(
      'DISK_FULL',
      `No room for this upload (${formatBytes(needed)} so far): the uploads folder ${this.dir} ` +
        `holds ${formatBytes(used)} of its ${formatBytes(folderMaxBytes)} limit, all of it in use ` +
        `or uploaded in the last ${EVICTABLE_AFTER_MS / MINUTE} minutes. Try again in a few ` +
        'minutes, when older uploads can make room, or delete files in that folder.',
      { folder: this.dir, folderBytes: used, folderMaxBytes, neededBytes: needed },
    )
  }
}

function isExpired(entry: Entry, now: number): boolean {
  const idle = now - entry.mtimeMs
  return entry.kind === 'partial'
    ? entry.writerGone || idle > PARTIAL_IDLE_MS
    : idle > UNUSED_MAX_AGE_MS
}

/** Completed uploads, least recently used first, until `bytes` are covered (or none are left). */
function leastRecentlyUsed(entries: readonly Entry[], now: number, bytes: number): Entry[] {
  const candidates = entries
    .filter((entry) => entry.kind === 'completed' && now - entry.mtimeMs >= EVICTABLE_AFTER_MS)
    .sort((a, b) => a.mtimeMs - b.mtimeMs)
  const chosen: Entry[] = []
  let covered = 0
  for (const entry of candidates) {
    if (covered >= bytes) break
    chosen.push(entry)
    covered += entry.size
  }
  return chosen
}

const total = (entries: readonly Entry[]) => entries.reduce((sum, entry) => sum + entry.size, 0)

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'FILE_TOO_LARGE',
    `The upload is larger than ${formatBytes(maxBytes)}, the most one upload may be.`,
    { maxBytes },
  )
}

function uploadError(error: unknown): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC')
    return new AppError('DISK_FULL', 'The disk is full: free some space and upload again.')
  if (code === 'ENOENT')
    return new AppError(
      'CANCELLED',
      'The upload stalled so long that it was cleared away; send the file again.',
    )
  return new AppError('CANCELLED', `The upload was interrupted: ${(error as Error).message}`)
}
