/**
 * One file over HTTP(S) into a `.partial` file, hashed as it streams, and resumable: a later call
 * (even after the app was killed) continues from the bytes already on disk with `Range` +
 * `If-Range`, and starts over cleanly when the server ignores the range or the file changed.
 * Dropped connections are retried with backoff. The result is checked (length; the SHA-256 when
 * one is expected; MD5 when the ETag is one), fsync'd, and only then handed back: renaming it
 * into the cache is the caller's commit.
 */
import { createHash, type Hash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { AppError } from '../../shared/errors'

export interface DownloadProgress {
  received: number
  total: number | null
  /** Bytes per second, smoothed. */
  rate: number
  /** Seconds left at the current rate, when the total is known. */
  eta: number | null
}

export interface DownloadResult {
  sha256: string
  md5: string
  size: number
  etag: string | null
  lastModified: string | null
  /** Bytes that came over the network in this call (less than `size` after a resume). */
  transferred: number
  /** Bytes already on disk when this call started. */
  resumedFrom: number
  /** Times the download started over (range ignored, file changed on the server). */
  restarts: number
}

export interface DownloadOptions {
  url: string
  /** Where the bytes accumulate; `<partial>.json` keeps what a later resume needs. */
  partialPath: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
  /** Checked at the end when known (a pinned or previously seen hash). */
  expectedSha256?: string
  retries?: number
  retryDelayMs?: number
  timeoutMs?: number
  /** Test seam: how the file is opened (a failing writer simulates a full disk). */
  openFile?: (path: string, flags: 'a' | 'w') => Promise<FileHandle>
}

interface PartialMeta {
  url: string
  etag: string | null
  lastModified: string | null
  total: number | null
}

const sidecar = (partialPath: string) => `${partialPath}.json`

async function readMeta(partialPath: string): Promise<PartialMeta | null> {
  try {
    return JSON.parse(await readFile(sidecar(partialPath), 'utf8')) as PartialMeta
  } catch {
    return null
  }
}

function get(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http
    const req = client.get(url, { headers, signal, timeout: timeoutMs }, resolve)
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}

/** A running hash of the file as it will be: the bytes on disk, then what arrives. */
class Digest {
  sha: Hash = createHash('sha256')
  md5: Hash = createHash('md5')
  size = 0

  update(chunk: Buffer): void {
    this.sha.update(chunk)
    this.md5.update(chunk)
    this.size += chunk.length
  }

  async addFile(path: string): Promise<void> {
    if (!existsSync(path)) return
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      this.update(chunk as Buffer)
    }
  }
}

/** Why an attempt ended without a file: try again (transient), or give up (fatal). */
class Transient extends Error {}

