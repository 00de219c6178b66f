/**
 * One ECharts option from a chart model and state. Pure, so the Explore view (canvas, with
 * tooltips, zoom and brush) and the export engine (server-side SVG) draw the same picture.
 */
import type {
  EChartsOption,
  LabelLayoutOptionCallback,
  LineSeriesOption,
  ScatterSeriesOption,
} from 'echarts'
import type { Locale } from '../contract/values'
import { chartFields } from './chartFields'
import type { ChartModel, MachinePoint, PlottedPoint } from './chartModel'
import { linearTicks, logTicks, type AxisTicks } from './axisTicks'
import { budgetCallout } from './budgetBest'
import { chartThemes, seriesStyle } from './chartPalette'
import type { ChartAxis, ChartState } from './chartState'
import { latencyLabel } from './platformLabel'

export interface ChartOptionInput {
  model: ChartModel
  state: ChartState
  locale: Locale
  theme: 'light' | 'dark'
  title: string
  subtitle?: string | null
  /** Canvas in the app: tooltips, wheel zoom, brush selection, animation. */
  interactive: boolean
  /** HTML for a point's tooltip (the renderer supplies it, with its translations). */
  tooltip?: (point: PlottedPoint) => string
  /** HTML for this machine's point of a model (its run, the machine). */
  machineTooltip?: (point: MachinePoint) => string
}

/** Hollow, in one colour none of the families uses: measured here, not published. */
const MACHINE_COLOR = '#d6336c'

export const FONT_FAMILY = "'Noto Sans', 'Noto Sans CJK SC', 'DejaVu Sans', system-ui, sans-serif"

const TEXT = {
  en: {
    frontier: 'Pareto frontier',
    machine: 'This machine',
    budget: (value: string) => `budget ≤ ${value}`,
    versus: (y: string, x: string) => `${y} vs ${x}`,
  },
  'zh-CN': {
    frontier: '帕累托前沿',
    machine: '本机',
    budget: (value: string) => `预算 ≤ ${value}`,
    versus: (y: string, x: string) => `${y} 与 ${x}`,
  },
} as const

/**
 * "Top-1 accuracy vs Latency · NVIDIA V100 · TensorRT 8.0 · FP32 · batch 1": the title of a chart
 * that has none of its own, with the platform's name from the catalog, never its id.
 */
export function autoTitle(x: ChartAxis, y: ChartAxis, locale: Locale): string {
  const label = (a: ChartAxis) => {
    const latency =
      a.field === 'latency' && a.latency ? ` · ${latencyLabel(a.latency, locale)}` : ''
    return `${chartFields[a.field].label[locale]}${latency}`
  }
  return TEXT[locale].versus(label(y), label(x))
}

export function axisTitle(axis: ChartAxis, locale: Locale): string {
  const def = chartFields[axis.field]
  const latency =
    axis.field === 'latency' && axis.latency ? ` · ${latencyLabel(axis.latency, locale)}` : ''
  return `${def.label[locale]} (${def.unit}${axis.scale === 'log' ? ', log' : ''})${latency}`
}

/** Tick labels: accuracies as percent, other numbers without float noise. */
export function formatTick(value: number, percent: boolean): string {
  if (percent) return `${Number((value * 100).toFixed(1))}%`
  return String(Number(value.toPrecision(4)))
}

/** The axis's ticks over the values plotted on it (all points, so hiding a series keeps the frame). */
export function axisTicksOf(axis: ChartAxis, values: readonly number[]): AxisTicks | null {
  const log = axis.scale === 'log'
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0))
  if (usable.length === 0) return null
  const lo = Math.min(...usable)
  const hi = Math.max(...usable)
  const positive = (value: number | null) => (value !== null && (!log || value > 0) ? value : null)
  return log
    ? logTicks(lo, hi, positive(axis.min), positive(axis.max))
    : linearTicks(lo, hi, axis.min, axis.max)
}

