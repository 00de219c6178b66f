/**
 * Files the page hands to the app (images to classify, ONNX models to attach) when it cannot
 * name a path: browser mode, drag and drop. Each lands in the data folder under a random id,
 * written to a `.partial` name first so a half-received file is never used.
 */
import { randomUUID } from 'node:crypto'
import {
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../shared/errors'
import type { UploadResult } from '../../shared/contract'

const ID = /^[0-9a-f-]{36}$/
/** Uploads nobody used within a day are leftovers of an interrupted action. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000

export class UploadStore {
  readonly dir: string

  constructor(
    dataDir: string,
    readonly maxBytes = 4 * 1024 ** 3,
  ) {
    this.dir = join(dataDir, 'uploads')
    mkdirSync(this.dir, { recursive: true })
    this.removeStale()
  }

  private removeStale(): void {
    const now = Date.now()
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name)
      try {
        if (name.endsWith('.partial') || now - statSync(file).mtimeMs > MAX_AGE_MS)
          rmSync(file, { force: true })
      } catch {
        // Gone already: nothing to do.
      }
    }
  }

  async fromStream(stream: Readable): Promise<UploadResult> {
    const uploadId = randomUUID()
    const partial = join(this.dir, `${uploadId}.partial`)
    let size = 0
    const limit = this.maxBytes
    try {
      await pipeline(
        stream,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length
            if (size > limit)
              throw new AppError('INVALID_INPUT', `The upload is larger than ${limit} bytes.`)
            yield chunk
          }
        },
        // Opened now, not lazily: removing a failed upload must not race the file's creation.
        createWriteStream(partial, { fd: openSync(partial, 'w') }),
      )
    } catch (error) {
      rmSync(partial, { force: true })
      throw error instanceof AppError
        ? error
        : new AppError('CANCELLED', `The upload was interrupted: ${(error as Error).message}`)
    }
    renameSync(partial, join(this.dir, uploadId))
    return { uploadId, size }
  }

  async fromBytes(bytes: Uint8Array): Promise<UploadResult> {
    const { Readable } = await import('node:stream')
    return this.fromStream(
      Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
    )
  }

  /** The file of an upload; NOT_FOUND when it does not exist (expired or never finished). */
  path(uploadId: string): string {
    if (!ID.test(uploadId))
      throw new AppError('INVALID_INPUT', `"${uploadId}" is not an upload id.`)
    const file = join(this.dir, uploadId)
    try {
      statSync(file)
    } catch {
      throw new AppError(
        'NOT_FOUND',
        `Upload ${uploadId} does not exist (it may have expired); upload the file again.`,
      )
    }
    return file
  }

  remove(uploadId: string): void {
    if (ID.test(uploadId)) rmSync(join(this.dir, uploadId), { force: true })
  }
}
