/**
 * A batch job's two charts for one model, as the ECharts options the Batch view draws and the
 * export engine renders to SVG and PNG: top-1 counts per class (horizontal bars, most frequent on
 * top, the tail folded into one "other" bar) and the histogram of top-1 confidence over [0, 1].
 * `batchChartRows` gives the bars of either as data in reading order (the CSV), `batchChartBarAt`
 * the bar a click on the drawn chart hit.
 */
import type { EChartsOption } from 'echarts'
import type { BatchSummary } from '../contract/batch'
import type { Locale } from '../contract/values'
import { escapeHtml } from '../format/escapeHtml'
import { formatDecimal } from '../format/formatDecimal'
import { FONT_FAMILY } from './chartOption'
import { PALETTE, chartThemes } from './chartPalette'

export type BatchChartKind = 'classes' | 'confidence'

export interface BatchChartInput {
  kind: BatchChartKind
  summary: BatchSummary
  modelName: string
  /** The job's name (its folders), for the subtitle. */
  jobLabel: string
  theme: 'light' | 'dark'
  locale: Locale
  /** Tooltips and transitions on screen; none in an exported file. */
  interactive: boolean
  /** Bars at most in the classes chart, "other" included (default 20). */
  maxClasses?: number
  /**
   * The drawing's size in CSS pixels when it is fixed (exports): no more class bars than fit its
   * height, labels and titles no wider than it allows.
   */
  size?: { width: number; height: number }
}

/** One bar, as the CSV writes it. */
export interface BatchChartRow {
  /** The whole label; the drawn axis may shorten it. */
  label: string
  count: number
  /** The class, or null for the "other" bar and for the histogram's bins. */
  classIndex: number | null
  /** The bin's score bounds (confidence chart), else null. */
  bin: { from: number; to: number } | null
}

export const DEFAULT_MAX_CLASSES = 20
/** Height a class bar needs so that its 11 px label never touches its neighbours'. */
const BAR_PITCH = 16
/** Below the class bars: the value axis's ticks, labels and name. */
const VALUE_AXIS_ROOM = 44
/** Under the axis name, to the image's edge. */
const BOTTOM = 12
/** Width of one digit or comma of an 11 px label, for the room the count labels take. */
const DIGIT_WIDTH = 7

const words = {
  en: {
    title: { classes: 'Top-1 classes', confidence: 'Top-1 confidence' },
    files: 'Files',
    score: 'Top-1 score',
    other: (n: number) => `other (${count(n)} classes)`,
    classIndex: (i: number) => `class ${i}`,
    filesOf: (n: number) => `${count(n)} file${n === 1 ? '' : 's'}`,
    classified: (files: number) => `${count(files)} files classified`,
    classifiedInto: (files: number, classes: number) =>
      `${count(files)} files classified, ${count(classes)} class${classes === 1 ? '' : 'es'}`,
  },
  'zh-CN': {
    title: { classes: 'Top-1 类别', confidence: 'Top-1 置信度' },
    files: '文件数',
    score: 'Top-1 分数',
    other: (n: number) => `其他（${count(n)} 类）`,
    classIndex: (i: number) => `类别 ${i}`,
    filesOf: (n: number) => `${count(n)} 个文件`,
    classified: (files: number) => `已分类 ${count(files)} 个文件`,
    classifiedInto: (files: number, classes: number) =>
      `已分类 ${count(files)} 个文件，共 ${count(classes)} 类`,
  },
} as const

function count(n: number): string {
  return formatDecimal(n, 0, 0)
}

function percent(fraction: number): string {
  return `${formatDecimal(fraction * 100, 0, 1)}%`
}

function plotTop(interactive: boolean): number {
  // The view heads the chart itself, so on screen only the subtitle stands above the plot.
  return interactive ? 32 : 64
}

function classBars(input: Pick<BatchChartInput, 'interactive' | 'maxClasses' | 'size'>): number {
  const wanted = input.maxClasses ?? DEFAULT_MAX_CLASSES
  if (!input.size) return Math.max(2, wanted)
  const room = input.size.height - plotTop(input.interactive) - VALUE_AXIS_ROOM - BOTTOM
  return Math.max(2, Math.min(wanted, Math.floor(room / BAR_PITCH)))
}

export function batchChartTitle(kind: BatchChartKind, locale: Locale): string {
  return words[locale].title[kind]
}

/** The bars in reading order: classes most frequent first with "other" last; bins from 0 up. */
export function batchChartRows(
  input: Pick<
    BatchChartInput,
    'kind' | 'summary' | 'locale' | 'interactive' | 'maxClasses' | 'size'
  >,
): BatchChartRow[] {
  const text = words[input.locale]
  const { classes, histogram } = input.summary
  if (input.kind === 'confidence') {
    const bins = histogram.length
    return histogram.map((n, i) => ({
      label: `${percent(i / bins)}–${percent((i + 1) / bins)}`,
      count: n,
      classIndex: null,
      bin: { from: i / bins, to: (i + 1) / bins },
    }))
  }
  const bars = classBars(input)
  const shown = classes.length > bars ? classes.slice(0, bars - 1) : classes
  const rows: BatchChartRow[] = shown.map((entry) => ({
    label: entry.label ?? text.classIndex(entry.index),
    count: entry.count,
    classIndex: entry.index,
    bin: null,
  }))
  const rest = classes.slice(shown.length)
  if (rest.length)
    rows.push({
      label: text.other(rest.length),
      count: rest.reduce((sum, entry) => sum + entry.count, 0),
      classIndex: null,
      bin: null,
    })
  return rows
}

/** The row of the bar at `dataIndex` of the drawn option (class bars are drawn bottom up). */
export function batchChartBarAt(input: BatchChartInput, dataIndex: number): BatchChartRow | null {
  const rows = batchChartRows(input)
  return (input.kind === 'classes' ? rows[rows.length - 1 - dataIndex] : rows[dataIndex]) ?? null
}

