/**
 * Error codes every face (IPC, HTTP, CLI, renderer) understands. The renderer shows `message`;
 * tests and scripts branch on `code`.
 */
export const errorCodes = [
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  /** A model name (display name, older name) that several catalog entries share. */
  'AMBIGUOUS_NAME',
  'CANCELLED',
  'UNAVAILABLE',
  'INTERNAL',
  // Files named by the caller (images, models, archives, label files)
  /** A folder, device, FIFO or socket where a file was expected. */
  'NOT_A_FILE',
  /** The file exists but cannot be read (permissions, I/O error, a read that timed out). */
  'FILE_UNREADABLE',
  /** Over the size cap for its kind (see src/main/files/inputLimits.ts). */
  'FILE_TOO_LARGE',
  // Images
  'IMAGE_EMPTY',
  'IMAGE_UNSUPPORTED',
  'IMAGE_CORRUPT',
  'IMAGE_TOO_LARGE',
  // Models
  'MODEL_INVALID',
  'MODEL_INPUT_UNSUPPORTED',
  'MODEL_NOT_AVAILABLE',
  'MODEL_FAILED',
  'MODEL_CRASHED',
  /** A Paddle model with operators (or a format) the ONNX converter does not handle yet. */
  'CONVERSION_UNSUPPORTED',
  // Downloads and the weights cache
  'DOWNLOAD_FAILED',
  'DOWNLOAD_CORRUPT',
  'DISK_FULL',
  'ARCHIVE_UNSAFE',
  /** Truncated or malformed: no tar end marker, a model that does not parse, params left over. */
  'ARCHIVE_CORRUPT',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ApiError {
  code: ErrorCode
  message: string
  details?: unknown
}

export interface Failure {
  ok: false
  error: ApiError
}

export type Result<T> = { ok: true; value: T } | Failure

/** Thrown by services; every face turns it into `{ ok: false, error }` unchanged (`failureOf`). */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value)
}

/**
 * The error of the first failed result among requests asked together, or null when none failed;
 * a `null` entry is a request not made. For views that show one problem for the group and keep
 * its code, so the problem reads in the user's language.
 */
export function firstError(results: readonly (Result<unknown> | null)[]): ApiError | null {
  for (const result of results) if (result && !result.ok) return result.error
  return null
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(code: ErrorCode, message: string, details?: unknown): Failure {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } }
}

/**
 * The one way any thrown value becomes a result, for every face (dispatcher, HTTP, IPC, CLI): an
 * `AppError` keeps its code, message and details; anything else is a bug and becomes INTERNAL,
 * saying what failed (`what`, e.g. the channel) and with what message.
 */
export function failureOf(error: unknown, what = 'The request'): Failure {
  if (error instanceof AppError) return fail(error.code, error.message, error.details)
  const message = error instanceof Error ? error.message : String(error)
  return fail('INTERNAL', `${what} failed unexpectedly: ${message}`)
}
