/**
 * Browser mode: the renderer build and the same request handlers as the Electron window, served
 * on 127.0.0.1 behind a per-launch token.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fail, failureOf, type ErrorCode, type Result } from '../../shared/errors'
import { formatSseEvent } from '../../shared/api/sseParser'
import { answerThumbnail } from '../batch/thumbnailRequest'
import type { AppCore } from '../core/appCore'
import { contentSecurityPolicy } from '../security/contentSecurityPolicy'
import { bearerToken, isAllowedHost, isAllowedOrigin, tokensEqual } from './loopbackGuard'
import { isPage, resolveInside, sendFile, splitTarget } from './staticFiles'

export interface HttpServerOptions {
  core: Pick<AppCore, 'dispatchUntyped' | 'events' | 'uploads' | 'thumbnails'>
  /** Folder with the built renderer (`out/renderer`). */
  rendererDir: string
  port?: number
  token?: string
  maxBodyBytes?: number
  heartbeatMs?: number
}

export interface RunningHttpServer {
  readonly port: number
  readonly token: string
  readonly origin: string
  /** The URL a user opens: the page refuses to load without its token. */
  readonly url: string
  close(): Promise<void>
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AMBIGUOUS_NAME: 409,
  UNKNOWN_CHANNEL: 404,
  CANCELLED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  NOT_A_FILE: 422,
  FILE_UNREADABLE: 422,
  FILE_TOO_LARGE: 413,
  IMAGE_EMPTY: 422,
  IMAGE_UNSUPPORTED: 422,
  IMAGE_CORRUPT: 422,
  IMAGE_TOO_LARGE: 422,
  MODEL_INVALID: 422,
  MODEL_INPUT_UNSUPPORTED: 422,
  MODEL_NOT_AVAILABLE: 409,
  MODEL_FAILED: 500,
  MODEL_CRASHED: 500,
  CONVERSION_UNSUPPORTED: 422,
  DOWNLOAD_FAILED: 502,
  DOWNLOAD_CORRUPT: 502,
  DISK_FULL: 507,
  ARCHIVE_UNSAFE: 422,
  ARCHIVE_CORRUPT: 422,
}

/**
 * On every response. The CSP too, not only on the page's: any document the browser might render
 * from here (an SVG opened on its own, a page reached by a spelling the server did not foresee)
 * runs under the same policy.
 */
const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': contentSecurityPolicy(),
}

const THUMBS_PREFIX = '/thumbs/'

