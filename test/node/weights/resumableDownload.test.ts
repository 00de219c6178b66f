/**
 * The downloader on its own, against a real HTTP server on 127.0.0.1 that misbehaves on purpose:
 * drops, stalls, ignored ranges, files replaced mid-download, wrong bytes, wrong lengths, a full
 * disk (the one fake: a file handle whose writes fail with ENOSPC), cancellation.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  NOT_MODIFIED,
  resumableDownload,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
} from '../../../src/main/weights/resumableDownload'
import { tempDirForTest } from '../helpers/tempDir'
import { md5Hex, sha256Hex, startFaultServer, type FaultServer } from './helpers/faultServer'
import { fileSize, fullDiskAfter } from './helpers/weightsFixture'

const MB = 1024 * 1024
const PATH = '/dygraph/inference/Test_infer.tar'

interface Setup {
  server: FaultServer
  url: string
  partial: string
  body: Buffer
  download(options?: Partial<Omit<DownloadOptions, 'cached'>>): Promise<DownloadResult>
}

async function setup(size = 2 * MB, put: Parameters<FaultServer['put']>[2] = {}): Promise<Setup> {
  const server = await startFaultServer()
  const body = randomBytes(size)
  server.put(PATH, body, put)
  const partial = join(tempDirForTest('zoo-download'), 'file.partial')
  const url = `${server.url}${PATH}`
  return {
    server,
    url,
    partial,
    body,
    download: (options = {}) =>
      resumableDownload({ url, partialPath: partial, retries: 3, retryDelayMs: 10, ...options }),
  }
}

/** The file on disk is exactly `body`. */
function expectFile(path: string, body: Buffer): void {
  const bytes = readFileSync(path)
  expect(bytes.length).toBe(body.length)
  expect(sha256Hex(bytes)).toBe(sha256Hex(body))
}

describe('resumableDownload: a clean download', () => {
  it('streams the file with its SHA-256, MD5, size and validators, in one request', async () => {
    const { server, download, body, partial } = await setup()
    const result = await download()
    expect(result).toMatchObject({
      sha256: sha256Hex(body),
      md5: md5Hex(body),
      size: body.length,
      etag: `"${md5Hex(body)}"`,
      lastModified: new Date(0).toUTCString(),
      transferred: body.length,
      resumedFrom: 0,
      restarts: 0,
    })
    expectFile(partial, body)
    expect(server.log).toHaveLength(1)
    expect(server.log[0]).toMatchObject({ status: 200, range: null })
  })
})

