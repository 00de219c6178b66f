import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient } from '@shared/api/client'
import { createHttpTransport, type HttpTransport } from '@shared/api/httpTransport'
import type { PingReply } from '@shared/contract'
import { AppError } from '@shared/errors'
import { startHttpServer } from '../../src/main/http/httpServer'
import { valueOf } from './helpers/results'
import { startTestServer, type TestServer } from './helpers/testServer'

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t?.close()
})

const transports: HttpTransport[] = []
function transportFor(
  baseUrl = t.server.origin,
  token = t.server.token,
  reconnectDelayMs?: number,
): HttpTransport {
  const transport = createHttpTransport({
    baseUrl,
    token,
    ...(reconnectDelayMs === undefined ? {} : { reconnectDelayMs }),
  })
  transports.push(transport)
  return transport
}
afterAll(() => transports.forEach((transport) => transport.close()))

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  )
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await closeServer(server)
  return port
}

describe('invoke', () => {
  it('returns the server result for a valid call', async () => {
    const result = await transportFor().invoke('app.ping', { message: 'hello' })
    expect(result).toMatchObject({ ok: true, value: { message: 'hello', seq: expect.any(Number) } })
  })

  it('returns UNAVAILABLE naming the URL when nothing listens there', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`
    const result = await transportFor(baseUrl).invoke('app.info', {})
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('UNAVAILABLE')
    expect(result.error.message).toContain(baseUrl)
  })

  it('ignores trailing slashes on the base URL', async () => {
    const result = await transportFor(`${t.server.origin}///`).invoke('settings.get', {})
    expect(result).toEqual({
      ok: true,
      value: { locale: null, theme: 'system', views: {}, guideDismissed: false },
    })
  })

  it('sends undefined input as {}', async () => {
    const result = await transportFor().invoke('settings.get', undefined)
    expect(result.ok).toBe(true)
  })

  it('encodes the channel name into the path, so it reaches the server intact', async () => {
    const name = 'a/b?c=d#e f'
    const result = await transportFor().invoke(name, {})
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('UNKNOWN_CHANNEL')
    expect(result.error.message).toContain(`"${name}"`)
  })

  it('passes server failures through as results: a wrong token is UNAUTHORIZED', async () => {
    const result = await transportFor(t.server.origin, 'not-the-token').invoke('app.info', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('returns INTERNAL with the status when the answer is not JSON', async () => {
    const proxy = createServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' })
      response.end('<h1>Bad gateway</h1>')
    })
    const port = await listen(proxy)
    try {
      const result = await transportFor(`http://127.0.0.1:${port}`).invoke('app.info', {})
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.error.code).toBe('INTERNAL')
      expect(result.error.message).toContain('502')
    } finally {
      await closeServer(proxy)
    }
  })
})

describe('createClient over HTTP', () => {
  it('returns the value from call() and throws AppError with the code on failure', async () => {
    const client = createClient(transportFor())
    const reply: PingReply = await client.call('app.ping', { message: 'typed' })
    expect(reply.message).toBe('typed')

    // A wrong theme on purpose, past the type checker: the server must refuse it.
    const failure = client.call('settings.update', { theme: 'blue' as 'dark' })
    await expect(failure).rejects.toBeInstanceOf(AppError)
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('the event stream', () => {
  it('connects on the first listener and reconnects after the last one left', async () => {
    const before = t.core.events.size
    const transport = transportFor()
    const first = transport.on('app.ping', () => {})
    await transport.streaming()
    expect(t.core.events.size).toBe(before + 1)
    first()
    await vi.waitFor(() => expect(t.core.events.size).toBe(before))

    const pings: unknown[] = []
    transport.on('app.ping', (payload) => pings.push(payload))
    await transport.streaming()
    expect(t.core.events.size).toBe(before + 1)
    const reply = valueOf(await transport.invoke('app.ping', { message: 'again' }))
    await vi.waitFor(() => expect(pings).toEqual([reply]))
  })

  it('opens one stream for many listeners', async () => {
    const before = t.core.events.size
    const transport = transportFor()
    const seen: string[] = []
    transport.on('app.ping', () => seen.push('a'))
    transport.on('app.ping', () => seen.push('b'))
    transport.on('settings.changed', () => seen.push('c'))
    await transport.streaming()
    expect(t.core.events.size).toBe(before + 1)
    await transport.invoke('app.ping', { message: 'fan out' })
    await vi.waitFor(() => expect(seen).toEqual(['a', 'b']))
  })

  it('reconnects when the server goes away and comes back on the same port', async () => {
    const local = await startTestServer()
    const { core, server } = local
    const transport = transportFor(server.origin, server.token, 10)
    const pings: unknown[] = []
    transport.on('app.ping', (payload) => pings.push(payload))
    await transport.streaming()
    expect(core.events.size).toBe(1)

    await server.close()
    await vi.waitFor(() => expect(core.events.size).toBe(0))
    const again = await startHttpServer({
      core,
      rendererDir: local.rendererDir,
      port: server.port,
      token: server.token,
    })
    try {
      await vi.waitFor(() => expect(core.events.size).toBe(1), { timeout: 5000 })
      const reply = valueOf(await core.dispatch('app.ping', { message: 'back' }, { face: 'test' }))
      await vi.waitFor(() => expect(pings).toEqual([reply]))
    } finally {
      transport.close()
      await again.close()
      await local.close()
    }
  })
})
