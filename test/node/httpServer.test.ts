import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AppInfo, PingReply, UiSettings } from '@shared/contract'
import type { ErrorCode, Failure, Result } from '@shared/errors'
import { createClient } from '@shared/api/client'
import { createHttpTransport } from '@shared/api/httpTransport'
import { contentSecurityPolicy } from '../../src/main/security/contentSecurityPolicy'
import { jsonOf, rawRequest } from './helpers/rawHttp'
import { startTestServer, type TestServer } from './helpers/testServer'

const MAX_BODY_BYTES = 2048

let t: TestServer
beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: MAX_BODY_BYTES })
})
afterAll(async () => {
  await t?.close()
})

const bearer = (token = t.server.token) => ({ authorization: `Bearer ${token}` })

function invoke(channel: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.server.origin}/api/invoke/${channel}`, {
    method: 'POST',
    ...init,
    headers: { ...bearer(), 'content-type': 'application/json', ...init.headers },
  })
}

/** Asserts an API failure: HTTP status, JSON content type and `{ ok: false, error.code }`. */
async function expectFailure(response: Response, status: number, code: ErrorCode) {
  const body = (await response.json()) as Result<unknown>
  expect({ status: response.status, ok: body.ok }).toEqual({ status, ok: false })
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect((body as Failure).error.code).toBe(code)
  return (body as Failure).error
}

/** `directive → sources` of a Content-Security-Policy header. */
function parseCsp(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  )
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

describe('the page', () => {
  it('refuses / without a token with 401 and says a token is needed', async () => {
    const response = await fetch(`${t.server.origin}/`)
    const text = await response.text()
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(text).toMatch(/token/i)
    expect(text).not.toContain(t.files.indexHtml.trim())
  })

  it.each([
    ['an empty token', () => ''],
    ['a wrong token', () => 'wrong'],
    ['the token plus a character', () => `${t.server.token}x`],
    ['the token minus a character', () => t.server.token.slice(1)],
    ['the token in upper case', () => t.server.token.toUpperCase()],
  ])('refuses / with %s', async (_label, token) => {
    const response = await fetch(`${t.server.origin}/?token=${encodeURIComponent(token())}`)
    expect(response.status).toBe(401)
    expect(await response.text()).not.toContain('<html')
  })

  it.each(['/', '/index.html'])(
    'serves %s with the right token, under a strict CSP',
    async (path) => {
      const response = await fetch(`${t.server.origin}${path}?token=${t.server.token}`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe(t.files.indexHtml)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('cache-control')).toBe('no-store')

      const header = response.headers.get('content-security-policy')
      expect(header).toContain("script-src 'self'")
      expect(header).not.toContain('unsafe-eval')
      const csp = parseCsp(header ?? '')
      expect(csp.get('script-src')).toEqual(["'self'"])
      expect(csp.get('default-src')).toEqual(["'none'"])
      expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    },
  )

  it('serves the token URL it announces', async () => {
    expect(t.server.url).toBe(`${t.server.origin}/?token=${t.server.token}`)
    expect(t.server.origin).toBe(`http://127.0.0.1:${t.server.port}`)
    expect((await fetch(t.server.url)).status).toBe(200)
  })

  it('serves a static asset without a token, with its content type', async () => {
    const response = await fetch(`${t.server.origin}/assets/app.js`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(t.files.appJs)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers 404 for a missing file and 405 for a POST to a page', async () => {
    expect((await fetch(`${t.server.origin}/assets/missing.js`)).status).toBe(404)
    expect((await fetch(`${t.server.origin}/assets`)).status).toBe(404)
    const post = await fetch(`${t.server.origin}/?token=${t.server.token}`, { method: 'POST' })
    expect(post.status).toBe(405)
  })

  // Sent raw (node:http): fetch would normalise the dot segments before they reach the server.
  it.each([
    '/..%2f..%2fetc/passwd',
    '/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%2frenderer-evil%2fsecret.txt',
    '/%2e%2e%5csecret.txt',
    '/secret.txt%00.js',
  ])('does not serve files outside the renderer folder: %s', async (path) => {
    const response = await rawRequest(t.server.port, { path })
    expect(response.status).toBe(404)
    expect(response.body).not.toContain(t.secret)
    expect(response.body).not.toMatch(/root:/)
  })
})

