/**
 * The option the builder makes, adapted for the live canvas with thousands of models. The picture
 * stays the same; what changes is how many ECharts elements draw it, which is what a zoom step or
 * a new state costs:
 *
 * - Family lines: the builder draws one line series per family (what the exported SVG and its
 *   tests expect). With thousands of models that is thousands of series, each with its own model
 *   and view. Here the families of one chart series become one line series, with a gap (`'-'`)
 *   between families.
 * - Points: past `largeThreshold` points, each chart series' plain points go to a `large` scatter
 *   series (one path for all its symbols), and only the points that carry a style of their own
 *   (greyed over the budget, selected, labelled) stay as single elements, in a series of the same
 *   name so that they share its legend entry.
 */
import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts'

type AnySeries = { type?: string; name?: string | number; data?: unknown }

export interface CanvasOptionSettings {
  /** From how many points in all the chart uses large scatter series. */
  largeThreshold: number
}

function mergeFamilyLines(series: AnySeries[]): AnySeries[] {
  const scatterNames = new Set(series.filter((s) => s.type === 'scatter').map((s) => s.name))
  const merged = new Map<string | number, LineSeriesOption>()
  const result: AnySeries[] = []
  for (const s of series) {
    if (s.type !== 'line' || s.name === undefined || !scatterNames.has(s.name)) {
      result.push(s)
      continue
    }
    const points = (Array.isArray(s.data) ? s.data : []) as unknown[]
    const existing = merged.get(s.name)
    if (existing) {
      ;(existing.data as unknown[]).push('-', ...points)
    } else {
      const copy: LineSeriesOption = {
        ...(s as LineSeriesOption),
        data: [...points] as LineSeriesOption['data'],
        connectNulls: false,
      }
      merged.set(s.name, copy)
      result.push(copy as AnySeries)
    }
  }
  return result
}

/** A data item with no style, label or size of its own. */
function isPlain(item: unknown): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return true
  const keys = Object.keys(item)
  return keys.every((key) => key === 'name' || key === 'value')
}

function splitLargeScatter(series: AnySeries[]): AnySeries[] {
  const result: AnySeries[] = []
  for (const s of series) {
    if (s.type !== 'scatter' || !Array.isArray(s.data)) {
      result.push(s)
      continue
    }
    const scatter = s as ScatterSeriesOption
    const data = s.data as unknown[]
    const plain = data.filter(isPlain)
    const styled = data.filter((item) => !isPlain(item))
    // The large series comes first: the legend takes its marker from the first series of a name.
    result.push({
      ...scatter,
      data: plain,
      large: true,
      largeThreshold: 0,
      labelLayout: undefined,
      emphasis: { disabled: true },
    } as AnySeries)
    if (styled.length) result.push({ ...scatter, data: styled, z: 4 } as AnySeries)
  }
  return result
}

export function canvasOption(option: EChartsOption, settings: CanvasOptionSettings): EChartsOption {
  let series = (Array.isArray(option.series) ? option.series : []) as AnySeries[]
  series = mergeFamilyLines(series)
  const points = series
    .filter((s) => s.type === 'scatter' && Array.isArray(s.data))
    .reduce((n, s) => n + (s.data as unknown[]).length, 0)
  if (points >= settings.largeThreshold) series = splitLargeScatter(series)
  return { ...option, series: series as EChartsOption['series'] }
}
