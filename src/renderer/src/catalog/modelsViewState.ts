/**
 * The Models view's state and its URL form. The route query is the source of truth (it survives a
 * reload, and browser mode's origin changes per launch so nothing else could): these pure
 * functions parse a query into a complete state, write a state back as the shortest query (defaults
 * are left out, so a fresh view is plain `#/models`), and turn it into a `catalog.list` input.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { CatalogLatencyKey, CatalogListInput, LatencyKey } from '@shared/contract'
import {
  chartPlatformIds,
  numericFields,
  platformIds,
  sortFields,
  type SortField,
} from '@shared/contract/values'
import type { PlatformId } from '@shared/catalog/types'

/** Table columns the user can show or hide; the model column is always shown. */
export const columnIds = ['series', ...numericFields, 'download'] as const
export type ColumnId = (typeof columnIds)[number]

export type SortDirection = 'asc' | 'desc'
export interface SortState {
  field: SortField
  direction: SortDirection
  /** With field 'latency', an added latency column's key; absent for the "Latency on" column. */
  latency?: CatalogLatencyKey
}

/** Latency columns at once: the "Latency on" column and up to three added ones. */
export const MAX_LATENCY_COLUMNS = 4

export interface ModelsViewState {
  search: string
  series: string[]
  distilled: boolean
  in22k: boolean
  hasDownload: boolean
  /** List entries outside the zoo (older-list-only, survey-only) too, marked. On by default. */
  outside: boolean
  sort: SortState
  /** Visible columns, in table order. */
  columns: ColumnId[]
  latency: CatalogLatencyKey
  /** Latency columns added beside the "Latency on" one, in the order they were added. */
  latencyColumns: CatalogLatencyKey[]
  /** The model whose detail panel is open. */
  model: string | null
}

/** Series order is the catalog's own order (the order of the PaddleClas model list). */
export const defaultSort: SortState = { field: 'series', direction: 'asc' }
export const defaultLatency: CatalogLatencyKey = {
  platform: 'v100-trt-fp32',
  batchSize: 1,
  threads: null,
}

export function defaultViewState(): ModelsViewState {
  return {
    search: '',
    series: [],
    distilled: false,
    in22k: false,
    hasDownload: false,
    outside: true,
    sort: { ...defaultSort },
    columns: [...columnIds],
    latency: { ...defaultLatency },
    latencyColumns: [],
    model: null,
  }
}

/** Limits of the `catalog.list` schema: a hand-edited URL must not make the request invalid. */
const MAX_SEARCH = 200
const MAX_SERIES = 100
const MAX_NAME = 100

function first(value: LocationQuery[string] | undefined): string | null {
  const single = Array.isArray(value) ? value[0] : value
  return single ?? null
}

function list(value: string | null): string[] {
  if (value === null) return []
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
}

function smallInt(value: string | null): number | null {
  if (value === null || !/^\d{1,2}$/.test(value)) return null
  const n = Number(value)
  return n >= 1 && n <= 64 ? n : null
}

function isSortField(value: string): value is SortField {
  return (sortFields as readonly string[]).includes(value)
}

/** A published platform: the catalog's list is sorted and filtered by those alone. */
function isPlatformId(value: string): value is (typeof platformIds)[number] {
  return (platformIds as readonly string[]).includes(value)
}

function isColumnId(value: string): value is ColumnId {
  return (columnIds as readonly string[]).includes(value)
}

