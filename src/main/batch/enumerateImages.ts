/**
 * The images under a batch job's folders, found lazily: a folder of a million photos costs the
 * same memory as a folder of ten. Folders are read with `opendir` a chunk of entries at a time and
 * walked depth first, so only the folders on the current path are open (memory O(depth), plus
 * one (dev, ino) key per folder walked, which is what keeps a folder reachable twice from being
 * walked twice).
 *
 * Order: the file system's own listing order, depth first. Each folder is read in chunks of
 * `CHUNK` entries; a chunk's images come first, then the chunk's subfolders, each walked whole,
 * then the next chunk. Nothing is sorted (that would hold a whole folder in memory), so the order
 * is stable across runs exactly as long as the file system lists an unchanged folder the same way
 * (ext4, XFS, APFS, NTFS and tmpfs do). Resume does not depend on it: the journal dedups by path.
 *
 * What is reported: every regular file with an image extension (any case), as a `file` with its
 * size and mtime; a symbolic link to one is a file under the link's own path. An image-named entry
 * that is not a regular file (a FIFO, socket, device, a dangling or looping link) is `skipped`
 * with NOT_A_FILE or NOT_FOUND, and a subfolder that cannot be read is `skipped` with
 * FILE_UNREADABLE; the walk goes on. Nothing is ever opened except folders: entries are only
 * stat'ed, so a FIFO cannot block the walk. Hidden entries ("." first) are passed over, files and
 * folders alike. Links to folders are followed (when recursive), once: a folder whose (dev, ino)
 * was walked already — an ancestor (a loop), a folder reached through two links, or a root given
 * twice or inside another root — is not walked again.
 */
import type { BigIntStats, Dir, Dirent, Stats } from 'node:fs'
import { opendir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AppError, type ErrorCode } from '../../shared/errors'
import { fileError } from '../files/regularFile'
import { isHiddenName, isImageName } from './imageFiles'

export interface FoundFile {
  /** Index into the roots given. */
  root: number
  /** Relative to its root, "/" separators. */
  relPath: string
  absPath: string
  size: number
  mtimeMs: number
}

export interface SkippedEntry {
  root: number
  relPath: string
  absPath: string
  error: { code: ErrorCode; message: string }
}

export type EnumeratedEntry = { file: FoundFile } | { skipped: SkippedEntry }

export interface EnumerateOptions {
  recursive: boolean
  signal?: AbortSignal
}

/** Entries read from a folder (and stat'ed together) before any is reported. */
const CHUNK = 64

interface Place {
  root: number
  relPath: string
  absPath: string
}

interface Subfolder extends Place {
  key: string
}

interface Frame extends Place {
  dir: Dir
  /** The current chunk's subfolders, walked before the folder's next chunk is read. */
  subfolders: Subfolder[]
}

type Looked = EnumeratedEntry | { folder: Subfolder } | null

function folderKey(info: BigIntStats): string {
  return `${info.dev}:${info.ino}`
}

function skipped(place: Place, code: ErrorCode, message: string): { skipped: SkippedEntry } {
  return { skipped: { ...place, error: { code, message } } }
}

function whatIsIt(entry: Dirent | Stats): string {
  if (entry.isFIFO()) return 'a FIFO (named pipe)'
  if (entry.isSocket()) return 'a socket'
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

function notAFile(place: Place, entry: Dirent | Stats) {
  return skipped(
    place,
    'NOT_A_FILE',
    `"${place.absPath}" is ${whatIsIt(entry)}, not an image file; it was left out.`,
  )
}

function folderUnreadable(place: Place, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied; check the folder\u2019s permissions'
      : (code ?? (error as Error).message)
  return skipped(
    place,
    'FILE_UNREADABLE',
    `The folder "${place.absPath}" cannot be read (${why}); the images in it were left out.`,
  )
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'Looking for images was cancelled.')
}

