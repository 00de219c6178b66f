import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { AppInfo } from '@shared/contract'
import packageJson from '../../package.json'
import { commands } from '../../src/main/cli/runCli'
import { projectRoot } from './helpers/paths'
import { zoo } from './helpers/runZoo'
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
