/**
 * Loads the shipped catalog into SQLite when its version differs from the loaded one, in one
 * transaction, touching only catalog tables: user data (settings, model_files, runs) stays.
 */
import type { Database } from 'better-sqlite3'
import type { CatalogBundle } from '../../shared/catalog/types'
import { baseRowOf } from './modelRow'

const VERSION_KEY = 'catalog_version'
const SOURCES_KEY = 'catalog_sources'

export function loadedCatalogVersion(db: Database): string | null {
  const row = db
    .prepare<[string], { value: string }>('SELECT value FROM catalog_meta WHERE key = ?')
    .get(VERSION_KEY)
  return row?.value ?? null
}

/** The documents the loaded catalog was built from (cited in exported charts). */
export function loadedCatalogSources(db: Database): string[] {
  const row = db
    .prepare<[string], { value: string }>('SELECT value FROM catalog_meta WHERE key = ?')
    .get(SOURCES_KEY)
  return row ? (JSON.parse(row.value) as string[]) : []
}

export interface SyncReport {
  version: string
  reloaded: boolean
}

export function syncCatalog(db: Database, bundle: CatalogBundle): SyncReport {
  const version = bundle.meta.catalogVersion
  if (loadedCatalogVersion(db) === version) return { version, reloaded: false }

  const insertPlatform = db.prepare('INSERT INTO platforms (id, position, json) VALUES (?, ?, ?)')
  const insertSeries = db.prepare(
    'INSERT INTO series (id, position, section, json) VALUES (?, ?, ?, ?)',
  )
  const insertModel = db.prepare(`
    INSERT INTO models (id, position, display_name, series_id, family, section, pretraining, distillation,
      input_size, top1, top5, params_m, flops_g, size_mb, pretrained_url, inference_url, row_json, entry_kind)
    VALUES (@id, @position, @displayName, @series, @family, @section, @pretraining, @distillation,
      @inputSize, @top1, @top5, @paramsM, @flopsG, @sizeMB, @pretrained, @inference, @row, @entryKind)`)
  const insertName = db.prepare(
    'INSERT OR IGNORE INTO model_names (name, model_id, kind, source) VALUES (?, ?, ?, ?)',
  )
  const insertDocument = db.prepare('INSERT INTO model_documents (id, json) VALUES (?, ?)')
  const insertLatency = db.prepare(
    'INSERT INTO latencies (model_id, platform_id, batch_size, threads, ms) VALUES (?, ?, ?, ?, ?)',
  )
  const insertFts = db.prepare(
    'INSERT INTO models_fts (rowid, id, display_name, series, family, aliases, description) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )

  // IMMEDIATE, and the version looked at again under the lock: a second process opening the same
  // data folder at the same moment waits, then finds the catalog loaded.
  const reloaded = db.transaction(() => {
    if (loadedCatalogVersion(db) === version) return false
    db.exec(
      'DELETE FROM model_names; DELETE FROM latencies; DELETE FROM models_fts; DELETE FROM models; DELETE FROM series; DELETE FROM platforms;',
    )
    const outside = bundle.outside ?? { series: [], models: [] }
    const allSeries = [...bundle.series, ...outside.series]
    bundle.platforms.forEach((platform, position) =>
      insertPlatform.run(platform.id, position, JSON.stringify(platform)),
    )
    const seriesById = new Map(allSeries.map((series) => [series.id, series]))
    allSeries.forEach((series, position) =>
      insertSeries.run(series.id, position, series.section, JSON.stringify(series)),
    )
    // Zoo models first: positions (the default order) keep them ahead of entries outside it.
    ;[...bundle.models, ...outside.models].forEach((model, position) => {
      const info = insertModel.run({
        id: model.id,
        position,
        displayName: model.displayName,
        series: model.series,
        family: model.family,
        section: model.section,
        pretraining: model.pretraining,
        distillation: model.distillation,
        inputSize: model.inputSize,
        top1: model.top1?.value ?? null,
        top5: model.top5?.value ?? null,
        paramsM: model.paramsM?.value ?? null,
        flopsG: model.flopsG?.value ?? null,
        sizeMB: model.sizeMB?.value ?? null,
        pretrained: model.downloads.pretrained,
        inference: model.downloads.inference,
        row: JSON.stringify(baseRowOf(model)),
        entryKind: model.entryKind ?? 'zoo',
      })
      insertName.run(model.id, model.id, 'id', null)
      insertName.run(model.displayName, model.id, 'displayName', null)
      for (const alias of model.aliases) {
        insertName.run(
          alias.name,
          model.id,
          'alias',
          `${alias.source.document}:${alias.source.line}`,
        )
      }
      insertDocument.run(model.id, JSON.stringify(model))
      for (const latency of model.latencies) {
        insertLatency.run(
          model.id,
          latency.platform,
          latency.batchSize,
          latency.threads ?? 0,
          latency.ms,
        )
      }
      const series = seriesById.get(model.series)
      insertFts.run(
        info.lastInsertRowid,
        model.id,
        model.displayName,
        model.series,
        model.family,
        model.aliases.map((alias) => alias.name).join(' '),
        [series?.description.en, series?.description.zh].filter(Boolean).join(' '),
      )
    })
    const setMeta = db.prepare(
      'INSERT INTO catalog_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    setMeta.run(SOURCES_KEY, JSON.stringify(bundle.meta.sources.map((source) => source.document)))
    setMeta.run(VERSION_KEY, version)
    return true
  })
  return { version, reloaded: reloaded.immediate() }
}
