/**
 * The one content-addressed store of every file the app keeps, under `<data>/cache`: Paddle
 * archives and weights (artifacts rows), attached ONNX models (model_files rows) and converted
 * ONNX models (conversions rows). Blobs live under their SHA-256 (`blobs/<sha256>`), extracted
 * archives under the same name (`extracted/<sha256>`), downloads in progress in `partial/`.
 *
 * Why another process on the same data folder (the app and `zoo` side by side) can never lose or
 * corrupt a blob:
 * - Every temporary carries its writer's pid and a random part (`<label>.<pid>.<random>.tmp`,
 *   `<sha256>.staging-<pid>-<random>`): two processes never write the same file, and gc can tell
 *   a dead writer's leftovers from a live one's work.
 * - No byte is ever written into a hash-named file. A commit fsyncs a complete temporary and
 *   renames it over the blob's name (atomic: readers see the old file or the new one, and both
 *   have the bytes of that hash), then fsyncs the folder. An existing blob is re-hashed before it
 *   is kept instead.
 * - A committer holds the lease `blob:<sha256>` (src/main/locks/leases.ts, a row in the shared
 *   database) from before it looks at the blob until the row that uses it is written (`commit`'s
 *   `record`). Whoever deletes a hash-named blob or folder (gc, a removal) takes the same lease
 *   without waiting (busy: the file is kept) and, holding it, asks the database again whether any
 *   record uses the hash. Leases exclude each other across processes, so a deletion happens wholly
 *   before a commit (which then finds no blob and renames its own copy in: it still has it) or
 *   wholly after (the row exists: the blob is kept), never between a commit's "the blob is there"
 *   and its row.
 * - Besides, a hash-named file no record uses is left alone until it is ORPHAN_GRACE_MS old, and a
 *   commit that keeps an existing blob makes it young again: a file that a writer taking no lease
 *   has just put there is not raced by a gc either.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError } from '../../shared/errors'
import { isProcessAlive } from '../app/processAlive'
import type { InputKind } from '../files/inputLimits'
import { OffThreadDigest } from '../files/offThreadDigest'
import { openRegularFile, readRegularFileChunks } from '../files/regularFile'
import { sha256File } from '../files/sha256File'
import type { Leases } from '../locks/leases'

const HASH_NAME = /^[0-9a-f]{64}$/
const DAY_MS = 24 * 3600_000

/**
 * A blob or extracted folder no record points at is left alone by gc until it is this old: a
 * writer that takes no lease may have just put it there. Temporaries carry their writer's pid and
 * are cleared as soon as that process is gone.
 */
export const ORPHAN_GRACE_MS = 10 * 60 * 1000

/** The lease a blob's committer holds until its row is written, and its deleter while it checks. */
export const blobLease = (sha256: string) => `blob:${sha256}`

/** Fsyncs a folder so a rename into it survives a power cut (not supported everywhere). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null)
  await handle?.sync().catch(() => {})
  await handle?.close()
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** The pid in a temporary's name (this app's and older versions' patterns), or null. */
export function writerPid(name: string): number | null {
  const match =
    /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name) ??
    /\.staging-(\d+)(?:-[0-9a-f]+)?$/.exec(name) ??
    /^[0-9a-f]{64}\.(\d+)\.partial$/.exec(name)
  return match ? Number(match[1]) : null
}

/** A committed blob. */
export interface StoredBlob {
  sha256: string
  size: number
  path: string
}

/** A complete temporary in the blobs folder whose hash and size are known: ready to commit. */
export interface Staged {
  path: string
  sha256: string
  size: number
}

export interface BlobStoreOptions {
  root: string
  leases: Leases
  /** Whether any record (artifact, attached model, conversion) uses the blob of this hash. */
  inUse: (sha256: string) => boolean
}

export class BlobStore {
  readonly root: string
  readonly blobs: string
  readonly partials: string
  readonly extracted: string
  private readonly leases: Leases
  private readonly inUse: (sha256: string) => boolean

  constructor(options: BlobStoreOptions) {
    this.root = options.root
    this.blobs = join(this.root, 'blobs')
    this.partials = join(this.root, 'partial')
    this.extracted = join(this.root, 'extracted')
    this.leases = options.leases
    this.inUse = options.inUse
  }

  async ensure(): Promise<void> {
    for (const dir of [this.blobs, this.partials, this.extracted])
      await mkdir(dir, { recursive: true })
  }

  blobPath(sha256: string): string {
    return join(this.blobs, sha256)
  }

