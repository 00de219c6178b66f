/**
 * A small file server on 127.0.0.1 for download tests: serves buffers by path with an ETag (the
 * body's MD5 in hex, as PaddleClas's host sends, or an opaque one), Last-Modified, and
 * Range/If-Range, and misbehaves on request: drops the connection, stalls, ignores ranges, lies
 * about the length, sends other bytes, answers with an error status. Every request is logged with
 * the body bytes the server handed to the socket, so tests can count what crossed the wire.
 */
import { createHash } from 'node:crypto'
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'

export interface ServedFile {
  body: Buffer
  etag: string | null
  lastModified: string | null
}

/** How one response misbehaves. */
export interface Fault {
  /** Answer 200 with the whole file whatever Range and If-Range say. */
  ignoreRange?: boolean
  /** Close the connection after this many body bytes of this response. */
  dropAfter?: number
  /** Stop sending after this many body bytes, keeping the connection open. */
  stallAfter?: number
  /** Pretend the file is this many bytes longer than it is: announced, never sent. */
  extraLength?: number
  /** Send these bytes instead of the file's; headers (ETag, length) stay the file's. */
  replaceBody?: (body: Buffer) => Buffer
  /** Answer with this status and no body. */
  status?: number
  /** Send at most `bytes` every `everyMs` milliseconds. */
  throttle?: { bytes: number; everyMs: number }
  /** Answer a range request with 206 from this byte instead of the one asked for. */
  rangeFrom?: number
  /** Honour Range even when If-Range names another version (some CDNs and mirrors do). */
  ignoreIfRange?: boolean
  /** After this many body bytes, wait for `until` before sending the rest. */
  pauseAfter?: { bytes: number; until: Promise<void> }
  /** Answer conditional requests (If-None-Match, If-Modified-Since) with 200 regardless. */
  ignoreConditional?: boolean
  /** Extra response headers (stated digests, say), given the file's whole body. */
  headers?: (body: Buffer) => Record<string, string>
}

export interface RequestInfo {
  path: string
  /** 1 for the first request of this path, 2 for the next… */
  attempt: number
  headers: IncomingHttpHeaders
}

export type FaultRule = (request: RequestInfo) => Fault | undefined

export interface LoggedRequest {
  path: string
  attempt: number
  range: string | null
  ifRange: string | null
  status: number
  /** Length announced in Content-Length. */
  announced: number | null
  /** Body bytes handed to the socket. */
  sent: number
}

export type EtagKind = 'md5' | 'opaque' | 'none'

