/**
 * A batch job's two charts for one model, as ECharts options the Batch view draws and the export
 * engine renders to SVG and PNG: top-1 counts per class (horizontal bars, most frequent on top,
 * the tail folded into one "other" bar) and the histogram of top-1 confidence. `batchChartRows`
 * is the data of either, for the CSV.
 */
import type { EChartsOption } from 'echarts'
import type { BatchSummary } from '../contract/batch'
import { FONT_FAMILY } from './chartOption'
import { PALETTE, chartThemes } from './chartPalette'

export type BatchChartKind = 'classes' | 'confidence'
export type BatchChartLocale = 'en' | 'zh-CN'

export interface BatchChartInput {
  kind: BatchChartKind
  summary: BatchSummary
  modelName: string
  /** The job's name (its folders), for the subtitle. */
  jobLabel: string
  theme: 'light' | 'dark'
  locale: BatchChartLocale
  /** Tooltips and transitions on screen; none in an exported file. */
  interactive: boolean
  /** Bars before the rest is folded into "other" (classes chart). */
  maxClasses?: number
}

const words = {
  en: {
    classes: 'Top-1 classes',
    confidence: 'Top-1 confidence',
    files: 'Files',
    score: 'Top-1 score',
    other: (n: number) => `other (${n} classes)`,
    classIndex: (i: number) => `class ${i}`,
    subtitle: (model: string, job: string, n: number) =>
      `${model} · ${job} · ${n} files classified`,
  },
  'zh-CN': {
    classes: 'Top-1 类别',
    confidence: 'Top-1 置信度',
    files: '文件数',
    score: 'Top-1 分数',
    other: (n: number) => `其他（${n} 类）`,
    classIndex: (i: number) => `类别 ${i}`,
    subtitle: (model: string, job: string, n: number) => `${model} · ${job} · 已分类 ${n} 个文件`,
  },
} as const

/** One bar: its label, its count and, for a class, its index (null for "other" and for bins). */
export interface BatchChartRow {
  label: string
  count: number
  classIndex: number | null
  /** The bin's bounds (confidence chart). */
  from?: number
  to?: number
}

const LABEL_CHARS = 28

function shorten(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label
}

function percentLabel(value: number): string {
  return `${Math.round(value * 100)}%`
}

export function batchChartRows(
  kind: BatchChartKind,
  summary: BatchSummary,
  locale: BatchChartLocale = 'en',
  maxClasses = 20,
): BatchChartRow[] {
  const text = words[locale]
  if (kind === 'confidence') {
    const bins = summary.histogram.length
    return summary.histogram.map((count, i) => ({
      label: `${percentLabel(i / bins)}–${percentLabel((i + 1) / bins)}`,
      count,
      classIndex: null,
      from: i / bins,
      to: (i + 1) / bins,
    }))
  }
  const classes = summary.classes
  const shown = classes.length > maxClasses ? classes.slice(0, maxClasses - 1) : classes
  const rows: BatchChartRow[] = shown.map((entry) => ({
    label: entry.label ?? text.classIndex(entry.index),
    count: entry.count,
    classIndex: entry.index,
  }))
  const rest = classes.slice(shown.length)
  if (rest.length)
    rows.push({
      label: text.other(rest.length),
      count: rest.reduce((sum, entry) => sum + entry.count, 0),
      classIndex: null,
    })
  return rows
}

export function batchChartTitle(kind: BatchChartKind, locale: BatchChartLocale): string {
  return words[locale][kind]
}

export function batchChartOption(input: BatchChartInput): EChartsOption {
  const { kind, summary, theme: themeName, locale, interactive } = input
  const theme = chartThemes[themeName]
  const text = words[locale]
  const rows = batchChartRows(kind, summary, locale, input.maxClasses)
  const classified = summary.histogram.reduce((sum, count) => sum + count, 0)
  const axisLine = { lineStyle: { color: theme.axis } }
  const splitLine = { lineStyle: { color: theme.grid } }
  const axisLabel = { color: theme.muted, fontSize: 11 }
  const nameTextStyle = { color: theme.muted, fontSize: 12 }

  const base: EChartsOption = {
    backgroundColor: interactive ? 'transparent' : theme.background,
    animation: interactive,
    textStyle: { fontFamily: FONT_FAMILY, color: theme.text },
    title: {
      text: interactive ? '' : batchChartTitle(kind, locale),
      subtext: text.subtitle(input.modelName, input.jobLabel, classified),
      left: 'center',
      top: interactive ? 0 : 8,
      textStyle: { color: theme.text, fontSize: 16, fontWeight: 600 },
      subtextStyle: { color: theme.muted, fontSize: 12 },
    },
    ...(interactive
      ? {
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: 'shadow' },
            confine: true,
            backgroundColor: theme.background,
            borderColor: theme.axis,
            textStyle: { color: theme.text, fontSize: 12 },
          },
        }
      : {}),
  }

  if (kind === 'classes') {
    // Most frequent on top: a category axis draws its first entry at the bottom.
    const ordered = [...rows].reverse()
    return {
      ...base,
      grid: { left: 16, right: 56, top: interactive ? 36 : 72, bottom: 40, containLabel: true },
      xAxis: {
        type: 'value',
        name: text.files,
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle,
        minInterval: 1,
        axisLine,
        axisLabel,
        splitLine,
      },
      yAxis: {
        type: 'category',
        data: ordered.map((row) => row.label),
        axisLine,
        axisTick: { show: false },
        axisLabel: { ...axisLabel, color: theme.text, interval: 0, formatter: shorten },
      },
      series: [
        {
          type: 'bar',
          name: text.files,
          data: ordered.map((row) => ({
            value: row.count,
            itemStyle: { color: row.classIndex === null ? theme.greyed : PALETTE[0] },
          })),
          barMaxWidth: 22,
          label: { show: true, position: 'right', color: theme.muted, fontSize: 11 },
          cursor: interactive ? 'pointer' : 'default',
        },
      ],
    }
  }

  const bins = rows.length
  return {
    ...base,
    grid: { left: 16, right: 24, top: interactive ? 36 : 72, bottom: 48, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.label),
      name: text.score,
      nameLocation: 'middle',
      nameGap: 30,
      nameTextStyle,
      axisLine,
      axisTick: { alignWithLabel: true },
      // Every bin's left edge in whole tens: "0%, 10%, … 90%", never crowded.
      axisLabel: {
        ...axisLabel,
        interval: (index: number) => (index * 10) % bins === 0 || bins <= 10,
        formatter: (_value: string, index: number) => percentLabel(index / bins),
      },
    },
    yAxis: {
      type: 'value',
      name: text.files,
      nameTextStyle,
      minInterval: 1,
      axisLine,
      axisLabel,
      splitLine,
    },
    series: [
      {
        type: 'bar',
        name: text.files,
        data: rows.map((row) => row.count),
        barCategoryGap: '8%',
        itemStyle: { color: PALETTE[0] },
        cursor: interactive ? 'pointer' : 'default',
      },
    ],
  }
}
