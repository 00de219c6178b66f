/**
 * Serving the built renderer's files: request paths resolved inside its folder, and the content
 * type each file is served as (which also decides which files are pages).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Whether a file is served as a page (text/html), by the same rule that picks its content type,
 * so no file can be rendered as HTML without passing the page's checks. Case-insensitive like
 * that rule: `/INDEX.HTML` is the page on a case-insensitive file system.
 */
export function isPage(file: string): boolean {
  return contentTypeFor(file).startsWith('text/html')
}

/**
 * A request target (`/path?query`) split as sent, with nothing decoded or normalised; null for
 * any other form (`http://host/…`, `*`), which a browser never sends to an origin server.
 */
export function splitTarget(
  target: string | undefined,
): { path: string; query: URLSearchParams } | null {
  if (!target?.startsWith('/')) return null
  const mark = target.indexOf('?')
  return mark === -1
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) }
}

/**
 * Resolves a URL path inside `root`, or null when it would escape it. Decodes exactly once:
 * `%2569` stays the file name `%69…`, never `i…`.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const candidate = normalize(join(root, decoded))
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep)
    ? candidate
    : null
}

export async function sendFile(
  response: ServerResponse,
  file: string,
  headers: Record<string, string> = {},
): Promise<boolean> {
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return false
  response.writeHead(200, {
    'content-type': contentTypeFor(file),
    'content-length': String(info.size),
    ...headers,
  })
  createReadStream(file).pipe(response)
  return true
}