async function statRoot(absPath: string): Promise<BigIntStats> {
  let info: BigIntStats
  try {
    info = await stat(absPath, { bigint: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new AppError('NOT_FOUND', `There is no folder "${absPath}".`)
    throw new AppError('FILE_UNREADABLE', `The folder "${absPath}" cannot be read (${code}).`)
  }
  if (!info.isDirectory())
    throw new AppError('INVALID_INPUT', `"${absPath}" is not a folder; choose a folder of images.`)
  return info
}

async function openRoot(absPath: string): Promise<Dir> {
  try {
    return await opendir(absPath, { bufferSize: CHUNK })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      'FILE_UNREADABLE',
      code === 'EACCES' || code === 'EPERM'
        ? `The folder "${absPath}" cannot be read: permission denied. Check its permissions.`
        : `The folder "${absPath}" cannot be read (${code}).`,
    )
  }
}

async function readChunk(dir: Dir): Promise<Dirent[]> {
  const entries: Dirent[] = []
  while (entries.length < CHUNK) {
    const entry = await dir.read()
    if (!entry) break
    entries.push(entry)
  }
  return entries
}

/** A folder entry as a subfolder to walk; null when it vanished meanwhile (nothing to lose). */
async function asFolder(place: Place): Promise<Looked> {
  try {
    return { folder: { ...place, key: folderKey(await stat(place.absPath, { bigint: true })) } }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    return folderUnreadable(place, error)
  }
}

function asFile(place: Place, info: Stats): EnumeratedEntry {
  if (!info.isFile()) return notAFile(place, info)
  return { file: { ...place, size: info.size, mtimeMs: info.mtimeMs } }
}

async function lookAt(parent: Place, entry: Dirent, recursive: boolean): Promise<Looked> {
  const name = entry.name
  if (isHiddenName(name)) return null
  const place: Place = {
    root: parent.root,
    relPath: parent.relPath ? `${parent.relPath}/${name}` : name,
    absPath: join(parent.absPath, name),
  }
  // A name that is not UTF-8 (possible on Linux) arrives with U+FFFD in it: no path made from
  // it can be opened, so say so rather than lose the file.
  if (name.includes('\uFFFD') && (isImageName(name) || (recursive && entry.isDirectory())))
    return skipped(
      place,
      'FILE_UNREADABLE',
      `"${place.absPath}" has a name that is not valid UTF-8 and cannot be opened; rename it (convmv) to include it.`,
    )
  if (entry.isDirectory()) return recursive ? asFolder(place) : null
  const image = isImageName(name)
  const typeUnknown =
    !entry.isFile() &&
    !entry.isSymbolicLink() &&
    !entry.isFIFO() &&
    !entry.isSocket() &&
    !entry.isCharacterDevice() &&
    !entry.isBlockDevice()
  if (entry.isFile() || entry.isSymbolicLink() || typeUnknown) {
    if (!image && !recursive) return null
    let info: Stats
    try {
      info = await stat(place.absPath)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // Not an image, or a file deleted since it was listed: nothing to classify, nothing lost.
      if (!image || (code === 'ENOENT' && !entry.isSymbolicLink())) return null
      if (entry.isSymbolicLink() && code === 'ENOENT')
        return skipped(
          place,
          'NOT_FOUND',
          `"${place.absPath}" is a symbolic link to something that does not exist; it was left out.`,
        )
      const failure = fileError(place.absPath, error, 'image')
      return skipped(place, failure.code, failure.message)
    }
    if (info.isDirectory()) return recursive ? asFolder(place) : null
    return image ? asFile(place, info) : null
  }
  return image ? notAFile(place, entry) : null
}

/**
 * Every image under `roots`, lazily. Throws before the first entry when a root is missing, not a
 * folder or unreadable (an AppError: NOT_FOUND, INVALID_INPUT, FILE_UNREADABLE), and CANCELLED
 * when `signal` aborts. Stopping the iteration early closes every folder it holds open.
 */
export async function* enumerateImages(
  roots: readonly string[],
  options: EnumerateOptions,
): AsyncGenerator<EnumeratedEntry> {
  const { recursive, signal } = options
  const walked = new Set<string>()
  const stack: Frame[] = []
  const checkSignal = () => {
    if (signal?.aborted) throw cancelled()
  }
  try {
    for (const [root, given] of roots.entries()) {
      checkSignal()
      const absPath = resolve(given)
      const key = folderKey(await statRoot(absPath))
      if (walked.has(key)) continue
      walked.add(key)
      stack.push({ root, relPath: '', absPath, dir: await openRoot(absPath), subfolders: [] })

      while (stack.length > 0) {
        checkSignal()
        const frame = stack.at(-1)!
        const next = frame.subfolders.shift()
        if (next) {
          if (walked.has(next.key)) continue
          walked.add(next.key)
          try {
            const dir = await opendir(next.absPath, { bufferSize: CHUNK })
            stack.push({ ...next, dir, subfolders: [] })
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
              yield folderUnreadable(next, error)
          }
          continue
        }
        let entries: Dirent[]
        try {
          entries = await readChunk(frame.dir)
        } catch (error) {
          // An I/O error half way through a folder: what was read stands, the rest is reported.
          entries = []
          yield folderUnreadable(frame, error)
        }
        if (entries.length === 0) {
          stack.pop()
          await frame.dir.close().catch(() => {})
          continue
        }
        const looked = await Promise.all(entries.map((entry) => lookAt(frame, entry, recursive)))
        for (const item of looked) {
          checkSignal()
          if (!item) continue
          if ('folder' in item) frame.subfolders.push(item.folder)
          else yield item
        }
      }
    }
  } finally {
    for (const frame of stack.splice(0)) await frame.dir.close().catch(() => {})
  }
}