describe('resumableDownload: resuming', () => {
  it('resumes a connection dropped at 50 % in the same call; about the file size crosses the wire', async () => {
    const { server, download, body, partial } = await setup(4 * MB)
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { dropAfter: body.length / 2 } : {}))

    const result = await download()

    expectFile(partial, body)
    expect(result).toMatchObject({ sha256: sha256Hex(body), restarts: 0, resumedFrom: 0 })
    const [first, second, ...more] = server.requestsFor(PATH)
    expect(more).toEqual([])
    expect(first).toMatchObject({ status: 200, range: null, sent: body.length / 2 })
    const from = Number(/^bytes=(\d+)-$/.exec(second!.range ?? '')?.[1])
    expect(from).toBeGreaterThan(0)
    expect(from).toBeLessThanOrEqual(body.length / 2)
    expect(second).toMatchObject({ status: 206, ifRange: `"${md5Hex(body)}"` })
    const onTheWire = server.sentFor(PATH)
    expect(onTheWire).toBeGreaterThanOrEqual(body.length)
    expect(onTheWire).toBeLessThanOrEqual(1.1 * body.length)
    expect(result.transferred).toBeLessThanOrEqual(1.1 * body.length)
  })

  it('resumes a partial left by an earlier call, from the bytes on disk', async () => {
    const { server, download, body, partial } = await setup(2 * MB)
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { dropAfter: 700_000 } : {}))
    await expect(download({ retries: 0 })).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' })
    const kept = fileSize(partial)
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(700_000)

    server.fault(PATH, { throttle: { bytes: 64 * 1024, everyMs: 15 } })
    const seen: DownloadProgress[] = []
    const result = await download({ onProgress: (p) => seen.push(p) })

    expectFile(partial, body)
    expect(result).toMatchObject({ resumedFrom: kept, transferred: body.length - kept })
    // Live, not only at the end: the view shows "resumed from" while the bytes come in.
    expect(seen.length).toBeGreaterThanOrEqual(2)
    expect(seen.every((p) => p.resumedFrom === kept && p.received > kept)).toBe(true)
    expect(server.log.at(-1)).toMatchObject({ status: 206, range: `bytes=${kept}-` })
  })

  it('resumes a stalled connection after the timeout', async () => {
    const { server, download, body, partial } = await setup(2 * MB)
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { stallAfter: MB } : {}))
    const result = await download({ timeoutMs: 500 })
    expectFile(partial, body)
    expect(result.restarts).toBe(0)
    expect(server.requestsFor(PATH)).toHaveLength(2)
    expect(server.log[1]!.range).toMatch(/^bytes=\d+-$/)
    expect(server.sentFor(PATH)).toBeLessThanOrEqual(1.1 * body.length)
  })

  it('waits longer before each retry (backoff)', async () => {
    const { server, download, body, partial } = await setup(256 * 1024)
    server.fault(PATH, ({ attempt }) => (attempt <= 3 ? { dropAfter: 1000 * attempt } : {}))
    const start = performance.now()
    await download({ retries: 3, retryDelayMs: 60 })
    // 60 + 120 + 240 ms of waiting between the four attempts.
    expect(performance.now() - start).toBeGreaterThanOrEqual(400)
    expectFile(partial, body)
    expect(server.requestsFor(PATH)).toHaveLength(4)
  })

  it('finishes a complete partial whose commit never happened (416) without downloading again', async () => {
    const { server, download, body, partial } = await setup(1 * MB)
    // The bytes all arrive but the process "dies" before the file is synced and handed back.
    let failSync = true
    const openFile: DownloadOptions['openFile'] = async (path, flags) => {
      const handle = await open(path, flags)
      const realSync = handle.sync.bind(handle)
      const sync = () =>
        failSync ? Promise.reject(new Error('EIO: i/o error, fsync')) : realSync()
      return Object.assign(handle, { sync })
    }
    await expect(download({ retries: 0, openFile })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
    })
    expect(fileSize(partial)).toBe(body.length)
    failSync = false

    const result = await download({ openFile })

    expect(server.log.at(-1)).toMatchObject({ status: 416, range: `bytes=${body.length}-` })
    expect(result).toMatchObject({ sha256: sha256Hex(body), transferred: 0, size: body.length })
    expectFile(partial, body)
  })

  it('does not trust a partial that has no validator (no ETag, no Last-Modified)', async () => {
    const { server, download, body, partial } = await setup(1 * MB, {
      etag: 'none',
      lastModified: null,
    })
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { dropAfter: body.length / 2 } : {}))
    await download()
    expectFile(partial, body)
    expect(server.requestsFor(PATH).map((r) => r.range)).toEqual([null, null])
  })

  it('does not continue a partial of another URL', async () => {
    const { server, download, body, partial } = await setup(1 * MB)
    const other = randomBytes(300_000)
    server.put('/other.tar', other)
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { dropAfter: body.length / 2 } : {}))
    await expect(download({ retries: 0 })).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' })
    expect(fileSize(partial)).toBeGreaterThan(0)

    const result = await download({ url: `${server.url}/other.tar` })

    expectFile(partial, other)
    expect(result.resumedFrom).toBe(0)
    expect(server.requestsFor('/other.tar')[0]!.range).toBeNull()
  })
})

