/**
 * One file over HTTP(S) into a `.partial` file, hashed as it streams, and resumable: a later call
 * (even after the app was killed) continues from the bytes already on disk with `Range` +
 * `If-Range`, and starts over cleanly when the server ignores the range or the file changed.
 * Dropped connections and temporary server errors are retried with backoff. The result is
 * checked (length; the SHA-256 when one is expected; MD5 when the ETag is one), fsync'd, and only
 * then handed back: renaming it into the cache is the caller's commit.
 */
import { readFile, rm, writeFile, type FileHandle } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { AppError } from '../../shared/errors'
import { formatBytes } from '../../shared/format/formatBytes'
import { openForWrite, type OpenForWrite } from '../files/openForWrite'
import { OffThreadDigest } from '../files/offThreadDigest'
import {
  contradicted,
  describeDigest,
  mergeDigests,
  statedDigests,
  type StatedDigest,
} from './serverDigests'

export interface DownloadProgress {
  received: number
  total: number | null
  /** Bytes per second, smoothed. */
  rate: number
  /** Seconds left at the current rate, when the total is known. */
  eta: number | null
  /** Bytes already on disk from an earlier, interrupted download. */
  resumedFrom: number
}

/** Why a failed download failed, for the UI to tell "offline" from a refused answer. */
export interface DownloadFailureDetails {
  reason: 'unreachable'
}

export interface DownloadResult {
  sha256: string
  /** MD5 of the file when the server stated one (then it was checked), else null. */
  md5: string | null
  /** The digests the server stated and the file was checked against ("MD5 (ETag)", …). */
  digests: string[]
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
  /**
   * The validators of a copy already cached: when nothing is on disk to resume, the request is
   * conditional, and a 304 (unchanged on the server) ends the download with nothing transferred.
   */
  cached?: { etag: string | null; lastModified: string | null }
  /** Test seam: how the file is opened (a failing writer simulates a full disk). */
  openFile?: OpenForWrite
}

interface PartialMeta {
  url: string
  etag: string | null
  lastModified: string | null
  total: number | null
  /** What the server said the whole file's checksums are (kept across resumes). */
  digests?: StatedDigest[]
}

/** Writes are gathered into blocks this size, one in flight while the next is hashed. */
const WRITE_BLOCK = 1 << 20

const sidecar = (partialPath: string) => `${partialPath}.json`
const wantsMd5 = (digests: readonly StatedDigest[] | undefined) =>
  (digests ?? []).some((d) => d.algorithm === 'md5')

/**
 * Why a 206 answer is not the rest of the file on disk, or null when it is: a server that honours
 * Range but ignores If-Range (some CDNs and mirrors do) answers 206 for a file that changed, and
 * splicing its second half onto the old first half would make a file that never existed.
 */
function changedSince(
  previous: PartialMeta,
  etag: string | null,
  lastModified: string | null,
  total: number | null,
): string | null {
  if (previous.etag !== null) {
    if (etag !== previous.etag) return `its ETag is now ${etag ?? 'missing'}, was ${previous.etag}`
  } else if (previous.lastModified !== null && lastModified !== previous.lastModified) {
    return `its Last-Modified is now ${lastModified ?? 'missing'}, was ${previous.lastModified}`
  }
  if (previous.total !== null && total !== null && total !== previous.total)
    return `its size is now ${total} bytes, was ${previous.total}`
  return null
}

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

/**
 * Appends to the partial file in blocks, each handed to the digest as it is written, one write in
 * flight while the next block gathers.
 */
class BlockWriter {
  private pending: Buffer[] = []
  private pendingBytes = 0
  private inFlight: Promise<unknown> = Promise.resolve()
  /** Bytes known to be on disk. */
  written: number

  constructor(
    private readonly file: FileHandle,
    private readonly digest: OffThreadDigest,
    start: number,
  ) {
    this.written = start
  }

  async add(chunk: Buffer): Promise<void> {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= WRITE_BLOCK) await this.flush()
  }

  async flush(): Promise<void> {
    await this.inFlight
    if (this.pendingBytes === 0) return
    const block = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    await this.digest.update(block)
    this.inFlight = this.file.write(block).then(() => {
      this.written += block.length
    })
  }

  async finish(): Promise<void> {
    await this.flush()
    await this.inFlight
  }
}

/** Why an attempt ended without a file: worth another try. */
class Transient extends Error {}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

/** Socket errors that mean the server cannot be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
])

/** The server says the cached copy is still its current file (304 Not Modified). */
export const NOT_MODIFIED = 'not-modified'

