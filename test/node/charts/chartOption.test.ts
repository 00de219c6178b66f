import type { EChartsOption } from 'echarts'
import { describe, expect, it } from 'vitest'
import { chartFields } from '@shared/charts/chartFields'
import { chartModel, type ChartModel, type PlottedPoint } from '@shared/charts/chartModel'
import { buildChartOption, type ChartOptionInput } from '@shared/charts/chartOption'
import { chartThemes, PALETTE } from '@shared/charts/chartPalette'
import { chartPresets } from '@shared/charts/chartPresets'
import { axis, defaultChartState, type ChartState } from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import { catalogListInput, type ModelRow } from '@shared/contract'
import { openTestCore } from '../helpers/testCore'

/** The parts of ECharts' option types these tests read, without its wide unions. */
interface Datum {
  name: string
  value: [number, number]
  symbolSize?: number
  itemStyle?: { color?: string; borderColor?: string; borderWidth?: number }
  label?: { show?: boolean; formatter?: string }
}
interface Series {
  type: string
  name: string
  data: unknown[]
  itemStyle?: { color?: string }
  lineStyle?: { color?: string }
  markLine?: { data: { xAxis: number }[] }
  markArea?: { data: unknown[] }
}
interface Axis {
  type: string
  name: string
  min?: number
  max?: number
}
interface Legend {
  data: string[]
  selected: Record<string, boolean>
}

const seriesOf = (o: EChartsOption) => o.series as unknown as Series[]
const scatterOf = (o: EChartsOption) => seriesOf(o).filter((s) => s.type === 'scatter')
const linesOf = (o: EChartsOption) => seriesOf(o).filter((s) => s.type === 'line')
const dataOf = (s: Series) => s.data as Datum[]
const legendOf = (o: EChartsOption) => o.legend as unknown as Legend
const xAxisOf = (o: EChartsOption) => o.xAxis as unknown as Axis
const yAxisOf = (o: EChartsOption) => o.yAxis as unknown as Axis

let loaded: { rows: ModelRow[]; seriesOrder: string[] } | undefined

/**
 * Every catalog row and the catalog's series order, read once per file through a real core on
 * real SQLite (rows are plain data and outlive the core, which closes after the first test).
 */
function catalog(): { rows: ModelRow[]; seriesOrder: string[] } {
  if (loaded) return loaded
  const { core } = openTestCore()
  loaded = {
    rows: core.catalog.list(catalogListInput.parse({})).rows,
    seriesOrder: core.catalog.series().map((s) => s.id),
  }
  return loaded
}

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

function build(
  s: ChartState,
  options: Partial<Omit<ChartOptionInput, 'model' | 'state'>> = {},
): { option: EChartsOption; model: ChartModel } {
  const { rows, seriesOrder } = catalog()
  const model = chartModel(rows, s, seriesOrder)
  const option = buildChartOption({
    model,
    state: s,
    locale: 'en',
    theme: 'light',
    title: 'A chart',
    interactive: false,
    ...options,
  })
  return { option, model }
}

const coords = (points: readonly PlottedPoint[]) => points.map((p) => [p.x, p.y])

/** The frontier line: the line series that is not a series' family line and draws the frontier. */
function frontierSeries(option: EChartsOption, model: ChartModel): Series | undefined {
  return linesOf(option).find(
    (s) =>
      !model.series.includes(s.name) &&
      JSON.stringify(s.data) === JSON.stringify(coords(model.frontier)),
  )
}

const cases: [string, ChartState][] = [
  ['the default', defaultChartState],
  ...chartPresets.map((p): [string, ChartState] => [`preset ${p.id}`, p.state]),
  ['top-1 vs FLOPs (log x)', state({ x: axis('flopsG'), y: axis('top1') })],
]