  extractedPath(sha256: string): string {
    return join(this.extracted, sha256)
  }

  /** Where a download of the artifact accumulates; only its lease holder writes it. */
  partialPath(artifactId: string): string {
    return join(this.partials, `${artifactId.replace(/[^A-Za-z0-9_.-]/g, '_')}.partial`)
  }

  /**
   * A fresh temporary name in the blobs folder, for a file to commit (same file system: the
   * commit is a rename). The folder exists once `ensure` ran.
   */
  temporary(label: string): string {
    return join(this.blobs, `${label}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  }

  stagingPath(sha256: string): string {
    return `${this.extractedPath(sha256)}.staging-${process.pid}-${randomBytes(4).toString('hex')}`
  }

  /** Whether the blob exists with this size and these bytes. */
  async intact(sha256: string, size: number): Promise<boolean> {
    const info = await stat(this.blobPath(sha256)).catch(() => null)
    if (!info?.isFile() || info.size !== size) return false
    return (await sha256File(this.blobPath(sha256))) === sha256
  }

  /** Hashes a complete temporary the caller wrote (at a `temporary()` name) for `commit`. */
  async hashTemporary(file: string): Promise<Staged> {
    // A file elsewhere could be on another file system (no atomic rename) or the user's own.
    if (dirname(file) !== this.blobs)
      throw new Error(`${file} is not a temporary of the blob store (${this.blobs})`)
    const size = (await stat(file)).size
    return { path: file, sha256: await sha256File(file), size }
  }

  /**
   * Makes the temporary the blob of its hash, then runs `record` (which writes the rows that use
   * the blob) while holding the blob's lease, so no gc or removal anywhere deletes the blob in
   * between (see the top of this file). `file` is a `Staged` from `copyIn`, or the path of a
   * temporary the caller wrote at a `temporary()` name (a converter's output), hashed here. The
   * temporary is moved into place or removed. Returns what `record` returns.
   */
  async commit<T>(file: Staged | string, record: (blob: StoredBlob) => T | Promise<T>): Promise<T> {
    const staged = typeof file === 'string' ? await this.hashTemporary(file) : file
    const lease = await this.leases.acquire(blobLease(staged.sha256), 'commit')
    try {
      await this.place(staged).catch(async (error: unknown) => {
        await rm(staged.path, { force: true })
        throw error
      })
      return await record({
        sha256: staged.sha256,
        size: staged.size,
        path: this.blobPath(staged.sha256),
      })
    } finally {
      lease.release()
    }
  }

  /** The rename of `commit`: fsync, then rename over whatever is there unless it proves intact. */
  private async place({ path, sha256, size }: Staged): Promise<void> {
    await this.ensure()
    const blob = this.blobPath(sha256)
    if (await this.intact(sha256, size)) {
      await rm(path, { force: true })
      // Young again: an orphan's grace starts over now that it is about to be used.
      const now = new Date()
      await utimes(blob, now, now).catch(() => {})
      return
    }
    await syncFile(path)
    await rename(path, blob)
    await syncDir(this.blobs)
  }

  /**
   * Copies a file the user named into a temporary in the blobs folder, hashing what is written
   * (on a worker thread). The source is checked as an input of `kind` first (a regular file under
   * its cap: no device, no FIFO) and read with the same timeouts as any input. The copy, not the
   * user's file, is what gets checked and committed: it cannot change after.
   */
  async copyIn(source: string, label: string, kind: InputKind): Promise<Staged> {
    await this.ensure()
    const opened = await openRegularFile(source, kind)
    const path = this.temporary(label)
    const digest = new OffThreadDigest(false)
    try {
      const out = await open(path, 'wx')
      try {
        let position = 0
        for await (const chunk of readRegularFileChunks(opened, source, kind)) {
          // The reader reuses its buffer: the hashing thread is handed a copy of this chunk.
          const block = Buffer.from(chunk)
          await digest.update(block)
          let written = 0
          while (written < block.length) written += (await out.write(block, written)).bytesWritten
          position += block.length
        }
        if (position !== opened.info.size) {
          throw new AppError(
            'INVALID_INPUT',
            `"${source}" changed while it was being copied; try again.`,
          )
        }
        await out.sync()
      } finally {
        await out.close()
      }
      const { sha256, size } = await digest.result()
      return { path, sha256, size }
    } catch (error) {
      await rm(path, { force: true })
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new AppError(
          'DISK_FULL',
          `The disk is full: copying "${source}" into the cache needs ${opened.info.size} bytes. Free some space and try again.`,
        )
      throw error
    } finally {
      await digest.close()
      await opened.handle.close().catch(() => {})
    }
  }

  /**
   * Moves a checked staging folder to `extracted/<sha256>`. When another process got there first
   * its folder is kept if `stillGood` says so, else replaced. Called inside `commit`'s `record`
   * of the archive, so the blob's lease covers its extracted folder too.
   */
  async commitExtracted(
    staging: string,
    sha256: string,
    stillGood: (dir: string) => Promise<boolean>,
  ): Promise<string> {
    const target = this.extractedPath(sha256)
    try {
      await rename(staging, target)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error
      if (await stillGood(target)) {
        await rm(staging, { recursive: true, force: true })
        return target
      }
      const old = `${target}.staging-${process.pid}-${randomBytes(4).toString('hex')}`
      await rename(target, old)
      await rename(staging, target)
      await rm(old, { recursive: true, force: true })
    }
    await syncDir(this.extracted)
    return target
  }

  /**
   * Deletes the blob and extracted folder of `sha256` at once when no record uses them and nobody
   * is committing them (a removal whose row was just deleted); otherwise keeps them (an orphan is
   * cleared by a later gc). Returns whether they were deleted.
   */
  async removeUnused(sha256: string): Promise<boolean> {
    return (await this.underLease(sha256, () => this.remove(sha256, 0))) !== null
  }

  /**
   * What gc clears besides artifacts: temporaries and staging folders whose writer is gone (or
   * that are older than a day: the pid may be another process's by now), files of unknown names
   * older than the grace, and blobs and extracted folders that no record uses and that are older
   * than the grace. Returns how many entries went and the bytes they took.
   */
  async clearLeftovers(): Promise<{ count: number; bytes: number }> {
    let count = 0
    let bytes = 0
    const now = Date.now()
    for (const dir of [this.blobs, this.extracted]) {
      if (!existsSync(dir)) continue
      for (const name of await readdir(dir)) {
        const path = join(dir, name)
        const info = await stat(path).catch(() => null)
        if (!info) continue
        const pid = writerPid(name)
        let freed: number | null = null
        if (pid !== null) {
          // A temporary is only ever its writer's: no lease is needed to clear a dead one's.
          if (pid !== process.pid && (!isProcessAlive(pid) || now - info.mtimeMs > DAY_MS))
            freed = await removeEntry(path, info)
        } else if (HASH_NAME.test(name)) {
          // Most blobs are in use: asked once without a lease, then again under it.
          if (!this.inUse(name) && now - info.mtimeMs > ORPHAN_GRACE_MS)
            freed = await this.underLease(name, () => this.remove(name, ORPHAN_GRACE_MS, path))
        } else if (now - info.mtimeMs > ORPHAN_GRACE_MS) {
          freed = await removeEntry(path, info) // an older version's temporary names
        }
        if (freed === null) continue
        count++
        bytes += freed
      }
    }
    return { count, bytes }
  }

  /** `work` while holding the blob's lease, or null when someone else holds it (a commit). */
  private async underLease<T>(sha256: string, work: () => Promise<T>): Promise<T | null> {
    const lease = this.leases.tryAcquire(blobLease(sha256), 'remove')
    if ('heldBy' in lease) return null
    try {
      return await work()
    } finally {
      lease.release()
    }
  }

  /**
   * Under the blob's lease: deletes what is stored under `sha256` (only `only` when given) unless
   * a record uses it or it is younger than `graceMs`. Returns the bytes freed, or null when kept.
   */
  private async remove(sha256: string, graceMs: number, only?: string): Promise<number | null> {
    if (this.inUse(sha256)) return null
    let freed = 0
    for (const path of only ? [only] : [this.blobPath(sha256), this.extractedPath(sha256)]) {
      // Stat again under the lease: a commit that just kept this blob made it young.
      const info = await stat(path).catch(() => null)
      if (!info) continue
      if (graceMs > 0 && Date.now() - info.mtimeMs <= graceMs) return null
      freed += await removeEntry(path, info)
    }
    return freed
  }
}

async function removeEntry(path: string, info: Stats): Promise<number> {
  const bytes = info.isDirectory() ? folderBytes(path) : info.size
  await rm(path, { recursive: true, force: true })
  return bytes
}

/** Bytes of the files under a folder (links are not followed). Small folders: synchronous. */
export function folderBytes(dir: string): number {
  let total = 0
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += folderBytes(path)
    else if (entry.isFile()) total += statSync(path, { throwIfNoEntry: false })?.size ?? 0
  }
  return total
}