/** Without a cached copy to compare with, a download always ends with a file. */
export function resumableDownload(
  options: DownloadOptions & { cached?: undefined },
): Promise<DownloadResult>
export function resumableDownload(
  options: DownloadOptions,
): Promise<DownloadResult | typeof NOT_MODIFIED>
export async function resumableDownload(
  options: DownloadOptions,
): Promise<DownloadResult | typeof NOT_MODIFIED> {
  const { url, partialPath, signal } = options
  const retries = options.retries ?? 5
  const openFile = options.openFile ?? openForWrite
  const cancelled = () =>
    new AppError('CANCELLED', 'The download was cancelled; starting it again resumes it.')
  let restarts = 0
  let transferred = 0
  let failures = 0
  let resumedFrom: number | null = null

  const discard = async () => {
    await rm(partialPath, { force: true })
    await rm(sidecar(partialPath), { force: true })
  }

  /** Checks the finished file; a wrong one is deleted so nothing bad is ever resumed. */
  const finish = async (digest: OffThreadDigest, meta: PartialMeta): Promise<DownloadResult> => {
    const { sha256, md5, size } = await digest.result()
    const stated = meta.digests ?? []
    if (options.expectedSha256 && options.expectedSha256 !== sha256) {
      await discard()
      throw new AppError(
        'DOWNLOAD_CORRUPT',
        `The downloaded file's SHA-256 is ${sha256}, but ${options.expectedSha256} was expected; it was discarded.`,
      )
    }
    const wrong = contradicted(stated, { sha256, md5 })
    if (wrong) {
      await discard()
      const actual = wrong.algorithm === 'sha256' ? sha256 : md5
      throw new AppError(
        'DOWNLOAD_CORRUPT',
        `The downloaded file's ${wrong.algorithm === 'sha256' ? 'SHA-256' : 'MD5'} (${actual}) does not match the server's ${wrong.source} (${wrong.hex}): it was damaged on the way and was discarded. Pull it again.`,
      )
    }
    return {
      sha256,
      md5,
      digests: [...new Set(stated.map(describeDigest))],
      size,
      etag: meta.etag,
      lastModified: meta.lastModified,
      transferred,
      resumedFrom: resumedFrom ?? 0,
      restarts,
    }
  }

  /** One request; returns the result, or throws Transient (retry) or AppError (give up). */
  const attempt = async (): Promise<DownloadResult | typeof NOT_MODIFIED> => {
    const digests: OffThreadDigest[] = []
    const newDigest = (withMd5: boolean) => {
      const digest = new OffThreadDigest(withMd5)
      digests.push(digest)
      return digest
    }
    try {
      return await attemptWith(newDigest)
    } finally {
      await Promise.all(digests.map((digest) => digest.close()))
    }
  }

  const attemptWith = async (
    newDigest: (withMd5: boolean) => OffThreadDigest,
  ): Promise<DownloadResult | typeof NOT_MODIFIED> => {
    const previous = await readMeta(partialPath)
    // A partial of another URL, or one with nothing to tell a changed file from the same one
    // (no ETag, no Last-Modified), is not continued.
    const validator = previous?.etag ?? previous?.lastModified ?? null
    if (!previous || previous.url !== url || !validator) await discard()
    let digest = newDigest(wantsMd5(previous?.digests))
    await digest.addFile(partialPath)
    resumedFrom ??= digest.size
    const headers: Record<string, string> = { 'accept-encoding': 'identity' }
    if (digest.size > 0) {
      headers.range = `bytes=${digest.size}-`
      headers['if-range'] = validator!
    } else if (options.cached) {
      if (options.cached.etag) headers['if-none-match'] = options.cached.etag
      if (options.cached.lastModified) headers['if-modified-since'] = options.cached.lastModified
    }

    const response = await get(url, headers, signal, options.timeoutMs ?? 30_000)
    const status = response.statusCode ?? 0
    if (status === 304 && digest.size === 0 && options.cached) {
      response.resume()
      return NOT_MODIFIED
    }
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
    if (RETRYABLE_STATUS.has(status)) {
      response.resume()
      throw new Transient(`the server answered HTTP ${status}`)
    }
    if (status !== 200 && status !== 206) {
      response.resume()
      throw new AppError(
        status === 404 ? 'NOT_FOUND' : 'DOWNLOAD_FAILED',
        `${url} answered HTTP ${status}${status === 404 ? ': no such file (is the mirror complete?)' : ''}.`,
      )
    }
    const etag = (response.headers.etag as string | undefined) ?? null
    const lastModified = (response.headers['last-modified'] as string | undefined) ?? null
    let total: number | null
    let digests: StatedDigest[]
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
      // A 206 to a request without Range (from byte 0) has nothing on disk to contradict.
      const changed = previous ? changedSince(previous, etag, lastModified, total) : null
      if (changed) {
        response.resume()
        restarts++
        await discard()
        throw new Transient(`the file changed on the server (${changed}); starting over`)
      }
      digests = mergeDigests(previous?.digests ?? [], statedDigests(response.headers, false))
      if (wantsMd5(digests) && !wantsMd5(previous?.digests)) {
        // A digest stated only now needs an MD5 of the bytes already on disk too.
        response.resume()
        await writeFile(sidecar(partialPath), JSON.stringify({ ...previous, digests }))
        throw new Transient('the server stated an MD5 only on resuming; hashing again')
      }
    } else {
      // 200: the server ignored the range, or If-Range saw a changed file. This body is the
      // whole file: start over from it.
      if (digest.size > 0) {
        restarts++
        await discard()
      }
      digests = statedDigests(response.headers, true)
      digest = newDigest(wantsMd5(digests))
      const length = response.headers['content-length']
      total = length === undefined ? null : Number(length)
    }
    const meta: PartialMeta = { url, etag, lastModified, total, digests }
    await writeFile(sidecar(partialPath), JSON.stringify(meta))
    const file = await openFile(partialPath, digest.size > 0 ? 'a' : 'w')
    const writer = new BlockWriter(file, digest, digest.size)
    const diskError = (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code
      return code === 'ENOSPC'
        ? new AppError(
            'DISK_FULL',
            `The disk is full (${formatBytes(writer.written)} of the download are saved). Free some space and start the download again: it resumes from there.`,
          )
        : new AppError(
            'DOWNLOAD_FAILED',
            `Writing the download failed: ${(error as Error).message}`,
          )
    }
    try {
      let rate = 0
      let tick = performance.now()
      let received = digest.size
      let tickBytes = received
      try {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          received += chunk.length
          transferred += chunk.length
          try {
            await writer.add(chunk)
          } catch (error) {
            throw diskError(error)
          }
          const now = performance.now()
          if (now - tick >= 200) {
            const instant = ((received - tickBytes) * 1000) / (now - tick)
            rate = rate === 0 ? instant : rate * 0.7 + instant * 0.3
            tick = now
            tickBytes = received
            options.onProgress?.({
              received,
              total,
              rate,
              eta: total !== null && rate > 0 ? (total - received) / rate : null,
              resumedFrom: resumedFrom ?? 0,
            })
          }
        }
      } catch (error) {
        if (error instanceof AppError) throw error
        // The connection broke mid-body ("aborted", "socket hang up"): what arrived is kept.
        throw new Transient(
          `the connection closed after ${received}${total !== null ? ` of ${total}` : ''} bytes`,
        )
      }
      try {
        await writer.finish()
      } catch (error) {
        throw diskError(error)
      }
      if (total !== null && received !== total) {
        throw new Transient(`the connection closed after ${received} of ${total} bytes`)
      }
      await file.sync()
      options.onProgress?.({
        received,
        total: received,
        rate,
        eta: 0,
        resumedFrom: resumedFrom ?? 0,
      })
    } finally {
      // Whatever happened, only what is surely on disk stays for a later resume.
      await writer.finish().catch(() => {})
      await file.close().catch(() => {})
    }
    return finish(digest, meta)
  }

  let stalled = 0
  for (;;) {
    if (signal?.aborted) throw cancelled()
    const before = transferred
    try {
      return await attempt()
    } catch (error) {
      if (signal?.aborted) throw cancelled()
      if (error instanceof AppError) throw error
      const reason = (error as Error).message
      // Attempts that bring no new bytes are not progress: a server that always announces more
      // than it sends would otherwise be retried forever against a partial that cannot grow.
      stalled = transferred === before ? stalled + 1 : 0
      // No route, no name, nothing listening, and not a byte yet: the machine is offline or the
      // mirror is wrong, which waiting through the backoff will not change. One quick retry covers
      // a blip.
      const socketCode = (error as NodeJS.ErrnoException).code
      const unreachable =
        !(error instanceof Transient) && transferred === 0 && UNREACHABLE.has(socketCode ?? '')
      if (failures >= (unreachable ? Math.min(retries, 1) : retries)) {
        if (stalled > 0 && /closed after/.test(reason)) await discard()
        if (!(error instanceof Transient) && transferred === 0) {
          const details: DownloadFailureDetails = { reason: 'unreachable' }
          throw new AppError(
            'DOWNLOAD_FAILED',
            `Could not reach ${new URL(url).host} (${socketCode ?? reason}): the network may be down or the mirror may be wrong; try again when it can be reached.`,
            details,
          )
        }
        throw new AppError(
          'DOWNLOAD_FAILED',
          `Downloading ${url} failed after ${failures + 1} attempts: ${reason}.`,
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