describe('resumableDownload: starting over', () => {
  it('restarts cleanly when the server ignores Range (always 200)', async () => {
    const { server, download, body, partial } = await setup(2 * MB)
    server.fault(PATH, ({ attempt }) =>
      attempt === 1 ? { ignoreRange: true, dropAfter: body.length / 2 } : { ignoreRange: true },
    )
    const result = await download()
    expectFile(partial, body)
    expect(result.restarts).toBe(1)
    expect(result.sha256).toBe(sha256Hex(body))
    const second = server.requestsFor(PATH)[1]!
    expect(second.range).toMatch(/^bytes=\d+-$/)
    expect(second.status).toBe(200)
  })

  it('downloads the NEW file when the ETag changed between attempts (If-Range → 200)', async () => {
    const { server, download, body: v1, partial } = await setup(2 * MB)
    const v2 = randomBytes(3 * MB)
    server.fault(PATH, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: v1.length / 2 }
      if (attempt === 2) server.put(PATH, v2) // replaced on the server before the retry arrives
      return {}
    })

    const result = await download()

    expectFile(partial, v2)
    expect(result).toMatchObject({
      sha256: sha256Hex(v2),
      size: v2.length,
      etag: `"${md5Hex(v2)}"`,
      restarts: 1,
    })
    const second = server.requestsFor(PATH)[1]!
    expect(second).toMatchObject({ ifRange: `"${md5Hex(v1)}"`, status: 200 })
    expect(second.range).toMatch(/^bytes=\d+-$/)
  })

  it('downloads the new file when only Last-Modified tells the versions apart', async () => {
    const first = new Date('2024-01-01T00:00:00Z')
    const {
      server,
      download,
      body: v1,
      partial,
    } = await setup(1 * MB, {
      etag: 'none',
      lastModified: first,
    })
    const v2 = randomBytes(1 * MB)
    server.fault(PATH, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: v1.length / 2 }
      if (attempt === 2) server.put(PATH, v2, { etag: 'none', lastModified: new Date() })
      return {}
    })
    const result = await download()
    expectFile(partial, v2)
    expect(result.restarts).toBe(1)
    expect(server.requestsFor(PATH)[1]).toMatchObject({
      ifRange: first.toUTCString(),
      status: 200,
    })
  })

  it('starts over when a 206 answers another range than the one asked for', async () => {
    const { server, download, body, partial } = await setup(1 * MB)
    server.fault(PATH, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: body.length / 2 }
      if (attempt === 2) return { rangeFrom: 1000 }
      return {}
    })
    const result = await download()
    expectFile(partial, body)
    expect(result.restarts).toBe(1)
    expect(server.requestsFor(PATH).map((r) => r.status)).toEqual([200, 206, 200])
  })
})

describe('resumableDownload: a copy already cached', () => {
  it('asks whether the file changed; 304 ends it with nothing transferred', async () => {
    const { server, url, partial } = await setup(1 * MB)
    const first = await resumableDownload({ url, partialPath: partial })
    const again = await resumableDownload({
      url,
      partialPath: join(tempDirForTest('zoo-download'), 'again.partial'),
      cached: { etag: first.etag, lastModified: first.lastModified },
    })
    expect(again).toBe(NOT_MODIFIED)
    expect(server.log.at(-1)).toMatchObject({ status: 304, sent: 0 })
  })

  it('a file that changed on the server (or a server that ignores the question) is downloaded', async () => {
    const { server, url, partial, body } = await setup(1 * MB)
    const first = await resumableDownload({ url, partialPath: partial })
    const v2 = randomBytes(1 * MB)
    server.put(PATH, v2)
    const changed = await resumableDownload({
      url,
      partialPath: join(tempDirForTest('zoo-download'), 'changed.partial'),
      cached: { etag: first.etag, lastModified: first.lastModified },
    })
    expect(changed).toMatchObject({ sha256: sha256Hex(v2) })
    server.put(PATH, body)
    server.fault(PATH, { ignoreConditional: true })
    const ignored = await resumableDownload({
      url,
      partialPath: join(tempDirForTest('zoo-download'), 'ignored.partial'),
      cached: { etag: first.etag, lastModified: first.lastModified },
    })
    expect(ignored).toMatchObject({ sha256: sha256Hex(body), transferred: body.length })
  })
})

describe('resumableDownload: a server that honours Range but ignores If-Range', () => {
  it('a 206 with another ETag than the one saved starts over: no splice of two versions', async () => {
    const { server, download, body: v1, partial } = await setup(2 * MB, { etag: 'opaque' })
    const v2 = randomBytes(2 * MB)
    server.fault(PATH, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: v1.length / 2, ignoreIfRange: true }
      if (attempt === 2) server.put(PATH, v2, { etag: 'opaque' }) // a new version, same size
      return { ignoreIfRange: true }
    })

    const result = await download()

    expectFile(partial, v2)
    expect(result).toMatchObject({ sha256: sha256Hex(v2), restarts: 1 })
    const statuses = server.requestsFor(PATH).map((r) => [r.status, r.range !== null])
    // The splice the server offered (206 for the new file) is refused; the new file comes whole.
    expect(statuses).toEqual([
      [200, false],
      [206, true],
      [200, false],
    ])
  })

  it('the same with only Last-Modified to tell the versions apart', async () => {
    const {
      server,
      download,
      body: v1,
      partial,
    } = await setup(1 * MB, {
      etag: 'none',
      lastModified: new Date('2024-01-01T00:00:00Z'),
    })
    const v2 = randomBytes(1 * MB)
    server.fault(PATH, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: v1.length / 2, ignoreIfRange: true }
      if (attempt === 2)
        server.put(PATH, v2, { etag: 'none', lastModified: new Date('2025-06-01T00:00:00Z') })
      return { ignoreIfRange: true }
    })
    const result = await download()
    expectFile(partial, v2)
    expect(result.restarts).toBe(1)
  })

  it('an unchanged file still resumes with one 206 (the check costs nothing when nothing changed)', async () => {
    const { server, download, body, partial } = await setup(2 * MB, { etag: 'opaque' })
    server.fault(PATH, ({ attempt }) =>
      attempt === 1 ? { dropAfter: body.length / 2, ignoreIfRange: true } : { ignoreIfRange: true },
    )
    const result = await download()
    expectFile(partial, body)
    expect(result.restarts).toBe(0)
    expect(server.requestsFor(PATH).map((r) => r.status)).toEqual([200, 206])
  })
})