export function parseViewQuery(query: LocationQuery): ModelsViewState {
  const state = defaultViewState()
  state.search = (first(query.q) ?? '').slice(0, MAX_SEARCH)
  state.series = [...new Set(list(first(query.series)))]
    .filter((name) => name.length <= MAX_NAME)
    .slice(0, MAX_SERIES)
  state.distilled = first(query.distilled) === '1'
  state.in22k = first(query.in22k) === '1'
  state.hasDownload = first(query.dl) === '1'
  state.outside = first(query.outside) !== '0'

  const sort = first(query.sort)
  if (sort !== null && isSortField(sort)) {
    state.sort = { field: sort, direction: first(query.dir) === 'desc' ? 'desc' : 'asc' }
  } else if (first(query.dir) === 'desc') {
    state.sort = { ...defaultSort, direction: 'desc' }
  }

  const cols = first(query.cols)
  if (cols !== null) {
    const chosen = new Set(list(cols).filter(isColumnId))
    state.columns = columnIds.filter((id) => chosen.has(id))
  }

  const platform = first(query.platform)
  if (platform !== null && isPlatformId(platform)) {
    state.latency = {
      platform,
      batchSize: smallInt(first(query.bs)) ?? 1,
      threads: smallInt(first(query.t)),
    }
  }

  state.latencyColumns = list(first(query.lat))
    .map(parseLatencyToken)
    .filter((key) => key !== null)
  if (state.sort.field === 'latency') {
    const key = parseLatencyToken(first(query.slat) ?? '')
    if (key) state.sort.latency = key
  }

  const model = first(query.model)
  state.model = model && model.length <= 200 ? model : null
  return consistent(state)
}

export function sameLatencyKey(a: LatencyKey, b: LatencyKey): boolean {
  return a.platform === b.platform && a.batchSize === b.batchSize && a.threads === b.threads
}

/**
 * Settles what a hand-edited URL or a change elsewhere can leave contradictory: added latency
 * columns lose repeats, the "Latency on" key and any past the limit (so choosing an added column's
 * key as "Latency on" moves it there); a sort by an added column that is gone falls back to the
 * default order, and one whose key became "Latency on" sorts by that column.
 */
export function consistent(state: ModelsViewState): ModelsViewState {
  const added: CatalogLatencyKey[] = []
  for (const key of state.latencyColumns) {
    if (added.length === MAX_LATENCY_COLUMNS - 1) break
    if (sameLatencyKey(key, state.latency) || added.some((k) => sameLatencyKey(k, key))) continue
    added.push(key)
  }
  let sort = state.sort
  if (sort.latency) {
    const key = sort.latency
    const { latency: _added, ...plain } = sort
    if (sort.field !== 'latency' || sameLatencyKey(key, state.latency)) sort = plain
    else if (!added.some((k) => sameLatencyKey(k, key))) sort = { ...defaultSort }
  }
  return { ...state, latencyColumns: added, sort }
}

/**
 * "Latency on" set to `key`. An added column that showed `key` shows the previous "Latency on"
 * key instead, so that choosing one of the shown keys swaps two columns rather than losing one.
 */
export function withPrimaryLatency(
  state: ModelsViewState,
  key: CatalogLatencyKey,
): Pick<ModelsViewState, 'latency' | 'latencyColumns'> {
  return {
    latency: key,
    latencyColumns: state.latencyColumns.map((shown) =>
      sameLatencyKey(shown, key) ? state.latency : shown,
    ),
  }
}

function sameColumns(a: readonly ColumnId[], b: readonly ColumnId[]): boolean {
  return a.length === b.length && a.every((id, index) => b[index] === id)
}

/** The shortest query that parses back to `state`. */
export function toViewQuery(written: ModelsViewState): LocationQueryRaw {
  const state = consistent(written)
  const query: LocationQueryRaw = {}
  if (state.search) query.q = state.search
  if (state.series.length) query.series = state.series.join(',')
  if (state.distilled) query.distilled = '1'
  if (state.in22k) query.in22k = '1'
  if (state.hasDownload) query.dl = '1'
  if (!state.outside) query.outside = '0'
  if (state.sort.field !== defaultSort.field || state.sort.direction !== defaultSort.direction) {
    query.sort = state.sort.field
    query.dir = state.sort.direction
    if (state.sort.latency) query.slat = latencyToken(state.sort.latency)
  }
  if (!sameColumns(state.columns, columnIds)) query.cols = state.columns.join(',')
  const latency = state.latency
  if (
    latency.platform !== defaultLatency.platform ||
    latency.batchSize !== defaultLatency.batchSize ||
    latency.threads !== defaultLatency.threads
  ) {
    query.platform = latency.platform
    if (latency.batchSize !== 1) query.bs = String(latency.batchSize)
    if (latency.threads !== null) query.t = String(latency.threads)
  }
  if (state.latencyColumns.length) query.lat = state.latencyColumns.map(latencyToken).join(',')
  if (state.model) query.model = state.model
  return query
}

