/**
 * A benchmark run's latency–throughput curve as an ECharts option: x the latency of one call (p90
 * or median, ms), y images per second, one line per thread count with each point labelled by its
 * batch size, the frontier dashed beneath them, the sweet spot ringed and the latency limit as a
 * vertical line. Words come in from the caller (the view's language); numbers are printed the
 * app's one way (benchNumbers). Pure, so it tests under Node.
 */
import type { EChartsOption } from 'echarts'
import {
  latencyThroughputCurve,
  latencyThroughputFrontier,
  sweetSpot,
  type CurveInput,
  type LatencyFigure,
} from '../bench/sweetSpot'
import { latencyNumber as ms, throughputNumber as perSecond } from '../bench/benchNumbers'
import { escapeHtml } from '../format/escapeHtml'
import { FONT_FAMILY } from './chartOption'
import { PALETTE, chartThemes } from './chartPalette'

export interface BenchCurveText {
  /** "p90 latency (ms)". */
  latencyAxis: string
  /** "images/s". */
  throughputAxis: string
  /** A thread count's line: "2 threads". */
  threads: (n: number) => string
  /** A point's label: "b8". */
  batch: (n: number) => string
  frontier: string
  sweetSpot: string
  /** The limit line's label: "limit 20 ms". */
  limit: (ms: string) => string
}

export interface BenchCurveInput {
  points: readonly CurveInput[]
  figure: LatencyFigure
  /** The latency limit in ms, or null when none (or an invalid one) is set. */
  limitMs: number | null
  theme: 'light' | 'dark'
  text: BenchCurveText
  /** Tooltips and transitions on screen. */
  interactive: boolean
}

/** The ring around the sweet spot: a colour no thread line takes first. */
export const SWEET_SPOT_COLOR = '#d6336c'

interface Datum {
  value: [number, number]
  batch: number
  threads: number
}

export function benchCurveOption(input: BenchCurveInput): EChartsOption {
  const { points, figure, limitMs, text } = input
  const colors = chartThemes[input.theme]
  const curve = latencyThroughputCurve(points, figure)
  const frontier = latencyThroughputFrontier(points, figure)
  const spot = limitMs === null ? null : sweetSpot(points, limitMs, figure)
  const best = spot?.kind === 'found' ? spot.best : null
  const datum = (p: { latencyMs: number; imagesPerSecond: number; point: CurveInput }): Datum => ({
    value: [p.latencyMs, p.imagesPerSecond],
    batch: p.point.batch,
    threads: p.point.threads,
  })
  const axisStyle = {
    nameTextStyle: { color: colors.muted },
    axisLine: { lineStyle: { color: colors.axis } },
    axisLabel: { color: colors.muted },
    splitLine: { lineStyle: { color: colors.grid } },
  }

  const lines = curve.map((series, i) => ({
    type: 'line' as const,
    name: text.threads(series.threads),
    data: series.points.map(datum),
    color: PALETTE[i % PALETTE.length] ?? colors.text,
    symbolSize: 7,
    z: 3,
    label: {
      show: true,
      position: 'top' as const,
      color: colors.text,
      fontSize: 10,
      formatter: (p: { data: unknown }) => text.batch((p.data as Datum).batch),
    },
    labelLayout: { hideOverlap: true },
  }))
  const frontierLine = {
    type: 'line' as const,
    name: text.frontier,
    data: frontier.map(datum),
    color: colors.frontier,
    symbol: 'none',
    z: 2,
    silent: true,
    lineStyle: { type: 'dashed' as const, width: 1.5, opacity: 0.6 },
    // The limit belongs to no thread count: it rides on the frontier's series.
    ...(limitMs !== null
      ? {
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: colors.muted, type: 'dotted' as const },
            label: { color: colors.muted, formatter: text.limit(ms(limitMs)) },
            data: [{ xAxis: limitMs }],
          },
        }
      : {}),
  }
  const spotMark = {
    type: 'scatter' as const,
    name: text.sweetSpot,
    data: best ? [datum(best)] : [],
    symbolSize: 18,
    z: 4,
    color: SWEET_SPOT_COLOR,
    itemStyle: { color: 'transparent', borderColor: SWEET_SPOT_COLOR, borderWidth: 2.5 },
  }

  const tooltip = (params: unknown): string => {
    const { data, seriesName } = params as { data: Datum; seriesName: string }
    return [
      `<b>${escapeHtml(seriesName)}</b>`,
      escapeHtml(`${text.batch(data.batch)} · ${text.threads(data.threads)}`),
      escapeHtml(`${ms(data.value[0])} ms · ${perSecond(data.value[1])} ${text.throughputAxis}`),
    ].join('<br>')
  }

  return {
    backgroundColor: 'transparent',
    animation: input.interactive,
    textStyle: { fontFamily: FONT_FAMILY },
    color: [...lines.map((l) => l.color), colors.frontier, SWEET_SPOT_COLOR],
    legend: {
      type: 'scroll',
      top: 0,
      textStyle: { color: colors.text, fontSize: 11 },
      data: [...lines.map((l) => l.name), text.frontier, ...(best ? [text.sweetSpot] : [])],
    },
    grid: { left: 56, right: 20, top: 36, bottom: 44 },
    tooltip: input.interactive ? { trigger: 'item', formatter: tooltip } : undefined,
    xAxis: {
      type: 'value',
      name: text.latencyAxis,
      nameLocation: 'middle',
      nameGap: 26,
      scale: true,
      ...axisStyle,
      axisLabel: { color: colors.muted, formatter: (v: number) => ms(v) },
    },
    yAxis: {
      type: 'value',
      name: text.throughputAxis,
      nameLocation: 'middle',
      nameGap: 42,
      scale: true,
      // Labels print whole images/s: finer steps would label two ticks alike ("227, 227").
      minInterval: 1,
      ...axisStyle,
      axisLabel: { color: colors.muted, formatter: (v: number) => perSecond(v) },
    },
    series: [frontierLine, ...lines, spotMark],
  }
}
