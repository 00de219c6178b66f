/**
 * The cache's folders and the moves between them. Blobs live under their SHA-256
 * (`blobs/<sha256>`), extracted archives under the same name (`extracted/<sha256>`), downloads in
 * progress in `partial/`. Every temporary carries its writer's pid and a random part
 * (`<label>.<pid>.<random>.tmp`, `<sha256>.staging-<pid>-<random>`), so two processes never write
 * the same file and gc can tell a dead writer's leftovers from a live one's work. A commit is an
 * fsync and a rename of a file whose hash is known; an existing blob is re-hashed before it is
 * trusted.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../shared/errors'
import { openRegularFile } from '../files/regularFile'
import { sha256File } from '../files/sha256File'
import { isProcessAlive } from '../app/processAlive'
import { OffThreadDigest } from './offThreadDigest'

const HASH_NAME = /^[0-9a-f]{64}$/

/** Fsyncs a folder so a rename into it survives a power cut (not supported everywhere). */
async function syncDir(dir: string): Promise<void> {
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

export interface Leftover {
  path: string
  /** Bytes it takes (files: size; folders: their files). */
  bytes: number
}

export class BlobStore {
  readonly blobs: string
  readonly partials: string
  readonly extracted: string

  constructor(readonly root: string) {
    this.blobs = join(root, 'blobs')
    this.partials = join(root, 'partial')
    this.extracted = join(root, 'extracted')
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

  /** A fresh temporary name in the blobs folder (same file system: the commit is a rename). */
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

  /**
   * Makes `file` (whose SHA-256 and size the caller verified) the blob of that hash: fsync, then
   * rename over whatever is there. An existing blob is kept only when it proves intact, and then
   * `file` is removed.
   */
  async commit(file: string, sha256: string, size: number): Promise<void> {
    await this.ensure()
    if (await this.intact(sha256, size)) {
      await rm(file, { force: true })
      return
    }
    await syncFile(file)
    await rename(file, this.blobPath(sha256))
    await syncDir(this.blobs)
  }

  /**
   * Copies a file the user named into a temporary in the blobs folder, hashing what is written.
   * The copy, not the user's file, is what gets checked and committed: it cannot change after.
   */
  async copyIn(
    source: string,
    label: string,
  ): Promise<{ path: string; sha256: string; size: number }> {
    await this.ensure()
    const { handle, info } = await openRegularFile(source, 'archive')
    const path = this.temporary(label)
    const digest = new OffThreadDigest(false)
    try {
      const out = await open(path, 'wx')
      try {
        const buffer = Buffer.allocUnsafe(1 << 20)
        let position = 0
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
          if (bytesRead === 0) break
          position += bytesRead
          const block = Buffer.from(buffer.subarray(0, bytesRead))
          await digest.update(block)
          let written = 0
          while (written < block.length) written += (await out.write(block, written)).bytesWritten
        }
        if (position !== info.size) {
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
          `The disk is full: copying "${source}" into the cache needs ${info.size} bytes. Free some space and try again.`,
        )
      throw error
    } finally {
      await digest.close()
      await handle.close()
    }
  }

  /**
   * Moves a checked staging folder to `extracted/<sha256>`. When another process got there first
   * its folder is kept if `stillGood` says so, else replaced.
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
   * What gc may clear besides artifacts: temporaries and staging folders whose writer is gone
   * (or that are older than a day), and blobs or extracted folders that no artifact uses and that
   * are older than `graceMs` (another process may be about to record them).
   */
  async leftovers(
    inUse: (sha256: string) => boolean,
    busy: ReadonlySet<string>,
    graceMs: number,
  ): Promise<Leftover[]> {
    const found: Leftover[] = []
    const now = Date.now()
    for (const dir of [this.blobs, this.extracted]) {
      if (!existsSync(dir)) continue
      for (const name of await readdir(dir)) {
        const path = join(dir, name)
        if (busy.has(path)) continue
        const info = await stat(path).catch(() => null)
        if (!info) continue
        const age = now - info.mtimeMs
        const pid = writerPid(name)
        const orphan = HASH_NAME.test(name) && !inUse(name)
        const gone =
          pid !== null
            ? pid !== process.pid && (!isProcessAlive(pid) || age > 24 * 3600_000)
            : orphan
              ? age > graceMs
              : !HASH_NAME.test(name) && age > graceMs
        if (!gone) continue
        found.push({ path, bytes: info.isDirectory() ? folderBytes(path) : info.size })
      }
    }
    return found
  }
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