export function createToken(): string {
  return randomBytes(24).toString('base64url')
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const token = options.token ?? createToken()
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const streams = new Set<ServerResponse>()
  const indexFile = join(options.rendererDir, 'index.html')
  let port = 0

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendResult(response, failureOf(error, 'The request'))
      else response.destroy()
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The path exactly as sent, decoded once later: the URL parser would resolve "." segments and
    // read "//x" as a host, and a check on one spelling of a path must hold for all of them.
    const target = splitTarget(request.url)
    if (!target) return sendText(response, 400, 'Bad request target.')
    const isApi = target.path.startsWith('/api/')

    if (
      !isAllowedHost(request.headers.host, port) ||
      !isAllowedOrigin(request.headers.origin, port)
    ) {
      const denied = fail(
        'FORBIDDEN',
        'Zoo Explorer only answers requests addressed to 127.0.0.1 or localhost from its own page.',
      )
      return isApi ? sendResult(response, denied) : sendText(response, 403, denied.error.message)
    }

    if (isApi) return handleApi(request, response, target.path)

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendText(response, 405, 'Method not allowed.')
    }
    if (target.path.startsWith(THUMBS_PREFIX)) {
      // An <img> cannot send the Bearer header: the page's token comes in the query.
      if (!tokensEqual(target.query.get('token'), token))
        return sendText(response, 401, 'Missing or wrong token for a thumbnail.')
      const reply = await answerThumbnail(
        options.core.thumbnails,
        target.path.slice(THUMBS_PREFIX.length),
        target.query.get('size'),
      )
      response.writeHead(reply.status, { ...BASE_HEADERS, ...reply.headers })
      response.end(request.method === 'HEAD' ? undefined : reply.body)
      return
    }
    const file = resolveInside(
      options.rendererDir,
      target.path === '/' ? '/index.html' : target.path,
    )
    if (file === null) return sendText(response, 404, 'Not found.')
    // Decided on the file the path resolves to, by the type it is served as: whatever spelling
    // reaches an HTML file of the renderer, it needs the token.
    if (isPage(file)) {
      if (!tokensEqual(target.query.get('token'), token)) {
        return sendText(
          response,
          401,
          'This Zoo Explorer page needs the token from the URL that `npm run serve` printed. ' +
            'Open that exact URL (it ends in ?token=…).',
        )
      }
      return sendPage(response, file)
    }
    const sent = await sendFile(response, file, {
      ...BASE_HEADERS,
      'cache-control': target.path.startsWith('/assets/')
        ? 'max-age=31536000, immutable'
        : 'no-cache',
    })
    if (!sent) sendText(response, 404, 'Not found.')
  }

  async function sendPage(response: ServerResponse, file: string): Promise<void> {
    let html: string
    try {
      html = await readFile(file, 'utf8')
    } catch {
      if (file !== indexFile) return sendText(response, 404, 'Not found.')
      return sendText(
        response,
        503,
        `The renderer is not built (no index.html in ${options.rendererDir}). Run \`npm run build\`.`,
      )
    }
    response.writeHead(200, {
      ...BASE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    })
    response.end(html)
  }

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    if (!tokensEqual(bearerToken(request.headers.authorization), token)) {
      return sendResult(
        response,
        fail(
          'UNAUTHORIZED',
          'Missing or wrong token: every API call needs "Authorization: Bearer <token>".',
        ),
      )
    }
    if (path === '/api/upload') {
      if (request.method !== 'POST') {
        return sendResult(
          response,
          fail('INVALID_INPUT', 'Use POST with the file as the body for /api/upload.'),
        )
      }
      // The body is the file itself, streamed to disk under the upload store's limits.
      const length = Number(request.headers['content-length'])
      const result = await options.core.uploads.receive(
        request,
        Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      )
      if (!result.ok) {
        // What is left of a refused body is never read: answer, then drop the connection.
        response.setHeader('connection', 'close')
        response.on('finish', () => request.destroy())
      }
      return sendResult(response, result)
    }
    if (path === '/api/events') {
      if (request.method !== 'GET')
        return sendResult(response, fail('INVALID_INPUT', 'Use GET for /api/events.'))
      return openEventStream(request, response)
    }
    const match = /^\/api\/invoke\/([^/]+)$/.exec(path)
    if (!match?.[1]) {
      return sendResult(response, fail('NOT_FOUND', `No API route at ${path}.`))
    }
    if (request.method !== 'POST') {
      return sendResult(
        response,
        fail('INVALID_INPUT', 'Use POST with a JSON body for /api/invoke.'),
      )
    }
    const body = await readBody(request, maxBodyBytes)
    if (!body.ok) {
      // The rest of an oversized body is never read: answer, then drop the connection.
      response.setHeader('connection', 'close')
      response.on('finish', () => request.destroy())
      return sendResult(response, body)
    }
    let input: unknown
    try {
      input = body.value.length === 0 ? {} : (JSON.parse(body.value) as unknown)
    } catch {
      return sendResult(response, fail('INVALID_INPUT', 'The request body is not valid JSON.'))
    }
    let channel: string
    try {
      channel = decodeURIComponent(match[1])
    } catch {
      return sendResult(
        response,
        fail('INVALID_INPUT', 'The channel name in the URL is not valid percent-encoding.'),
      )
    }
    // A caller that goes away (a closed tab, a fetch aborted) cancels what it asked for.
    const gone = new AbortController()
    response.on('close', () => {
      if (!response.writableFinished) gone.abort()
    })
    sendResult(
      response,
      await options.core.dispatchUntyped(channel, input, { face: 'http', signal: gone.signal }),
    )
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...BASE_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    response.write(': connected\n\n')
    streams.add(response)
    const unsubscribe = options.core.events.subscribe((event, payload) => {
      response.write(formatSseEvent(event, payload))
    })
    const heartbeat = setInterval(
      () => response.write(': heartbeat\n\n'),
      options.heartbeatMs ?? 15_000,
    )
    const stop = () => {
      clearInterval(heartbeat)
      unsubscribe()
      streams.delete(response)
    }
    request.on('close', stop)
    response.on('error', stop)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`

  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function sendResult(response: ServerResponse, result: Result<unknown>): void {
  const status = result.ok ? 200 : STATUS_BY_CODE[result.error.code]
  const body = JSON.stringify(result)
  response.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(body)),
  })
  response.end(body)
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  })
  response.end(text + '\n')
}

function readBody(request: IncomingMessage, limit: number): Promise<Result<string>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        request.removeAllListeners('data')
        request.pause()
        resolve(fail('INVALID_INPUT', `The request body is larger than ${limit} bytes.`))
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve({ ok: true, value: Buffer.concat(chunks).toString('utf8') }))
    request.on('error', () => resolve(fail('INVALID_INPUT', 'The request body could not be read.')))
  })
}
