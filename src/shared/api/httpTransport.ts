/**
 * Transport for browser mode (and tests/scripts): requests are `POST /api/invoke/<channel>`, events
 * arrive over one streamed `GET /api/events`. Both carry the per-launch token as a Bearer header,
 * so the token never has to live in a cookie.
 */
import type { UploadResult } from '../contract/inference'
import { fail, type Result } from '../errors'
import { createSseParser } from './sseParser'
import type { Transport } from './transport'

export interface HttpTransportOptions {
  baseUrl: string
  token: string
  fetch?: typeof fetch
  /** Delay before reconnecting the event stream after it drops (doubles up to 10 s). */
  reconnectDelayMs?: number
}

export interface HttpTransport extends Transport {
  /** Resolves once the event stream is connected, so callers can subscribe before acting. */
  streaming(): Promise<void>
  close(): void
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const base = options.baseUrl.replace(/\/+$/, '')
  const headers = { authorization: `Bearer ${options.token}` }
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let stream: AbortController | null = null
  let closed = false
  let markStreaming: () => void = () => {}
  let streamingNow = new Promise<void>((resolve) => (markStreaming = resolve))

  async function invoke(channel: string, input: unknown): Promise<Result<unknown>> {
    let response: Response
    try {
      response = await doFetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      })
    } catch (error) {
      return fail(
        'UNAVAILABLE',
        `Cannot reach Zoo Explorer at ${base} (${describe(error)}). Is it still running?`,
      )
    }
    try {
      return (await response.json()) as Result<unknown>
    } catch {
      return fail('INTERNAL', `The server answered ${response.status} without a JSON result.`)
    }
  }

  function deliver(event: string, data: string): void {
    const set = listeners.get(event)
    if (!set || set.size === 0) return
    let payload: unknown
    try {
      payload = JSON.parse(data)
    } catch {
      return
    }
    for (const listener of set) listener(payload)
  }

  async function runStream(controller: AbortController): Promise<void> {
    let delay = options.reconnectDelayMs ?? 500
    while (!controller.signal.aborted) {
      try {
        const response = await doFetch(`${base}/api/events`, {
          headers,
          signal: controller.signal,
        })
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
        delay = options.reconnectDelayMs ?? 500
        markStreaming()
        const parse = createSseParser(({ event, data }) => deliver(event, data))
        const decoder = new TextDecoder()
        const reader = response.body.getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          parse(decoder.decode(value, { stream: true }))
        }
      } catch {
        if (controller.signal.aborted) return
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, 10_000)
    }
  }

  function ensureStream(): void {
    if (stream || closed) return
    stream = new AbortController()
    void runStream(stream)
  }

  function stopStreamIfIdle(): void {
    for (const set of listeners.values()) if (set.size > 0) return
    stream?.abort()
    stream = null
    streamingNow = new Promise<void>((resolve) => (markStreaming = resolve))
  }

  async function upload(bytes: ArrayBuffer): Promise<Result<UploadResult>> {
    let response: Response
    try {
      response = await doFetch(`${base}/api/upload`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: bytes,
      })
    } catch (error) {
      return fail(
        'UNAVAILABLE',
        `Cannot reach Zoo Explorer at ${base} (${describe(error)}). Is it still running?`,
      )
    }
    try {
      return (await response.json()) as Result<UploadResult>
    } catch {
      return fail('INTERNAL', `The server answered ${response.status} without a JSON result.`)
    }
  }

  return {
    invoke,
    upload,
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      ensureStream()
      return () => {
        set.delete(listener)
        stopStreamIfIdle()
      }
    },
    streaming: () => streamingNow,
    close() {
      closed = true
      listeners.clear()
      stream?.abort()
      stream = null
    },
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
