import { describe, expect, it } from 'vitest'
import { chartFields } from '@shared/charts/chartFields'
import { chartModel } from '@shared/charts/chartModel'
import { chartPresets } from '@shared/charts/chartPresets'
import { axis, defaultChartState, type ChartAxis, type ChartState } from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import { catalogListInput, type ModelRow } from '@shared/contract'
import { openTestCore } from '../helpers/testCore'

let loaded: { rows: ModelRow[]; seriesOrder: string[] } | undefined

/**
 * Every catalog row and the catalog's series order, read once per file through a real core on
 * real SQLite (rows are plain data and outlive the core, which closes after the first test).
 */
function catalog(): { rows: ModelRow[]; seriesOrder: string[] } {
  if (loaded) return loaded
  const { core } = openTestCore()
  const rows = core.catalog.list(catalogListInput.parse({})).rows
  expect(rows.length).toBeGreaterThan(200)
  loaded = { rows, seriesOrder: core.catalog.series().map((s) => s.id) }
  return loaded
}

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

/** A row's value on an axis, read straight from the row (not through chartFields.fieldValue). */
function valueOn(row: ModelRow, a: ChartAxis): number | null {
  if (a.field !== 'latency') return row[a.field]
  const key = a.latency!
  const hit = row.latencies.filter(
    (l) =>
      l.platform === key.platform && l.batchSize === key.batchSize && l.threads === key.threads,
  )
  return hit.length ? hit[0]!.ms : null
}

const plottable = (value: number | null, a: ChartAxis) =>
  value !== null && Number.isFinite(value) && (a.scale === 'linear' || value > 0)

function chosen(rows: readonly ModelRow[], s: ChartState): ModelRow[] {
  return rows.filter(
    (r) =>
      (s.series.length === 0 || s.series.includes(r.series)) &&
      (s.ids.length === 0 || s.ids.includes(r.id)),
  )
}

/** O(n²): a point is on the frontier when nothing beats it and no earlier row is its twin. */
/** Inside the axis's fixed min/max (points outside are left out, not clipped). */
function inAxisRange(value: number, a: ChartState['x']): boolean {
  return (a.min === null || value >= a.min) && (a.max === null || value <= a.max)
}

function bruteFrontier(rows: readonly ModelRow[], s: ChartState): string[] {
  const sx = chartFields[s.x.field].better === 'lower' ? -1 : 1
  const sy = chartFields[s.y.field].better === 'lower' ? -1 : 1
  const points = chosen(rows, s)
    .filter((r) => !s.hidden.includes(r.family))
    .map((r) => ({ id: r.id, x: valueOn(r, s.x), y: valueOn(r, s.y) }))
    .filter((p) => plottable(p.x, s.x) && plottable(p.y, s.y))
    .filter((p) => inAxisRange(p.x!, s.x) && inAxisRange(p.y!, s.y)) as {
    id: string
    x: number
    y: number
  }[]
  return points
    .filter((p, i) =>
      points.every((q, j) => {
        if (j === i) return true
        const dx = sx * (q.x - p.x)
        const dy = sy * (q.y - p.y)
        const beats = dx >= 0 && dy >= 0 && (dx > 0 || dy > 0)
        const earlierTwin = j < i && dx === 0 && dy === 0
        return !beats && !earlierTwin
      }),
    )
    .sort((a, b) => a.x - b.x)
    .map((p) => p.id)
}

const states: [string, ChartState][] = [
  ['top-1 vs V100 batch-1 latency (default)', defaultChartState],
  ...chartPresets.map((p): [string, ChartState] => [`preset ${p.id}`, p.state]),
  ['top-1 vs FLOPs, log', state({ x: axis('flopsG'), y: axis('top1') })],
  ['top-5 vs params', state({ x: axis('paramsM'), y: axis('top5') })],
  [
    'SD855 4-thread latency vs top-1 (x higher-is-better)',
    state({
      x: axis('top1'),
      y: axis('latency', { latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 4 } }),
    }),
  ],
  ['FLOPs vs params (both lower-is-better)', state({ x: axis('flopsG'), y: axis('paramsM') })],
  [
    'top-1 vs top-5 (both higher-is-better)',
    state({ x: axis('top5'), y: axis('top1'), series: ['ResNet', 'ViT', 'MobileNetV3'] }),
  ],
]

