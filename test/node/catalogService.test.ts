/**
 * The catalog as the app serves it: the shipped JSON loaded into real SQLite, queried through
 * the same dispatch every face uses. Expectations are computed from resources/catalog/*.json
 * independently of the SQL.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CatalogBundle, CatalogModel } from '@shared/catalog/types'
import type {
  CatalogListInput,
  CatalogListResult,
  PlatformSummary,
  SeriesSummary,
} from '@shared/contract'
import { readCatalogBundle } from '../../src/main/catalog/catalogBundle'
import { loadedCatalogVersion, syncCatalog } from '../../src/main/catalog/catalogSync'
import { projectRoot } from './helpers/paths'
import { tempDirForTest } from './helpers/tempDir'
import { openTestCore } from './helpers/testCore'

const resourcesDir = join(projectRoot, 'resources')
const bundle = readCatalogBundle(resourcesDir)
const models = bundle.models

async function list(
  input: CatalogListInput,
  core = openTestCore().core,
): Promise<CatalogListResult> {
  const result = await core.dispatch('catalog.list', input, { face: 'test' })
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}

const latencyOf = (
  model: CatalogModel,
  platform: string,
  batchSize: number,
  threads: number | null,
) =>
  model.latencies.find(
    (l) => l.platform === platform && l.batchSize === batchSize && l.threads === threads,
  )?.ms ?? null

/** Orders like the service: nulls last, then by value, ties in catalog order. */
function expectedOrder(
  pick: (m: CatalogModel) => number | null,
  direction: 'asc' | 'desc',
): string[] {
  const seriesPosition = new Map(bundle.series.map((s, i) => [s.id, i]))
  return models
    .map((model, position) => ({ model, position, value: pick(model) }))
    .sort((a, b) => {
      if ((a.value === null) !== (b.value === null)) return a.value === null ? 1 : -1
      if (a.value !== null && b.value !== null && a.value !== b.value) {
        return direction === 'asc' ? a.value - b.value : b.value - a.value
      }
      return (
        seriesPosition.get(a.model.series)! - seriesPosition.get(b.model.series)! ||
        a.position - b.position
      )
    })
    .map((entry) => entry.model.id)
}

