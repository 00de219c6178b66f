/**
 * Opening a file the caller named: it must be a regular file (or a symlink to one) under its
 * kind's size cap. The check is made on the opened descriptor, so what is checked is what is read;
 * the open itself cannot hang on a FIFO (O_NONBLOCK) and a device is refused before it is read.
 */
import { constants, type Stats } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import { READ_TIMEOUT_MS, inputLimits, type InputKind } from './inputLimits'

export interface OpenedFile {
  handle: FileHandle
  info: Stats
}

function whatIsIt(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/** The error for a failed open or read of `path`, with the code every face reports. */
export function fileError(path: string, error: unknown, kind: InputKind): AppError {
  const code = (error as NodeJS.ErrnoException).code
  const noun = inputLimits[kind].noun
  switch (code) {
    case 'ENOENT':
      return new AppError('NOT_FOUND', `There is no file "${path}".`)
    case 'ENOTDIR':
      return new AppError('NOT_FOUND', `There is no file "${path}" (a part of the path is a file).`)
    case 'EISDIR':
      return new AppError('NOT_A_FILE', `"${path}" is a folder, not ${article(noun)} file.`)
    case 'ELOOP':
      return new AppError('NOT_A_FILE', `"${path}" is a symbolic link that loops.`)
    case 'EACCES':
    case 'EPERM':
      return new AppError(
        'FILE_UNREADABLE',
        `"${path}" cannot be read: permission denied. Check the file's permissions.`,
      )
    case 'ABORT_ERR':
      return new AppError(
        'FILE_UNREADABLE',
        `Reading "${path}" took longer than ${READ_TIMEOUT_MS / 1000} s and was given up (a stalled drive or network share?).`,
      )
    default:
      return new AppError(
        'FILE_UNREADABLE',
        `"${path}" cannot be read (${code ?? (error as Error).message}).`,
      )
  }
}

const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`)

/**
 * Opens `path` for reading and checks it: a regular file no larger than its kind's cap. The
 * caller closes the handle.
 */
export async function openRegularFile(path: string, kind: InputKind): Promise<OpenedFile> {
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    throw fileError(path, error, kind)
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) {
      throw new AppError(
        'NOT_A_FILE',
        `"${path}" is ${whatIsIt(info)}, not ${article(inputLimits[kind].noun)} file.`,
      )
    }
    const { maxBytes, noun } = inputLimits[kind]
    if (info.size > maxBytes) {
      throw new AppError(
        'FILE_TOO_LARGE',
        `"${path}" is ${formatBytes(info.size)}; ${article(noun)} may be at most ${formatBytes(maxBytes)}.`,
        { size: info.size, maxBytes },
      )
    }
    return { handle, info }
  } catch (error) {
    await handle.close().catch(() => {})
    throw error instanceof AppError ? error : fileError(path, error, kind)
  }
}

/** The checked file's bytes, read within the timeout. */
export async function readRegularFile(
  path: string,
  kind: InputKind,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<Buffer> {
  const { handle } = await openRegularFile(path, kind)
  try {
    return await handle.readFile({ signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    const name = (error as Error).name
    throw fileError(
      path,
      name === 'TimeoutError' || name === 'AbortError' ? { code: 'ABORT_ERR' } : error,
      kind,
    )
  } finally {
    await handle.close().catch(() => {})
  }
}

/** Checks `path` the same way without keeping it open (for callers that stream it later). */
export async function statRegularFile(path: string, kind: InputKind): Promise<Stats> {
  const { handle, info } = await openRegularFile(path, kind)
  await handle.close().catch(() => {})
  return info
}
