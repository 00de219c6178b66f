/**
 * Whether a failed download failed because the server could not be reached at all (no network,
 * DNS down, nothing listening, no answer), as opposed to an answer the app refused (HTTP 404, a
 * hash mismatch, a full disk). The first is the offline case: the view says so plainly and that
 * everything already cached keeps working. The downloader marks it in the error's details.
 */
import type { ApiError } from '@shared/errors'

export function isNetworkUnreachable(error: ApiError | null): boolean {
  if (!error) return false
  if (error.code === 'UNAVAILABLE') return true
  const details = error.details as { reason?: unknown } | undefined
  return error.code === 'DOWNLOAD_FAILED' && details?.reason === 'unreachable'
}
