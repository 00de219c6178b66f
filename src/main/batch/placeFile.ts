/**
 * The file-system steps of sorting into folders and undoing it, each one that never replaces a
 * file: a name is taken by `link` (fails with EEXIST when the name exists, atomically, even
 * against another process placing into the same folder) or, on file systems without hard links
 * (FAT, exFAT), by creating it exclusively and renaming onto that reservation. A copy is written
 * under a temporary name, synced, and only then given its name: no half-written file ever has it.
 */
import { constants, type BigIntStats } from 'node:fs'
import { copyFile, link, lstat, open, rename, rm, utimes } from 'node:fs/promises'
import type { FileIdentity } from './sortLog'

export type LinkOutcome = 'done' | 'taken' | 'unsupported' | 'cross-device'

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code
}

// What link() answers on a file system that has no hard links, or will not link this file
// (EPERM is also Linux's protected_hardlinks refusing another user's file; EMLINK too many).
const LINKS_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK'])

/** Gives `existing` the name `to` too, unless `to` exists. */
export async function linkNoClobber(existing: string, to: string): Promise<LinkOutcome> {
  try {
    await link(existing, to)
    return 'done'
  } catch (error) {
    const code = codeOf(error)
    if (code === 'EEXIST') return 'taken'
    if (code === 'EXDEV') return 'cross-device'
    if (code && LINKS_UNSUPPORTED.has(code)) return 'unsupported'
    throw error
  }
}

/**
 * Renames `from` to `to` unless `to` exists, where links are not to be had: `to` is created
 * exclusively first (the reservation another process would fail on), `reserved` runs (the
 * undo log's line), then `from` is renamed over our own empty reservation.
 */
export async function renameNoClobber(
  from: string,
  to: string,
  reserved: () => Promise<void>,
): Promise<'done' | 'taken'> {
  try {
    await (await open(to, 'wx')).close()
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return 'taken'
    throw error
  }
  try {
    await reserved()
    await rename(from, to)
  } catch (error) {
    // The reservation is ours and empty: it must not stay behind as a file of nothing.
    await rm(to, { force: true }).catch(() => {})
    throw error
  }
  return 'done'
}

/** What is at `path` (not following a symlink), or null when nothing is. */
export async function lstatOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await lstat(path, { bigint: true })
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return null
    throw error
  }
}

/** A copy of `source` at the new name `temp`, with the source's times, its bytes on disk. */
export async function copyWithTimes(
  source: string,
  temp: string,
  times: { atimeMs: number; mtimeMs: number },
): Promise<BigIntStats> {
  await copyFile(source, temp, constants.COPYFILE_EXCL)
  try {
    await utimes(temp, times.atimeMs / 1000, times.mtimeMs / 1000)
    const handle = await open(temp, 'r+')
    try {
      await handle.datasync()
      return await handle.stat({ bigint: true })
    } finally {
      await handle.close()
    }
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export function identityOf(info: BigIntStats, withInode: boolean): FileIdentity {
  return {
    ino: withInode ? String(info.ino) : null,
    size: Number(info.size),
    mtimeNs: String(info.mtimeNs),
    // Zero where the file system keeps no creation time.
    ...(info.birthtimeNs > 0n ? { birthNs: String(info.birthtimeNs) } : {}),
  }
}

/** The same inode (where known); with `unchanged`, also the same size and mtime. */
export function isSameFile(info: BigIntStats, identity: FileIdentity, unchanged: boolean): boolean {
  if (!info.isFile()) return false
  if (identity.ino !== null && String(info.ino) !== identity.ino) return false
  // A file deleted and another made under its name may get its inode number back at once (ext4,
  // tmpfs): a creation time that differs tells them apart.
  if (identity.birthNs !== undefined && info.birthtimeNs > 0n) {
    if (String(info.birthtimeNs) !== identity.birthNs) return false
  }
  if (!unchanged && identity.ino !== null) return true
  return Number(info.size) === identity.size && String(info.mtimeNs) === identity.mtimeNs
}

/**
 * The next suffix worth trying for a name in a folder, remembered for the names used lately, so a
 * thousand `IMG_0001.JPG`s cost a probe each, not a thousand; bounded, so a million names do not
 * pile up (a forgotten name is found again by probing). A dry run, which writes nothing, learns
 * its own clashes only from here.
 */
export class NameMemory {
  private readonly next = new Map<string, number>()

  constructor(private readonly max = 100_000) {}

  start(dir: string, name: string): number {
    return this.next.get(`${dir}\0${name}`) ?? 1
  }

  used(dir: string, name: string, n: number): void {
    const key = `${dir}\0${name}`
    this.next.delete(key)
    this.next.set(key, n + 1)
    if (this.next.size > this.max) this.next.delete(this.next.keys().next().value!)
  }
}