/** Whether any filter narrows the list (the "clear filters" button resets exactly these). */
export function hasFilters(state: ModelsViewState): boolean {
  return (
    state.search.trim() !== '' ||
    state.series.length > 0 ||
    state.distilled ||
    state.in22k ||
    state.hasDownload ||
    !state.outside
  )
}

export function withoutFilters(state: ModelsViewState): ModelsViewState {
  return {
    ...state,
    search: '',
    series: [],
    distilled: false,
    in22k: false,
    hasDownload: false,
    outside: true,
  }
}

/** The `catalog.list` request for a state: every row, filtered and sorted by the service. */
export function listInputFor(state: ModelsViewState): CatalogListInput {
  const input: CatalogListInput = { sort: state.sort, latency: state.latency }
  const search = state.search.trim()
  if (search) input.search = search
  if (state.series.length) input.series = state.series
  if (state.distilled) input.distilled = true
  if (state.in22k) input.pretraining = 'ImageNet-22k'
  if (state.hasDownload) input.hasDownload = true
  // The Models view is where a name is looked up, so it finds entries outside the zoo too;
  // Explore, Compare and the counts ask for the zoo only (the API's default).
  input.entryKinds = state.outside ? ['zoo', 'olderListOnly', 'surveyOnly'] : ['zoo']
  return input
}

/** Encodes a latency key as one `<select>` value, and back. */
export function latencyKeyValue(key: LatencyKey): string {
  return `${key.platform}:${key.batchSize}:${key.threads ?? ''}`
}

/** Any platform a chart can plot, this machine included. */
export function parseLatencyKeyValue(value: string): LatencyKey | null {
  const [platform = '', batch = '', threads = ''] = value.split(':')
  const batchSize = smallInt(batch)
  if (!(chartPlatformIds as readonly string[]).includes(platform) || batchSize === null) return null
  return {
    platform: platform as PlatformId,
    batchSize,
    threads: threads === '' ? null : smallInt(threads),
  }
}

/** The key when the catalog can list by it (a published platform), else null. */
export function catalogLatencyKey(key: LatencyKey): CatalogLatencyKey | null {
  return isPlatformId(key.platform) ? { ...key, platform: key.platform } : null
}

/**
 * A latency key in the URL's `lat` list, short because a person may read or edit it:
 * `v100-trt-fp32:4` is batch 4, `sd855-arm-fp32:t2` is 2 threads (at batch 1), `…:4t2` both.
 */
export function latencyToken(key: LatencyKey): string {
  const batch = key.threads !== null && key.batchSize === 1 ? '' : String(key.batchSize)
  return `${key.platform}:${batch}${key.threads !== null ? `t${key.threads}` : ''}`
}

export function parseLatencyToken(token: string): CatalogLatencyKey | null {
  const match = /^([a-z0-9-]+):(\d{1,2})?(?:t(\d{1,2}))?$/.exec(token)
  if (!match) return null
  const [, platform = '', batch, threads] = match
  if (!isPlatformId(platform) || (batch === undefined && threads === undefined)) return null
  const batchSize = batch === undefined ? 1 : smallInt(batch)
  const threadCount = threads === undefined ? null : smallInt(threads)
  if (batchSize === null || (threads !== undefined && threadCount === null)) return null
  return { platform, batchSize, threads: threadCount }
}
