/** Incremental parser for `text/event-stream` bodies (the subset our server writes). */
export interface ServerSentEvent {
  event: string
  data: string
}

export function createSseParser(onEvent: (event: ServerSentEvent) => void) {
  let buffer = ''
  return (chunk: string): void => {
    buffer += chunk.replace(/\r\n?/g, '\n')
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
