/**
 * The option the builder makes, adapted for the live canvas with thousands of models. The picture
 * stays the same; what changes is how many ECharts elements draw it, which is what a zoom step or
 * a new state costs:
 *
 * - Family lines: the builder draws one line series per family (what the exported SVG and its
 *   tests expect). With thousands of models that is thousands of series, each with its own model
 *   and view. Here the families of one chart series (drawn alike) become one line series, with a
 *   gap (`'-'`) between families.
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
  const merged = new Map<string, LineSeriesOption>()
  const result: AnySeries[] = []
  for (const s of series) {
    if (s.type !== 'line' || s.name === undefined || !scatterNames.has(s.name)) {
      result.push(s)
      continue
    }
    // Lines of one series that look different (a part greyed over the budget) stay apart.
    const key = JSON.stringify([s.name, (s as LineSeriesOption).lineStyle ?? null])
    const points = (Array.isArray(s.data) ? s.data : []) as unknown[]
    const existing = merged.get(key)
    if (existing) {
      ;(existing.data as unknown[]).push('-', ...points)
    } else {
      const copy: LineSeriesOption = {
        ...(s as LineSeriesOption),
        data: [...points] as LineSeriesOption['data'],
        connectNulls: false,
      }
      merged.set(key, copy)
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

const BUILT_IN = ['roundRect', 'pin', 'arrow', 'emptyCircle'] as const
/** A built-in shape standing in for a path marker, the same one for the same path. */
function builtInShape(path: string): string {
  let hash = 0
  for (let i = 0; i < path.length; i++) hash = (hash * 31 + path.charCodeAt(i)) | 0
  return BUILT_IN[Math.abs(hash) % BUILT_IN.length]!
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
      // A path marker is drawn point by point as a parsed path: thousands of them cost seconds
      // per frame while zooming. Large series take the nearest built-in shape.
      ...(typeof scatter.symbol === 'string' && scatter.symbol.startsWith('path://')
        ? { symbol: builtInShape(scatter.symbol) }
        : {}),
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

/** How many lines `text` takes at `width` pixels, wrapped at spaces (`measure` gives a width). */
export function wrappedLines(
  text: string,
  width: number,
  measure: (text: string) => number,
): number {
  let lines = 1
  let line = ''
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word
    if (line && measure(candidate) > width) {
      lines += 1
      line = word
    } else line = candidate
  }
  return lines
}

const SUBTITLE_LINE_HEIGHT = 16

/**
 * A subtitle (preset caveat, models left out) wider than the canvas wraps instead of running off
 * both sides: the grid and legend move down by the extra lines. Exports are wide enough not to.
 */
export function fitSubtitle(
  option: EChartsOption,
  width: number,
  measure: (text: string) => number,
): EChartsOption {
  const title = (Array.isArray(option.title) ? option.title[0] : option.title) as
    { subtext?: string; subtextStyle?: object } | undefined
  const grid = (Array.isArray(option.grid) ? option.grid[0] : option.grid) as
    { top?: unknown } | undefined
  const legend = (Array.isArray(option.legend) ? option.legend[0] : option.legend) as
    { top?: unknown } | undefined
  if (!title?.subtext) return option
  const available = Math.max(120, width - 32)
  const extra = (wrappedLines(title.subtext, available, measure) - 1) * SUBTITLE_LINE_HEIGHT
  if (extra === 0) return option
  const shift = (top: unknown) => (typeof top === 'number' ? top + extra : top)
  return {
    ...option,
    title: {
      ...title,
      subtextStyle: {
        ...title.subtextStyle,
        width: available,
        overflow: 'break',
        lineHeight: SUBTITLE_LINE_HEIGHT,
      },
    },
    ...(grid ? { grid: { ...grid, top: shift(grid.top) } } : {}),
    ...(legend ? { legend: { ...legend, top: shift(legend.top) } } : {}),
  } as EChartsOption
}

/**
 * Keeps point labels inside the plot on the right: a label that would run past the plot's right
 * edge (into the legend) is drawn ending at that edge instead. Needs the chart's width (`width`
 * is asked at each layout), which only the renderer knows, hence here and not in the builder.
 */
export function fitLabels(option: EChartsOption, width: () => number): EChartsOption {
  const grid = (Array.isArray(option.grid) ? option.grid[0] : option.grid) as
    { right?: unknown } | undefined
  const right = grid?.right
  if (typeof right !== 'number') return option
  const series = (Array.isArray(option.series) ? option.series : []) as AnySeries[]
  return {
    ...option,
    series: series.map((s) => {
      const scatter = s as ScatterSeriesOption
      if (s.type !== 'scatter' || typeof scatter.labelLayout !== 'function') return s
      const inner = scatter.labelLayout
      const labelLayout: typeof inner = (params) => {
        const base = inner(params)
        const end =
          (base.x === undefined ? params.labelRect.x : Number(base.x)) + params.labelRect.width
        // The width is read at each layout: a resize lays labels out again without a new option.
        const plotRight = width() - right
        return end > plotRight ? { ...base, x: plotRight, align: 'right' } : base
      }
      return { ...scatter, labelLayout } as AnySeries
    }) as EChartsOption['series'],
  }
}

/** Below this canvas width the legend would squeeze the plot to a strip. */
export const NARROW_CHART = 720

/**
 * On a narrow canvas the legend goes (it still switches series, from its state) and the plot takes
 * its room: the Explore view's families panel beside the chart shows the same swatches and
 * switches. Exports keep their legend: this is for the canvas only.
 */
export function fitLegend(option: EChartsOption, width: number): EChartsOption {
  if (width >= NARROW_CHART) return option
  const legend = (Array.isArray(option.legend) ? option.legend[0] : option.legend) ?? {}
  const grid = (Array.isArray(option.grid) ? option.grid[0] : option.grid) ?? {}
  return { ...option, legend: { ...legend, show: false }, grid: { ...grid, right: 24 } }
}

/** A title wider than a narrow canvas is cut with "…" rather than at both edges. */
export function fitTitle(option: EChartsOption, width: number): EChartsOption {
  const title = Array.isArray(option.title) ? option.title[0] : option.title
  if (!title) return option
  const textStyle = {
    ...(title.textStyle ?? {}),
    width: Math.max(80, width - 24),
    overflow: 'truncate' as const,
  }
  return { ...option, title: { ...title, textStyle } }
}
