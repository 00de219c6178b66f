/**
 * The catalog service with entries outside the zoo loaded: the zoo's lists, counts and series are
 * what they were; the entries are found when asked for, and every id-taking channel resolves names.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCatalogBundle } from '../../src/main/catalog/catalogBundle'
import { projectRoot } from './helpers/paths'
import { openTestCore } from './helpers/testCore'

const bundle = readCatalogBundle(join(projectRoot, 'resources'))

describe('entries outside the zoo in the catalog service', () => {
  it('leave the default list, the series and their counts to the zoo', async () => {
    const { core } = openTestCore()
    const list = await core.dispatch('catalog.list', {}, { face: 'test' })
    expect(list.ok && list.value.total).toBe(bundle.models.length)
    const series = await core.dispatch('catalog.series', {}, { face: 'test' })
    if (!series.ok) throw new Error(series.error.message)
    expect(series.value.map((s) => s.id)).toEqual(bundle.series.map((s) => s.id))
    expect(series.value.reduce((sum, s) => sum + s.modelCount, 0)).toBe(bundle.models.length)
    expect(core.chartData().rows).toHaveLength(bundle.models.length)
  })

  it('are listed, searched and opened when asked for', async () => {
    const { core } = openTestCore()
    const all = await core.dispatch(
      'catalog.list',
      { entryKinds: ['zoo', 'olderListOnly', 'surveyOnly'] },
      { face: 'test' },
    )
    if (!all.ok) throw new Error(all.error.message)
    expect(all.value.total).toBe(bundle.models.length + bundle.outside!.models.length)
    // In series order (the Models view's default), each series lists its zoo models first.
    const bySeries = await core.dispatch(
      'catalog.list',
      { entryKinds: ['zoo', 'olderListOnly'], sort: { field: 'series', direction: 'asc' } },
      { face: 'test' },
    )
    if (!bySeries.ok) throw new Error(bySeries.error.message)
    const resnet = bySeries.value.rows.filter((r) => r.series === 'ResNet').map((r) => r.entryKind)
    expect(resnet.indexOf('olderListOnly')).toBeGreaterThan(0)
    expect(resnet.slice(resnet.indexOf('olderListOnly'))).not.toContain('zoo')
    const found = await core.dispatch(
      'catalog.list',
      { search: 'EdgeViT', entryKinds: ['surveyOnly'] },
      { face: 'test' },
    )
    expect(found.ok && found.value.rows.map((r) => r.id)).toEqual([
      'EdgeViTs_S',
      'EdgeViTs_XS',
      'EdgeViTs_XXS',
    ])
    const detail = await core.dispatch('catalog.get', { id: 'EdgeViTs XS' }, { face: 'test' })
    expect(detail.ok && detail.value).toMatchObject({
      model: { id: 'EdgeViTs_XS', entryKind: 'surveyOnly' },
      series: { id: 'Backbone survey' },
      resolved: { via: 'displayName' },
    })
  })

  it('resolves names in the API’s id-taking channels, and refuses an outside entry’s pull for what it is', async () => {
    const { core } = openTestCore()
    const pull = await core.dispatch(
      'weights.pull',
      { modelId: 'ResNet50_vd_v2' },
      { face: 'test' },
    )
    // Found by the resolver; refused because today's list has no link for it.
    expect(!pull.ok && pull.error.message).toBe(
      'PaddleClas publishes no inference download for ResNet50_vd_v2.',
    )
    const alias = await core.dispatch(
      'inference.classify',
      { model: { catalogId: 'ShuffleNetV2' }, images: [{ path: '/nonexistent.jpg' }] },
      { face: 'test' },
    )
    expect(!alias.ok && alias.error.message).toMatch(/ShuffleNetV2_x1_0/)
    const unknown = await core.dispatch('weights.pull', { modelId: 'NoSuchNet' }, { face: 'test' })
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND')
  })
})
