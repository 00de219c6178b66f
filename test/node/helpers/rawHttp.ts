/**
 * Requests through node:http, for what fetch will not send: a forged Host header, an Origin, or a
 * path with `..` segments that a URL parser would normalise away before it leaves the client.
 */
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'

export interface RawRequest {
  method?: string
  path: string
  headers?: OutgoingHttpHeaders
  body?: string
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export function rawRequest(port: number, options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Parses a JSON body, failing the test with the raw text when it is not JSON. */
export function jsonOf(response: RawResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown
  } catch {
    throw new Error(`Expected a JSON body, got ${response.status}: ${response.body}`)
  }
}
