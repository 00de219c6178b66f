/**
 * Undoing a sort into folders from its log (sortLog.ts), also one that was killed half way: a
 * copy or link is removed only while it is still the file the sort placed (the same inode; a
 * copy also unchanged in size and mtime) and, for a link, while the original still holds it; a
 * moved file goes back to its original path unless something else took that name meanwhile.
 * What is left alone is counted, never guessed at. Then the class folders left empty, the sort's
 * temporaries, and the log itself once nothing is left for it to undo, are removed.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, rm, rmdir, unlink } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import type { UnsortReport } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { copyWithTimes, isSameFile, linkNoClobber, lstatOrNull, renameNoClobber } from './placeFile'
import { partsFolderOf, readSortLog, type SortLogEntry } from './sortLog'

type Outcome = keyof UnsortReport

/** Puts `placed` back at `original` (which must be free) without replacing anything. */
async function putBack(placed: string, original: string, hasInode: boolean): Promise<Outcome> {
  await mkdir(dirname(original), { recursive: true })
  if (hasInode) {
    const linked = await linkNoClobber(placed, original)
    if (linked === 'taken') return 'kept'
    if (linked === 'done') {
      await unlink(placed)
      return 'undone'
    }
    if (linked === 'cross-device') return copyBack(placed, original)
  }
  const renamed = await renameNoClobber(placed, original, async () => {})
  return renamed === 'taken' ? 'kept' : 'undone'
}

/** A move across file systems undone: a synced copy given the original's name, then the placed one removed. */
async function copyBack(placed: string, original: string): Promise<Outcome> {
  const info = await lstatOrNull(placed)
  if (!info) return 'missing'
  const temp = join(
    dirname(original),
    `.${basename(original)}.zoo-unsort-${process.pid}-${randomBytes(3).toString('hex')}.part`,
  )
  try {
    await copyWithTimes(placed, temp, {
      atimeMs: Number(info.atimeNs / 1000n) / 1000,
      mtimeMs: Number(info.mtimeNs / 1000n) / 1000,
    })
    let named = await linkNoClobber(temp, original)
    if (named === 'unsupported') named = await renameNoClobber(temp, original, async () => {})
    if (named === 'taken') return 'kept'
    if (named !== 'done') throw new Error(`cannot name "${original}" (${named})`)
    await unlink(placed)
    return 'undone'
  } finally {
    await rm(temp, { force: true })
  }
}

async function undoEntry(entry: SortLogEntry): Promise<Outcome> {
  const placed = await lstatOrNull(entry.to)
  const hasInode = entry.ino !== null
  // Ours at all: the inode where it is known, else (no hard links there) size and mtime.
  if (!placed || !isSameFile(placed, entry, false)) {
    return placed && !hasInode && placed.isFile() ? 'kept' : 'missing'
  }
  switch (entry.how) {
    case 'copy': {
      if (!isSameFile(placed, entry, true)) return 'kept' // changed since: someone's work now
      await unlink(entry.to)
      return 'undone'
    }
    case 'link': {
      const original = await lstatOrNull(entry.from)
      // With the original gone, this link is all that is left of the photo.
      if (!original || String(original.ino) !== entry.ino) return 'kept'
      await unlink(entry.to)
      return 'undone'
    }
    case 'move': {
      const original = await lstatOrNull(entry.from)
      if (!original) return putBack(entry.to, entry.from, hasInode)
      // Killed between linking the new name and removing the old one: both name one file.
      if (hasInode && String(original.ino) === entry.ino) {
        await unlink(entry.to)
        return 'undone'
      }
      return 'kept'
    }
    case 'move-copy': {
      const original = await lstatOrNull(entry.from)
      if (!original) return copyBack(entry.to, entry.from)
      // Killed after the copy, before the original was deleted: the copy is the spare.
      if (entry.source && isSameFile(original, entry.source, true)) {
        await unlink(entry.to)
        return 'undone'
      }
      return 'kept'
    }
  }
}

/** Takes back what the sort logged in `logPath` placed (see the top of this file). */
export async function unsortFromLog(logPath: string): Promise<UnsortReport> {
  const path = resolve(logPath)
  const { header, entries } = await readSortLog(path)
  const out = dirname(path)
  const report: UnsortReport = { undone: 0, missing: 0, kept: 0 }
  const classFolders = new Set<string>()
  for await (const logged of entries) {
    // A log only ever places into `<its folder>/<class folder>/`: refuse to touch anything else.
    // Placed names are read relative to the folder the log is in now (it may have been moved).
    const inside = relative(header.out, resolve(logged.to))
    if (isAbsolute(inside) || inside.startsWith('..') || inside.split(/[\\/]/).length !== 2) {
      report.kept++
      continue
    }
    const entry = { ...logged, to: join(out, inside) }
    try {
      report[await undoEntry(entry)]++
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new AppError(
        code === 'ENOSPC' || code === 'EDQUOT' ? 'DISK_FULL' : 'INVALID_INPUT',
        `Could not undo "${entry.to}": ${error instanceof Error ? error.message : String(error)}. Fix that and run the undo again; what is undone stays undone.`,
      )
    }
    classFolders.add(dirname(entry.to))
  }
  for (const folder of classFolders) {
    // Only an empty folder goes; one still holding files (kept, or not ours) stays.
    await rmdir(folder).catch(() => {})
  }
  await rm(partsFolderOf(path), { recursive: true, force: true })
  if (report.kept === 0) await rm(path, { force: true })
  return report
}
