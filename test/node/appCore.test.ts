import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { PingReply, UiSettings, UiSettingsPatch } from '@shared/contract'
import packageJson from '../../package.json'
import { DATABASE_FILE, openAppCore, type AppCore } from '../../src/main/core/appCore'
import type { Host } from '../../src/main/app/appInfo'
import { valueOf } from './helpers/results'
import { openTestCore } from './helpers/testCore'
import { tempDirForTest } from './helpers/tempDir'

const require = createRequire(import.meta.url)
const context = { face: 'test' } as const

function realSqliteVersion(): string {
  const db = new BetterSqlite3(':memory:')
  try {
    return db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v
  } finally {
    db.close()
  }
}

function storedSettingsRows(core: AppCore): number {
  return core.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM settings').get()!.n
}

describe('app.info', () => {
  it('reports the versions of the libraries actually loaded', async () => {
    const { core } = openTestCore()
    const info = valueOf(await core.dispatch('app.info', {}, context))

    expect(info.versions.sqlite).toBe(realSqliteVersion())
    expect(info.versions.sharp).toBe(sharp.versions.sharp)
    expect(info.versions.libvips).toBe(sharp.versions.vips)
    const ortPackage = require('onnxruntime-node/package.json') as { version: string }
    expect(info.versions.onnxruntime).toBe(ortPackage.version)
    expect(Object.values(ort.env.versions)).toContain(info.versions.onnxruntime)
    expect(info.versions.node).toBe(process.versions.node)
    // Under plain Node there is no Electron or Chrome.
    expect(info.versions.electron).toBeNull()
    expect(info.versions.chrome).toBeNull()
  })

  it('names the app, its version and where its data lives', async () => {
    const { core, dataDir } = openTestCore()
    const info = valueOf(await core.dispatch('app.info', {}, context))

    expect(info.name).toBe('Zoo Explorer')
    expect(info.version).toBe(packageJson.version)
    expect(info.dataDir).toBe(dataDir)
    expect(info.databasePath).toBe(join(dataDir, DATABASE_FILE))
    expect(existsSync(info.databasePath)).toBe(true)
    expect(info.platform).toBe(process.platform)
    expect(info.arch).toBe(process.arch)
  })

  it.each<Host>(['electron', 'browser', 'cli'])('says which face answered: %s', async (host) => {
    const { core } = openTestCore({ host })
    const info = valueOf(await core.dispatch('app.info', {}, context))
    expect(info.host).toBe(host)
  })

  it('creates a data folder that does not exist yet', async () => {
    const dataDir = join(tempDirForTest(), 'nested', 'data')
    const { core } = openTestCore({ dataDir })
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true)
    expect(core.dataDir).toBe(dataDir)
  })
})

describe('app.ping', () => {
  it('answers with an increasing seq and emits the same reply as an app.ping event', async () => {
    const { core } = openTestCore()
    const events: PingReply[] = []
    core.events.on('app.ping', (reply) => events.push(reply))

    const before = Date.now()
    const first = valueOf(await core.dispatch('app.ping', { message: 'one' }, context))
    const second = valueOf(await core.dispatch('app.ping', { message: 'two' }, context))

    expect(second.seq).toBe(first.seq + 1)
    expect(events).toEqual([first, second])
    expect(first.message).toBe('one')
    expect(second.message).toBe('two')
    const at = Date.parse(first.at)
    expect(new Date(at).toISOString()).toBe(first.at)
    expect(at).toBeGreaterThanOrEqual(before - 1000)
    expect(at).toBeLessThanOrEqual(Date.now() + 1000)
  })

  it('does not count or emit a ping that failed validation', async () => {
    const { core } = openTestCore()
    let emitted = 0
    core.events.subscribe(() => emitted++)

    const bad = await core.dispatchUntyped('app.ping', { message: 7 }, context)
    const good = valueOf(await core.dispatch('app.ping', { message: 'ok' }, context))

    expect(bad.ok).toBe(false)
    expect(emitted).toBe(1)
    expect(good.seq).toBe(1)
  })
})

