/**
 * From catalog rows and a chart state to the plotted data: which models are points, where, which
 * are on the Pareto frontier, within the budget, selected, and which family lines join them.
 * Pure: the option builder, the CSV export and the frontier list all read this.
 */
import type { ModelRow } from '../contract/catalog'
import { chartFields, fieldValue } from './chartFields'
import type { ChartState } from './chartState'
import { familyLines, type FamilyLine } from './familyLines'
import { paretoFrontier } from './paretoFrontier'

export interface PlottedPoint {
  id: string
  name: string
  series: string
  family: string
  x: number
  y: number
  onFrontier: boolean
  withinBudget: boolean
  selected: boolean
  row: ModelRow
}

export interface ChartModel {
  points: PlottedPoint[]
  /** Frontier points ordered along x. */
  frontier: PlottedPoint[]
  lines: FamilyLine[]
  /** Series that have points, in catalog order (legend order). */
  series: string[]
  /** Models of the chosen (visible) series left out because an axis has no figure for them. */
  missing: { id: string; axis: 'x' | 'y' }[]
  /** Models left out because they lie outside an axis's fixed min/max. */
  outOfRange: string[]
}

const usable = (value: number | null, scale: 'linear' | 'log'): value is number =>
  value !== null && Number.isFinite(value) && (scale === 'linear' || value > 0)

export function chartModel(
  rows: readonly ModelRow[],
  state: ChartState,
  seriesOrder: readonly string[],
): ChartModel {
  const seriesFilter = new Set(state.series)
  const idFilter = new Set(state.ids)
  const hidden = new Set(state.hidden)
  const selected = new Set(state.selection)
  const missing: ChartModel['missing'] = []
  const outOfRange: string[] = []
  const inRange = (value: number, axis: ChartState['x']) =>
    (axis.min === null || value >= axis.min) && (axis.max === null || value <= axis.max)
  const candidates = rows.filter(
    (row) =>
      (seriesFilter.size === 0 || seriesFilter.has(row.series)) &&
      (idFilter.size === 0 || idFilter.has(row.id)),
  )
  const points: PlottedPoint[] = []
  for (const row of candidates) {
    const x = fieldValue(row, state.x.field, state.x.latency ?? undefined)
    const y = fieldValue(row, state.y.field, state.y.latency ?? undefined)
    // Hidden series are switched off, not missing: they do not count in the notes.
    if (!usable(x, state.x.scale)) {
      if (!hidden.has(row.series)) missing.push({ id: row.id, axis: 'x' })
      continue
    }
    if (!usable(y, state.y.scale)) {
      if (!hidden.has(row.series)) missing.push({ id: row.id, axis: 'y' })
      continue
    }
    // Off the fixed axis range the point would be clipped yet still count: leave it out.
    if (!inRange(x, state.x) || !inRange(y, state.y)) {
      if (!hidden.has(row.series)) outOfRange.push(row.id)
      continue
    }
    points.push({
      id: row.id,
      name: row.displayName,
      series: row.series,
      family: row.family,
      x,
      y,
      onFrontier: false,
      withinBudget: state.budget === null || x <= state.budget,
      selected: selected.has(row.id),
      row,
    })
  }
  // Hidden series stay in the legend but take no part in the frontier.
  const visible = points.filter((p) => !hidden.has(p.series))
  const frontier = paretoFrontier(
    visible,
    chartFields[state.x.field].better,
    chartFields[state.y.field].better,
  )
  for (const point of frontier) point.onFrontier = true
  const order = new Map(seriesOrder.map((s, i) => [s, i]))
  const series = [...new Set(points.map((p) => p.series))].sort(
    (a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b),
  )
  return { points, frontier, lines: familyLines(points), series, missing, outOfRange }
}
