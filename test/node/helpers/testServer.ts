/**
 * Browser mode for tests: a real core on a temp data folder, a tiny renderer folder, and the real
 * HTTP server on 127.0.0.1. Files placed beside (not inside) the renderer folder let path
 * traversal tests see whether anything outside it leaks.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openAppCore, type AppCore } from '../../../src/main/core/appCore'
import {
  startHttpServer,
  type HttpServerOptions,
  type RunningHttpServer,
} from '../../../src/main/http/httpServer'
import { makeTempDir, removeDir } from './tempDir'

export interface TestServer {
  root: string
  rendererDir: string
  core: AppCore
  server: RunningHttpServer
  /** Contents of the fixture files, to compare with what the server sends. */
  files: { indexHtml: string; appJs: string }
  /** Marker written into files outside the renderer folder; must never appear in a response. */
  secret: string
  logs: string[]
  close(): Promise<void>
}

export type TestServerOptions = Partial<Omit<HttpServerOptions, 'core' | 'rendererDir'>>

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const root = makeTempDir('zoo-http')
  const rendererDir = join(root, 'renderer')
  const secret = `SECRET-${Math.random().toString(36).slice(2)}`
  const files = {
    indexHtml: `<!doctype html><html><head><title>Zoo test page</title></head><body><script type="module" src="/assets/app.js"></script></body></html>\n`,
    appJs: "console.log('zoo test app')\n",
  }
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), files.indexHtml)
  writeFileSync(join(rendererDir, 'assets', 'app.js'), files.appJs)
  writeFileSync(join(root, 'secret.txt'), secret)
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: secret }))
  mkdirSync(join(root, 'renderer-evil'))
  writeFileSync(join(root, 'renderer-evil', 'secret.txt'), secret)

  const logs: string[] = []
  const core = openAppCore({
    dataDir: join(root, 'data'),
    host: 'browser',
    log: (message) => logs.push(message),
  })
  let server: RunningHttpServer
  try {
    server = await startHttpServer({ core, rendererDir, ...options })
  } catch (error) {
    core.close()
    removeDir(root)
    throw error
  }
  return {
    root,
    rendererDir,
    core,
    server,
    files,
    secret,
    logs,
    async close() {
      await server.close()
      core.close()
      removeDir(root)
    },
  }
}
