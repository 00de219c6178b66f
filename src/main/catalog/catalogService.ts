import type { Database, Statement } from 'better-sqlite3'
import type { CatalogModel, Platform, Series } from '../../shared/catalog/types'
import type {
  CatalogListResult,
  CatalogModelDetail,
  ModelNameResolution,
  ModelRow,
  PlatformSummary,
  SeriesSummary,
} from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { buildListQuery, type ListQuery } from './catalogQuery'
import { loadedCatalogVersion } from './catalogSync'
import type { BaseRow } from './modelRow'
import { resolveModelName, type KnownName } from './resolveModelName'

type ResultRow = [id: string, latencyMs: number | null, hasLocal: number, total?: number]

/** Queries over the catalog tables. Statements are prepared once per distinct SQL text. */
export class CatalogService {
  private readonly statements = new Map<string, Statement>()
  private baseRows: { version: string; byId: Map<string, BaseRow> } | null = null
  /**
   * Finished rows by (id, latency key, local weights): a list then allocates no row objects,
   * which keeps garbage collection out of the query path. At most a few thousand entries.
   */
  private finishedRows = new Map<string, ModelRow>()

  constructor(private readonly db: Database) {}

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  version(): string {
    const version = loadedCatalogVersion(this.db)
    if (!version) {
      throw new AppError(
        'UNAVAILABLE',
        'The model catalog is not loaded: the app could not read its shipped catalog.',
      )
    }
    return version
  }

  /** The parts of every list row that no query changes, parsed once per catalog version. */
  private rowsOf(version: string): Map<string, BaseRow> {
    if (this.baseRows?.version === version) return this.baseRows.byId
    const raws = this.db.prepare('SELECT id, row_json FROM models').raw(true).all() as [
      string,
      string,
    ][]
    const byId = new Map(raws.map(([id, json]) => [id, JSON.parse(json) as BaseRow]))
    this.baseRows = { version, byId }
    this.finishedRows = new Map()
    return byId
  }

  list(query: ListQuery): CatalogListResult {
    const catalogVersion = this.version()
    const base = this.rowsOf(catalogVersion)
    const { sql, params, paged } = buildListQuery(query)
    const results = this.prepare(sql).raw(true).all(params) as ResultRow[]
    const latencyKey = query.latency
      ? `${query.latency.platform}|${query.latency.batchSize}|${query.latency.threads}`
      : ''
    const rows = results.map(([id, latencyMs, hasLocal]): ModelRow => {
      const key = `${id}|${latencyKey}|${hasLocal}`
      let row = this.finishedRows.get(key)
      if (!row) {
        row = { ...base.get(id)!, latencyMs, hasLocalWeights: hasLocal === 1 }
        this.finishedRows.set(key, row)
      }
      return row
    })
    const total = paged ? (results[0]?.[3] ?? this.countWhenPageEmpty(query)) : rows.length
    return { total, rows, catalogVersion }
  }

  /** A page past the end has no row to carry the window count: count without paging. */
  private countWhenPageEmpty(query: ListQuery): number {
    if ((query.offset ?? 0) === 0) return 0
    const { sql, params } = buildListQuery({ ...query, limit: undefined, offset: 0 })
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get(params) as { n: number }).n
  }

  /** The catalog id a typed name (id, display name, older name; any case) stands for. */
  resolve(name: string): ModelNameResolution {
    this.version()
    const known = this.prepare(
      `SELECT name, model_id AS modelId, kind, source FROM model_names WHERE name = ?
       ORDER BY model_id`,
    ).all(name) as KnownName[]
    return resolveModelName(name, known)
  }

  /** One entry with every source, by any name `resolve` takes (what the faces call). */
  find(name: string): CatalogModelDetail {
    const resolved = this.resolve(name)
    return { ...this.get(resolved.id), resolved }
  }

  /** One entry with every source, by its exact id (what services call). */
  get(id: string): CatalogModelDetail {
    this.version()
    const resolved: ModelNameResolution = { name: id, id, via: 'id', source: null }
    const row = this.prepare('SELECT json FROM model_documents WHERE id = ?').get(id) as
      { json: string } | undefined
    if (!row) throw new AppError('NOT_FOUND', `There is no model "${id}" in the catalog.`)
    const model = JSON.parse(row.json) as CatalogModel
    const series = this.prepare('SELECT json FROM series WHERE id = ?').get(model.series) as {
      json: string
    }
    const platformIds = [...new Set(model.latencies.map((latency) => latency.platform))]
    const platforms = this.platforms().filter((platform) => platformIds.includes(platform.id))
    const hasLocalWeights =
      this.prepare(
        `SELECT 1 WHERE EXISTS (SELECT 1 FROM model_files WHERE model_id = @id)
           OR EXISTS (SELECT 1 FROM artifacts WHERE model_id = @id)`,
      ).get({ id }) !== undefined
    return {
      model,
      series: JSON.parse(series.json) as Series,
      platforms,
      hasLocalWeights,
      resolved,
    }
  }

  series(): SeriesSummary[] {
    this.version()
    // Zoo models only: a series that holds nothing but entries outside the zoo is not listed.
    const rows = this.prepare(
      `SELECT s.json, COUNT(m.id) AS modelCount
       FROM series s JOIN models m ON m.series_id = s.id AND m.entry_kind = 'zoo'
       GROUP BY s.id ORDER BY s.position`,
    ).all() as { json: string; modelCount: number }[]
    return rows.map((row) => ({ ...(JSON.parse(row.json) as Series), modelCount: row.modelCount }))
  }

  platforms(): PlatformSummary[] {
    this.version()
    const platforms = this.prepare('SELECT json FROM platforms ORDER BY position').all() as {
      json: string
    }[]
    const keys = this.prepare(
      `SELECT platform_id AS platform, batch_size AS batchSize, threads, COUNT(*) AS modelCount
       FROM latencies GROUP BY platform_id, batch_size, threads ORDER BY platform_id, batch_size, threads`,
    ).all() as { platform: string; batchSize: number; threads: number; modelCount: number }[]
    return platforms.map((row) => {
      const platform = JSON.parse(row.json) as Platform
      return {
        ...platform,
        keys: keys
          .filter((key) => key.platform === platform.id)
          .map(({ batchSize, threads, modelCount }) => ({
            batchSize,
            threads: threads === 0 ? null : threads,
            modelCount,
          })),
      }
    })
  }
}