describe('settings', () => {
  it('starts from the defaults', async () => {
    const { core } = openTestCore()
    const settings = valueOf(await core.dispatch('settings.get', {}, context))
    expect(settings).toEqual({ locale: null, theme: 'system', views: {}, guideDismissed: false })
  })

  it('persists an update across closing and reopening the core', async () => {
    const dataDir = tempDirForTest()
    const first = openAppCore({ dataDir, host: 'cli' })
    const changes: unknown[] = []
    first.events.subscribe((event, payload) => changes.push([event, payload]))
    const updated = valueOf(
      await first.dispatch(
        'settings.update',
        { theme: 'dark', locale: 'zh-CN', views: {}, guideDismissed: false },
        context,
      ),
    )
    first.close()

    const second = openAppCore({ dataDir, host: 'cli' })
    try {
      const read = valueOf(await second.dispatch('settings.get', {}, context))
      expect(updated).toEqual({ theme: 'dark', locale: 'zh-CN', views: {}, guideDismissed: false })
      expect(read).toEqual(updated)
      expect(changes).toEqual([['settings.changed', updated]])
    } finally {
      second.close()
    }
  })

  it.each<[string, UiSettingsPatch[], UiSettings]>([
    [
      'one field keeps the other',
      [{ theme: 'light' }, { locale: 'en' }],
      { theme: 'light', locale: 'en', views: {}, guideDismissed: false },
    ],
    [
      'locale back to null',
      [{ locale: 'zh-CN' }, { locale: null }],
      { theme: 'system', locale: null, views: {}, guideDismissed: false },
    ],
    [
      'an empty patch changes nothing',
      [{ theme: 'dark' }, {}],
      { theme: 'dark', locale: null, views: {}, guideDismissed: false },
    ],
    [
      'view states merge per view, and an empty string forgets one',
      [
        { views: { models: 'sort=top1' } },
        { views: { explore: 'x=flopsG' } },
        { views: { models: '' } },
      ],
      { theme: 'system', locale: null, views: { explore: 'x=flopsG' }, guideDismissed: false },
    ],
  ])('merges patches: %s', async (_label, patches, expected) => {
    const { core } = openTestCore()
    const changes: unknown[] = []
    core.events.subscribe((event, payload) => {
      if (event === 'settings.changed') changes.push(payload)
    })
    for (const patch of patches) valueOf(await core.dispatch('settings.update', patch, context))

    expect(valueOf(await core.dispatch('settings.get', {}, context))).toEqual(expected)
    expect(changes).toHaveLength(patches.length)
    expect(changes.at(-1)).toEqual(expected)
  })

  it.each([
    { theme: 'blue' },
    { locale: 'fr' },
    { theme: 'dark', extra: 1 },
    { theme: null },
    { views: { classify: 'x=1' } },
    { views: { models: 'x'.repeat(8001) } },
  ])('refuses %j with INVALID_INPUT and stores nothing', async (patch) => {
    const { core } = openTestCore()
    let emitted = 0
    core.events.subscribe(() => emitted++)

    const result = await core.dispatchUntyped('settings.update', patch, context)

    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT')
    expect(storedSettingsRows(core)).toBe(0)
    expect(emitted).toBe(0)
    expect(valueOf(await core.dispatch('settings.get', {}, context))).toEqual({
      locale: null,
      theme: 'system',
      views: {},
      guideDismissed: false,
    })
  })

  it('keeps the previous value when a later update is invalid', async () => {
    const { core } = openTestCore()
    valueOf(await core.dispatch('settings.update', { theme: 'dark' }, context))
    const result = await core.dispatchUntyped('settings.update', { theme: 'blue' }, context)
    expect(result.ok).toBe(false)
    expect(valueOf(await core.dispatch('settings.get', {}, context))).toEqual({
      locale: null,
      theme: 'dark',
      views: {},
      guideDismissed: false,
    })
  })

  it.each<[string, UiSettings]>([
    ['{not json', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    ['', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    ['42', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    ['null', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    ['"dark"', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    ['["dark"]', { locale: null, theme: 'system', views: {}, guideDismissed: false }],
    [
      '{"theme":"blue","locale":"fr"}',
      { locale: null, theme: 'system', views: {}, guideDismissed: false },
    ],
    [
      '{"theme":"dark","locale":"xx"}',
      { locale: null, theme: 'dark', views: {}, guideDismissed: false },
    ],
    [
      '{"theme":7,"locale":"zh-CN"}',
      { locale: 'zh-CN', theme: 'system', views: {}, guideDismissed: false },
    ],
    [
      '{"guideDismissed":"yes"}',
      { locale: null, theme: 'system', views: {}, guideDismissed: false },
    ],
    ['{"guideDismissed":true}', { locale: null, theme: 'system', views: {}, guideDismissed: true }],
  ])('falls back to defaults for a corrupt stored value %j', async (raw, expected) => {
    const { core } = openTestCore()
    core.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('ui', ?, 'x')").run(raw)

    expect(valueOf(await core.dispatch('settings.get', {}, context))).toEqual(expected)
    // An update on top of garbage works and replaces it.
    const updated = valueOf(await core.dispatch('settings.update', { locale: 'en' }, context))
    expect(updated).toEqual({ ...expected, locale: 'en' })
    const stored = core.db.prepare<[], { value: string }>('SELECT value FROM settings').get()!
    expect(JSON.parse(stored.value)).toEqual(updated)
  })
})

describe('lifecycle', () => {
  it('reports the migration on first open and none on the next', () => {
    const dataDir = tempDirForTest()
    const first = openAppCore({ dataDir, host: 'cli' })
    const firstReport = first.migration
    first.close()
    const second = openAppCore({ dataDir, host: 'cli' })
    const secondReport = second.migration
    second.close()

    expect(firstReport.from).toBe(0)
    expect(firstReport.applied.length).toBeGreaterThan(0)
    expect(secondReport).toEqual({ from: firstReport.to, to: firstReport.to, applied: [] })
  })

  it('closes the database, and a second close is harmless', () => {
    const { core } = openTestCore()
    core.close()
    expect(core.db.open).toBe(false)
    expect(() => core.close()).not.toThrow()
  })
})
