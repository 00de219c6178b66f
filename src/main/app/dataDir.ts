import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_DIR_NAME = 'Zoo Explorer'

export interface DataDirSources {
  /** Value of `--data-dir`, if given. */
  flag?: string | undefined
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  home?: string
}

/**
 * Where user data lives: `--data-dir`, else `ZOO_DATA_DIR`, else the platform's user-data folder
 * (the same folder Electron's `app.getPath('userData')` would pick for this app name).
 */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env
  if (sources.flag) return resolve(sources.flag)
  if (env.ZOO_DATA_DIR) return resolve(env.ZOO_DATA_DIR)
  return defaultDataDir(sources.platform ?? process.platform, env, sources.home ?? homedir())
}

export function defaultDataDir(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  home: string,
): string {
  // An empty variable counts as unset (XDG spec); otherwise data would land in the working folder.
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME)
}

export function ensureDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return dir
}
