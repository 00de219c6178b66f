import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { AppInfo } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import packageJson from '../../package.json'
import { EXIT, exitStatusOf, reportFailure } from '../../src/main/cli/reportFailure'
import { commands } from '../../src/main/cli/runCli'
import { projectRoot } from './helpers/paths'
import { spawnZoo, zoo, zooProcess } from './helpers/runZoo'
import { tempDirForTest } from './helpers/tempDir'

function realSqliteVersion(): string {
  const db = new BetterSqlite3(':memory:')
  try {
    return db.prepare('SELECT sqlite_version()').pluck().get() as string
  } finally {
    db.close()
  }
}

describe('zoo info', () => {
  it('--json prints the real versions and the data folder from ZOO_DATA_DIR', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const run = await zoo(['info', '--json'], dataDir)

    expect(run).toMatchObject({ code: 0, err: '' })
    const info = JSON.parse(run.out) as AppInfo
    expect(info.versions.sqlite).toBe(realSqliteVersion())
    expect(info.dataDir).toBe(dataDir)
    expect(info.host).toBe('cli')
    expect(info.version).toBe(packageJson.version)
    expect(existsSync(info.databasePath)).toBe(true)
  })

  it('--data-dir wins over ZOO_DATA_DIR', async () => {
    const flagDir = join(tempDirForTest('zoo-cli'), 'from-flag')
    const run = await zoo(['info', '--json', '--data-dir', flagDir])
    expect(run.code).toBe(0)
    expect((JSON.parse(run.out) as AppInfo).dataDir).toBe(flagDir)
  })

  it('prints readable text naming SQLite and the data folder', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const run = await zoo(['info'], dataDir)
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toMatch(
      new RegExp(`^SQLite\\s+${realSqliteVersion().replaceAll('.', '\\.')}$`, 'm'),
    )
    expect(run.out).toMatch(/^Data folder\s+.+$/m)
    expect(run.out).toContain(dataDir)
    expect(() => JSON.parse(run.out)).toThrow()
  })
})

describe('help and version', () => {
  it.each<[string[], string]>([
    [[], 'Usage: zoo <command>'],
    [['--help'], 'Usage: zoo <command>'],
    [['-h'], 'Usage: zoo <command>'],
    [['help'], 'Usage: zoo <command>'],
    [['info', '--help'], 'Usage: zoo info [--json]'],
    [['info', '-h'], 'Usage: zoo info [--json]'],
    [['info', '--json', '--help'], 'Usage: zoo info [--json]'],
    [['help', 'info'], 'Usage: zoo info [--json]'],
    [['serve', '--help'], 'Usage: zoo serve'],
    [['help', 'serve'], 'Usage: zoo serve'],
  ])('zoo %j exits 0 with usage text', async (argv, usage) => {
    const run = await zoo(argv)
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toContain(usage)
    expect(run.out).toContain('--data-dir')
  })

  it('lists every command in the main help', async () => {
    const { out } = await zoo(['--help'])
    const lines = out.split('\n').map((line) => line.trim().split(/\s{2,}/))
    for (const command of commands) expect(lines).toContainEqual([command.name, command.summary])
  })

  it('--version prints the package version', async () => {
    expect(await zoo(['--version'])).toEqual({ code: 0, out: packageJson.version, err: '' })
  })
})

describe('usage errors exit 2', () => {
  it.each<[string[], string, string]>([
    [['frobnicate'], 'unknown command "frobnicate"', 'Usage: zoo <command>'],
    [['info', '--bogus'], '--bogus', 'Usage: zoo info'],
    [['info', '--json=yes'], '--json', 'Usage: zoo info'],
    [['info', 'extra'], 'takes no arguments, got "extra"', 'Usage: zoo info'],
    [['serve', '--port', 'abc'], '--port must be a whole number', 'Usage: zoo serve'],
    [['serve', '--port=70000'], '--port must be a whole number', 'Usage: zoo serve'],
    [['serve', '--port=-1'], '--port must be a whole number', 'Usage: zoo serve'],
    [['serve', '--port=1.5'], '--port must be a whole number', 'Usage: zoo serve'],
    [['serve', '--port'], '--port', 'Usage: zoo serve'],
    [['serve', 'now'], 'takes no arguments', 'Usage: zoo serve'],
  ])('zoo %j', async (argv, message, usage) => {
    const run = await zoo(argv)
    expect(run.code).toBe(2)
    expect(run.out).toBe('')
    expect(run.err).toContain(message)
    expect(run.err).toContain(usage)
  })
})

