/**
 * Starts the real browser mode (`node bin/zoo.js serve`) as a user would and reads the tokened
 * URL it prints. Shared by the end-to-end tests and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface ZooServer {
  url: string
  origin: string
  token: string
  stop(): Promise<void>
}

const projectRoot = join(import.meta.dirname, '..', '..')

export async function startZooServer(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ZooServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(projectRoot, 'bin', 'zoo.js'), 'serve', '--no-open', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`zoo serve printed no URL:\n${output}`)),
      15_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Zoo Explorer is running at (\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`zoo serve exited with ${code}:\n${output}`)))
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
