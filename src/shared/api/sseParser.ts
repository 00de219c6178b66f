/** Incremental parser for `text/event-stream` bodies (the subset our server writes). */
export interface ServerSentEvent {
  event: string
  data: string
}

export function createSseParser(onEvent: (event: ServerSentEvent) => void) {
  let buffer = ''
  // A CR ends a line at once; if the next chunk starts with the LF of that CRLF, it is dropped.
  let endedWithCr = false
  return (chunk: string): void => {
    const text = endedWithCr && chunk.startsWith('\n') ? chunk.slice(1) : chunk
    if (chunk.length > 0) endedWithCr = chunk.endsWith('\r')
    buffer += text.replace(/\r\n?/g, '\n')
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      if (data.length > 0) onEvent({ event, data: data.join('\n') })
      end = buffer.indexOf('\n\n')
    }
  }
}

export function formatSseEvent(event: string, payload: unknown): string {
  const data = JSON.stringify(payload)
  return `event: ${event}\ndata: ${data}\n\n`
}