export function batchChartOption(input: BatchChartInput): EChartsOption {
  const { kind, summary, theme: themeName, locale, interactive, size } = input
  const theme = chartThemes[themeName]
  const text = words[locale]
  const rows = batchChartRows(input)
  const classified = summary.histogram.reduce((sum, n) => sum + n, 0)
  const counts =
    kind === 'classes'
      ? text.classifiedInto(classified, summary.classes.length)
      : text.classified(classified)
  const most = count(Math.max(0, ...rows.map((row) => row.count)))
  // A fixed size bounds the titles; on screen the canvas follows its box and ECharts places them.
  const fitted = size ? { width: size.width - 32, overflow: 'truncate' as const } : {}
  // Under this width the value axes get fewer ticks, so their labels keep apart.
  const narrow = (size?.width ?? 640) < 480
  const axisLine = { lineStyle: { color: theme.axis } }
  const splitLine = { lineStyle: { color: theme.grid } }
  const axisLabel = { color: theme.muted, fontSize: 11, hideOverlap: true }
  const nameTextStyle = { color: theme.muted, fontSize: 12 }
  // The grid is the outer bound: ECharts shrinks the plot until every axis label and name is inside.
  const bounds = { outerBoundsMode: 'same', outerBoundsContain: 'all' } as const

  const base: EChartsOption = {
    backgroundColor: interactive ? 'transparent' : theme.background,
    animation: interactive,
    textStyle: { fontFamily: FONT_FAMILY, color: theme.text },
    title: {
      text: interactive ? '' : batchChartTitle(kind, locale),
      subtext: `${input.modelName} · ${input.jobLabel} · ${counts}`,
      left: 'center',
      top: interactive ? 0 : 8,
      textStyle: { color: theme.text, fontSize: 16, fontWeight: 600, ...fitted },
      subtextStyle: { color: theme.muted, fontSize: 12, ...fitted },
    },
    ...(interactive
      ? {
          tooltip: {
            trigger: 'item',
            confine: true,
            backgroundColor: theme.background,
            borderColor: theme.axis,
            textStyle: { color: theme.text, fontSize: 12 },
            // ECharts puts this string into the page as HTML: labels come from users' files.
            formatter: (params: unknown) => {
              const row = batchChartBarAt(input, (params as { dataIndex: number }).dataIndex)
              if (!row) return ''
              const share = classified ? ` (${percent(row.count / classified)})` : ''
              return `${escapeHtml(row.label)}<br/>${escapeHtml(text.filesOf(row.count))}${share}`
            },
          },
        }
      : {}),
  }

  if (kind === 'classes') {
    // A category axis draws its first entry at the bottom: reversed, the most frequent is on top.
    const drawn = [...rows].reverse()
    const labelWidth = size ? Math.min(260, Math.max(72, Math.round(size.width * 0.3))) : 200
    return {
      ...base,
      grid: {
        // More than the confidence chart's: ECharts' estimate of a truncated label's width under
        // Node runs a few per cent short of the font that draws it.
        left: 24,
        // The count labels stand right of the bars, outside what ECharts keeps inside the grid.
        right: 16 + DIGIT_WIDTH * most.length,
        top: plotTop(interactive),
        bottom: BOTTOM,
        ...bounds,
      },
      xAxis: {
        type: 'value',
        name: text.files,
        nameLocation: 'middle',
        nameGap: 28,
        nameTextStyle,
        minInterval: 1,
        splitNumber: narrow ? 2 : 5,
        axisLine,
        axisLabel: { ...axisLabel, formatter: (value: number) => count(value) },
        splitLine,
      },
      yAxis: {
        type: 'category',
        data: drawn.map((row) => row.label),
        axisLine,
        axisTick: { show: false },
        axisLabel: {
          ...axisLabel,
          color: theme.text,
          interval: 0,
          width: labelWidth,
          overflow: 'truncate',
          ellipsis: '…',
        },
      },
      series: [
        {
          type: 'bar',
          name: text.files,
          data: drawn.map((row) => ({
            value: row.count,
            itemStyle: { color: row.classIndex === null ? theme.axis : PALETTE[0] },
          })),
          barMaxWidth: 22,
          label: {
            show: true,
            position: 'right',
            color: theme.muted,
            fontSize: 11,
            formatter: (params: { value?: unknown }) => count(Number(params.value)),
          },
          cursor: interactive ? 'pointer' : 'default',
        },
      ],
    }
  }

  return {
    ...base,
    grid: { left: 12, right: 20, top: plotTop(interactive), bottom: BOTTOM, ...bounds },
    // A value axis over [0, 1], so its ticks stand at the bins' edges, not under their middles.
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      // Bars exactly over their bins: no widening of [0, 1] by half a bar at each end.
      containShape: false,
      interval: narrow ? 0.25 : 0.1,
      name: text.score,
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle,
      axisLine,
      axisLabel: { ...axisLabel, formatter: (value: number) => percent(value) },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: text.files,
      nameLocation: 'middle',
      nameRotate: 90,
      nameGap: 16 + DIGIT_WIDTH * most.length,
      nameTextStyle,
      minInterval: 1,
      axisLine,
      axisLabel: { ...axisLabel, formatter: (value: number) => count(value) },
      splitLine,
    },
    series: [
      {
        type: 'bar',
        name: text.files,
        data: rows.map((row, i) => [(i + 0.5) / rows.length, row.count]),
        // Of the distance between two bins' middles, i.e. of a bin's width.
        barWidth: '92%',
        itemStyle: { color: PALETTE[0] },
        cursor: interactive ? 'pointer' : 'default',
      },
    ],
  }
}