export interface PutOptions {
  /** `md5` (default): the body's MD5 in hex, quoted; `opaque`: a version tag that is no hash. */
  etag?: EtagKind
  /** Default: a fixed date; null: no Last-Modified header. */
  lastModified?: Date | null
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>`, usable as a mirror: the path after the host is kept. */
  url: string
  port: number
  log: LoggedRequest[]
  put(path: string, body: Buffer, options?: PutOptions): ServedFile
  /** Faults for a path: a rule asked on each request, or one fault for every request. */
  fault(path: string, rule: FaultRule | Fault): void
  requestsFor(path: string): LoggedRequest[]
  /** Body bytes sent for a path, over all its requests. */
  sentFor(path: string): number
  close(): Promise<void>
}

export const md5Hex = (body: Buffer) => createHash('md5').update(body).digest('hex')
export const sha256Hex = (body: Buffer) => createHash('sha256').update(body).digest('hex')

let versions = 0
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Resolves when the response's buffered bytes are with the kernel, or it was closed. */
function writeAll(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done)
      resolve()
    }
    res.on('close', done)
    res.write(chunk, () => done())
  })
}

async function sendBody(
  res: ServerResponse,
  payload: Buffer,
  announced: number,
  fault: Fault,
  entry: LoggedRequest,
): Promise<void> {
  const limit = Math.min(payload.length, fault.dropAfter ?? Infinity, fault.stallAfter ?? Infinity)
  const chunkSize = fault.throttle?.bytes ?? 64 * 1024
  let offset = 0
  let paused = false
  while (offset < limit) {
    if (res.destroyed) return
    if (fault.pauseAfter && !paused && offset >= fault.pauseAfter.bytes) {
      paused = true
      await fault.pauseAfter.until
    }
    const chunk = payload.subarray(offset, Math.min(limit, offset + chunkSize))
    offset += chunk.length
    entry.sent += chunk.length
    await writeAll(res, chunk)
    if (fault.throttle) await sleep(fault.throttle.everyMs)
  }
  if (res.destroyed) return
  if (fault.stallAfter !== undefined && offset < announced) return // hold the connection open
  if (offset < announced) {
    // A drop, or a length that was a lie: the headers and what was sent arrive, then EOF.
    if (offset === 0) res.flushHeaders()
    res.socket?.end()
  } else res.end()
}

/** Starts a server for the running test; it is closed when the test finishes. */
export async function startFaultServer(): Promise<FaultServer> {
  const files = new Map<string, ServedFile>()
  const rules = new Map<string, FaultRule>()
  const attempts = new Map<string, number>()
  const log: LoggedRequest[] = []

  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    const attempt = (attempts.get(path) ?? 0) + 1
    attempts.set(path, attempt)
    const fault = rules.get(path)?.({ path, attempt, headers: req.headers }) ?? {}
    const file = files.get(path) // after the rule: a rule may replace the file
    const entry: LoggedRequest = {
      path,
      attempt,
      range: req.headers.range ?? null,
      ifRange: (req.headers['if-range'] as string | undefined) ?? null,
      status: 0,
      announced: null,
      sent: 0,
    }
    log.push(entry)
    const reply = (status: number, headers: Record<string, string> = {}) => {
      entry.status = status
      res.writeHead(status, headers)
      res.end()
    }
    if (fault.status) return reply(fault.status)
    if (!file || req.method !== 'GET') return reply(file ? 405 : 404)

    const size = file.body.length + (fault.extraLength ?? 0)
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      ...fault.headers?.(file.body),
    }
    if (file.etag) headers.etag = file.etag
    if (file.lastModified) headers['last-modified'] = file.lastModified

    const noneMatch = req.headers['if-none-match']
    const modifiedSince = req.headers['if-modified-since']
    const notModified =
      !fault.ignoreConditional &&
      (noneMatch !== undefined
        ? file.etag !== null && noneMatch === file.etag
        : modifiedSince !== undefined && file.lastModified === modifiedSince)
    if (notModified) return reply(304, headers)
    let status = 200
    let start = 0
    let end = size
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const ifRange = req.headers['if-range']
    const unchanged =
      !ifRange || fault.ignoreIfRange || ifRange === file.etag || ifRange === file.lastModified
    if (range && unchanged && !fault.ignoreRange) {
      start = Number(range[1])
      if (start >= size) return reply(416, { ...headers, 'content-range': `bytes */${size}` })
      if (range[2]) end = Math.min(size, Number(range[2]) + 1)
      start = fault.rangeFrom ?? start
      status = 206
      headers['content-range'] = `bytes ${start}-${end - 1}/${size}`
    }
    const body = fault.replaceBody ? fault.replaceBody(file.body) : file.body
    const announced = end - start
    headers['content-length'] = String(announced)
    entry.status = status
    entry.announced = announced
    res.writeHead(status, headers)
    void sendBody(res, body.subarray(start, Math.min(end, body.length)), announced, fault, entry)
  })
  // Keep-alive sockets and stalled responses must not keep the test waiting.
  server.keepAliveTimeout = 500
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  let closed = false
  const running: FaultServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    put(path, body, options = {}) {
      const kind = options.etag ?? 'md5'
      const modified = options.lastModified === undefined ? new Date(0) : options.lastModified
      const file: ServedFile = {
        body,
        etag:
          kind === 'md5' ? `"${md5Hex(body)}"` : kind === 'opaque' ? `"v${++versions}-x"` : null,
        lastModified: modified ? modified.toUTCString() : null,
      }
      files.set(path, file)
      return file
    },
    fault(path, rule) {
      rules.set(path, typeof rule === 'function' ? rule : () => rule)
    },
    requestsFor: (path) => log.filter((entry) => entry.path === path),
    sentFor: (path) =>
      log.filter((entry) => entry.path === path).reduce((sum, entry) => sum + entry.sent, 0),
    close() {
      if (closed) return Promise.resolve()
      closed = true
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
  onTestFinished(() => running.close())
  return running
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = http.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}
