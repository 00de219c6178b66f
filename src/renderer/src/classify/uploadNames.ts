/**
 * Messages about an uploaded file name it by where the app stored it
 * (`"…/uploads/0b1c…"`); the user knows it by the name they dropped. Pure.
 */
import type { ApiError } from '@shared/errors'

export function withUploadName(error: ApiError, uploadId: string | null, name: string): ApiError {
  if (!uploadId || !error.message.includes(uploadId)) return error
  const stored = new RegExp(`[^\\s"'“”]*${uploadId.replace(/[^0-9a-f-]/g, '')}`, 'g')
  return { ...error, message: error.message.replace(stored, name) }
}