describe('chartModel on the shipped catalog', () => {
  it.each(states)(
    'plots exactly the chosen rows with figures, the rest are missing: %s',
    (_l, s) => {
      const { rows, seriesOrder } = catalog()
      const model = chartModel(rows, s, seriesOrder)
      const expectedPoints: string[] = []
      const expectedMissing: { id: string; axis: 'x' | 'y' }[] = []
      const expectedOutOfRange: string[] = []
      for (const row of chosen(rows, s)) {
        if (!plottable(valueOn(row, s.x), s.x)) expectedMissing.push({ id: row.id, axis: 'x' })
        else if (!plottable(valueOn(row, s.y), s.y)) expectedMissing.push({ id: row.id, axis: 'y' })
        else if (!inAxisRange(valueOn(row, s.x)!, s.x) || !inAxisRange(valueOn(row, s.y)!, s.y)) {
          expectedOutOfRange.push(row.id)
        } else expectedPoints.push(row.id)
      }
      expect(model.points.map((p) => p.id)).toEqual(expectedPoints)
      expect(model.missing).toEqual(expectedMissing)
      expect(model.outOfRange).toEqual(expectedOutOfRange)
      expect(model.points.length).toBeGreaterThan(0)
      for (const point of model.points) {
        expect(point.x).toBe(valueOn(point.row, s.x))
        expect(point.y).toBe(valueOn(point.row, s.y))
        expect(point).toMatchObject({
          name: point.row.displayName,
          series: point.row.series,
          family: point.row.family,
        })
      }
    },
  )

  it.each(states)('has the brute-force Pareto frontier: %s', (_l, s) => {
    const { rows, seriesOrder } = catalog()
    const model = chartModel(rows, s, seriesOrder)
    expect(model.frontier.map((p) => p.id)).toEqual(bruteFrontier(rows, s))
    expect(model.frontier.length).toBeGreaterThan(0)
    const flagged = model.points.filter((p) => p.onFrontier)
    expect(new Set(flagged)).toEqual(new Set(model.frontier))
  })

  it('the top-1 vs V100 batch-1 frontier is several models, from the fastest to the most accurate', () => {
    const { rows, seriesOrder } = catalog()
    const model = chartModel(rows, defaultChartState, seriesOrder)
    const fastest = Math.min(...model.points.map((p) => p.x))
    const best = Math.max(...model.points.map((p) => p.y))
    expect(model.frontier.length).toBeGreaterThanOrEqual(3)
    expect(model.frontier[0]!.x).toBe(fastest)
    expect(model.frontier.at(-1)!.y).toBe(best)
  })

  it.each([
    ['no filter: every row is a candidate', {}],
    ['a series filter', { series: ['ResNet', 'PP-LCNet'] }],
    ['an id filter', { ids: ['ResNet50', 'PPLCNet_x1_0', 'ViT_base_patch16_224', 'NoSuchModel'] }],
    [
      'series and ids together (both must match)',
      { series: ['ResNet'], ids: ['ResNet50', 'PPLCNet_x1_0'] },
    ],
    ['an unknown series', { series: ['NoSuchSeries'] }],
  ] as [string, Partial<ChartStateInput>][])('filters: %s', (_label, filter) => {
    const { rows, seriesOrder } = catalog()
    const s = state({ x: axis('flopsG'), y: axis('top1'), ...filter })
    const model = chartModel(rows, s, seriesOrder)
    const ids = [
      ...model.points.map((p) => p.id),
      ...model.missing.map((m) => m.id),
      ...model.outOfRange,
    ]
    expect(ids.sort()).toEqual(
      rows
        .filter(
          (r) =>
            (!s.series.length || s.series.includes(r.series)) &&
            (!s.ids.length || s.ids.includes(r.id)),
        )
        .map((r) => r.id)
        .sort(),
    )
    if (s.series.length) for (const p of model.points) expect(s.series).toContain(p.series)
    if (s.ids.length) for (const p of model.points) expect(s.ids).toContain(p.id)
  })

  it('reports each missing model once, on the axis that lacks a figure, and never plots it', () => {
    const { rows, seriesOrder } = catalog()
    const sd855 = { platform: 'sd855-arm-fp32' as const, batchSize: 1, threads: 1 }
    const onX = chartModel(rows, state({ x: axis('latency', { latency: sd855 }) }), seriesOrder)
    const onY = chartModel(
      rows,
      state({ x: axis('flopsG'), y: axis('latency', { latency: sd855 }) }),
      seriesOrder,
    )
    for (const [model, side] of [
      [onX, 'x'],
      [onY, 'y'],
    ] as const) {
      expect(model.missing.length).toBeGreaterThan(100)
      expect(new Set(model.missing.map((m) => m.axis))).toEqual(new Set([side]))
      const plotted = new Set(model.points.map((p) => p.id))
      const ids = model.missing.map((m) => m.id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const id of ids) expect(plotted.has(id)).toBe(false)
      for (const id of ids) {
        const row = rows.find((r) => r.id === id)!
        expect(row.latencies.some((l) => l.platform === sd855.platform && l.threads === 1)).toBe(
          false,
        )
      }
    }
  })

  it('on a log axis leaves out zero and negative values (as missing), on a linear one plots them', () => {
    const { rows, seriesOrder } = catalog()
    // The shipped figures are all positive: make some zero or negative to see them dropped.
    const edited = rows.map((r, i) =>
      i % 9 === 0 ? { ...r, flopsG: 0 } : i % 13 === 0 ? { ...r, flopsG: -0.5 } : r,
    )
    const bad = new Set(edited.filter((r) => r.flopsG !== null && r.flopsG <= 0).map((r) => r.id))
    expect(bad.size).toBeGreaterThan(20)

    const log = chartModel(edited, state({ x: axis('flopsG', { scale: 'log' }) }), seriesOrder)
    expect(log.points.some((p) => p.x <= 0)).toBe(false)
    expect(log.missing.filter((m) => m.axis === 'x').map((m) => m.id)).toEqual(
      edited.filter((r) => bad.has(r.id) || r.flopsG === null).map((r) => r.id),
    )
    const linear = chartModel(
      edited,
      state({ x: axis('flopsG', { scale: 'linear' }) }),
      seriesOrder,
    )
    expect(linear.points.filter((p) => bad.has(p.id))).toHaveLength(bad.size)
    // And the same on y.
    const logY = chartModel(
      edited,
      state({ x: axis('top1'), y: axis('flopsG', { scale: 'log' }) }),
      seriesOrder,
    )
    expect(logY.missing.filter((m) => bad.has(m.id)).every((m) => m.axis === 'y')).toBe(true)
    expect(logY.points.some((p) => bad.has(p.id))).toBe(false)
  })

  it('marks withinBudget exactly for x ≤ budget, the point on the budget included', () => {
    const { rows, seriesOrder } = catalog()
    const all = chartModel(rows, defaultChartState, seriesOrder)
    const xs = all.points.map((p) => p.x).sort((a, b) => a - b)
    const budget = xs[Math.floor(xs.length / 2)]!
    const model = chartModel(rows, state({ budget }), seriesOrder)
    for (const p of model.points) expect(p.withinBudget, p.id).toBe(p.x <= budget)
    const within = model.points.filter((p) => p.withinBudget)
    expect(within.length).toBeGreaterThan(0)
    expect(within.length).toBeLessThan(model.points.length)
    expect(model.points.some((p) => p.x === budget && p.withinBudget)).toBe(true)
    // Without a budget, everything is within; the budget does not move the frontier.
    expect(all.points.every((p) => p.withinBudget)).toBe(true)
    expect(model.frontier.map((p) => p.id)).toEqual(all.frontier.map((p) => p.id))
  })

  it('keeps hidden series as points (and in the legend) but out of the frontier', () => {
    const { rows, seriesOrder } = catalog()
    const preset = chartPresets.find((p) => p.id === 'v100-bs1')!.state
    const shown = chartModel(rows, preset, seriesOrder)
    const leader = shown.frontier.at(-1)!.group
    const s = state({ ...preset, hidden: [leader] })
    const model = chartModel(rows, s, seriesOrder)

    expect(model.points.map((p) => p.id)).toEqual(shown.points.map((p) => p.id))
    expect(model.series).toEqual(shown.series)
    expect(model.series).toContain(leader)
    expect(model.points.filter((p) => p.group === leader && p.onFrontier)).toEqual([])
    expect(model.frontier.map((p) => p.id)).toEqual(bruteFrontier(rows, s))
    expect(model.frontier.map((p) => p.id)).not.toEqual(shown.frontier.map((p) => p.id))
    expect(model.lines.filter((l) => l.family === leader).length).toBe(
      shown.lines.filter((l) => l.family === leader).length,
    )
  })

  it('flags exactly the selected models', () => {
    const { rows, seriesOrder } = catalog()
    const all = chartModel(rows, defaultChartState, seriesOrder)
    const picks = [all.points[0]!.id, all.points.at(-1)!.id, all.frontier[0]!.id, 'NoSuchModel']
    const model = chartModel(rows, state({ selection: picks }), seriesOrder)
    for (const p of model.points) expect(p.selected, p.id).toBe(picks.includes(p.id))
    expect(model.points.filter((p) => p.selected).length).toBe(new Set(picks).size - 1)
  })

  it('lists one legend entry per family with points, in catalog series order, and joins families of 2+ points', () => {
    const { rows, seriesOrder } = catalog()
    const model = chartModel(rows, defaultChartState, seriesOrder)
    expect(new Set(model.series)).toEqual(new Set(model.points.map((p) => p.family)))
    expect(new Set(model.catalogSeries)).toEqual(new Set(model.points.map((p) => p.series)))
    // ResNet, ResNet_vd and the SSLD variants are entries of their own (as on the official chart).
    expect(model.series).toEqual(expect.arrayContaining(['ResNet', 'ResNet_vd', 'ResNet_vd_ssld']))
    const mobile = chartModel(
      rows,
      chartPresets.find((p) => p.id === 'sd855-t1')!.state,
      seriesOrder,
    )
    expect(mobile.series).toEqual(
      expect.arrayContaining(['MobileNetV3_large', 'MobileNetV3_small', 'MobileNetV3_small_ssld']),
    )
    const seriesOf = new Map(model.points.map((p) => [p.group, p.series]))
    const positions = model.series.map((s) => seriesOrder.indexOf(seriesOf.get(s)!))
    expect(positions.every((i) => i >= 0)).toBe(true)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))

    const families = new Map<string, number>()
    for (const p of model.points) families.set(p.family, (families.get(p.family) ?? 0) + 1)
    const joined = [...families].filter(([, n]) => n >= 2).map(([f]) => f)
    expect(model.lines.map((l) => l.family).sort()).toEqual(joined.sort())
    for (const line of model.lines) {
      const members = model.points.filter((p) => p.family === line.family)
      expect(line.points).toHaveLength(members.length)
      expect(line.series).toBe(members[0]!.series)
    }
  })
})
