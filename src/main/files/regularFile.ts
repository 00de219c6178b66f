/**
 * Opening a file the caller named: it must be a regular file (or a symlink to one) under its
 * kind's size cap. The path is checked before it is opened, so a device or a FIFO is never
 * opened at all, and the opened descriptor is checked again, so what is checked is what is read.
 * Every step that could wait on a drive (stat, open, each read) is given up after a timeout.
 */
import { constants, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import { READ_TIMEOUT_MS, inputLimits, type InputKind } from './inputLimits'

export interface OpenedFile {
  handle: FileHandle
  info: Stats
}

/** Bytes asked of the drive per read: each read must finish within the timeout. */
const READ_CHUNK = 8 * 1024 ** 2

// O_NONBLOCK: should a FIFO be swapped in after the check, its open returns at once instead of
// waiting for a writer. O_NOCTTY: a terminal never becomes this process's controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0)

const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`)

function whatIsIt(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/** The error for a failed stat, open or read of `path`, with the code every face reports. */
export function fileError(path: string, error: unknown, kind: InputKind): AppError {
  if (error instanceof AppError) return error
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
    default:
      return new AppError(
        'FILE_UNREADABLE',
        `"${path}" cannot be read (${code ?? (error as Error).message}).`,
      )
  }
}

function timeoutError(path: string, timeoutMs: number): AppError {
  return new AppError(
    'FILE_UNREADABLE',
    `Reading "${path}" made no progress for ${timeoutMs / 1000} s and was given up (a stalled drive or network share?). Try again when the drive answers, or copy the file to a local folder.`,
  )
}

/**
 * `work`, or a timeout error when it takes longer than `timeoutMs`. The work itself cannot be
 * stopped (a stat on a stalled share waits in the kernel); `late` tidies up should it finish.
 */
function withinTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  path: string,
  late?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      reject(timeoutError(path, timeoutMs))
    }, timeoutMs)
    work.then(
      (value) => {
        clearTimeout(timer)
        if (timedOut) late?.(value)
        else resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/** Throws unless `info` is a regular file within `kind`'s cap. */
function checkRegular(path: string, info: Stats, kind: InputKind): void {
  const { maxBytes, noun } = inputLimits[kind]
  if (!info.isFile()) {
    throw new AppError('NOT_A_FILE', `"${path}" is ${whatIsIt(info)}, not ${article(noun)} file.`)
  }
  if (info.size > maxBytes) {
    // Just over the cap, both round to the same text: then say the bytes.
    const exact = formatBytes(info.size) === formatBytes(maxBytes)
    const size = (bytes: number) => (exact ? `${bytes} bytes` : formatBytes(bytes))
    throw new AppError(
      'FILE_TOO_LARGE',
      `"${path}" is ${size(info.size)}; ${article(noun)} may be at most ${size(maxBytes)}.`,
      { size: info.size, maxBytes },
    )
  }
}

/** Closes without waiting: a read still stuck on a stalled drive would hold the caller too. */
function closeLater(handle: FileHandle): void {
  handle.close().catch(() => {})
}

/**
 * Opens `path` for reading and checks it: a regular file no larger than its kind's cap. The
 * caller closes the handle.
 */
export async function openRegularFile(
  path: string,
  kind: InputKind,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<OpenedFile> {
  try {
    checkRegular(path, await withinTimeout(stat(path), timeoutMs, path), kind)
    const handle = await withinTimeout(open(path, OPEN_FLAGS), timeoutMs, path, closeLater)
    try {
      const info = await withinTimeout(handle.stat(), timeoutMs, path)
      // The path may have been swapped since the first check: this is the file that is read.
      checkRegular(path, info, kind)
      return { handle, info }
    } catch (error) {
      closeLater(handle)
      throw error
    }
  } catch (error) {
    throw fileError(path, error, kind)
  }
}

/**
 * The checked file's bytes. Only as many bytes as the file had when it was checked are read (a
 * file that keeps growing cannot grow the reader past the cap), each read within the timeout.
 */
export async function readRegularFile(
  path: string,
  kind: InputKind,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<Buffer> {
  const { handle, info } = await openRegularFile(path, kind, timeoutMs)
  const bytes = Buffer.allocUnsafe(info.size)
  let filled = 0
  try {
    while (filled < bytes.length) {
      const length = Math.min(READ_CHUNK, bytes.length - filled)
      const { bytesRead } = await withinTimeout(
        handle.read(bytes, filled, length, filled),
        timeoutMs,
        path,
      )
      if (bytesRead === 0) break // the file shrank after it was checked
      filled += bytesRead
    }
  } catch (error) {
    closeLater(handle)
    throw fileError(path, error, kind)
  }
  await handle.close().catch(() => {})
  return filled === bytes.length ? bytes : bytes.subarray(0, filled)
}

/**
 * The checked file's bytes chunk by chunk, for files too large to hold at once (a model being
 * imported). Each chunk is a view of one reused buffer: use it before asking for the next.
 */
export async function* readRegularFileChunks(
  opened: OpenedFile,
  path: string,
  kind: InputKind,
  timeoutMs = READ_TIMEOUT_MS,
): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, opened.info.size)))
  let position = 0
  while (position < opened.info.size) {
    const length = Math.min(buffer.length, opened.info.size - position)
    let bytesRead: number
    try {
      ;({ bytesRead } = await withinTimeout(
        opened.handle.read(buffer, 0, length, position),
        timeoutMs,
        path,
      ))
    } catch (error) {
      throw fileError(path, error, kind)
    }
    if (bytesRead === 0) return
    position += bytesRead
    yield buffer.subarray(0, bytesRead)
  }
}

/** Checks `path` the same way without keeping it open (for callers that read it elsewhere). */
export async function statRegularFile(
  path: string,
  kind: InputKind,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<Stats> {
  const { handle, info } = await openRegularFile(path, kind, timeoutMs)
  await handle.close().catch(() => {})
  return info
}
