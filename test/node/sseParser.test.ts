import { describe, expect, it } from 'vitest'
import { createSseParser, formatSseEvent, type ServerSentEvent } from '@shared/api/sseParser'

/** A stream with everything the parser must handle, written with LF line ends. */
const STREAM = [
  ': connected',
  '',
  'event: app.ping',
  'data: {"seq":1}',
  '',
  'data: plain message',
  '',
  'event: multi',
  'data: line one',
  'data:line two',
  'data:',
  'data:  indented',
  '',
  ': heartbeat',
  '',
  'event: no-data',
  '',
  'id: 7',
  'retry: 1000',
  'event: settings.changed',
  ': a comment inside a block',
  'data: {"theme":"dark","label":"狮子 🦁 ä"}',
  '',
  'data',
  '',
  '',
].join('\n')

/** What the SSE spec says STREAM contains (written out by hand, not computed by the parser). */
const EVENTS: ServerSentEvent[] = [
  { event: 'app.ping', data: '{"seq":1}' },
  { event: 'message', data: 'plain message' },
  { event: 'multi', data: 'line one\nline two\n\n indented' },
  { event: 'settings.changed', data: '{"theme":"dark","label":"狮子 🦁 ä"}' },
  { event: 'message', data: '' },
]

const LINE_ENDS: [string, string][] = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
]

function withLineEnd(text: string, end: string): string {
  return text.replaceAll('\n', end)
}

function parseChunks(chunks: readonly string[]): ServerSentEvent[] {
  const events: ServerSentEvent[] = []
  const parse = createSseParser((event) => events.push(event))
  for (const chunk of chunks) parse(chunk)
  return events
}

/** Feeds raw bytes through a streaming TextDecoder, the way the HTTP transport does. */
function parseByteChunks(chunks: readonly Uint8Array[]): ServerSentEvent[] {
  const decoder = new TextDecoder()
  return parseChunks(chunks.map((chunk) => decoder.decode(chunk, { stream: true })))
}

describe('createSseParser', () => {
  it.each(LINE_ENDS)('parses a whole %s stream', (_name, end) => {
    expect(parseChunks([withLineEnd(STREAM, end)])).toEqual(EVENTS)
  })

  it.each(LINE_ENDS)(
    'yields the same events from a %s stream split at every character',
    (_name, end) => {
      const text = withLineEnd(STREAM, end)
      const wrong: number[] = []
      for (let at = 0; at <= text.length; at++) {
        const events = parseChunks([text.slice(0, at), text.slice(at)])
        if (JSON.stringify(events) !== JSON.stringify(EVENTS)) wrong.push(at)
      }
      // Shown as "before"|"after" around each split that went wrong.
      const shown = wrong.map(
        (at) =>
          `${JSON.stringify(text.slice(at - 3, at))}|${JSON.stringify(text.slice(at, at + 3))}`,
      )
      expect(shown).toEqual([])
    },
  )

  it.each(LINE_ENDS)(
    'yields the same events from a %s stream split at every byte of its UTF-8',
    (_name, end) => {
      const bytes = new TextEncoder().encode(withLineEnd(STREAM, end))
      const wrong: number[] = []
      for (let at = 0; at <= bytes.length; at++) {
        const events = parseByteChunks([bytes.subarray(0, at), bytes.subarray(at)])
        if (JSON.stringify(events) !== JSON.stringify(EVENTS)) wrong.push(at)
      }
      expect(wrong).toEqual([])
    },
  )

  it.each(LINE_ENDS)(
    'yields the same events from a %s stream fed one byte at a time',
    (_n, end) => {
      const bytes = new TextEncoder().encode(withLineEnd(STREAM, end))
      const chunks = Array.from(bytes, (_, index) => bytes.subarray(index, index + 1))
      expect(parseByteChunks(chunks)).toEqual(EVENTS)
    },
  )

  it('holds a block back until its blank line arrives', () => {
    const events: ServerSentEvent[] = []
    const parse = createSseParser((event) => events.push(event))
    parse('event: a\ndata: 1\n')
    expect(events).toEqual([])
    parse('\n')
    expect(events).toEqual([{ event: 'a', data: '1' }])
  })

  it('ignores comment-only blocks such as heartbeats', () => {
    expect(parseChunks([': connected\n\n', ': heartbeat\n\n', ':\n\n'])).toEqual([])
  })

  it('does not carry an event name over to the next block', () => {
    expect(parseChunks(['event: first\ndata: 1\n\ndata: 2\n\n'])).toEqual([
      { event: 'first', data: '1' },
      { event: 'message', data: '2' },
    ])
  })
})

describe('formatSseEvent', () => {
  it.each<[string, unknown]>([
    ['app.ping', { message: 'hi', seq: 3, at: '2024-05-01T10:00:00.000Z' }],
    ['settings.changed', { locale: 'zh-CN', theme: 'dark' }],
    ['multi', 'a string\nwith a newline\r\nand CRLF'],
    ['unicode', { label: '狮子 🦁', emptyLine: '\n\n' }],
    ['scalar', 42],
    ['nothing', null],
  ])('round-trips a %s payload through the parser', (event, payload) => {
    const text = formatSseEvent(event, payload)
    expect(text.endsWith('\n\n')).toBe(true)
    const events = parseChunks([text])
    expect(events).toHaveLength(1)
    expect(events[0]?.event).toBe(event)
    expect(JSON.parse(events[0]!.data)).toEqual(payload)
  })

  it('writes consecutive events that parse back in order', () => {
    const text = formatSseEvent('a', 1) + formatSseEvent('b', { two: 2 }) + formatSseEvent('c', 'x')
    expect(parseChunks([text])).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '{"two":2}' },
      { event: 'c', data: '"x"' },
    ])
  })
})