describe('resumableDownload: digests the server states', () => {
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
  const flipped = (body: Buffer) => {
    const bad = Buffer.from(body)
    bad[bad.length >> 1]! ^= 0x01
    return bad
  }
  const stated: [string, (body: Buffer) => Record<string, string>][] = [
    ['Repr-Digest sha-256', (body) => ({ 'repr-digest': `sha-256=:${b64(sha256Hex(body))}:` })],
    ['Content-MD5', (body) => ({ 'content-md5': b64(md5Hex(body)) })],
    ['Digest (RFC 3230)', (body) => ({ digest: `SHA-256=${b64(sha256Hex(body))}` })],
    ['x-goog-hash', (body) => ({ 'x-goog-hash': `crc32c=AAAAAA==, md5=${b64(md5Hex(body))}` })],
  ]

  it.each(stated)(
    '%s: a byte flipped in transit (opaque ETag) → DOWNLOAD_CORRUPT',
    async (_, headers) => {
      const { server, download, partial } = await setup(1 * MB, { etag: 'opaque' })
      server.fault(PATH, { headers, replaceBody: flipped })
      await expect(download()).rejects.toMatchObject({
        code: 'DOWNLOAD_CORRUPT',
        message: expect.stringMatching(/damaged on the way and was discarded/),
      })
      expect(existsSync(partial)).toBe(false)
    },
  )

  it.each(stated)(
    '%s: the right bytes pass and the digest is named in the result',
    async (_, headers) => {
      const { server, download, body } = await setup(1 * MB, { etag: 'opaque' })
      server.fault(PATH, { headers })
      const result = await download()
      expect(result.sha256).toBe(sha256Hex(body))
      expect(result.digests).toHaveLength(1)
    },
  )

  it('a Repr-Digest stated on the first answer still checks the file after a resume', async () => {
    const { server, download, body, partial } = await setup(2 * MB, { etag: 'opaque' })
    server.fault(PATH, ({ attempt }) => ({
      headers: (whole) => ({ 'repr-digest': `sha-256=:${b64(sha256Hex(whole))}:` }),
      ...(attempt === 1 ? { dropAfter: body.length / 2 } : { replaceBody: flipped }),
    }))
    await expect(download()).rejects.toMatchObject({ code: 'DOWNLOAD_CORRUPT' })
    expect(existsSync(partial)).toBe(false)
  })

  it('with no digest at all (opaque ETag, nothing else) nothing can be checked: none is named', async () => {
    const { download } = await setup(256 * 1024, { etag: 'opaque' })
    expect((await download()).digests).toEqual([])
  })
})

