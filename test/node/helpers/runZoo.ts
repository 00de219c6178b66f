import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { join } from 'node:path'
import type { CliIo } from '../../../src/main/cli/command'
import { runCli } from '../../../src/main/cli/runCli'
import { projectRoot } from './paths'
import { tempDirForTest } from './tempDir'

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs the CLI in-process with captured output and ZOO_DATA_DIR pointing at `dataDir`. */
export async function zoo(
  argv: string[],
  dataDir = tempDirForTest('zoo-cli'),
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { ...env, ZOO_DATA_DIR: dataDir },
  }
  const code = await runCli(argv, io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/**
 * Starts the built `zoo` (bin/zoo.js, needs `out/`) as its own process, with ZOO_DATA_DIR taken
 * out of the environment so only `--data-dir` or `env` name the data folder.
 */
export function spawnZoo(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams {
  const childEnv = { ...process.env }
  delete childEnv.ZOO_DATA_DIR
  return spawn(process.execPath, [join(projectRoot, 'bin', 'zoo.js'), ...argv], {
    cwd: projectRoot,
    env: { ...childEnv, ...env },
  })
}

/** Runs the built `zoo` as a child process to its end; rejects only when it cannot start or hangs. */
export function zooProcess(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = spawnZoo(argv, options.env)
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`zoo ${argv.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms`))
    }, options.timeoutMs ?? 20_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code: code ?? (signal ? 128 : 1),
        out: Buffer.concat(out).toString('utf8').replace(/\n$/, ''),
        err: Buffer.concat(err).toString('utf8').replace(/\n$/, ''),
      })
    })
  })
}
