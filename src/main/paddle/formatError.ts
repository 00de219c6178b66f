/**
 * What the Paddle, ONNX and pickle readers throw when bytes are not what the format says: a
 * message that names the byte offset, without the file's name (the caller knows which file it
 * was reading and turns this into an AppError that names it). Pure.
 */
import { AppError } from '../../shared/errors'
import { formatDecimal } from '../../shared/format/formatDecimal'

export class FormatError extends Error {
  constructor(
    message: string,
    /** Where in the file the problem was found, when known. */
    readonly offset?: number,
  ) {
    super(message)
    this.name = 'FormatError'
  }
}

/**
 * `error` as the ARCHIVE_CORRUPT AppError the cache reports: "`prefix`: message" for a
 * FormatError; anything else (an I/O failure, an AppError from the file opener) unchanged.
 */
export function asArchiveCorrupt(error: unknown, prefix: string): unknown {
  if (!(error instanceof FormatError)) return error
  return new AppError('ARCHIVE_CORRUPT', `${prefix}${error.message}`, {
    offset: error.offset ?? null,
  })
}

/** 1234 → "1,234", for byte offsets and counts in messages. */
export const count = (n: number) => formatDecimal(n, 0, 0)

/** "1 tensor", "1,234 tensors". */
export const countOf = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`

/** "1 byte", "1,234 bytes". */
export const bytesText = (n: number) => countOf(n, 'byte')