describe('resumableDownload: wrong bytes and wrong lengths', () => {
  it('reports DOWNLOAD_CORRUPT when the bytes do not match the MD5 ETag, and deletes the partial', async () => {
    const { server, download, partial } = await setup(1 * MB)
    server.fault(PATH, {
      replaceBody: (body) => {
        const bad = Buffer.from(body)
        bad[bad.length >> 1]! ^= 0xff
        return bad
      },
    })
    const failure = download()
    await expect(failure).rejects.toMatchObject({ code: 'DOWNLOAD_CORRUPT' })
    await expect(failure).rejects.toThrow(/MD5 .* does not match the server's ETag/)
    expect(existsSync(partial)).toBe(false)
    expect(existsSync(`${partial}.json`)).toBe(false)
    expect(server.requestsFor(PATH)).toHaveLength(1)
  })

  it('reports DOWNLOAD_CORRUPT when the SHA-256 is not the expected one, and deletes the partial', async () => {
    const { download, partial } = await setup(1 * MB, { etag: 'opaque' })
    await expect(download({ expectedSha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 'DOWNLOAD_CORRUPT',
    })
    expect(existsSync(partial)).toBe(false)
    expect(existsSync(`${partial}.json`)).toBe(false)
  })

  it('accepts the file when its SHA-256 is the expected one', async () => {
    const { download, body, partial } = await setup(1 * MB, { etag: 'opaque' })
    const result = await download({ expectedSha256: sha256Hex(body) })
    expect(result.sha256).toBe(sha256Hex(body))
    expectFile(partial, body)
  })

  it('gives up with DOWNLOAD_FAILED when the Content-Length is always a lie, and deletes the partial', async () => {
    const { server, download, partial } = await setup(1 * MB)
    server.fault(PATH, { extraLength: 1000 })
    const failure = download({ retries: 2 })
    await expect(failure).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' })
    expect(server.requestsFor(PATH)).toHaveLength(3)
    expect(existsSync(partial)).toBe(false)
    expect(existsSync(`${partial}.json`)).toBe(false)
  })

  it('answers NOT_FOUND for a 404 at once, without retrying', async () => {
    const { server, partial, download } = await setup(1000)
    const missing = `${server.url}/no/such/file.tar`
    await expect(download({ url: missing, retryDelayMs: 2_000 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(server.requestsFor('/no/such/file.tar')).toHaveLength(1)
    expect(existsSync(partial)).toBe(false)
  })

  it('retries a temporary server error (503) like a dropped connection', async () => {
    const { server, download, body, partial } = await setup(100_000)
    server.fault(PATH, ({ attempt }) => (attempt === 1 ? { status: 503 } : {}))
    await download()
    expectFile(partial, body)
    expect(server.requestsFor(PATH).map((r) => r.status)).toEqual([503, 200])
  })
})

describe('resumableDownload: a full disk', () => {
  it('stops with DISK_FULL and a clear message, keeping the partial to resume from', async () => {
    const { server, download, body, partial } = await setup(2 * MB)
    const disk = fullDiskAfter(MB + 12_345)

    const failure = download({ openFile: disk.openFile })

    await expect(failure).rejects.toMatchObject({ code: 'DISK_FULL' })
    await expect(failure).rejects.toThrow(/disk is full.*resumes/i)
    expect(server.requestsFor(PATH)).toHaveLength(1) // a full disk is not retried
    expect(fileSize(partial)).toBe(MB + 12_345)
    expect(existsSync(`${partial}.json`)).toBe(true)

    const result = await download()

    expectFile(partial, body)
    expect(result.resumedFrom).toBe(MB + 12_345)
    expect(server.log.at(-1)).toMatchObject({ status: 206, range: `bytes=${MB + 12_345}-` })
  })
})

describe('resumableDownload: cancel and progress', () => {
  it('cancels mid-way with CANCELLED, keeps the partial, and a later call resumes it', async () => {
    const { server, download, body, partial } = await setup(2 * MB)
    server.fault(PATH, { throttle: { bytes: 64 * 1024, everyMs: 10 } })
    const controller = new AbortController()
    const failure = download({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.received >= body.length / 3) controller.abort()
      },
    })
    await expect(failure).rejects.toMatchObject({ code: 'CANCELLED' })
    const kept = fileSize(partial)
    expect(kept).toBeGreaterThanOrEqual(body.length / 3)
    expect(kept).toBeLessThan(body.length)

    server.fault(PATH, {})
    const result = await download()
    expectFile(partial, body)
    expect(result.resumedFrom).toBe(kept)
    expect(server.log.at(-1)!.range).toBe(`bytes=${kept}-`)
  })

  it('cancels at once while waiting to retry', async () => {
    const { server, download } = await setup(1 * MB)
    server.fault(PATH, { dropAfter: 1000 })
    const controller = new AbortController()
    const failure = download({ signal: controller.signal, retryDelayMs: 30_000 })
    const start = performance.now()
    setTimeout(() => controller.abort(), 200)
    await expect(failure).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(performance.now() - start).toBeLessThan(2_000)
  })

  it('reports progress: bytes growing to the total, a rate and an ETA', async () => {
    const { server, download, body } = await setup(2 * MB)
    server.fault(PATH, { throttle: { bytes: 64 * 1024, everyMs: 15 } })
    const seen: DownloadProgress[] = []
    await download({ onProgress: (p) => seen.push(p) })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    const received = seen.map((p) => p.received)
    expect(received).toEqual([...received].sort((a, b) => a - b))
    expect(seen.at(-1)).toMatchObject({ received: body.length, total: body.length, eta: 0 })
    const midway = seen.slice(0, -1)
    expect(midway.every((p) => p.total === body.length && p.rate > 0)).toBe(true)
    expect(midway.every((p) => p.eta !== null && p.eta > 0)).toBe(true)
  })
})
