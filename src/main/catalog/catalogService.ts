import type { Database, Statement } from 'better-sqlite3'
import type { CatalogModel, Platform, PlatformId, Series } from '../../shared/catalog/types'
import type {
  CatalogListResult,
  CatalogModelDetail,
  ModelRow,
  PlatformSummary,
  SeriesSummary,
} from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { buildListQuery, type ListQuery } from './catalogQuery'
import { loadedCatalogVersion } from './catalogSync'

interface RawRow extends Omit<
  ModelRow,
  'latencyMs' | 'latencies' | 'downloads' | 'hasLocalWeights'
> {
  latency_ms: number | null
  latencies: string
  pretrainedUrl: string | null
  inferenceUrl: string | null
  hasLocalWeights: number
  total: number
}

/** Queries over the catalog tables. Statements are prepared once per distinct SQL text. */
export class CatalogService {
  private readonly statements = new Map<string, Statement>()

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

  list(query: ListQuery): CatalogListResult {
    const catalogVersion = this.version()
    const { sql, params } = buildListQuery(query)
    const raw = this.prepare(sql).all(params) as RawRow[]
    const rows = raw.map(
      ({
        latency_ms,
        latencies,
        total: _total,
        pretrainedUrl,
        inferenceUrl,
        hasLocalWeights,
        ...rest
      }): ModelRow => ({
        ...rest,
        latencyMs: latency_ms,
        latencies: (JSON.parse(latencies) as [PlatformId, number, number, number][]).map(
          ([platform, batchSize, threads, ms]) => ({
            platform,
            batchSize,
            threads: threads === 0 ? null : threads,
            ms,
          }),
        ),
        downloads: { pretrained: pretrainedUrl, inference: inferenceUrl },
        hasLocalWeights: hasLocalWeights === 1,
      }),
    )
    return { total: raw[0]?.total ?? 0, rows, catalogVersion }
  }

  get(id: string): CatalogModelDetail {
    this.version()
    const row = this.prepare('SELECT json FROM models WHERE id = ?').get(id) as
      { json: string } | undefined
    if (!row) throw new AppError('NOT_FOUND', `There is no model "${id}" in the catalog.`)
    const model = JSON.parse(row.json) as CatalogModel
    const series = this.prepare('SELECT json FROM series WHERE id = ?').get(model.series) as {
      json: string
    }
    const platformIds = [...new Set(model.latencies.map((latency) => latency.platform))]
    const platforms = this.platforms().filter((platform) => platformIds.includes(platform.id))
    const hasLocalWeights =
      this.prepare('SELECT 1 FROM model_files WHERE model_id = ? LIMIT 1').get(id) !== undefined
    return { model, series: JSON.parse(series.json) as Series, platforms, hasLocalWeights }
  }

  series(): SeriesSummary[] {
    this.version()
    const rows = this.prepare(
      `SELECT s.json, (SELECT COUNT(*) FROM models m WHERE m.series_id = s.id) AS modelCount
       FROM series s ORDER BY s.position`,
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