describe('the built zoo binary', () => {
  it('runs `zoo info --json --data-dir <dir>` as a child process', async () => {
    const built = join(projectRoot, 'out', 'main', 'cli.js')
    if (!existsSync(built)) {
      throw new Error(`${built} is missing: run npm run build before the tests.`)
    }
    const dataDir = tempDirForTest('zoo-bin')
    const env = { ...process.env }
    delete env.ZOO_DATA_DIR
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(projectRoot, 'bin', 'zoo.js'), 'info', '--json', '--data-dir', dataDir],
      { cwd: projectRoot, env, timeout: 20_000 },
    )
    const info = JSON.parse(stdout) as AppInfo
    expect(info.dataDir).toBe(dataDir)
    expect(info.host).toBe('cli')
    expect(info.version).toBe(packageJson.version)
    expect(info.versions.sqlite).toBe(realSqliteVersion())
    expect(existsSync(join(dataDir, 'zoo.sqlite'))).toBe(true)
  })
})

/** `{ ok: false, error }` as `--json` prints a failure on stdout. */
function jsonFailure(out: string): ApiError {
  const parsed = JSON.parse(out) as { ok: boolean; error: ApiError }
  expect(parsed.ok).toBe(false)
  return parsed.error
}

/** A data folder whose database a newer Zoo Explorer wrote. */
async function newerDataDir(): Promise<string> {
  const dataDir = tempDirForTest('zoo-newer')
  expect((await zoo(['info'], dataDir)).code).toBe(0)
  const db = new BetterSqlite3(join(dataDir, 'zoo.sqlite'))
  db.pragma('user_version = 9999')
  db.close()
  return dataDir
}

describe('a reader that stops early ends the command quietly, with status 0', () => {
  it('`zoo models --json` into a reader that closes after the first chunk', async () => {
    const child = spawnZoo(['models', '--json', '--data-dir', tempDirForTest('zoo-epipe')])
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    let first = ''
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString()
      child.stdout.destroy() // like `head -c`: read a little, then close the pipe
    })
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    )
    expect(first.startsWith('[')).toBe(true)
    expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: '' })
  })

  it('`zoo info` whose stdout is closed before it writes anything', async () => {
    const child = spawnZoo(['info', '--data-dir', tempDirForTest('zoo-epipe')])
    child.stdout.destroy()
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect({ code, err }).toEqual({ code: 0, err: '' })
  })

  it('`zoo models --json | head -c 100` in a shell, under pipefail', async () => {
    const dataDir = tempDirForTest('zoo-epipe')
    const script = `set -o pipefail; "${process.execPath}" bin/zoo.js models --json --data-dir "${dataDir}" | head -c 100 >/dev/null`
    const child = spawn('bash', ['-c', script], { cwd: projectRoot })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect({ code, err }).toEqual({ code: 0, err: '' })
  })
})

