/**
 * Unpacks a `.tar` into a staging folder, accepting only regular files and folders with plain
 * relative paths. An archive with anything else (an absolute path, `..`, a symlink or hard link,
 * a device or FIFO) is refused before a single byte is written: nothing can land outside staging.
 */
import { lstat, mkdir, readdir, rm } from 'node:fs/promises'
import { join, posix } from 'node:path'
import * as tar from 'tar'
import { AppError } from '../../shared/errors'

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory'])

/** Why an entry is unsafe, or null when it is a plain file or folder inside the archive. */
export function unsafeReason(path: string, type: string): string | null {
  if (!ALLOWED_TYPES.has(type)) return `${type} entries are not allowed`
  if (path.includes('\0')) return 'the path contains a NUL byte'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('\\'))
    return 'the path is absolute'
  const normalized = posix.normalize(path.replace(/\\/g, '/'))
  if (normalized === '..' || normalized.startsWith('../') || normalized.split('/').includes('..')) {
    return 'the path leaves the archive (..)'
  }
  return null
}

async function listUnsafe(file: string): Promise<string[]> {
  const problems: string[] = []
  await tar.t({
    file,
    strict: true,
    onReadEntry: (entry) => {
      const reason = unsafeReason(entry.path, entry.type)
      if (reason) problems.push(`${entry.path}: ${reason}`)
      entry.resume()
    },
  })
  return problems
}

/** Walks the staging folder: after extraction it must hold only files and folders. */
async function assertPlain(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    const info = await lstat(path)
    if (info.isDirectory()) await assertPlain(path)
    else if (!info.isFile())
      throw new AppError(
        'ARCHIVE_UNSAFE',
        `The archive produced ${name}, which is not a plain file.`,
      )
  }
}

export async function safeExtract(file: string, staging: string): Promise<void> {
  let problems: string[]
  try {
    problems = await listUnsafe(file)
  } catch (error) {
    throw new AppError(
      'ARCHIVE_UNSAFE',
      `The archive cannot be read as a tar file: ${(error as Error).message}`,
    )
  }
  if (problems.length) {
    throw new AppError(
      'ARCHIVE_UNSAFE',
      `The archive was refused, nothing was extracted: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`,
    )
  }
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    await tar.x({
      file,
      cwd: staging,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      // Belt and braces: the same rule again, entry by entry, as tar writes.
      filter: (path, entry) =>
        unsafeReason(path, (entry as { type?: string }).type ?? 'File') === null,
    })
    await assertPlain(staging)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error instanceof AppError
      ? error
      : new AppError('ARCHIVE_UNSAFE', `Extracting the archive failed: ${(error as Error).message}`)
  }
}

export interface ArchiveContents {
  format: 'paddle2' | 'paddle3' | 'onnx' | 'unknown'
  /** Paths relative to the extracted folder. */
  files: string[]
  model: string | null
  params: string | null
}

/** What an extracted model folder holds: Paddle 2 (.pdmodel), Paddle 3 (.json) or ONNX. */
export async function recognise(dir: string): Promise<ArchiveContents> {
  const files: string[] = []
  const walk = async (sub: string) => {
    for (const name of (await readdir(join(dir, sub))).sort()) {
      const rel = sub ? `${sub}/${name}` : name
      if ((await lstat(join(dir, rel))).isDirectory()) await walk(rel)
      else files.push(rel)
    }
  }
  await walk('')
  return classifyFiles(files)
}

/** The model format a list of relative file paths holds. */
export function classifyFiles(files: string[]): ArchiveContents {
  const find = (suffix: string) => files.find((f) => f.endsWith(suffix)) ?? null
  const params = find('.pdiparams')
  if (find('.pdmodel') && params)
    return { format: 'paddle2', files, model: find('.pdmodel'), params }
  if (find('inference.json') && params)
    return { format: 'paddle3', files, model: find('inference.json'), params }
  if (find('.onnx')) return { format: 'onnx', files, model: find('.onnx'), params: null }
  return { format: 'unknown', files, model: null, params: null }
}
