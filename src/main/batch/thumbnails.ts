/**
 * Thumbnails of a batch job's files for the results grid: made on first request (EXIF orientation
 * applied as in Classify, a GIF's first frame), kept in <data>/thumbs so scrolling back is free,
 * and the folder held under a size bound by dropping the least recently used.
 *
 * A cache entry's name carries the file's path, size and mtime: a changed photo gets a new one.
 * Entries are written to a temporary name and renamed, so the app and a `zoo` command sharing the
 * data folder never read half a file; two making the same thumbnail at once both write whole files.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { AppError } from '../../shared/errors'
import { readRegularFile } from '../files/regularFile'
import { decodeBmp, isBmp } from '../inference/preprocess/bmpImage'
import { MAX_INPUT_PIXELS } from '../inference/preprocess/decodeImage'
import type { BatchJournal } from './batchJournal'

/** Longest sides served; a request is rounded up to the next one. */
export const THUMB_SIZES = [128, 256, 512] as const
export const THUMB_MIME = 'image/webp'

export interface ThumbnailOptions {
  dir: string
  journal: BatchJournal
  /** The cache folder's size bound. */
  maxBytes?: number
  /** Thumbnails decoded at once; the rest wait (sharp's own pool is shared with batch jobs). */
  concurrency?: number
}

export interface Thumbnail {
  bytes: Buffer
  mime: string
  /** Served from the disk cache. */
  cached: boolean
}

export function snapThumbSize(size: number): number {
  return THUMB_SIZES.find((s) => s >= size) ?? THUMB_SIZES[THUMB_SIZES.length - 1]!
}

const DEFAULT_MAX_BYTES = 256 * 1024 ** 2

export class ThumbnailService {
  private readonly maxBytes: number
  private readonly concurrency: number
  private active = 0
  private readonly waiting: (() => void)[] = []
  /** Bytes written since the folder was last measured: trim when they pass a tenth of the bound. */
  private writtenSinceTrim = 0
  private trimming: Promise<void> | null = null

  constructor(private readonly options: ThumbnailOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.concurrency = options.concurrency ?? 2
  }

  async get(jobId: string, fileId: number, requested: number): Promise<Thumbnail> {
    const file = this.options.journal.file(jobId, fileId)
    if (!file) throw new AppError('NOT_FOUND', `Batch job ${jobId} has no file ${fileId}.`)
    const size = snapThumbSize(requested)
    const info = await stat(file.absPath).catch((error: NodeJS.ErrnoException) => {
      throw new AppError(
        error.code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE',
        `${file.relPath} is no longer readable (${error.code ?? error.message}).`,
      )
    })
    const key = createHash('sha256')
      .update(`${file.absPath}\0${info.size}\0${info.mtimeMs}\0${size}`)
      .digest('hex')
      .slice(0, 32)
    const path = join(this.options.dir, key.slice(0, 2), `${key}.webp`)

    const hit = await readFile(path).catch(() => null)
    if (hit && hit.length > 0) {
      // The mtime is the entry's last use, for the trim's least-recently-used order.
      const now = new Date()
      void utimes(path, now, now).catch(() => {})
      return { bytes: hit, mime: THUMB_MIME, cached: true }
    }
    const bytes = await this.limited(() => makeThumbnail(file.absPath, file.relPath, size))
    await this.store(path, bytes)
    return { bytes, mime: THUMB_MIME, cached: false }
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.active >= this.concurrency) await new Promise<void>((go) => this.waiting.push(go))
    this.active++
    try {
      return await work()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }

  private async store(path: string, bytes: Buffer): Promise<void> {
    // A cache that cannot be written (disk full, read-only) still serves the thumbnail.
    try {
      await mkdir(join(path, '..'), { recursive: true })
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
      await writeFile(temp, bytes)
      await rename(temp, path).catch(async (error: unknown) => {
        await unlink(temp).catch(() => {})
        throw error
      })
    } catch {
      return
    }
    this.writtenSinceTrim += bytes.length
    if (this.writtenSinceTrim > this.maxBytes / 10) void this.trim()
  }

  /** Drops the least recently used entries until the folder is under 90 % of its bound. */
  trim(): Promise<void> {
    this.trimming ??= this.trimNow().finally(() => (this.trimming = null))
    return this.trimming
  }

  private async trimNow(): Promise<void> {
    this.writtenSinceTrim = 0
    const entries: { path: string; size: number; used: number }[] = []
    const shards = await readdir(this.options.dir).catch(() => [] as string[])
    for (const shard of shards) {
      const folder = join(this.options.dir, shard)
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        const path = join(folder, name)
        const info = await stat(path).catch(() => null)
        if (info?.isFile()) entries.push({ path, size: info.size, used: info.mtimeMs })
      }
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0)
    if (total <= this.maxBytes) return
    entries.sort((a, b) => a.used - b.used)
    for (const entry of entries) {
      if (total <= this.maxBytes * 0.9) break
      await unlink(entry.path).catch(() => {})
      total -= entry.size
    }
  }
}

function bmpInput(bytes: Uint8Array, relPath: string): Sharp {
  const { data, width, height } = decodeBmp(bytes, relPath, MAX_INPUT_PIXELS)
  return sharp(data, { raw: { width, height, channels: 3 } })
}

async function makeThumbnail(path: string, relPath: string, size: number): Promise<Buffer> {
  const bytes = await readRegularFile(path, 'image')
  if (bytes.length === 0) throw new AppError('IMAGE_EMPTY', `${relPath} is empty (0 bytes).`)
  try {
    // libvips reads no BMP: its pixels come from the model's own decoder.
    const input = isBmp(bytes)
      ? bmpInput(bytes, relPath)
      : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1 })
    return await input
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78, effort: 2 })
      .toBuffer()
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError(
      'IMAGE_CORRUPT',
      `${relPath} cannot be shown (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`,
    )
  }
}
