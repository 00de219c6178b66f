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

type BaseRow = Omit<ModelRow, 'latencyMs' | 'hasLocalWeights'>
type ResultRow = [id: string, latencyMs: number | null, hasLocal: number, total?: number]

const BASE_ROWS_SQL = `
  SELECT id, display_name, series_id, family, section, pretraining, distillation, input_size,
    top1, top5, params_m, flops_g, size_mb, latencies_json, pretrained_url, inference_url
  FROM models`

/** Queries over the catalog tables. Statements are prepared once per distinct SQL text. */
export class CatalogService {
  private readonly statements = new Map<string, Statement>()
  private baseRows: { version: string; byId: Map<string, BaseRow> } | null = null

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

  /** The parts of every list row that no query changes, read once per catalog version. */
  private rowsOf(version: string): Map<string, BaseRow> {
    if (this.baseRows?.version === version) return this.baseRows.byId
    type Raw = [
      string,
      string,
      string,
      string,
      ModelRow['section'],
      ModelRow['pretraining'],
      ModelRow['distillation'],
      number | null,
      number | null,
      number | null,
      number | null,
      number | null,
      number | null,
      string,
      string | null,
      string | null,
    ]
    const raws = this.db.prepare(BASE_ROWS_SQL).raw(true).all() as Raw[]
    const byId = new Map<string, BaseRow>()
    for (const [
      id,
      displayName,
      series,
      family,
      section,
      pretraining,
      distillation,
      inputSize,
      top1,
      top5,
      paramsM,
      flopsG,
      sizeMB,
      latencies,
      pretrained,
      inference,
    ] of raws) {
      byId.set(id, {
        id,
        displayName,
        series,
        family,
        section,
        pretraining,
        distillation,
        inputSize,
        top1,
        top5,
        paramsM,
        flopsG,
        sizeMB,
        latencies: (JSON.parse(latencies) as [PlatformId, number, number, number][]).map(
          ([platform, batchSize, threads, ms]) => ({
            platform,
            batchSize,
            threads: threads === 0 ? null : threads,
            ms,
          }),
        ),
        downloads: { pretrained, inference },
      })
    }
    this.baseRows = { version, byId }
    return byId
  }

  list(query: ListQuery): CatalogListResult {
    const catalogVersion = this.version()
    const base = this.rowsOf(catalogVersion)
    const { sql, params, paged } = buildListQuery(query)
    const results = this.prepare(sql).raw(true).all(params) as ResultRow[]
    const rows = results.map(([id, latencyMs, hasLocal]): ModelRow => ({
      ...base.get(id)!,
      latencyMs,
      hasLocalWeights: hasLocal === 1,
    }))
    const total = paged ? (results[0]?.[3] ?? this.countWhenPageEmpty(query)) : rows.length
    return { total, rows, catalogVersion }
  }

  /** A page past the end has no row to carry the window count: count without paging. */
  private countWhenPageEmpty(query: ListQuery): number {
    if ((query.offset ?? 0) === 0) return 0
    const { sql, params } = buildListQuery({ ...query, limit: undefined, offset: 0 })
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get(params) as { n: number }).n
  }

  get(id: string): CatalogModelDetail {
    this.version()
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
