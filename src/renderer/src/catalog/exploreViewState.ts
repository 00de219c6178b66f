/**
 * The Explore view's state and its URL form. The route query is the source of truth: it holds the
 * chart state in the shared encoding (`encodeChartState`, the same the CLI's state round-trips
 * through), so a URL reproduces a chart exactly, plus `model`, the open detail panel, which is not
 * remembered. Pure: the view and the store only call these.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { chartFields, type ChartFieldId, type LatencyChoice } from '@shared/charts/chartFields'
import { findPreset } from '@shared/charts/chartPresets'
import { formatDecimal } from '@shared/format/formatDecimal'
import { toPercent } from './figureFormat'
import {
  axis,
  decodeChartState,
  encodeChartState,
  type ChartAxis,
  type ChartState,
} from '@shared/charts/chartState'

export interface ExploreViewState {
  chart: ChartState
  /** The model whose detail panel is open. */
  model: string | null
}

/** What a drag on the chart does: pan (the wheel zooms), draw a box, or draw a lasso. */
export type ChartTool = 'zoom' | 'rect' | 'polygon'

/** The preset a first visit opens on: PaddleClas's own server chart. */
export const DEFAULT_PRESET = 'v100-bs1'

/** Query keys that are not part of the chart (and are not remembered across restarts). */
export const transientKeys = ['model'] as const

function first(value: LocationQuery[string] | undefined): string | null {
  const single = Array.isArray(value) ? value[0] : value
  return single ?? null
}

export function parseExploreQuery(query: LocationQuery): ExploreViewState {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    const text = first(value)
    if (text !== null) params.set(key, text)
  }
  const model = params.get('model')
  const chartKeys = [...params.keys()].filter((key) => key !== 'model')
  // A link naming only a preset (`?preset=sd855-t1`) opens that preset's whole chart.
  const presetOnly = chartKeys.length === 1 && chartKeys[0] === 'preset'
  return {
    // A first visit (no chart in the URL) opens on the official V100 chart, not on all 250 models.
    chart:
      chartKeys.length === 0
        ? (presetChart(DEFAULT_PRESET) ?? decodeChartState(params))
        : ((presetOnly ? presetChart(params.get('preset')!) : null) ?? decodeChartState(params)),
    model: model && model.length <= 200 ? model : null,
  }
}

export function toExploreQuery(state: ExploreViewState): LocationQueryRaw {
  const query: LocationQueryRaw = Object.fromEntries(encodeChartState(state.chart))
  if (state.model) query.model = state.model
  return query
}

/** Whether a budget ("x ≤ N") makes sense on this axis: only where less is better (costs). */
export function isCostAxis(a: ChartAxis): boolean {
  return chartFields[a.field].better === 'lower'
}

/**
 * An axis after the user picked a field, scale or latency key. A new field starts from its own
 * defaults; any change drops the range a preset had set (0–20 ms means nothing on another axis).
 */
export function changeAxis(
  current: ChartAxis,
  change: { field?: ChartFieldId; scale?: 'linear' | 'log'; latency?: LatencyChoice },
): ChartAxis {
  const field = change.field ?? current.field
  const base = field === current.field ? current : axis(field)
  return {
    ...base,
    scale: change.scale ?? base.scale,
    latency: field === 'latency' ? (change.latency ?? base.latency) : null,
    min: null,
    max: null,
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The chart state with `patch` applied, keeping it coherent: changing what is plotted (axes,
 * series, models) leaves the preset, whose title would no longer be true; a budget only stays
 * while the x axis keeps its field and is a cost.
 */
export function patchChart(state: ChartState, patch: Partial<ChartState>): ChartState {
  const next: ChartState = { ...state, ...patch }
  const changed = (key: 'x' | 'y' | 'series' | 'ids') =>
    key in patch && !sameJson(patch[key], state[key])
  if (!('preset' in patch) && (changed('x') || changed('y') || changed('series') || changed('ids')))
    next.preset = null
  if (!isCostAxis(next.x) || next.x.field !== state.x.field) next.budget = null
  return next
}

/** The state a preset button gives: the preset's own, replacing everything. */
export function presetChart(id: string): ChartState | null {
  const preset = findPreset(id)
  return preset ? structuredClone(preset.state) : null
}

/** A plotted value in its axis unit: accuracies as percent ("79.12 %"), others as they are. */
export function formatAxisValue(value: number, field: ChartFieldId): string {
  const def = chartFields[field]
  const shown = def.percent ? toPercent(value) : value
  return `${formatDecimal(shown, 0, def.percent ? 2 : 3)} ${def.unit}`
}
