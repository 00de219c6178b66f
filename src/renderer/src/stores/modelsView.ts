/**
 * The Models view: its state (parsed from the route query, which stays the source of truth) and
 * the catalog data that state selects. The view feeds every route change to `applyQuery`; the
 * store fetches only what changed, and drops answers to requests that a newer one replaced.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { CatalogModelDetail, ModelRow, PlatformSummary, SeriesSummary } from '@shared/contract'
import { firstError, type ApiError } from '@shared/errors'
import { api } from '../api'
import {
  defaultViewState,
  listInputFor,
  parseViewQuery,
  toViewQuery,
  type ModelsViewState,
} from '../catalog/modelsViewState'

export const useModelsViewStore = defineStore('modelsView', () => {
  const state = ref<ModelsViewState>(defaultViewState())

  const rows = shallowRef<ModelRow[]>([])
  const total = ref(0)
  const listLoading = ref(false)
  const listError = ref<ApiError | null>(null)
  /** True once a list has arrived, so an empty table means "no match", not "not loaded yet". */
  const listLoaded = ref(false)

  const catalogTotal = ref<number | null>(null)
  const series = ref<SeriesSummary[]>([])
  const platforms = ref<PlatformSummary[]>([])
  const metaError = ref<ApiError | null>(null)
  let metaLoaded = false

  const detail = shallowRef<CatalogModelDetail | null>(null)
  const detailLoading = ref(false)
  const detailError = ref<ApiError | null>(null)

  const seriesNames = computed(() => new Map(series.value.map((s) => [s.id, s.name])))

  let listRequest = 0
  let loadedListKey: string | null = null
  let detailRequest = 0

  async function fetchList(): Promise<void> {
    const input = listInputFor(state.value)
    const key = JSON.stringify(input)
    const request = ++listRequest
    listLoading.value = true
    const result = await api.invoke('catalog.list', input)
    if (request !== listRequest) return
    listLoading.value = false
    if (result.ok) {
      rows.value = result.value.rows
      total.value = result.value.total
      listError.value = null
      listLoaded.value = true
      loadedListKey = key
    } else {
      listError.value = result.error
      loadedListKey = null
    }
  }

  async function fetchDetail(id: string | null): Promise<void> {
    const request = ++detailRequest
    if (id === null) {
      detail.value = null
      detailError.value = null
      detailLoading.value = false
      return
    }
    detailLoading.value = true
    const result = await api.invoke('catalog.get', { id })
    if (request !== detailRequest) return
    detailLoading.value = false
    if (result.ok) {
      detail.value = result.value
      detailError.value = null
    } else {
      detail.value = null
      detailError.value = result.error
    }
  }

  /** Series, platforms and the catalog's size: loaded once, they do not depend on the filters. */
  async function loadMeta(force = false): Promise<void> {
    if (metaLoaded && !force) return
    metaLoaded = true
    const [seriesResult, platformResult, countResult] = await Promise.all([
      api.invoke('catalog.series', {}),
      api.invoke('catalog.platforms', {}),
      api.invoke('catalog.list', { limit: 1 }),
    ])
    const failure = firstError([seriesResult, platformResult, countResult])
    if (seriesResult.ok) series.value = seriesResult.value
    if (platformResult.ok) platforms.value = platformResult.value
    if (countResult.ok) catalogTotal.value = countResult.value.total
    if (failure) {
      metaError.value = failure
      metaLoaded = false
    } else metaError.value = null
  }

  /** Adopts the route's query: fetches the list and the detail only when their inputs changed. */
  function applyQuery(query: LocationQuery): void {
    const next = parseViewQuery(query)
    state.value = next
    void loadMeta()
    if (JSON.stringify(listInputFor(next)) !== loadedListKey || listError.value) void fetchList()
    const shownId = detail.value?.model.id ?? null
    if (next.model !== shownId || (next.model !== null && detailError.value)) {
      void fetchDetail(next.model)
    }
  }

  /** The query for the current state with `patch` applied, for `router.replace`. */
  function queryWith(patch: Partial<ModelsViewState>): LocationQueryRaw {
    return toViewQuery({ ...state.value, ...patch })
  }

  async function retry(): Promise<void> {
    await Promise.all([loadMeta(true), fetchList()])
  }

  return {
    state,
    rows,
    total,
    listLoading,
    listError,
    listLoaded,
    catalogTotal,
    series,
    seriesNames,
    platforms,
    metaError,
    detail,
    detailLoading,
    detailError,
    applyQuery,
    queryWith,
    retry,
  }
})
