// Finds out whether the Electron desktop shell can run here, and prepares what it needs
// (the Electron binary, and better-sqlite3 compiled for Electron's ABI).
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { root } from './ensure-built.js'
import { npmNodeGyp } from './npm-node-gyp.js'

const require = createRequire(import.meta.url)
export const electronSqliteBinding = join(root, 'native', 'electron', 'better_sqlite3.node')

/** The Electron binary's path, or null with the reason it is not usable. */
export function findElectron() {
  try {
    const binary = require('electron')
    if (typeof binary === 'string' && existsSync(binary)) return { binary }
    return { binary: null, reason: 'the Electron runtime is not installed' }
  } catch {
    return { binary: null, reason: 'the Electron runtime is not installed' }
  }
}

export function hasDisplay(env = process.env) {
  return process.platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

/** Downloads the Electron binary (needs internet). */
export function fetchElectron() {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
    cwd: root,
    stdio: 'inherit',
  })
  return result.status === 0
}

/**
 * Compiles better-sqlite3 against Electron's headers into native/electron/, kept apart from the
 * Node build in node_modules so that `npm test` (plain Node) keeps working. Needs internet once
 * for the headers.
 */
export function buildElectronSqlite() {
  const electronVersion = JSON.parse(
    readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version
  const source = dirname(require.resolve('better-sqlite3/package.json'))
  const work = mkdtempSync(join(tmpdir(), 'zoo-sqlite-electron-'))
  try {
    cpSync(source, work, {
      recursive: true,
      filter: (path) => !path.includes(`${join(source, 'build')}`),
    })
    const env = { ...process.env }
    // A user-level `nodedir` would make node-gyp compile against Node's headers instead.
    delete env.npm_config_nodedir
    delete env.NPM_CONFIG_NODEDIR
    const result = spawnSync(
      process.execPath,
      [
        npmNodeGyp,
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
      { cwd: work, stdio: 'inherit', env },
    )
    if (result.status !== 0) return false
    mkdirSync(dirname(electronSqliteBinding), { recursive: true })
    copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), electronSqliteBinding)
    return true
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
