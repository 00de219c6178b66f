/**
 * From catalog rows and a chart state to the plotted data: which models are points, where, which
 * are on the Pareto frontier, within the budget, selected, and which family lines join them.
 * Pure: the option builder, the CSV export and the frontier list all read this.
 */
import { THIS_MACHINE, machineFigureBeside } from '../bench/machineLatencies'
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
  /** The legend entry the point belongs to: its family (ResNet_vd, MobileNetV3_small, …_ssld). */
  group: string
  x: number
  y: number
  onFrontier: boolean
  withinBudget: boolean
  selected: boolean
  row: ModelRow
}

/** This machine's latency for a plotted model, set beside its published point (same y). */
export interface MachinePoint {
  id: string
  x: number
  y: number
  /** The published point it belongs to. */
  from: PlottedPoint
  batchSize: number
  threads: number | null
}

export interface ChartModel {
  points: PlottedPoint[]
  /** Empty unless x is a published latency, `state.machine` is on and this machine has figures. */
  machine: MachinePoint[]
  /** Frontier points ordered along x. */
  frontier: PlottedPoint[]
  lines: FamilyLine[]
  /**
   * Legend entries, one per model family that has points (catalog series order, then family name):
   * the official charts draw ResNet, ResNet_vd and each SSLD variant as curves of their own, so a
   * family, not a catalog series, gets a colour and a marker. `state.hidden` names these.
   */
  series: string[]
  /** What a legend entry is: a family, or a catalog series beyond MAX_FAMILY_ENTRIES families. */
  groupedBy: 'family' | 'series'
  /** Catalog series that have points: what the series filter chose and what got plotted. */
  catalogSeries: string[]
  /** Models of the chosen (visible) series left out because an axis has no figure for them. */
  missing: { id: string; axis: 'x' | 'y' }[]
  /** Models left out because they lie outside an axis's fixed min/max. */
  outOfRange: string[]
}

/**
 * Most families a chart gives legend entries of their own. The zoo has 86 in all; a catalog with
 * thousands (a synthetic or merged one) would make as many series, slow to draw and zoom, and
 * unreadable: then catalog series are the entries.
 */
export const MAX_FAMILY_ENTRIES = 100

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
      if (!hidden.has(row.family) && !hidden.has(row.series))
        missing.push({ id: row.id, axis: 'x' })
      continue
    }
    if (!usable(y, state.y.scale)) {
      if (!hidden.has(row.family) && !hidden.has(row.series))
        missing.push({ id: row.id, axis: 'y' })
      continue
    }
    // Off the fixed axis range the point would be clipped yet still count: leave it out.
    if (!inRange(x, state.x) || !inRange(y, state.y)) {
      if (!hidden.has(row.family) && !hidden.has(row.series)) outOfRange.push(row.id)
      continue
    }
    points.push({
      id: row.id,
      name: row.displayName,
      series: row.series,
      family: row.family,
      group: row.family,
      x,
      y,
      onFrontier: false,
      withinBudget: state.budget === null || x <= state.budget,
      selected: selected.has(row.id),
      row,
    })
  }
  const groupedBy =
    new Set(points.map((p) => p.family)).size > MAX_FAMILY_ENTRIES ? 'series' : 'family'
  if (groupedBy === 'series') for (const p of points) p.group = p.series
  // Hidden series stay in the legend but take no part in the frontier.
  const visible = points.filter((p) => !hidden.has(p.group))
  const frontier = paretoFrontier(
    visible,
    chartFields[state.x.field].better,
    chartFields[state.y.field].better,
  )
  for (const point of frontier) point.onFrontier = true
  const order = new Map(seriesOrder.map((s, i) => [s, i]))
  const rank = (s: string) => order.get(s) ?? Infinity
  const catalogSeries = [...new Set(points.map((p) => p.series))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  )
  const seriesOfGroup = new Map(points.map((p) => [p.group, p.series]))
  const series = [...seriesOfGroup.keys()].sort(
    (a, b) =>
      rank(seriesOfGroup.get(a)!) - rank(seriesOfGroup.get(b)!) ||
      seriesOfGroup.get(a)!.localeCompare(seriesOfGroup.get(b)!) ||
      a.localeCompare(b),
  )
  return {
    points,
    machine: machinePoints(points, state, hidden),
    frontier,
    lines: familyLines(points),
    series,
    groupedBy,
    catalogSeries,
    missing,
    outOfRange,
  }
}

/**
 * Beside a published latency of batch N, this machine's fastest figure at batch N (batch 1 beside
 * a platform timed per thread count), for the visible points within the axes' fixed range.
 */
function machinePoints(
  points: readonly PlottedPoint[],
  state: ChartState,
  hidden: ReadonlySet<string>,
): MachinePoint[] {
  const published = state.x.latency
  if (!state.machine || state.x.field !== 'latency' || !published) return []
  if (published.platform === THIS_MACHINE) return []
  const batchSize = published.threads === null ? published.batchSize : 1
  const out: MachinePoint[] = []
  for (const point of points) {
    if (hidden.has(point.group)) continue
    const figure = machineFigureBeside(point.row, batchSize)
    if (!figure || !usable(figure.ms, state.x.scale)) continue
    if (state.x.max !== null && figure.ms > state.x.max) continue
    out.push({
      id: point.id,
      x: figure.ms,
      y: point.y,
      from: point,
      batchSize: figure.batchSize,
      threads: figure.threads,
    })
  }
  return out
}