describe('loading the shipped catalog', () => {
  it('loads every model on first open, and only once per catalog version', () => {
    const dataDir = tempDirForTest('zoo-catalog')
    const first = openTestCore({ dataDir }).core
    expect(first.catalogSync).toEqual({ version: bundle.meta.catalogVersion, reloaded: true })
    expect(
      first.db.prepare("SELECT COUNT(*) AS n FROM models WHERE entry_kind = 'zoo'").get(),
    ).toEqual({ n: models.length })
    expect(
      first.db.prepare("SELECT COUNT(*) AS n FROM models WHERE entry_kind != 'zoo'").get(),
    ).toEqual({ n: bundle.outside!.models.length })
    first.close()
    const again = openTestCore({ dataDir }).core
    expect(again.catalogSync).toEqual({ version: bundle.meta.catalogVersion, reloaded: false })
  })

  it('replaces the catalog when its version changes, without touching user data', async () => {
    const { core } = openTestCore()
    core.settings.updateUi({ theme: 'dark' })
    core.db
      .prepare(
        'INSERT INTO model_files (model_id, kind, sha256, path, added_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run('ResNet50', 'onnx', 'ab'.repeat(32), '/models/resnet50.onnx', '2026-01-01T00:00:00Z')
    const dropped = models[0]!.id
    const next: CatalogBundle = {
      ...bundle,
      meta: { ...bundle.meta, catalogVersion: 'next-version' },
      models: models.slice(1),
    }
    expect(syncCatalog(core.db, next)).toEqual({ version: 'next-version', reloaded: true })
    expect(loadedCatalogVersion(core.db)).toBe('next-version')
    const after = await list({}, core)
    expect(after.total).toBe(models.length - 1)
    expect(after.rows.some((row) => row.id === dropped)).toBe(false)
    expect(after.catalogVersion).toBe('next-version')
    expect(core.settings.ui().theme).toBe('dark')
    expect(after.rows.find((row) => row.id === 'ResNet50')?.hasLocalWeights).toBe(true)
  })

  it('keeps the app usable and says why when the shipped catalog is missing', async () => {
    const empty = tempDirForTest('zoo-resources')
    const { core, logs } = openTestCore({ resourcesDir: empty })
    expect('error' in core.catalogSync).toBe(true)
    expect(logs.join('\n')).toMatch(/cannot be read/)
    const result = await core.dispatch('catalog.list', {}, { face: 'test' })
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
    expect((await core.dispatch('settings.get', {}, { face: 'test' })).ok).toBe(true)
  })

  it('refuses a malformed catalog with a message that says what to do', () => {
    const dir = tempDirForTest('zoo-resources')
    mkdirSync(join(dir, 'catalog'))
    cpSync(join(resourcesDir, 'catalog'), join(dir, 'catalog'), { recursive: true })
    writeFileSync(join(dir, 'catalog', 'models.json'), '{ truncated')
    expect(() => readCatalogBundle(dir)).toThrow(/Reinstall|catalog:build/)
  })
})

describe('catalog.list', () => {
  it('returns every model with figures equal to the shipped catalog', async () => {
    const result = await list({})
    expect(result.total).toBe(models.length)
    expect(result.catalogVersion).toBe(bundle.meta.catalogVersion)
    const byId = new Map(result.rows.map((row) => [row.id, row]))
    for (const model of models) {
      const row = byId.get(model.id)!
      expect(row.top1).toBe(model.top1?.value ?? null)
      expect(row.flopsG).toBe(model.flopsG?.value ?? null)
      expect(row.series).toBe(model.series)
      expect(row.latencies).toHaveLength(model.latencies.length)
      expect(row.downloads).toEqual({
        pretrained: model.downloads.pretrained,
        inference: model.downloads.inference,
      })
    }
  })

  it.each([
    ['top1', 'desc', (m: CatalogModel) => m.top1?.value ?? null],
    ['flopsG', 'asc', (m: CatalogModel) => m.flopsG?.value ?? null],
    ['paramsM', 'desc', (m: CatalogModel) => m.paramsM?.value ?? null],
    ['sizeMB', 'asc', (m: CatalogModel) => m.sizeMB?.value ?? null],
  ] as const)('sorts by %s %s with missing values last', async (field, direction, pick) => {
    const result = await list({ sort: { field, direction } })
    expect(result.rows.map((row) => row.id)).toEqual(expectedOrder(pick, direction))
  })

  it('sorts and filters by the latency of the chosen platform, batch size and threads', async () => {
    const key = { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 } as const
    const result = await list({
      latency: key,
      ranges: [{ field: 'latency', max: 5 }],
      sort: { field: 'latency', direction: 'asc' },
    })
    const expected = models
      .filter((m) => (latencyOf(m, key.platform, 1, 4) ?? Infinity) <= 5)
      .map((m) => latencyOf(m, key.platform, 1, 4)!)
      .sort((a, b) => a - b)
    expect(result.rows.map((row) => row.latencyMs)).toEqual(expected)
    expect(expected.length).toBeGreaterThan(5)
  })

  it('sorts by a latency key other than the one it returns', async () => {
    const shown = { platform: 'v100-trt-fp32', batchSize: 1, threads: null } as const
    const byKey = { platform: 'sd855-arm-fp32', batchSize: 1, threads: 2 } as const
    for (const direction of ['asc', 'desc'] as const) {
      const result = await list({
        latency: shown,
        sort: { field: 'latency', direction, latency: byKey },
      })
      expect(result.rows.map((row) => row.id)).toEqual(
        expectedOrder((m) => latencyOf(m, byKey.platform, 1, 2), direction),
      )
      // The rows still carry the shown key's figure.
      for (const row of result.rows.slice(0, 20)) {
        const model = models.find((m) => m.id === row.id)!
        expect(row.latencyMs).toBe(latencyOf(model, shown.platform, 1, null))
      }
    }
    // Without a shown key the sort key is enough.
    const alone = await list({
      sort: {
        field: 'latency',
        direction: 'asc',
        latency: { platform: 'v100-trt-fp32', batchSize: 8 },
      },
      limit: 3,
    })
    expect(alone.rows.map((row) => row.id)).toEqual(
      expectedOrder((m) => latencyOf(m, 'v100-trt-fp32', 8, null), 'asc').slice(0, 3),
    )
    expect(alone.rows.every((row) => row.latencyMs === null)).toBe(true)
  })

  it('combines series and numeric ranges', async () => {
    const result = await list({
      series: ['ResNet', 'MobileNetV3'],
      ranges: [
        { field: 'top1', min: 0.75 },
        { field: 'flopsG', max: 5 },
      ],
    })
    const expected = models.filter(
      (m) =>
        ['ResNet', 'MobileNetV3'].includes(m.series) &&
        (m.top1?.value ?? -1) >= 0.75 &&
        (m.flopsG?.value ?? Infinity) <= 5,
    )
    expect(new Set(result.rows.map((r) => r.id))).toEqual(new Set(expected.map((m) => m.id)))
    expect(result.total).toBe(expected.length)
  })

  it.each([
    [
      'resnet50',
      (m: CatalogModel) =>
        m.id.toLowerCase().includes('resnet50') || m.displayName.toLowerCase().includes('resnet50'),
    ],
    [
      'vd',
      (m: CatalogModel) =>
        /vd/i.test(m.id) ||
        /vd/i.test(m.displayName) ||
        /vd/i.test(m.family) ||
        /vd/i.test(m.series),
    ],
    [
      'MobileNetV3 ssld',
      (m: CatalogModel) => m.id.includes('MobileNetV3') && m.id.includes('ssld'),
    ],
  ])(
    'searches for "%s" (trigram index for 3+ letters, LIKE for shorter)',
    async (search, matches) => {
      const result = await list({ search })
      const expected = models.filter(matches).map((m) => m.id)
      expect(expected.length).toBeGreaterThan(0)
      for (const id of expected) expect(result.rows.map((r) => r.id)).toContain(id)
    },
  )

  it('finds models by an alias from an older list and by their series description (CJK too)', async () => {
    const alias = models.find((m) => m.aliases.length > 0)!
    const result = await list({ search: alias.aliases[0]!.name })
    expect(result.rows.map((r) => r.id)).toContain(alias.id)
    const describedIn = (text: string) =>
      models.filter((m) =>
        bundle.series.find((s) => s.id === m.series)?.description.zh?.includes(text),
      )
    const zh = await list({ search: '系列模型文档' })
    expect(zh.total).toBe(describedIn('系列模型文档').length)
    expect(zh.total).toBeGreaterThan(0)
  })

  it('ranks the model named by the search first, then names that start with it, then the rest', async () => {
    expect((await list({ search: 'MobileNetV2' })).rows[0]!.id).toBe('MobileNetV2')
    // Any case.
    expect((await list({ search: 'mobilenetv2' })).rows[0]!.id).toBe('MobileNetV2')
    // ResNet50, then ResNet50_vd and the like, then SE_ResNet50_vd and others containing it.
    const starts = (id: string) => id.toLowerCase().startsWith('resnet50')
    const ids = (await list({ search: 'ResNet50' })).rows.map((r) => r.id)
    expect(ids[0]).toBe('ResNet50')
    const firstOther = ids.findIndex((id) => !starts(id))
    expect(firstOther).toBeGreaterThan(1)
    expect(ids.slice(firstOther).every((id) => !starts(id))).toBe(true)
    // The chosen sort orders within a rank.
    const byAccuracy = await list({
      search: 'ResNet50',
      sort: { field: 'top1', direction: 'desc' },
    })
    expect(byAccuracy.rows[0]!.id).toBe('ResNet50')
    const prefixTier = byAccuracy.rows.slice(1).filter((r) => starts(r.id))
    expect(byAccuracy.rows.slice(1, prefixTier.length + 1)).toEqual(prefixTier)
    const accuracies = prefixTier.map((r) => r.top1 ?? -1)
    expect(accuracies).toEqual([...accuracies].sort((x, y) => y - x))
    // An older name counts as the model's name.
    const alias = models.find((m) => m.aliases.some((a) => !a.name.includes(m.id)))!
    const name = alias.aliases.find((a) => !a.name.includes(alias.id))!.name
    expect((await list({ search: name })).rows[0]!.id).toBe(alias.id)
  })

  it('treats search text literally (quotes, operators, LIKE wildcards)', async () => {
    for (const search of ['"', 'res"net', 'NOT AND OR', '%', '_', 'a*', '(x)']) {
      const result = await list({ search })
      expect(Array.isArray(result.rows)).toBe(true)
    }
    expect((await list({ search: '%' })).total).toBe(0)
  })

  it('filters by distillation, pretraining, download and local weights', async () => {
    expect((await list({ distilled: true })).total).toBe(
      models.filter((m) => m.distillation).length,
    )
    expect((await list({ pretraining: 'ImageNet-22k' })).rows.map((r) => r.id).sort()).toEqual(
      models
        .filter((m) => m.pretraining === 'ImageNet-22k')
        .map((m) => m.id)
        .sort(),
    )
    expect((await list({ hasDownload: true })).total).toBe(
      models.filter((m) => m.downloads.inference).length,
    )
    const { core } = openTestCore()
    core.db
      .prepare(
        'INSERT INTO model_files (model_id, kind, sha256, path, added_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run('PPLCNet_x1_0', 'inference', 'cd'.repeat(32), '/x', '2026-01-01T00:00:00Z')
    const local = await list({ hasLocalWeights: true }, core)
    expect(local.rows.map((r) => r.id)).toEqual(['PPLCNet_x1_0'])
    expect((await list({ hasLocalWeights: false }, core)).total).toBe(models.length - 1)
  })

  it('pages with a total that counts every match', async () => {
    const all = await list({ sort: { field: 'top1', direction: 'desc' } })
    const page = await list({ sort: { field: 'top1', direction: 'desc' }, limit: 10, offset: 20 })
    expect(page.total).toBe(models.length)
    expect(page.rows.map((r) => r.id)).toEqual(all.rows.slice(20, 30).map((r) => r.id))
    const past = await list({ limit: 10, offset: 10_000 })
    expect(past.rows).toEqual([])
    expect(past.total).toBe(models.length)
  })

  it.each([
    [{ ranges: [{ field: 'latency', max: 3 }] }, 'latency'],
    [{ sort: { field: 'latency', direction: 'asc' } }, 'latency'],
    [
      { sort: { field: 'top1', latency: { platform: 'v100-trt-fp32', batchSize: 1 } } },
      'sort.latency',
    ],
    [{ sort: { field: 'latency', latency: { platform: 'tpu', batchSize: 1 } } }, 'sort.latency'],
    [{ sort: { field: 'bogus' } }, 'sort.field'],
    [{ ranges: [{ field: 'top1', min: 'high' }] }, 'ranges.0.min'],
    [{ search: 'x'.repeat(201) }, 'search'],
    [{ limit: 0 }, 'limit'],
  ])('rejects %j with INVALID_INPUT naming %s', async (input, path) => {
    const { core } = openTestCore()
    const result = await core.dispatchUntyped('catalog.list', input, { face: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT')
      expect(result.error.message).toContain(path)
    }
  })
})

describe('catalog.get, catalog.series, catalog.platforms', () => {
  it('returns a model with every figure and source exactly as shipped', async () => {
    const { core } = openTestCore()
    const model = models.find((m) => m.id === 'ResNet50_vd_ssld')!
    const result = await core.dispatch('catalog.get', { id: model.id }, { face: 'test' })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const detail = result.value
    expect(detail.model).toEqual(model)
    expect(detail.series.id).toBe(model.series)
    expect(detail.platforms.map((p) => p.id)).toEqual([
      ...new Set(model.latencies.map((l) => l.platform)),
    ])
  })

  it('says NOT_FOUND for an unknown id', async () => {
    const { core } = openTestCore()
    expect(await core.dispatch('catalog.get', { id: 'NoSuchNet' }, { face: 'test' })).toMatchObject(
      {
        ok: false,
        error: { code: 'NOT_FOUND' },
      },
    )
  })

  it('lists series with counts that add up to the catalog', async () => {
    const { core } = openTestCore()
    const result = await core.dispatch('catalog.series', {}, { face: 'test' })
    const series = (result as { value: SeriesSummary[] }).value
    expect(series.map((s) => s.id)).toEqual(bundle.series.map((s) => s.id))
    expect(series.reduce((sum, s) => sum + s.modelCount, 0)).toBe(models.length)
    for (const s of series)
      expect(s.modelCount).toBe(models.filter((m) => m.series === s.id).length)
  })

  it('lists each platform with the batch sizes and thread counts that have figures', async () => {
    const { core } = openTestCore()
    const result = await core.dispatch('catalog.platforms', {}, { face: 'test' })
    const platforms = (result as { value: PlatformSummary[] }).value
    const keysOf = (id: string) =>
      platforms.find((p) => p.id === id)!.keys.map((k) => [k.batchSize, k.threads])
    expect(keysOf('v100-trt-fp32')).toEqual([
      [1, null],
      [4, null],
      [8, null],
    ])
    expect(keysOf('sd855-arm-fp32')).toEqual([
      [1, 1],
      [1, 2],
      [1, 4],
    ])
    for (const platform of platforms) {
      for (const key of platform.keys) {
        const count = models.filter(
          (m) => latencyOf(m, platform.id, key.batchSize, key.threads) !== null,
        ).length
        expect(key.modelCount).toBe(count)
      }
    }
  })
})

describe('the committed catalog files', () => {
  it('have a meta whose counts match their contents', () => {
    const meta = JSON.parse(
      readFileSync(join(resourcesDir, 'catalog', 'meta.json'), 'utf8'),
    ) as CatalogBundle['meta']
    expect(meta.modelCount).toBe(models.length)
    expect(meta.seriesCount).toBe(bundle.series.length)
    expect(new Set(models.map((m) => m.id)).size).toBe(models.length)
  })
})
