import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  APP_DIR_NAME,
  defaultDataDir,
  ensureDataDir,
  resolveDataDir,
  type DataDirSources,
} from '../../src/main/app/dataDir'
import { tempDirForTest } from './helpers/tempDir'

const home = '/home/ada'

describe('resolveDataDir precedence', () => {
  it.each<[string, DataDirSources, string]>([
    [
      '--data-dir beats ZOO_DATA_DIR',
      { flag: '/flag/dir', env: { ZOO_DATA_DIR: '/env/dir' }, platform: 'linux', home },
      '/flag/dir',
    ],
    [
      'ZOO_DATA_DIR beats the platform default',
      { env: { ZOO_DATA_DIR: '/env/dir', XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home },
      '/env/dir',
    ],
    [
      'the platform default when neither is given',
      { env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home },
      join('/xdg', APP_DIR_NAME),
    ],
    [
      'an empty ZOO_DATA_DIR counts as unset',
      { env: { ZOO_DATA_DIR: '' }, platform: 'darwin', home },
      join(home, 'Library', 'Application Support', APP_DIR_NAME),
    ],
  ])('%s', (_label, sources, expected) => {
    expect(resolveDataDir(sources)).toBe(expected)
  })

  it.each<[string, DataDirSources, string]>([
    ['a relative --data-dir', { flag: join('rel', 'flag-dir'), env: {} }, join('rel', 'flag-dir')],
    [
      'a relative ZOO_DATA_DIR',
      { env: { ZOO_DATA_DIR: join('rel', 'env-dir') } },
      join('rel', 'env-dir'),
    ],
    ['a path with dot segments', { flag: 'a/./b/../c', env: {} }, join('a', 'c')],
  ])('resolves %s against the working directory', (_label, sources, relative) => {
    const resolved = resolveDataDir(sources)
    expect(isAbsolute(resolved)).toBe(true)
    expect(resolved).toBe(join(process.cwd(), relative))
  })

  it('reads process.env when no env is passed', () => {
    const dir = tempDirForTest()
    const saved = process.env.ZOO_DATA_DIR
    process.env.ZOO_DATA_DIR = dir
    try {
      expect(resolveDataDir({ platform: 'linux', home })).toBe(dir)
    } finally {
      if (saved === undefined) delete process.env.ZOO_DATA_DIR
      else process.env.ZOO_DATA_DIR = saved
    }
  })
})

describe('defaultDataDir per platform', () => {
  it.each<[string, NodeJS.Platform, NodeJS.ProcessEnv, string]>([
    [
      'linux with XDG_CONFIG_HOME',
      'linux',
      { XDG_CONFIG_HOME: '/cfg' },
      join('/cfg', APP_DIR_NAME),
    ],
    ['linux without XDG_CONFIG_HOME', 'linux', {}, join(home, '.config', APP_DIR_NAME)],
    // The XDG spec (and Chromium, whose userData path we mirror): empty means unset.
    [
      'linux with an empty XDG_CONFIG_HOME',
      'linux',
      { XDG_CONFIG_HOME: '' },
      join(home, '.config', APP_DIR_NAME),
    ],
    ['freebsd like linux', 'freebsd', {}, join(home, '.config', APP_DIR_NAME)],
    [
      'darwin (ignores XDG_CONFIG_HOME)',
      'darwin',
      { XDG_CONFIG_HOME: '/cfg' },
      join(home, 'Library', 'Application Support', APP_DIR_NAME),
    ],
    [
      'win32 with APPDATA',
      'win32',
      { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
      join('C:\\Users\\ada\\AppData\\Roaming', APP_DIR_NAME),
    ],
    ['win32 without APPDATA', 'win32', {}, join(home, 'AppData', 'Roaming', APP_DIR_NAME)],
  ])('%s', (_label, platform, env, expected) => {
    expect(defaultDataDir(platform, env, home)).toBe(expected)
    expect(resolveDataDir({ platform, env, home })).toBe(expected)
  })
})

describe('ensureDataDir', () => {
  it('creates missing parents, returns the folder, and may be called again', () => {
    const dir = join(tempDirForTest(), 'a', 'b', APP_DIR_NAME)
    expect(existsSync(dir)).toBe(false)
    expect(ensureDataDir(dir)).toBe(dir)
    expect(statSync(dir).isDirectory()).toBe(true)
    expect(ensureDataDir(dir)).toBe(dir)
  })
})
