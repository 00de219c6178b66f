import { readFile } from 'node:fs/promises'
import { protocol } from 'electron'
import { contentSecurityPolicy } from '../security/contentSecurityPolicy'
import { contentTypeFor, resolveInside } from '../http/staticFiles'
import { APP_SCHEME } from './navigationPolicy'

/** Must run before `app.whenReady()`: app:// behaves like https (secure context, fetch, CSP). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
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