describe('failures print one way: "zoo <command>: <message> [<CODE>]", and JSON with --json', () => {
  it('a model that does not exist (real zoo processes): exit 1, the line on stderr; with --json the result on stdout', async () => {
    const dataDir = tempDirForTest('zoo')
    const [text, json] = await Promise.all([
      zooProcess(['model', 'NoSuchModelAtAll', '--data-dir', dataDir]),
      zooProcess(['model', 'NoSuchModelAtAll', '--json', '--data-dir', dataDir]),
    ])
    expect(text).toMatchObject({ code: 1, out: '' })
    expect(text.err.split('\n')[0]).toMatch(/^zoo model: .*NoSuchModelAtAll.* \[NOT_FOUND\]$/)
    expect(json.code).toBe(1)
    expect(jsonFailure(json.out)).toEqual({ code: 'NOT_FOUND', message: expect.any(String) })
    expect(json.err).toMatch(/^zoo model: .* \[NOT_FOUND\]$/m)
  })

  it('a data folder from a newer app (a real zoo process): exit 1, UNAVAILABLE, no stack trace', async () => {
    const dataDir = await newerDataDir()
    const [text, json] = await Promise.all([
      zooProcess(['info', '--data-dir', dataDir]),
      zooProcess(['info', '--json', '--data-dir', dataDir]),
    ])
    expect(text).toMatchObject({ code: 1, out: '' })
    expect(text.err).toMatch(
      /^zoo info: This data folder was written by a newer .* \[UNAVAILABLE\]$/,
    )
    expect(text.err).not.toMatch(/\n\s+at /)
    expect(json.code).toBe(1)
    expect(jsonFailure(json.out)).toMatchObject({ code: 'UNAVAILABLE' })
  })

  it('input the service refuses: exit 2, the details in the JSON, the usage on stderr', async () => {
    const run = await zoo(['models', '--limit', '0', '--json'])
    expect(run.code).toBe(2)
    const error = jsonFailure(run.out)
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.details).toEqual({ issues: [{ path: 'limit', message: expect.any(String) }] })
    expect(run.err).toMatch(/^zoo models: Invalid input for catalog\.list: .* \[INVALID_INPUT\]$/m)
    expect(run.err).toContain('Usage: zoo models')
  })

  it.each<[string, string[], RegExp]>([
    ['an unknown option', ['info', '--bogus'], /^zoo info: .*--bogus.* \[INVALID_INPUT\]$/m],
    [
      'an unknown command',
      ['frobnicate'],
      /^zoo: unknown command "frobnicate"\. \[INVALID_INPUT\]$/m,
    ],
    [
      'a bad flag value',
      ['models', '--sort', 'speed'],
      /^zoo models: --sort must be one of .* \[INVALID_INPUT\]$/m,
    ],
  ])('%s: exit 2 with the code', async (_label, argv, line) => {
    const run = await zoo(argv)
    expect(run.code).toBe(2)
    expect(run.err).toMatch(line)
  })

  it('a usage error with --json: the JSON failure on stdout too', async () => {
    const run = await zoo(['models', '--sort', 'speed', '--json'])
    expect(run.code).toBe(2)
    expect(jsonFailure(run.out)).toEqual({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('--sort must be one of'),
    })
  })

  it('an --out that cannot be written: exit 2, INVALID_INPUT, saying to choose another', async () => {
    const out = join(tempDirForTest('zoo'), 'no-such-folder', 'chart.svg')
    const run = await zoo(['export', 'chart', '--out', out])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(
      /^zoo export: cannot write .*chart\.svg: .*Choose another --out\. \[INVALID_INPUT\]$/m,
    )
    expect(existsSync(join(out, '..'))).toBe(false)
  })

  it('a port in use: exit 1, UNAVAILABLE', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
    const port = (blocker.address() as { port: number }).port
    const run = await zoo(['serve', '--port', String(port), '--no-open'])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(
      new RegExp(
        `^zoo serve: cannot listen on 127\\.0\\.0\\.1: port ${port} is in use.* \\[UNAVAILABLE\\]$`,
      ),
    )
  })
})

describe('reportFailure and the exit statuses', () => {
  it.each<[Parameters<typeof exitStatusOf>[0], number]>([
    ['INVALID_INPUT', 2],
    ['NOT_FOUND', 1],
    ['INTERNAL', 1],
    ['UNAVAILABLE', 1],
    ['DISK_FULL', 1],
    ['FILE_TOO_LARGE', 1],
  ])('%s → exit %i', (code, status) => {
    expect(exitStatusOf(code)).toBe(status)
  })

  it('prints the line, and the JSON only when asked', () => {
    const lines: [string, string][] = []
    const io = {
      out: (t: string) => lines.push(['out', t]),
      err: (t: string) => lines.push(['err', t]),
      env: {},
    }
    const failure = {
      ok: false as const,
      error: { code: 'DISK_FULL' as const, message: 'Full.', details: { free: 0 } },
    }
    expect(reportFailure(io, 'cache gc', failure)).toBe(EXIT.failed)
    expect(reportFailure(io, 'cache gc', failure, true)).toBe(EXIT.failed)
    expect(lines).toEqual([
      ['err', 'zoo cache gc: Full. [DISK_FULL]'],
      ['err', 'zoo cache gc: Full. [DISK_FULL]'],
      [
        'out',
        JSON.stringify(
          { ok: false, error: { code: 'DISK_FULL', message: 'Full.', details: { free: 0 } } },
          null,
          2,
        ),
      ],
    ])
  })

  it('lists the exit statuses in the main help', async () => {
    const { out } = await zoo(['--help'])
    expect(out).toMatch(/^Exit status:$/m)
    expect(out).toMatch(/^ {2}2 {2}.*INVALID_INPUT/m)
  })
})