export async function resumableDownload(options: DownloadOptions): Promise<DownloadResult> {
  const { url, partialPath, signal } = options
  const retries = options.retries ?? 5
  const openFile = options.openFile ?? ((path, flags) => open(path, flags))
  const cancelled = () =>
    new AppError('CANCELLED', 'The download was cancelled; starting it again resumes it.')
  let restarts = 0
  let transferred = 0
  let failures = 0
  let resumedFrom: number | null = null
  let lastFailure: string

  const discard = async () => {
    await rm(partialPath, { force: true })
    await rm(sidecar(partialPath), { force: true })
  }

  /** Checks the finished file; a wrong one is deleted so nothing bad is ever resumed. */
  const finish = async (digest: Digest, meta: PartialMeta): Promise<DownloadResult> => {
    const sha256 = digest.sha.digest('hex')
    const md5 = digest.md5.digest('hex')
    const etagMd5 = meta.etag
      ? /^"?([0-9a-f]{32})"?$/i.exec(meta.etag)?.[1]?.toLowerCase()
      : undefined
    if (options.expectedSha256 && options.expectedSha256 !== sha256) {
      await discard()
      throw new AppError(
        'DOWNLOAD_CORRUPT',
        `The downloaded file's SHA-256 is ${sha256}, but ${options.expectedSha256} was expected; it was discarded.`,
      )
    }
    if (etagMd5 && etagMd5 !== md5) {
      await discard()
      throw new AppError(
        'DOWNLOAD_CORRUPT',
        `The downloaded file's MD5 (${md5}) does not match the server's ETag (${etagMd5}); it was discarded.`,
      )
    }
    return {
      sha256,
      md5,
      size: digest.size,
      etag: meta.etag,
      lastModified: meta.lastModified,
      transferred,
      resumedFrom: resumedFrom ?? 0,
      restarts,
    }
  }

  const attempt = async (): Promise<DownloadResult> => {
    const previous = await readMeta(partialPath)
    // A partial of another URL, or one with nothing to tell a changed file from the same one
    // (no ETag, no Last-Modified), is not continued.
    const validator = previous?.etag ?? previous?.lastModified ?? null
    if (!previous || previous.url !== url || !validator) await discard()
    let digest = new Digest()
    await digest.addFile(partialPath)
    resumedFrom ??= digest.size
    const headers: Record<string, string> = { 'accept-encoding': 'identity' }
    if (digest.size > 0) {
      headers.range = `bytes=${digest.size}-`
      headers['if-range'] = validator!
    }

    const response = await get(url, headers, signal, options.timeoutMs ?? 30_000)
    const status = response.statusCode ?? 0
    if (status === 416 && previous && previous.total === digest.size) {
      response.resume()
      return finish(digest, previous)
    }
    if (status === 416) {
      response.resume()
      restarts++
      await discard()
      throw new Transient('the server refused the resume range')
    }
    if (status !== 200 && status !== 206) {
      response.resume()
      throw new AppError(
        status === 404 ? 'NOT_FOUND' : 'DOWNLOAD_FAILED',
        `${url} answered HTTP ${status}${status === 404 ? ': no such file (is the mirror complete?)' : ''}.`,
      )
    }
    let total: number | null
    if (status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(
        String(response.headers['content-range'] ?? ''),
      )
      if (!range || Number(range[1]) !== digest.size) {
        response.resume()
        restarts++
        await discard()
        throw new Transient('the server answered another range than asked')
      }
      total = range[2] === '*' ? null : Number(range[2])
    } else {
      // 200: the server ignored the range, or If-Range saw a changed file. This body is the
      // whole file: start over from it.
      if (digest.size > 0) {
        restarts++
        await discard()
        digest = new Digest()
      }
      const length = response.headers['content-length']
      total = length === undefined ? null : Number(length)
    }
    const meta: PartialMeta = {
      url,
      etag: (response.headers.etag as string | undefined) ?? null,
      lastModified: (response.headers['last-modified'] as string | undefined) ?? null,
      total,
    }
    await writeFile(sidecar(partialPath), JSON.stringify(meta))
    const file = await openFile(partialPath, digest.size > 0 ? 'a' : 'w')
    try {
      let rate = 0
      let tick = performance.now()
      let tickBytes = digest.size
      for await (const chunk of response as AsyncIterable<Buffer>) {
        try {
          await file.write(chunk)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          throw code === 'ENOSPC'
            ? new AppError(
                'DISK_FULL',
                `The disk is full (${formatBytes(digest.size)} of the download are saved). Free some space and start the download again: it resumes from there.`,
              )
            : new AppError(
                'DOWNLOAD_FAILED',
                `Writing the download failed: ${(error as Error).message}`,
              )
        }
        digest.update(chunk)
        transferred += chunk.length
        const now = performance.now()
        if (now - tick >= 200) {
          const instant = ((digest.size - tickBytes) * 1000) / (now - tick)
          rate = rate === 0 ? instant : rate * 0.7 + instant * 0.3
          tick = now
          tickBytes = digest.size
          options.onProgress?.({
            received: digest.size,
            total,
            rate,
            eta: total !== null && rate > 0 ? (total - digest.size) / rate : null,
          })
        }
      }
      if (total !== null && digest.size !== total) {
        throw new Transient(`the connection closed after ${digest.size} of ${total} bytes`)
      }
      await file.sync()
      options.onProgress?.({ received: digest.size, total: digest.size, rate, eta: 0 })
    } finally {
      await file.close().catch(() => {})
    }
    return finish(digest, meta)
  }

  for (;;) {
    if (signal?.aborted) throw cancelled()
    try {
      return await attempt()
    } catch (error) {
      if (signal?.aborted) throw cancelled()
      if (error instanceof AppError) throw error
      lastFailure = (error as Error).message
      if (failures >= retries) {
        // Out of retries on a length the server keeps getting wrong: drop the partial so the
        // next try does not trust it.
        if (/closed after/.test(lastFailure)) await discard()
        throw new AppError(
          'DOWNLOAD_FAILED',
          `Downloading ${url} failed after ${failures + 1} attempts: ${lastFailure}.`,
        )
      }
      failures++
      await sleep((options.retryDelayMs ?? 1000) * 2 ** (failures - 1), signal).catch(() => {
        throw cancelled()
      })
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(new Error('aborted'))
      },
      { once: true },
    )
  })
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}