function axisOption(
  axis: ChartAxis,
  ticks: AxisTicks | null,
  locale: Locale,
  theme: (typeof chartThemes)['light'],
  nameGap: number,
) {
  const def = chartFields[axis.field]
  const log = axis.scale === 'log'
  return {
    type: log ? ('log' as const) : ('value' as const),
    ...(log ? { logBase: 10 } : { scale: true }),
    name: axisTitle(axis, locale),
    nameLocation: 'middle' as const,
    nameGap,
    nameTextStyle: { color: theme.text, fontSize: 13 },
    min: ticks?.min,
    max: ticks?.max,
    axisLine: { show: true, lineStyle: { color: theme.axis } },
    // Our own tick values: min and max always labelled, 1-2-5 between decades on log axes.
    axisTick: {
      lineStyle: { color: theme.axis },
      ...(ticks ? { customValues: ticks.ticks } : {}),
    },
    axisLabel: {
      color: theme.muted,
      fontSize: 12,
      hideOverlap: true,
      formatter: (value: number) => formatTick(value, def.percent),
      ...(ticks ? { customValues: ticks.ticks } : {}),
    },
    splitLine: { lineStyle: { color: theme.grid } },
  }
}

/** Room for the legend: the longest series name in a 12 px font, plus the marker. */
function legendWidth(names: readonly string[]): number {
  const longest = Math.max(8, ...names.map((n) => n.length))
  return Math.min(240, Math.round(longest * 7 + 44))
}

const GRID_LEFT = 73

/**
 * Labels that would meet are moved apart vertically, and those still overlapping are hidden
 * (ECharts' labelLayout does both, in that order). One that would cross the y axis moves right.
 */
const labelLayout: LabelLayoutOptionCallback = ({ labelRect }) => ({
  ...(labelRect.x < GRID_LEFT + 2 ? { x: GRID_LEFT + 2, align: 'left' as const } : {}),
  moveOverlap: 'shiftY',
  hideOverlap: true,
})

/**
 * Where a point's label goes so that it stays inside the plot: right of points in the left
 * two-thirds, left of the others, and below points near the top.
 */
export function labelPosition(
  x: number,
  y: number,
  xTicks: AxisTicks | null,
  yTicks: AxisTicks | null,
  scales: { x: 'linear' | 'log'; y: 'linear' | 'log' },
): 'right' | 'left' | 'bottom' {
  const fraction = (v: number, t: AxisTicks | null, log: boolean) => {
    if (!t || t.max === t.min) return 0.5
    return log ? Math.log(v / t.min) / Math.log(t.max / t.min) : (v - t.min) / (t.max - t.min)
  }
  const fx = fraction(x, xTicks, scales.x === 'log')
  const fy = fraction(y, yTicks, scales.y === 'log')
  if (fy > 0.95 && fx > 0.1 && fx < 0.7) return 'bottom'
  return fx > 0.66 ? 'left' : 'right'
}

