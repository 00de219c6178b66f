/**
 * Turns a validated `catalog.list` input into one SQL statement: filters, text search, the chosen
 * latency column, sort and paging all happen in SQLite, so the CLI, the UI and the benchmark share
 * the exact same query.
 */
import type { z } from 'zod'
import type { catalogListInput, NumericField, SortField } from '../../shared/contract'

export type ListQuery = z.output<typeof catalogListInput>

const COLUMN: Record<Exclude<NumericField, 'latency'>, string> = {
  top1: 'm.top1',
  top5: 'm.top5',
  paramsM: 'm.params_m',
  flopsG: 'm.flops_g',
  sizeMB: 'm.size_mb',
  inputSize: 'm.input_size',
}

const SORT: Record<SortField, string> = {
  id: 'm.id COLLATE NOCASE',
  series: 's.position',
  latency: 'latency_ms',
  ...COLUMN,
}

/** Columns of each result row, in order: id, latency for the chosen key, local weights, [total]. */
export interface SqlQuery {
  /** True when the statement also returns a fourth column, the unpaged total. */
  paged: boolean
  sql: string
  params: Record<string, string | number>
}

/** Terms of 3+ characters go to the trigram index; shorter ones fall back to LIKE on the names. */
function searchClauses(search: string, params: SqlQuery['params']): string[] {
  const terms = search.split(/\s+/).filter(Boolean).slice(0, 8)
  return terms.map((term, index) => {
    const key = `term${index}`
    if ([...term].length >= 3) {
      params[key] = `"${term.replace(/"/g, '""')}"`
      return `m.rowid IN (SELECT rowid FROM models_fts WHERE models_fts MATCH @${key})`
    }
    params[key] = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    return `(m.id LIKE @${key} ESCAPE '\\' OR m.display_name LIKE @${key} ESCAPE '\\' OR m.series_id LIKE @${key} ESCAPE '\\' OR m.family LIKE @${key} ESCAPE '\\')`
  })
}

/**
 * How well a row answers a search, as a sort key before the chosen sort: 0 when its id or name is
 * the text typed (any case), 1 when one starts with it, 2 otherwise. Searching "MobileNetV2" then
 * lists MobileNetV2 first and its widths next, not in series order among 20 matches.
 */
function relevance(search: string, params: SqlQuery['params']): string {
  const text = search.trim().toLowerCase()
  params.exact = text
  params.prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  // model_names compares without case (COLLATE NOCASE): its older names count as exact too.
  const named = `EXISTS (SELECT 1 FROM model_names n WHERE n.model_id = m.id AND n.name = @exact)`
  return `CASE
      WHEN lower(m.id) = @exact OR lower(m.display_name) = @exact OR ${named} THEN 0
      WHEN lower(m.id) LIKE @prefix ESCAPE '\\' OR lower(m.display_name) LIKE @prefix ESCAPE '\\' THEN 1
      ELSE 2 END`
}

function listParam(params: SqlQuery['params'], prefix: string, values: readonly string[]): string {
  return values
    .map((value, index) => {
      params[`${prefix}${index}`] = value
      return `@${prefix}${index}`
    })
    .join(', ')
}

/**
 * The model's figure for one latency key, as a scalar subquery; `name` prefixes its parameters so
 * that the shown key and the sort key can differ. The table stores "no thread count" as 0.
 */
function latencyOf(
  key: NonNullable<ListQuery['latency']>,
  name: string,
  params: SqlQuery['params'],
): string {
  params[`${name}Platform`] = key.platform
  params[`${name}BatchSize`] = key.batchSize
  params[`${name}Threads`] = key.threads ?? 0
  return `(SELECT l.ms FROM latencies l WHERE l.model_id = m.id AND l.platform_id = @${name}Platform
         AND l.batch_size = @${name}BatchSize AND l.threads = @${name}Threads)`
}

export function buildListQuery(query: ListQuery): SqlQuery {
  const params: SqlQuery['params'] = {}
  const where: string[] = []
  const latencyColumn = query.latency ? latencyOf(query.latency, 'shown', params) : 'NULL'

  where.push(`m.entry_kind IN (${listParam(params, 'kind', query.entryKinds)})`)
  if (query.search) where.push(...searchClauses(query.search, params))
  if (query.series?.length)
    where.push(`m.series_id IN (${listParam(params, 'series', query.series)})`)
  if (query.families?.length)
    where.push(`m.family IN (${listParam(params, 'family', query.families)})`)
  if (query.ids?.length) where.push(`m.id IN (${listParam(params, 'id', query.ids)})`)
  for (const [index, range] of (query.ranges ?? []).entries()) {
    const column = range.field === 'latency' ? latencyColumn : COLUMN[range.field]
    if (range.min !== undefined) {
      params[`min${index}`] = range.min
      where.push(`${column} >= @min${index}`)
    }
    if (range.max !== undefined) {
      params[`max${index}`] = range.max
      where.push(`${column} <= @max${index}`)
    }
  }
  if (query.pretraining) {
    params.pretraining = query.pretraining
    where.push('m.pretraining = @pretraining')
  }
  if (query.distilled !== undefined)
    where.push(query.distilled ? 'm.distillation IS NOT NULL' : 'm.distillation IS NULL')
  if (query.hasDownload !== undefined) {
    where.push(query.hasDownload ? 'm.inference_url IS NOT NULL' : 'm.inference_url IS NULL')
  }
  if (query.hasLocalWeights !== undefined) {
    where.push(
      `${query.hasLocalWeights ? '' : 'NOT '}(EXISTS (SELECT 1 FROM model_files f WHERE f.model_id = m.id)
        OR EXISTS (SELECT 1 FROM artifacts a WHERE a.model_id = m.id))`,
    )
  }

  const sort: NonNullable<ListQuery['sort']> = query.sort ?? { field: 'id', direction: 'asc' }
  const direction = sort.direction === 'desc' ? 'DESC' : 'ASC'
  const ranked = query.search?.trim() ? `${relevance(query.search, params)}, ` : ''
  const sortColumn =
    sort.field === 'latency' && sort.latency
      ? latencyOf(sort.latency, 'sort', params)
      : SORT[sort.field]
  const orderBy = `${ranked}${sortColumn} IS NULL, ${sortColumn} ${direction}, s.position, m.position`
  // The window count costs a pass; without paging the row count is the total.
  const paged = query.limit !== undefined || (query.offset ?? 0) > 0
  params.limit = query.limit ?? -1
  params.offset = query.offset ?? 0

  // Only ids and the per-query columns come back; the service fills in the rest of each row
  // from its cache, so a full-catalog list costs one index-ordered scan, not 250 row objects.
  const sql = `
    SELECT m.id, ${latencyColumn} AS latency_ms,
      (EXISTS (SELECT 1 FROM model_files f WHERE f.model_id = m.id)
        OR EXISTS (SELECT 1 FROM artifacts a WHERE a.model_id = m.id)) AS has_local
      ${paged ? ', COUNT(*) OVER () AS total' : ''}
    FROM models m JOIN series s ON s.id = m.series_id
    ${where.length ? `WHERE ${where.join('\n      AND ')}` : ''}
    ORDER BY ${orderBy}
    LIMIT @limit OFFSET @offset`
  return { paged, sql, params }
}
