import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveDataDir } from '../../app/dataDir'
import { openInBrowser } from '../../app/openBrowser'
import { openAppCore } from '../../core/appCore'
import { startHttpServer } from '../../http/httpServer'
import { fail } from '../../../shared/errors'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'

/** The built renderer sits beside the bundled main code: out/main/*.js → out/renderer. */
export const BUILT_RENDERER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the explorer in your browser, on 127.0.0.1 (browser mode)',
  usage: `serve [--port N] [--no-open]

Serves Zoo Explorer on 127.0.0.1 and prints its URL, which carries a per-launch token.
The first line printed is "Zoo Explorer is running at <url>".

Options:
  --port N          port to listen on (default: a free random port)
  --no-open         only print the URL; do not open a browser`,
  options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
  async run({ values }, io) {
    const raw = values.port as string | undefined
    const port = raw === undefined ? 0 : /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
    if (!Number.isInteger(port) || port > 65535) {
      throw new UsageError(
        `--port must be a whole number from 0 to 65535, got "${String(values.port)}".`,
      )
    }
    const core = openAppCore({
      dataDir: resolveDataDir({ flag: values['data-dir'] as string | undefined, env: io.env }),
      host: 'browser',
    })
    let server
    try {
      server = await startHttpServer({ core, rendererDir: BUILT_RENDERER_DIR, port })
    } catch (error) {
      core.close()
      const reason =
        (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? `port ${port} is in use`
          : String(error)
      return reportFailure(
        io,
        'serve',
        fail(
          'UNAVAILABLE',
          `cannot listen on 127.0.0.1: ${reason}. Choose another --port, or omit it.`,
        ),
      )
    }
    io.out(`Zoo Explorer is running at ${server.url}`)
    io.out(`Data folder: ${core.dataDir}`)
    io.out('Press Ctrl+C to stop.')
    if (!values['no-open']) openInBrowser(server.url, io.env)

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await server.close()
    core.close()
    return EXIT.ok
  },
}
