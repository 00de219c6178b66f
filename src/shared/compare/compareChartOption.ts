/**
 * Compare's charts as ECharts options, one pure builder for the view's canvas and the export
 * engine's SVG/PNG: grouped bars per metric (raw, one small chart per metric in its own unit; or
 * normalised, all metrics on one 0–1 axis where 1 is the best of the compared models) and a radar
 * of the normalised metrics. Only rows with a direction and at least two values are plotted.
 */
import type { EChartsOption } from 'echarts'
import { chartThemes, PALETTE } from '../charts/chartPalette'
import type { Direction } from '../catalog/fieldTable'
import type { Locale } from '../contract/values'
import type { ComparisonDocument, ComparisonRow } from './comparisonDocument'
import { valueInUnit } from './comparisonText'

export const compareChartKinds = ['bars', 'radar'] as const
export type CompareChartKind = (typeof compareChartKinds)[number]
export const compareChartModes = ['raw', 'normalised'] as const
export type CompareChartMode = (typeof compareChartModes)[number]

export interface CompareChartInput {
  doc: ComparisonDocument
  kind: CompareChartKind
  mode: CompareChartMode
  theme: 'light' | 'dark'
  locale: Locale
  /** Tooltips on the canvas; none in exported files. */
  interactive: boolean
}

/** At most this many metrics: more small charts than this are too narrow to read. */
export const MAX_CHART_METRICS = 8

/**
 * Each value against the best of its row: `value / max` where higher is better, `min / value`
 * where lower is; 1 is the best, missing stays missing. Values of 0 on a lower-is-better row
 * count as best (nothing is cheaper).
 */
export function normalise(
  values: readonly (number | null)[],
  direction: Direction,
): (number | null)[] {
  const present = values.filter((v): v is number => v !== null)
  if (present.length === 0 || direction === 'none') return values.map(() => null)
  if (direction === 'higher') {
    const max = Math.max(...present)
    return values.map((v) => (v === null ? null : max === 0 ? 1 : v / max))
  }
  const min = Math.min(...present)
  return values.map((v) => (v === null ? null : v === 0 ? 1 : min / v))
}

/** The rows a chart plots: a direction, and a figure for at least two models. */
export function chartMetrics(doc: ComparisonDocument): ComparisonRow[] {
  return doc.rows
    .filter(
      (row) =>
        row.kind !== 'text' &&
        row.direction !== 'none' &&
        row.cells.filter((c) => c.value !== null).length >= 2,
    )
    .slice(0, MAX_CHART_METRICS)
}

const words = {
  en: {
    title: (n: number) => `Comparison of ${n} models`,
    normalised: 'relative to the best (1 = best)',
  },
  'zh-CN': {
    title: (n: number) => `${n} 个模型对比`,
    normalised: '相对最佳值（1 = 最佳）',
  },
} as const

/** Shorter metric names for axes: the platform part of a latency label is kept, the rest cut. */
const axisName = (row: ComparisonRow, withUnit: boolean) =>
  `${row.label}${withUnit ? ` (${row.unit})` : ''}`

export function compareChartOption(input: CompareChartInput): EChartsOption {
  const { doc, theme, locale } = input
  const colors = chartThemes[theme]
  const metrics = chartMetrics(doc)
  const ids = doc.models.map((m) => m.id)
  const base: EChartsOption = {
    backgroundColor: colors.background,
    color: [...PALETTE],
    textStyle: { color: colors.text },
    title: {
      text: words[locale].title(ids.length),
      left: 'center',
      top: 8,
      textStyle: { color: colors.text, fontSize: 15 },
    },
    legend: {
      data: ids,
      bottom: 6,
      textStyle: { color: colors.text },
    },
    ...(input.interactive ? { tooltip: { trigger: 'item' as const, confine: true } } : {}),
  }
  const normalisedOf = (row: ComparisonRow) =>
    normalise(
      row.cells.map((c) => c.value),
      row.direction,
    )

  if (input.kind === 'radar') {
    return {
      ...base,
      radar: {
        center: ['50%', '54%'],
        radius: '62%',
        indicator: metrics.map((row) => ({ name: axisName(row, false), max: 1, min: 0 })),
        axisName: { color: colors.text, fontSize: 11 },
        splitLine: { lineStyle: { color: colors.grid } },
        axisLine: { lineStyle: { color: colors.axis } },
        splitArea: { show: false },
      },
      series: [
        {
          type: 'radar',
          // A missing figure sits at the centre; the table says "—" for it.
          data: ids.map((id, i) => ({
            name: id,
            value: metrics.map((row) => Number((normalisedOf(row)[i] ?? 0).toFixed(4))),
          })),
          symbolSize: 4,
          lineStyle: { width: 2 },
          areaStyle: { opacity: 0.08 },
        },
      ],
    }
  }

  if (input.mode === 'normalised') {
    return {
      ...base,
      grid: { left: 56, right: 24, top: 56, bottom: 84 },
      xAxis: {
        type: 'category',
        data: metrics.map((row) => axisName(row, false)),
        axisLabel: { color: colors.text, interval: 0, width: 110, overflow: 'break', fontSize: 11 },
        axisLine: { lineStyle: { color: colors.axis } },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: words[locale].normalised,
        nameTextStyle: { color: colors.muted, align: 'left' },
        axisLabel: { color: colors.muted },
        splitLine: { lineStyle: { color: colors.grid } },
      },
      series: ids.map((id, i) => ({
        type: 'bar',
        name: id,
        data: metrics.map((row) => {
          const v = normalisedOf(row)[i]
          return v === null || v === undefined ? '-' : Number(v.toFixed(4))
        }),
      })),
    }
  }

  // Raw: one small chart per metric, each in its own unit.
  const n = Math.max(1, metrics.length)
  const gap = 2
  const width = (96 - gap * (n - 1)) / n
  return {
    ...base,
    grid: metrics.map((_, k) => ({
      left: `${2 + k * (width + gap)}%`,
      width: `${width}%`,
      top: 56,
      bottom: 48,
      containLabel: true,
    })),
    // The metric's name under its own chart, broken over lines to the chart's width.
    xAxis: metrics.map((row, k) => ({
      type: 'category',
      gridIndex: k,
      data: [axisName(row, true)],
      axisLabel: { color: colors.text, fontSize: 10, interval: 0, width: 100, overflow: 'break' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: colors.axis } },
    })),
    yAxis: metrics.map((_, k) => ({
      type: 'value',
      gridIndex: k,
      axisLabel: { color: colors.muted, fontSize: 10 },
      splitLine: { lineStyle: { color: colors.grid } },
    })),
    series: metrics.flatMap((row, k) =>
      ids.map((id, i) => {
        const value = row.cells[i]!.value
        return {
          type: 'bar' as const,
          name: id,
          xAxisIndex: k,
          yAxisIndex: k,
          data: [value === null ? '-' : Number(valueInUnit(row, value).toPrecision(10))],
        }
      }),
    ),
  }
}
