/**
 * Completion for a folder path typed in browser mode: the server reads the disk the user types
 * about. Lists the folder the prefix points into, keeps the names that start with the typed part
 * (case-insensitively), folders first. Hidden names only when the typed part starts with ".".
 *
 * A folder that does not exist or cannot be read completes to nothing rather than failing: the
 * user is mid-word, and the new-job form reports a bad folder when it is submitted.
 */
import { opendir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, sep } from 'node:path'
import type { PathCompletion, PathEntry } from '../../shared/contract/files'
import { AppError } from '../../shared/errors'
import { isImageName } from '../batch/imageFiles'

export interface CompleteRequest {
  prefix: string
  files: boolean
  limit: number
}

/** How many directory entries are read at most, however few match: a huge folder stays quick. */
const SCAN_LIMIT = 20_000

function expandHome(prefix: string): string {
  if (prefix === '~') return homedir() + sep
  // Not path.join: it drops the trailing separator that means "list this folder".
  if (prefix.startsWith('~/') || prefix.startsWith(`~${sep}`))
    return homedir().replace(/[\\/]+$/, '') + sep + prefix.slice(2)
  return prefix
}

function splitPrefix(path: string): { dir: string; typed: string } {
  const cut = Math.max(path.lastIndexOf('/'), sep === '\\' ? path.lastIndexOf('\\') : -1)
  return { dir: path.slice(0, cut + 1) || sep, typed: path.slice(cut + 1) }
}

/** Symlinks are followed for the folder test; one that points nowhere is not a folder. */
async function isFolder(path: string, direct: boolean | null): Promise<boolean> {
  if (direct !== null) return direct
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  )
}

export async function completePath(request: CompleteRequest): Promise<PathCompletion> {
  const expanded = expandHome(request.prefix)
  if (!isAbsolute(expanded))
    throw new AppError(
      'INVALID_INPUT',
      `"${request.prefix}" is not a full path: start it with / (or ~ for your home folder).`,
    )
  const { dir, typed } = splitPrefix(expanded)
  const wanted = typed.toLowerCase()
  const showHidden = typed.startsWith('.')

  let handle
  try {
    handle = await opendir(dir, { bufferSize: 256 })
  } catch {
    return { dir, entries: [], truncated: false }
  }
  const found: PathEntry[] = []
  let scanned = 0
  let scanCut = false
  try {
    for await (const entry of handle) {
      if (++scanned > SCAN_LIMIT) {
        scanCut = true
        break
      }
      if (entry.name.startsWith('.') && !showHidden) continue
      if (!entry.name.toLowerCase().startsWith(wanted)) continue
      const path = join(dir, entry.name)
      const folder = await isFolder(
        path,
        entry.isDirectory() ? true : entry.isSymbolicLink() ? null : false,
      )
      // FIFOs, sockets and devices are never offered: opening one could hang a reader.
      if (!folder && !(request.files && entry.isFile() && isImageName(entry.name))) continue
      found.push({ name: entry.name, path: folder ? path + sep : path, isDir: folder })
    }
  } catch {
    // A folder that stops being readable mid-listing: offer what was read.
  } finally {
    // `for await` closes the handle when it ends or breaks; closing again only throws.
    await handle.close().catch(() => {})
  }
  found.sort(
    (a, b) =>
      Number(b.isDir) - Number(a.isDir) ||
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }),
  )
  return {
    dir,
    entries: found.slice(0, request.limit),
    truncated: scanCut || found.length > request.limit,
  }
}