export function buildChartOption(input: ChartOptionInput): EChartsOption {
  const { model, state, locale, interactive } = input
  const theme = chartThemes[input.theme]
  const text = TEXT[locale]
  const xPercent = chartFields[state.x.field].percent
  const styles = new Map(model.series.map((name, index) => [name, seriesStyle(index, name)]))
  const xTicks = axisTicksOf(state.x, [
    ...model.points.map((p) => p.x),
    ...model.machine.map((p) => p.x),
  ])
  const yTicks = axisTicksOf(
    state.y,
    model.points.map((p) => p.y),
  )
  const scales = { x: state.x.scale, y: state.y.scale }
  // Rings mark the selection on screen; an exported figure is the chart, not the session.
  const ringed = (p: PlottedPoint) => interactive && p.selected
  const showLabel = (p: PlottedPoint) =>
    state.labels === 'all' ||
    (state.labels === 'frontier' && p.onFrontier && state.frontier && p.withinBudget)

  const scatter: ScatterSeriesOption[] = model.series.map((name) => {
    const style = styles.get(name)!
    return {
      type: 'scatter',
      name,
      symbol: style.symbol,
      symbolSize: 9,
      itemStyle: { color: style.color, borderColor: style.color, borderWidth: 0 },
      ...(interactive ? { emphasis: { focus: 'series' as const, scale: 1.4 } } : {}),
      labelLayout,
      z: 3,
      data: model.points
        .filter((p) => p.group === name)
        .map((p) => ({
          name: p.id,
          value: [p.x, p.y],
          ...(p.withinBudget
            ? {}
            : { itemStyle: { color: theme.greyed, borderColor: theme.greyed, opacity: 0.6 } }),
          ...(ringed(p)
            ? {
                symbolSize: 14,
                itemStyle: {
                  color: p.withinBudget ? style.color : theme.greyed,
                  borderColor: theme.text,
                  borderWidth: 2,
                },
              }
            : {}),
          ...(showLabel(p)
            ? {
                label: {
                  show: true,
                  formatter: p.id,
                  // Frontier labels above their point: the stepped frontier runs right of and below
                  // each of its points, and above-left of it no model is plotted (it would
                  // dominate). All labels take the side with room, inside the plot.
                  position:
                    state.labels === 'frontier'
                      ? ('top' as const)
                      : labelPosition(p.x, p.y, xTicks, yTicks, scales),
                  distance: 5,
                  fontSize: state.labels === 'all' ? 10 : 11,
                  color: theme.text,
                  // A halo in the background colour keeps a label readable over lines and points.
                  textBorderColor: theme.background,
                  textBorderWidth: 3,
                },
              }
            : {}),
        })),
    }
  })

  /** A family line, split where it crosses the budget: the part over it is greyed like its points. */
  const familySeries = (line: ChartModel['lines'][number]): LineSeriesOption[] => {
    // A line belongs to its legend entry: its family, or its series when entries are series.
    const entry = model.groupedBy === 'series' ? line.series : line.family
    const style = styles.get(entry)
    const base = (points: [number, number][], over: boolean): LineSeriesOption => ({
      type: 'line',
      name: entry,
      data: points,
      symbol: 'none',
      silent: true,
      z: 2,
      lineStyle: {
        color: over ? theme.greyed : (style?.color ?? theme.axis),
        type: style?.dash ?? 'solid',
        width: 1.6,
        opacity: over ? 0.7 : 0.85,
      },
      tooltip: { show: false },
    })
    const budget = state.budget
    const within = budget === null ? line.points : line.points.filter(([x]) => x <= budget)
    if (within.length === line.points.length) return [base(line.points, false)]
    const over = line.points.slice(Math.max(0, within.length - 1))
    return [...(within.length > 1 ? [base(within, false)] : []), base(over, true)]
  }
  const lines: LineSeriesOption[] = state.families ? model.lines.flatMap(familySeries) : []

  const extras: LineSeriesOption[] = []
  const frontierVisible = state.frontier && model.frontier.length > 0
  if (frontierVisible) {
    const stepped =
      chartFields[state.x.field].better === 'lower' &&
      chartFields[state.y.field].better === 'higher'
    extras.push({
      type: 'line',
      name: text.frontier,
      data: model.frontier.map((p) => [p.x, p.y]),
      step: stepped ? 'end' : false,
      symbol: 'none',
      silent: true,
      z: 4,
      lineStyle: { color: theme.frontier, type: 'dashed', width: 1.4 },
      itemStyle: { color: theme.frontier },
      tooltip: { show: false },
    })
  }
  if (state.budget !== null) {
    const label = text.budget(
      `${formatTick(state.budget, xPercent)} ${chartFields[state.x.field].unit}`,
    )
    extras.push({
      type: 'line',
      name: '__budget',
      data: [],
      silent: true,
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { color: '#e15759', type: 'solid', width: 1.5 },
        label: { formatter: label, position: 'insideEndTop', color: '#e15759' },
        data: [{ xAxis: state.budget }],
      },
      markArea: {
        silent: true,
        itemStyle: { color: theme.greyed, opacity: 0.12 },
        data: [[{ xAxis: state.budget }, { xAxis: 'max' }]],
      },
    })
  }

  // This machine's points, each tied to its published point by a dotted line along its y.
  const machineSeries: ScatterSeriesOption[] = model.machine.length
    ? [
        {
          type: 'scatter',
          name: text.machine,
          symbol: 'emptyDiamond',
          symbolSize: 11,
          itemStyle: { color: MACHINE_COLOR, borderColor: MACHINE_COLOR, borderWidth: 1.8 },
          z: 5,
          data: model.machine.map((p) => ({ name: p.id, value: [p.x, p.y] })),
          markLine: {
            silent: true,
            symbol: 'none',
            animation: false,
            lineStyle: { color: MACHINE_COLOR, type: 'dotted', width: 1.2, opacity: 0.8 },
            label: { show: false },
            data: model.machine.map((p) => [
              { coord: [p.from.x, p.from.y] },
              { coord: [p.x, p.y] },
            ]),
          },
        },
      ]
    : []
  const machineById = new Map(model.machine.map((p) => [p.id, p]))

  const legendNames = [
    ...model.series,
    ...(frontierVisible ? [text.frontier] : []),
    ...(model.machine.length ? [text.machine] : []),
  ]
  const gridTop = input.subtitle ? 80 : 64
  const gridRight = legendWidth(legendNames) + 16
  const callout = budgetCallout(model, state, locale)
  const pointsById = new Map(model.points.map((p) => [p.id, p]))
  const option: EChartsOption = {
    backgroundColor: interactive ? 'transparent' : theme.background,
    // Transitions help follow points when the axes change; an entrance animation only delays
    // the first readable chart.
    animation: interactive && model.points.length < 1500,
    animationDuration: 0,
    animationDurationUpdate: 400,
    textStyle: { fontFamily: FONT_FAMILY, color: theme.text },
    title: {
      text: input.title,
      subtext: input.subtitle ?? '',
      left: 'center',
      top: 8,
      textStyle: { color: theme.text, fontSize: 16, fontWeight: 600 },
      subtextStyle: { color: theme.muted, fontSize: 12 },
    },
    legend: {
      type: 'scroll',
      orient: 'vertical',
      right: 8,
      top: input.subtitle ? 64 : 48,
      bottom: 24,
      data: legendNames,
      selected: Object.fromEntries(state.hidden.map((name) => [name, false])),
      // Compact rows: a preset's 25–35 families fit a 700 px window without paging.
      // Names longer than the legend's room are cut with "…" rather than drawn over the plot.
      textStyle: {
        color: theme.text,
        fontSize: 11,
        width: legendWidth(legendNames) - 28,
        overflow: 'truncate',
      },
      pageTextStyle: { color: theme.muted },
      itemGap: 4,
      itemWidth: 14,
      itemHeight: 9,
    },
    // The budget's answer, top right inside the plot where the greyed expensive models are.
    graphic: callout
      ? [
          {
            type: 'text',
            right: gridRight + 8,
            top: gridTop + 8,
            z: 10,
            silent: true,
            style: {
              text: callout,
              fill: theme.text,
              font: `600 13px ${FONT_FAMILY}`,
              backgroundColor: theme.background,
              borderColor: '#e15759',
              borderWidth: 1,
              borderRadius: 4,
              // Wider on the right: the exported SVG's font can run a little wider than measured.
              padding: [4, 14, 4, 8],
            },
          },
        ]
      : [],
    grid: {
      left: GRID_LEFT,
      right: gridRight,
      top: gridTop,
      bottom: 64,
      // The margins above leave room for the axis labels and names: ECharts need not measure them
      // to shrink the plot (its default), which is a third of the work of a first draw.
      outerBoundsMode: 'none',
    },
    xAxis: axisOption(state.x, xTicks, locale, theme, 36),
    yAxis: axisOption(state.y, yTicks, locale, theme, 52),
    // Points first: a legend entry takes its marker from the first series of that name.
    series: [...scatter, ...lines, ...extras, ...machineSeries],
  }

  if (interactive) {
    option.tooltip = {
      trigger: 'item',
      confine: true,
      enterable: false,
      backgroundColor: theme.background,
      borderColor: theme.axis,
      textStyle: { color: theme.text, fontSize: 12 },
      extraCssText: 'max-width: 360px; white-space: normal;',
      formatter: (params) => {
        const { name, seriesName } = params as { name?: string; seriesName?: string }
        if (seriesName === text.machine) {
          const mine = name ? machineById.get(name) : undefined
          return mine && input.machineTooltip ? input.machineTooltip(mine) : ''
        }
        const point = name ? pointsById.get(name) : undefined
        return point && input.tooltip ? input.tooltip(point) : ''
      },
    }
    option.dataZoom = [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
    ]
    option.brush = {
      toolbox: ['rect', 'polygon', 'clear'],
      xAxisIndex: 0,
      yAxisIndex: 0,
      throttleType: 'debounce',
      throttleDelay: 120,
      brushStyle: {
        borderWidth: 1,
        color: 'rgba(91,143,240,0.12)',
        borderColor: 'rgba(91,143,240,0.8)',
      },
      outOfBrush: { colorAlpha: 0.25 },
    }
    option.toolbox = { show: false }
  }
  return option
}