describe('the page, however its path is spelt', () => {
  const upperPage = '<!doctype html><html><body>second page</body></html>\n'
  beforeAll(() => {
    // Another HTML file, upper-case extension: a page on every file system, case-sensitive or not.
    writeFileSync(join(t.rendererDir, 'Other.HTML'), upperPage)
    writeFileSync(join(t.rendererDir, 'picture.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    // A file whose name is an encoding: reaching index.html through it means decoding twice.
    writeFileSync(join(t.rendererDir, '%69ndex.html.txt'), 'once-decoded name')
  })

  // Every spelling that names index.html (raw: fetch would normalise most of them away).
  const indexSpellings = [
    '/%69ndex.html',
    '/index%2ehtml',
    '/index%2Ehtml',
    '/%69%6e%64%65%78%2e%68%74%6d%6c',
    '/./index.html',
    '/%2e/index.html',
    '//index.html',
    '///index.html',
    '/.//index.html',
    '/assets/../index.html',
    '/assets/%2e%2e/index.html',
    '/assets/..%2findex.html',
    '/assets%2f..%2findex.html',
    '/nothing/../index.html',
  ]

  it.each(indexSpellings)('%s without the token → 401, never the page', async (path) => {
    const response = await rawRequest(t.server.port, { path })
    expect(response.status).toBe(401)
    expect(response.body).not.toContain('<html')
  })

  it.each(indexSpellings)('%s with the token → the page, under the CSP', async (path) => {
    const response = await rawRequest(t.server.port, { path: `${path}?token=${t.server.token}` })
    expect(response.status).toBe(200)
    expect(response.body).toBe(t.files.indexHtml)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(parseCsp(String(response.headers['content-security-policy'])).get('script-src')).toEqual(
      ["'self'"],
    )
  })

  it.each([
    ['an upper-case extension', '/Other.HTML'],
    ['an upper-case extension, encoded', '/Other%2EHTML'],
    ['a trailing slash', '/index.html/'],
    ['a trailing encoded slash', '/index.html%2f'],
    ['upper case (the page on a case-insensitive file system)', '/INDEX.HTML'],
    ['upper case, encoded', '/%49NDEX.HTML'],
    ['a token-like parameter under another name', '/index.html?tokens=x&token2=y'],
    ['the token in the path instead of the query', `/index.html%3Ftoken=${'T'}`],
    ['an empty query', '/index.html?'],
  ])('an HTML path with %s, without the token, is not served', async (_label, path) => {
    const response = await rawRequest(t.server.port, { path: path.replace('T', t.server.token) })
    expect([401, 404]).toContain(response.status)
    expect(response.body).not.toContain('<html')
    expect(response.headers['content-type']).not.toMatch(/html/)
  })

  it('serves an upper-case .HTML file only with the token, as a page under the CSP', async () => {
    expect((await rawRequest(t.server.port, { path: '/Other.HTML' })).status).toBe(401)
    const response = await rawRequest(t.server.port, {
      path: `/Other.HTML?token=${t.server.token}`,
    })
    expect(response.status).toBe(200)
    expect(response.body).toBe(upperPage)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['content-security-policy']).toBe(contentSecurityPolicy())
  })

  it('decodes once: /%2569ndex.html is a file named "%69ndex.html", not index.html', async () => {
    // With the token, so that only the decoding decides: twice decoded, it would be the page.
    const page = await rawRequest(t.server.port, {
      path: `/%2569ndex.html?token=${t.server.token}`,
    })
    expect(page.status).toBe(404)
    expect(page.body).not.toContain('<html')
    const file = await rawRequest(t.server.port, { path: '/%2569ndex.html.txt' })
    expect(file).toMatchObject({ status: 200, body: 'once-decoded name' })
  })

  it.each([
    ['the page', () => `/?token=${t.server.token}`],
    ['a script', () => '/assets/app.js'],
    ['an SVG, which a browser renders as a document', () => '/picture.svg'],
    ['a 401', () => '/'],
    ['a 404', () => '/missing.html'],
    ['a 405', () => '/assets/app.js'],
    ['an API answer', () => '/api/invoke/app.info'],
  ])('sends the CSP with %s', async (label, path) => {
    const response = await rawRequest(t.server.port, {
      path: path(),
      method: label === 'a 405' || label === 'an API answer' ? 'POST' : 'GET',
      headers: label === 'an API answer' ? { authorization: `Bearer ${t.server.token}` } : {},
    })
    expect(response.headers['content-security-policy']).toBe(contentSecurityPolicy())
  })

  it('answers 400 for a request target that is not a path', async () => {
    const response = await rawRequest(t.server.port, { path: `http://127.0.0.1:${t.server.port}/` })
    expect(response.status).toBe(400)
    expect(response.body).not.toContain('<html')
  })
})

describe('the API: authorization', () => {
  it('refuses a call without Authorization with 401 UNAUTHORIZED', async () => {
    const response = await fetch(`${t.server.origin}/api/invoke/app.info`, { method: 'POST' })
    const error = await expectFailure(response, 401, 'UNAUTHORIZED')
    expect(error.message).toMatch(/token/i)
  })

  it.each([
    ['a wrong bearer token', () => 'Bearer wrong'],
    ['the token without "Bearer"', () => t.server.token],
    ['a Basic scheme', () => `Basic ${t.server.token}`],
    ['the token plus a character', () => `Bearer ${t.server.token}x`],
    ['an empty bearer', () => 'Bearer '],
  ])('refuses %s with 401 UNAUTHORIZED', async (_label, authorization) => {
    const response = await invoke('app.info', { headers: { authorization: authorization() } })
    await expectFailure(response, 401, 'UNAUTHORIZED')
  })

  it('answers with the right bearer token', async () => {
    const response = await invoke('app.info')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Result<AppInfo>
    expect(body.ok).toBe(true)
    if (!body.ok) return
    expect(body.value.host).toBe('browser')
    expect(body.value.dataDir).toBe(join(t.root, 'data'))
  })

  it('refuses the event stream without a token', async () => {
    await expectFailure(await fetch(`${t.server.origin}/api/events`), 401, 'UNAUTHORIZED')
    const wrong = await fetch(`${t.server.origin}/api/events`, { headers: bearer('nope') })
    await expectFailure(wrong, 401, 'UNAUTHORIZED')
  })
})

describe('the loopback guard', () => {
  const fill = (text: string) =>
    text.replaceAll('OTHER', String(t.server.port + 1)).replaceAll('PORT', String(t.server.port))

  it.each([
    ['evil.example:PORT', 403],
    ['evil.example', 403],
    ['localhost', 403],
    ['127.0.0.1:OTHER', 403],
    ['127.0.0.1.evil.example:PORT', 403],
    ['127.0.0.1:PORT', 200],
    ['localhost:PORT', 200],
    ['LOCALHOST:PORT', 200],
    ['[::1]:PORT', 200],
  ])('Host %s → %i', async (host, status) => {
    const api = await rawRequest(t.server.port, {
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { host: fill(host), ...bearer() },
    })
    expect(api.status).toBe(status)
    if (status === 403)
      expect(jsonOf(api)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    else expect(jsonOf(api)).toMatchObject({ ok: true })

    // The page too: a rebound DNS name must not be able to read it, even with the token.
    const page = await rawRequest(t.server.port, {
      path: `/?token=${t.server.token}`,
      headers: { host: fill(host) },
    })
    expect(page.status).toBe(status)
    if (status === 403) expect(page.body).not.toContain('<html')
  })

  it.each([
    ['http://evil.example', 403],
    ['null', 403],
    ['https://127.0.0.1:PORT', 403],
    ['http://127.0.0.1:OTHER', 403],
    ['http://127.0.0.1:PORT.evil.example', 403],
    ['http://127.0.0.1:PORT', 200],
    ['http://localhost:PORT', 200],
  ])('Origin %s → %i', async (origin, status) => {
    const response = await rawRequest(t.server.port, {
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { origin: fill(origin), ...bearer() },
    })
    expect(response.status).toBe(status)
    expect(jsonOf(response)).toMatchObject(
      status === 403 ? { ok: false, error: { code: 'FORBIDDEN' } } : { ok: true },
    )
  })
})

describe('the API: errors', () => {
  it('answers 404 UNKNOWN_CHANNEL for an unknown channel', async () => {
    const error = await expectFailure(await invoke('no.such.thing'), 404, 'UNKNOWN_CHANNEL')
    expect(error.message).toContain('no.such.thing')
  })

  it.each(['constructor', '__proto__', 'toString'])(
    'answers 404 UNKNOWN_CHANNEL for the prototype name %s',
    async (name) => {
      await expectFailure(await invoke(name), 404, 'UNKNOWN_CHANNEL')
    },
  )

  it('answers 400 INVALID_INPUT with the issue path for bad input', async () => {
    const response = await invoke('app.ping', { body: JSON.stringify({ message: 42 }) })
    const error = await expectFailure(response, 400, 'INVALID_INPUT')
    expect(error.details).toEqual({
      issues: [{ path: 'message', message: expect.any(String) }],
    })
  })

  it.each(['{"message":', 'not json', '{message: "hi"}', "{'message':'hi'}"])(
    'answers 400 INVALID_INPUT for a body that is not JSON: %s',
    async (body) => {
      const error = await expectFailure(await invoke('app.ping', { body }), 400, 'INVALID_INPUT')
      expect(error.message).toMatch(/JSON/)
    },
  )

  it('treats an empty body as {}', async () => {
    const response = await invoke('settings.get', { body: '' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      ok: true,
      value: { locale: null, theme: 'system', views: {}, guideDismissed: false },
    })
  })

  it('refuses a body over maxBodyBytes with 400, and keeps serving', async () => {
    const body = JSON.stringify({ message: 'x'.repeat(MAX_BODY_BYTES * 4) })
    const error = await expectFailure(await invoke('app.ping', { body }), 400, 'INVALID_INPUT')
    expect(error.message).toContain(String(MAX_BODY_BYTES))

    const next = await invoke('app.ping', { body: JSON.stringify({ message: 'still here' }) })
    expect(next.status).toBe(200)
    expect(((await next.json()) as Result<PingReply>).ok).toBe(true)
  })

  it('accepts a body of exactly maxBodyBytes', async () => {
    const base = JSON.stringify({ theme: 'dark' })
    const body = base.slice(0, -1) + ' '.repeat(MAX_BODY_BYTES - base.length) + '}'
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES)
    const update = await invoke('settings.update', { body })
    expect(update.status).toBe(200)
    expect(((await update.json()) as Result<UiSettings>).ok).toBe(true)
    await invoke('settings.update', { body: JSON.stringify({ theme: 'system' }) })
  })

  it('answers INVALID_INPUT for GET on /api/invoke/<channel>', async () => {
    const response = await fetch(`${t.server.origin}/api/invoke/app.info`, { headers: bearer() })
    await expectFailure(response, 400, 'INVALID_INPUT')
  })

  it('answers INVALID_INPUT for POST on /api/events', async () => {
    const response = await fetch(`${t.server.origin}/api/events`, {
      method: 'POST',
      headers: bearer(),
    })
    await expectFailure(response, 400, 'INVALID_INPUT')
  })

  it.each(['/api/nothing', '/api/invoke/', '/api/invoke/app.info/extra'])(
    'answers 404 NOT_FOUND for %s',
    async (path) => {
      const response = await fetch(`${t.server.origin}${path}`, {
        method: 'POST',
        headers: bearer(),
      })
      await expectFailure(response, 404, 'NOT_FOUND')
    },
  )

  it('answers a client error, not INTERNAL, for a channel with broken percent-encoding', async () => {
    const response = await invoke('%E0%A4%A')
    const body = (await response.json()) as Result<unknown>
    expect(body.ok).toBe(false)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(['UNKNOWN_CHANNEL', 'INVALID_INPUT']).toContain((body as Failure).error.code)
  })
})

describe('events', () => {
  it('streams app.ping to a subscribed transport, and stops when it unsubscribes', async () => {
    const before = t.core.events.size
    const transport = createHttpTransport({ baseUrl: t.server.origin, token: t.server.token })
    try {
      const pings: unknown[] = []
      const unsubscribe = transport.on('app.ping', (payload) => pings.push(payload))
      await withTimeout(transport.streaming(), 5000, 'the event stream')
      expect(t.core.events.size).toBe(before + 1)

      const reply = await createClient(transport).invoke('app.ping', { message: 'over http' })
      expect(reply.ok).toBe(true)
      if (!reply.ok) return
      await vi.waitFor(() => expect(pings).toEqual([reply.value]))
      expect(reply.value.message).toBe('over http')

      unsubscribe()
      await vi.waitFor(() => expect(t.core.events.size).toBe(before))
    } finally {
      transport.close()
    }
  })

  it('delivers each event only to listeners of its name', async () => {
    const transport = createHttpTransport({ baseUrl: t.server.origin, token: t.server.token })
    try {
      const seen: [string, unknown][] = []
      transport.on('app.ping', (payload) => seen.push(['app.ping', payload]))
      transport.on('settings.changed', (payload) => seen.push(['settings.changed', payload]))
      await withTimeout(transport.streaming(), 5000, 'the event stream')

      const update = await transport.invoke('settings.update', { theme: 'light' })
      const ping = await transport.invoke('app.ping', { message: 'second' })
      expect(update.ok && ping.ok).toBe(true)
      if (!update.ok || !ping.ok) return
      await vi.waitFor(() =>
        expect(seen).toEqual([
          ['settings.changed', update.value],
          ['app.ping', ping.value],
        ]),
      )
    } finally {
      transport.close()
      await invoke('settings.update', { body: JSON.stringify({ theme: 'system' }) })
    }
  })

  it('drops the server-side subscription when the transport closes', async () => {
    const before = t.core.events.size
    const transport = createHttpTransport({ baseUrl: t.server.origin, token: t.server.token })
    transport.on('app.ping', () => {})
    await withTimeout(transport.streaming(), 5000, 'the event stream')
    expect(t.core.events.size).toBe(before + 1)
    transport.close()
    await vi.waitFor(() => expect(t.core.events.size).toBe(before))
  })

  it('writes heartbeats on an idle stream', async () => {
    const local = await startTestServer({ heartbeatMs: 20 })
    const controller = new AbortController()
    try {
      const response = await fetch(`${local.server.origin}/api/events`, {
        headers: { authorization: `Bearer ${local.server.token}` },
        signal: controller.signal,
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      await withTimeout(
        (async () => {
          while (!text.includes(': heartbeat\n\n')) {
            const { done, value } = await reader.read()
            if (done) throw new Error(`stream ended early after ${JSON.stringify(text)}`)
            text += decoder.decode(value, { stream: true })
          }
        })(),
        5000,
        'a heartbeat',
      )
      expect(text.startsWith(': connected\n\n')).toBe(true)
    } finally {
      controller.abort()
      await local.close()
    }
  })

  it('closes even while an event stream is open, ending that stream', async () => {
    const local = await startTestServer()
    let closed = false
    try {
      const response = await fetch(`${local.server.origin}/api/events`, {
        headers: { authorization: `Bearer ${local.server.token}` },
      })
      const reader = response.body!.getReader()
      const first = await reader.read()
      expect(new TextDecoder().decode(first.value)).toContain(': connected')
      expect(local.core.events.size).toBe(1)

      await withTimeout(local.close(), 5000, 'server.close() with an open stream')
      closed = true
      // The client sees the stream end (cleanly or cut off), not hang.
      const end = await withTimeout(
        reader.read().then(
          (chunk) => (chunk.done ? 'done' : 'data'),
          () => 'error',
        ),
        5000,
        'the end of the stream',
      )
      expect(['done', 'error']).toContain(end)
      await vi.waitFor(() => expect(local.core.events.size).toBe(0))
      await expect(fetch(local.server.url)).rejects.toThrow()
    } finally {
      if (!closed) await local.close()
    }
  })
})
