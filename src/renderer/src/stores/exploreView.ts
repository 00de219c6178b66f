/**
 * The Explore view: its state (parsed from the route query, the source of truth) and the catalog
 * data the chart is drawn from. The whole catalog is fetched once: every chart state is a pure
 * function of those rows (chartModel), so changing axes, filters or the selection costs no request.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { ChartState } from '@shared/charts/chartState'
import type { ModelRow, PlatformSummary, SeriesSummary } from '@shared/contract'
import {
  machineLatencies,
  withMachineLatencies,
  type MachineLatency,
} from '@shared/bench/machineLatencies'
import { api } from '../api'
import { firstError, type ApiError } from '@shared/errors'
import { fetchCatalogSnapshot } from './catalogSnapshot'
import {
  parseExploreQuery,
  patchChart,
  toExploreQuery,
  type ExploreViewState,
} from '../catalog/exploreViewState'
import { useModelDetail } from '../composables/useModelDetail'
import { markStartup } from '../startupMarks'

export const useExploreViewStore = defineStore('exploreView', () => {
  const state = shallowRef<ExploreViewState>(parseExploreQuery({}))

  const catalogRows = shallowRef<ModelRow[]>([])
  const series = shallowRef<SeriesSummary[]>([])
  const catalogPlatforms = shallowRef<PlatformSummary[]>([])
  /** This machine's benchmarked latencies (bench.list), merged in beside the published ones. */
  const machine = shallowRef<MachineLatency[]>([])
  const merged = computed(() =>
    withMachineLatencies(catalogRows.value, catalogPlatforms.value, machine.value),
  )
  const rows = computed(() => merged.value.rows)
  const platforms = computed(() => merged.value.platforms)
  const catalogVersion = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<ApiError | null>(null)

  const detail = useModelDetail()

  /** Legend order: the catalog's series order (the order of the PaddleClas model list). */
  const seriesOrder = computed(() => series.value.map((s) => s.id))

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    const [list, seriesResult, platformResult] = await fetchCatalogSnapshot(error.value !== null)
    if (current !== request) return
    loading.value = false
    const failure = firstError([list, seriesResult, platformResult])
    if (failure) {
      error.value = failure
      return
    }
    if (list.ok && seriesResult.ok && platformResult.ok) {
      catalogRows.value = list.value.rows
      catalogVersion.value = list.value.catalogVersion
      series.value = seriesResult.value
      catalogPlatforms.value = platformResult.value
      error.value = null
      loaded.value = true
      markStartup('zoo:catalog-ready')
    }
  }

  /** A chart without this machine's figures is still a chart: a failure here leaves them out. */
  async function loadMachine(): Promise<void> {
    const runs = await api.invoke('bench.list', {})
    if (runs.ok) machine.value = machineLatencies(runs.value)
  }
  void loadMachine()
  api.on('jobs.progress', (progress) => {
    if (progress.job === 'bench' && progress.state !== 'running') void loadMachine()
  })

  /** Starts loading the catalog unless it is loaded, loading, or failed (then `retry`). */
  function prefetch(): void {
    if (!loaded.value && !loading.value && !error.value) void load()
  }

  /** Adopts the route's query; loads the catalog on first use and the detail when it changed. */
  function applyQuery(query: LocationQuery): void {
    state.value = parseExploreQuery(query)
    prefetch()
    void detail.show(state.value.model)
  }

  /** The query for the current state with a chart patch (and the detail panel) applied. */
  function queryWith(patch: Partial<ChartState>, model = state.value.model): LocationQueryRaw {
    return toExploreQuery({ chart: patchChart(state.value.chart, patch), model })
  }

  /** The query that replaces the chart state entirely (a preset), keeping the detail panel. */
  function queryFor(chart: ChartState, model = state.value.model): LocationQueryRaw {
    return toExploreQuery({ chart, model })
  }

  function retry(): Promise<void> {
    error.value = null
    return load()
  }

  return {
    state,
    rows,
    series,
    platforms,
    machine,
    catalogVersion,
    seriesOrder,
    loading,
    loaded,
    error,
    detail: detail.detail,
    detailLoading: detail.loading,
    detailError: detail.error,
    prefetch,
    applyQuery,
    queryWith,
    queryFor,
    retry,
  }
})