describe('buildChartOption', () => {
  it.each(cases)('draws one scatter per family with all its points: %s', (_l, s) => {
    const { option, model } = build(s)
    const scatter = scatterOf(option)
    expect(scatter.map((x) => x.name)).toEqual(model.series)
    for (const series of scatter) {
      const points = model.points.filter((p) => p.group === series.name)
      expect(points.length).toBeGreaterThan(0)
      expect(dataOf(series).map((d) => d.name)).toEqual(points.map((p) => p.id))
      expect(dataOf(series).map((d) => d.value)).toEqual(coords(points))
    }
    expect(scatter.reduce((n, x) => n + x.data.length, 0)).toBe(model.points.length)
    // Colour and marker together tell the series apart.
    const looks = scatter.map((x) => `${x.itemStyle?.color}/${(x as { symbol?: string }).symbol}`)
    expect(new Set(looks).size).toBe(looks.length)
    // …and no two entries share a colour (the issue: ResNet and RegNet both orange).
    const colours = scatter.map((x) => x.itemStyle?.color)
    if (colours.length <= PALETTE.length) expect(new Set(colours).size).toBe(colours.length)
  })

  it.each(cases)('draws family lines named and coloured as their series: %s', (_l, s) => {
    const { option, model } = build(s)
    const colour = new Map(scatterOf(option).map((x) => [x.name, x.itemStyle?.color]))
    const family = linesOf(option).filter((l) => model.series.includes(l.name))
    expect(model.lines.length).toBeGreaterThan(0)
    expect(family.map((l) => l.data)).toEqual(model.lines.map((l) => l.points))
    expect(family.map((l) => l.name)).toEqual(model.lines.map((l) => l.family))
    for (const line of family) {
      expect(line.lineStyle?.color).toBeDefined()
      expect(line.lineStyle?.color).toBe(colour.get(line.name))
    }
  })

  it.each(cases)('keeps the legend right of the plot, long names cut: %s', (_l, s) => {
    const { option } = build(s)
    const legend = option.legend as {
      right: number
      itemWidth: number
      textStyle: { width: number; overflow: string }
    }
    const grid = option.grid as { right: number }
    expect(legend.textStyle.overflow).toBe('truncate')
    // Marker, gap and the longest text fit between the legend's right edge and the plot.
    expect(legend.right + legend.itemWidth + 5 + legend.textStyle.width).toBeLessThanOrEqual(
      grid.right,
    )
  })

  it.each(cases)('lists the series, then the frontier, in the legend: %s', (_l, s) => {
    const { option, model } = build(s)
    const frontier = frontierSeries(option, model)
    expect(frontier).toBeDefined()
    expect(legendOf(option).data).toEqual([...model.series, frontier!.name])
    expect(legendOf(option).selected).toEqual({})
  })

  it.each(cases)('uses the state’s axis types and ranges: %s', (_l, s) => {
    const { option, model } = build(s)
    for (const [a, o] of [
      [s.x, xAxisOf(option)],
      [s.y, yAxisOf(option)],
    ] as const) {
      expect(o.type).toBe(a.scale === 'log' ? 'log' : 'value')
      // A fixed bound is kept; a free one is computed to enclose every point.
      if (a.min !== null) expect(o.min).toBe(a.min)
      if (a.max !== null) expect(o.max).toBe(a.max)
      const values = model.points.map((p) => (a === s.x ? p.x : p.y))
      expect(o.min).toBeLessThanOrEqual(Math.min(...values))
      expect(o.max).toBeGreaterThanOrEqual(Math.max(...values))
      expect(o.name).toContain(chartFields[a.field].label.en)
    }
  })

  it('draws no family lines with families off, and no frontier (nor its legend) with frontier off', () => {
    const s = chartPresets[0]!.state
    const { option, model } = build(state({ ...s, families: false, frontier: false }))
    expect(linesOf(option)).toEqual([])
    expect(legendOf(option).data).toEqual(model.series)
    expect(frontierSeries(option, model)).toBeUndefined()
  })

  it('switches hidden series off in the legend, points still drawn', () => {
    const s = chartPresets[0]!.state
    const shown = build(s).model.series
    const hidden = [shown[0]!, shown[2]!]
    const { option, model } = build(state({ ...s, hidden }))
    expect(legendOf(option).selected).toEqual({ [hidden[0]!]: false, [hidden[1]!]: false })
    expect(scatterOf(option).map((x) => x.name)).toEqual(model.series)
    expect(legendOf(option).data).toEqual(expect.arrayContaining(hidden))
  })

  // The catalog's FLOPs run from about 0.01 to a few hundred G: free bounds are 1-2-5 ticks.
  it.each([
    [{ min: 0, max: 100 }, { max: 100 }],
    [{ min: -1, max: -0.5 }, {}],
    [
      { min: 0.01, max: 50 },
      { min: 0.01, max: 50 },
    ],
    [{ min: null, max: 0 }, {}],
  ])('on a log axis keeps positive min/max only: %j', (range, expected) => {
    const { option, model } = build(
      state({ x: axis('flopsG', range), y: axis('top1', { min: 0 }) }),
    )
    const x = xAxisOf(option)
    expect(x).toMatchObject({ type: 'log', ...expected })
    // A range that holds no positive value leaves nothing to plot, and no bounds to compute.
    if (model.points.length === 0) return
    expect(x.min).toBeGreaterThan(0)
    if (!('min' in expected)) {
      expect(x.min).toBeLessThanOrEqual(Math.min(...model.points.map((p) => p.x)))
      expect(String(x.min)).toMatch(/^(1|2|5|0\.0*[125])(e[-+]?\d+)?$|^[125]0*$/)
    }
    // A linear axis keeps zero.
    expect(yAxisOf(option)).toMatchObject({ type: 'value', min: 0 })
  })

  it('draws a budget line at the budget and greys the points over it', () => {
    const budget = 3
    const s = state({ ...chartPresets[0]!.state, budget })
    const { option, model } = build(s)
    const marked = seriesOf(option).filter((x) => x.markLine)
    expect(marked).toHaveLength(1)
    expect(marked[0]!.markLine!.data).toEqual([{ xAxis: budget }])
    expect(legendOf(option).data).not.toContain(marked[0]!.name)
    const grey = chartThemes.light.greyed
    const data = scatterOf(option).flatMap(dataOf)
    const over = data.filter((d) => d.value[0] > budget)
    const within = data.filter((d) => d.value[0] <= budget)
    expect(over.length).toBeGreaterThan(0)
    expect(within.length).toBeGreaterThan(0)
    expect(over.length).toBe(model.points.filter((p) => !p.withinBudget).length)
    for (const d of over) expect(d.itemStyle?.color, d.name).toBe(grey)
    for (const d of within) expect(d.itemStyle?.color, d.name).not.toBe(grey)

    const none = build(state({ ...s, budget: null })).option
    expect(seriesOf(none).filter((x) => x.markLine || x.markArea)).toEqual([])
    expect(
      scatterOf(none)
        .flatMap(dataOf)
        .filter((d) => d.itemStyle),
    ).toEqual([])
  })

  it('enlarges and outlines selected points, greyed or not', () => {
    const all = build(chartPresets[0]!.state).model
    const cheap = all.points.find((p) => p.x < 2)!
    const dear = all.points.find((p) => p.x > 10)!
    const selected = state({ ...chartPresets[0]!.state, budget: 5, selection: [cheap.id, dear.id] })
    // An exported chart draws no rings: the selection is the session's, not the figure's.
    const exported = scatterOf(build(selected).option).flatMap(dataOf)
    expect(exported.filter((d) => d.symbolSize !== undefined)).toEqual([])
    expect(exported.filter((d) => d.itemStyle?.borderWidth)).toEqual([])
    const { option } = build(selected, { interactive: true })
    const data = scatterOf(option).flatMap(dataOf)
    const big = data.filter((d) => d.symbolSize !== undefined)
    expect(big.map((d) => d.name).sort()).toEqual([cheap.id, dear.id].sort())
    for (const d of big) expect(d.itemStyle?.borderColor).toBe(chartThemes.light.text)
    expect(data.find((d) => d.name === dear.id)!.itemStyle?.color).toBe(chartThemes.light.greyed)
    expect(data.find((d) => d.name === cheap.id)!.itemStyle?.color).not.toBe(
      chartThemes.light.greyed,
    )
  })

  it('adds tooltip, zoom and brush when interactive, none when exported', () => {
    const s = chartPresets[1]!.state
    const exported = build(s).option
    expect(exported.tooltip).toBeUndefined()
    expect(exported.dataZoom).toBeUndefined()
    expect(exported.brush).toBeUndefined()
    expect(exported.animation).toBe(false)
    expect(exported.backgroundColor).toBe(chartThemes.light.background)

    const seen: string[] = []
    const { option, model } = build(s, {
      interactive: true,
      tooltip: (point) => {
        seen.push(point.id)
        return `<b>${point.id}</b>`
      },
    })
    expect(option.dataZoom).toHaveLength(2)
    expect(option.brush).toBeDefined()
    expect(option).toMatchObject({ animation: true, animationDuration: 0 })
    expect(option.animationDurationUpdate).toBeGreaterThan(0)
    const tooltip = option.tooltip as { formatter: (params: unknown) => string }
    const point = model.points[3]!
    expect(tooltip.formatter({ name: point.id })).toBe(`<b>${point.id}</b>`)
    expect(tooltip.formatter({ name: 'NoSuchModel' })).toBe('')
    expect(seen).toEqual([point.id])
  })

  it.each([
    ['frontier', true, (m: ChartModel) => m.frontier.map((p) => p.id)],
    ['frontier', false, () => []],
    ['none', true, () => []],
    ['all', true, (m: ChartModel) => m.points.map((p) => p.id)],
  ] as const)(
    'labels=%s (frontier shown: %s) labels exactly the right points',
    (labels, frontier, expected) => {
      const { option, model } = build(state({ ...chartPresets[1]!.state, labels, frontier }))
      const labelled = scatterOf(option)
        .flatMap(dataOf)
        .filter((d) => d.label?.show)
      expect(labelled.map((d) => d.name).sort()).toEqual([...expected(model)].sort())
      for (const d of labelled) expect(d.label?.formatter).toBe(d.name)
      if (labels !== 'none' && frontier) expect(labelled.length).toBeGreaterThan(0)
    },
  )

  it('names axes and the frontier in Chinese for zh-CN, on a dark background', () => {
    const s = chartPresets[1]!.state
    const en = build(s).option
    const { option, model } = build(s, { locale: 'zh-CN', theme: 'dark' })
    for (const [a, o] of [
      [s.x, xAxisOf(option)],
      [s.y, yAxisOf(option)],
    ] as const) {
      expect(o.name).toContain(chartFields[a.field].label['zh-CN'])
      expect(o.name).not.toContain(chartFields[a.field].label.en)
    }
    const frontier = frontierSeries(option, model)!
    expect(frontier.name).not.toBe(frontierSeries(en, model)!.name)
    expect(frontier.name).toMatch(/[\u4e00-\u9fff]/)
    expect(option.backgroundColor).toBe(chartThemes.dark.background)
  })
})
