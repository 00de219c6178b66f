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
import type { ChartModel, PlottedPoint } from './chartModel'
import { chartThemes, seriesStyle } from './chartPalette'
import type { ChartAxis, ChartState } from './chartState'

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
}

export const FONT_FAMILY = "'Noto Sans', 'Noto Sans CJK SC', 'DejaVu Sans', system-ui, sans-serif"

const TEXT = {
  en: {
    frontier: 'Pareto frontier',
    budget: (value: string) => `budget ≤ ${value}`,
    versus: (y: string, x: string) => `${y} vs ${x}`,
  },
  'zh-CN': {
    frontier: '帕累托前沿',
    budget: (value: string) => `预算 ≤ ${value}`,
    versus: (y: string, x: string) => `${y} 与 ${x}`,
  },
} as const

/** "Top-1 accuracy vs Latency (V100, bs 1)": the title of a chart that has none of its own. */
export function autoTitle(x: ChartAxis, y: ChartAxis, locale: Locale): string {
  const label = (a: ChartAxis) => {
    const latency =
      a.field === 'latency' && a.latency
        ? ` (${a.latency.platform}, bs ${a.latency.batchSize}${a.latency.threads ? `, ${a.latency.threads} thr` : ''})`
        : ''
    return `${chartFields[a.field].label[locale]}${latency}`
  }
  return TEXT[locale].versus(label(y), label(x))
}

export function axisTitle(axis: ChartAxis, locale: Locale): string {
  const def = chartFields[axis.field]
  const latency =
    axis.field === 'latency' && axis.latency
      ? ` · ${axis.latency.platform} · bs ${axis.latency.batchSize}${axis.latency.threads ? ` · ${axis.latency.threads} thr` : ''}`
      : ''
  return `${def.label[locale]} (${def.unit}${axis.scale === 'log' ? ', log' : ''})${latency}`
}

/** Tick labels: accuracies as percent, other numbers without float noise. */
export function formatTick(value: number, percent: boolean): string {
  if (percent) return `${Number((value * 100).toFixed(1))}%`
  return String(Number(value.toPrecision(4)))
}

function axisOption(
  axis: ChartAxis,
  locale: Locale,
  theme: (typeof chartThemes)['light'],
  nameGap: number,
) {
  const def = chartFields[axis.field]
  const log = axis.scale === 'log'
  const positive = (value: number | null) =>
    value !== null && (!log || value > 0) ? value : undefined
  return {
    type: log ? ('log' as const) : ('value' as const),
    ...(log ? { logBase: 10 } : { scale: true }),
    name: axisTitle(axis, locale),
    nameLocation: 'middle' as const,
    nameGap,
    nameTextStyle: { color: theme.text, fontSize: 13 },
    min: positive(axis.min),
    max: positive(axis.max),
    axisLine: { show: true, lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    axisLabel: {
      color: theme.muted,
      formatter: (value: number) => formatTick(value, def.percent),
      // A fixed min/max rarely falls on the tick interval; its label would crowd the next tick.
      showMinLabel: axis.min === null,
      showMaxLabel: axis.max === null,
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
 * Labels sit left of their point (the stepped frontier leaves each point to the right). One that
 * would cross the y axis, at the cheap end of the frontier, goes above and right of its point.
 */
const labelLayout: LabelLayoutOptionCallback = ({ rect, labelRect }) =>
  labelRect.x < GRID_LEFT + 2
    ? {
        x: rect.x + rect.width + 2,
        y: rect.y,
        align: 'left',
        verticalAlign: 'bottom',
        hideOverlap: true,
      }
    : { hideOverlap: true }

export function buildChartOption(input: ChartOptionInput): EChartsOption {
  const { model, state, locale, interactive } = input
  const theme = chartThemes[input.theme]
  const text = TEXT[locale]
  const xPercent = chartFields[state.x.field].percent
  const styles = new Map(model.series.map((name, index) => [name, seriesStyle(index)]))
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
      emphasis: { focus: 'series', scale: 1.4 },
      labelLayout,
      z: 3,
      data: model.points
        .filter((p) => p.series === name)
        .map((p) => ({
          name: p.id,
          value: [p.x, p.y],
          ...(p.withinBudget
            ? {}
            : { itemStyle: { color: theme.greyed, borderColor: theme.greyed, opacity: 0.6 } }),
          ...(p.selected
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
                // Above the point: the stepped frontier runs right and down from it, and a label
                // on the left would run off the plot for the leftmost points.
                label: {
                  show: true,
                  formatter: p.id,
                  position: 'top' as const,
                  distance: 4,
                  fontSize: 10,
                  color: theme.muted,
                },
              }
            : {}),
        })),
    }
  })

  /** A family line, split where it crosses the budget: the part over it is greyed like its points. */
  const familySeries = (line: ChartModel['lines'][number]): LineSeriesOption[] => {
    const style = styles.get(line.series)
    const base = (points: [number, number][], over: boolean): LineSeriesOption => ({
      type: 'line',
      name: line.series,
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

  const legendNames = [...model.series, ...(frontierVisible ? [text.frontier] : [])]
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
      textStyle: { color: theme.text, fontSize: 12 },
      pageTextStyle: { color: theme.muted },
      itemWidth: 16,
      itemHeight: 10,
    },
    grid: {
      left: GRID_LEFT,
      right: legendWidth(legendNames) + 16,
      top: input.subtitle ? 80 : 64,
      bottom: 64,
      // The margins above leave room for the axis labels and names: ECharts need not measure them
      // to shrink the plot (its default), which is a third of the work of a first draw.
      outerBoundsMode: 'none',
    },
    xAxis: axisOption(state.x, locale, theme, 36),
    yAxis: axisOption(state.y, locale, theme, 52),
    // Points first: a legend entry takes its marker from the first series of that name.
    series: [...scatter, ...lines, ...extras],
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
        const name = (params as { name?: string }).name
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
