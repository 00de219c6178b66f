/**
 * One thumbnail request, as both faces receive it — the desktop app's `zoo-thumb://thumb/<job>/<file>`
 * and browser mode's `/thumbs/<job>/<file>` — turned into a status, headers and bytes.
 */
import type { ErrorCode } from '../../shared/errors'
import { AppError } from '../../shared/errors'
import type { ThumbnailService } from './thumbnails'

export interface ThumbnailReply {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  NOT_A_FILE: 422,
  FILE_UNREADABLE: 422,
  FILE_TOO_LARGE: 413,
  IMAGE_EMPTY: 422,
  IMAGE_UNSUPPORTED: 422,
  IMAGE_CORRUPT: 422,
  IMAGE_TOO_LARGE: 422,
}

function text(status: number, message: string): ThumbnailReply {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body: message,
  }
}

/** `rest` is what follows the route's prefix: `<job id>/<file id>`. */
export async function answerThumbnail(
  thumbnails: ThumbnailService,
  rest: string,
  sizeParam: string | null,
): Promise<ThumbnailReply> {
  const match = /^([0-9a-f]{10})\/([1-9][0-9]{0,14})$/.exec(rest)
  const size = sizeParam === null ? 256 : Number(sizeParam)
  if (!match || !Number.isInteger(size) || size < 16 || size > 2048)
    return text(400, 'A thumbnail is asked for as <job id>/<file id>?size=16…2048.')
  try {
    const thumb = await thumbnails.get(match[1]!, Number(match[2]), size)
    return {
      status: 200,
      headers: {
        'content-type': thumb.mime,
        // Keyed by job and file id only: a changed photo gets its new thumbnail within the hour.
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      },
      body: thumb.bytes,
    }
  } catch (error) {
    if (error instanceof AppError) return text(STATUS[error.code] ?? 500, error.message)
    return text(500, error instanceof Error ? error.message : String(error))
  }
}
