import { readFile } from 'node:fs/promises'
import { protocol } from 'electron'
import { THUMB_SCHEME } from '../../shared/api/bridgeChannels'
import { answerThumbnail } from '../batch/thumbnailRequest'
import type { ThumbnailService } from '../batch/thumbnails'
import { contentSecurityPolicy } from '../security/contentSecurityPolicy'
import { contentTypeFor, resolveInside } from '../http/staticFiles'
import { APP_SCHEME } from './navigationPolicy'

/**
 * Must run before `app.whenReady()`: app:// behaves like https (secure context, fetch, CSP);
 * zoo-thumb:// is standard and secure so the page's images may load from it.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true } },
  ])
}

export function serveThumbnails(thumbnails: ThumbnailService): void {
  protocol.handle(THUMB_SCHEME, async (request) => {
    const url = new URL(request.url)
    const reply =
      url.host === 'thumb'
        ? await answerThumbnail(thumbnails, url.pathname.slice(1), url.searchParams.get('size'))
        : { status: 404, headers: {}, body: 'Not found' }
    const body = typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body)
    return new Response(body, { status: reply.status, headers: reply.headers })
  })
}

/** Serves the built renderer from `rendererDir` as app://zoo/…, with the strict CSP. */
export function serveRendererOverAppScheme(rendererDir: string): void {
  const csp = contentSecurityPolicy()
  protocol.handle(APP_SCHEME, async (request) => {
    const { pathname } = new URL(request.url)
    const file = resolveInside(rendererDir, pathname === '/' ? '/index.html' : pathname)
    const body = file ? await readFile(file).catch(() => null) : null
    if (!file || !body) return new Response('Not found', { status: 404 })
    return new Response(new Uint8Array(body), {
      headers: {
        'content-type': contentTypeFor(file),
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
      },
    })
  })
}
