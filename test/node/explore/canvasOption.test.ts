import type {
  EChartsOption,
  LabelLayoutOptionCallback,
  LabelLayoutOptionCallbackParams,
} from 'echarts'
import { describe, expect, it } from 'vitest'
import { canvasOption, fitLabels, fitSubtitle, wrappedLines } from '@shared/charts/canvasOption'
import { chartModel, type ChartModel } from '@shared/charts/chartModel'
import { buildChartOption } from '@shared/charts/chartOption'
import { findPreset } from '@shared/charts/chartPresets'
import { axis, defaultChartState, type ChartState } from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import type { ModelRow } from '@shared/contract'
import { renderChartSvg } from '../../../src/main/export/renderChartSvg'
import { manyRows, realCatalog } from './exploreFixtures'

/** The parts of ECharts' series options these tests read, without its wide unions. */
interface Series {
  type?: string
  name?: string
  data: unknown[]
  z?: number
  large?: boolean
  largeThreshold?: number
  connectNulls?: boolean
  labelLayout?: unknown
  lineStyle?: object
  emphasis?: { disabled?: boolean }
}
interface Datum {
  name: string
  value: [number, number]
}

const seriesOf = (o: EChartsOption) => o.series as unknown as Series[]
const scatterOf = (o: EChartsOption) => seriesOf(o).filter((s) => s.type === 'scatter')
const linesOf = (o: EChartsOption) => seriesOf(o).filter((s) => s.type === 'line')

/** What ExploreView.vue uses: from 2,000 points on, plain points go to large series. */
const LARGE_THRESHOLD = 2000

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

function build(
  s: ChartState,
  rows?: ModelRow[],
  options: { interactive?: boolean; subtitle?: string | null } = {},
): { option: EChartsOption; model: ChartModel } {
  const catalog = realCatalog()
  const model = chartModel(rows ?? catalog.rows, s, catalog.seriesOrder)
  const option = buildChartOption({
    model,
    state: s,
    locale: 'en',
    theme: 'light',
    title: 'A chart',
    subtitle: options.subtitle ?? null,
    interactive: options.interactive ?? true,
  })
  return { option, model }
}

/** A deep copy that keeps functions (formatters, label layouts) as the same references. */
function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepCopy(v)])) as T
  }
  return value
}

/** A family line's data split at the `'-'` gaps the merge puts between families. */
function pieces(data: readonly unknown[]): unknown[][] {
  const result: unknown[][] = [[]]
  for (const item of data) {
    if (item === '-') result.push([])
    else result.at(-1)!.push(item)
  }
  return result
}

/**
 * The stroked polylines of an SVG (family lines, frontier, axes, grid), each sub-path with its
 * stroke attributes, sorted: the same lines however many series draw them.
 */
function strokedPaths(svg: string): string[] {
  const result: string[] = []
  for (const [element] of svg.matchAll(/<path [^>]*fill="none"[^>]*>/g)) {
    const d = /\sd="([^"]*)"/.exec(element)?.[1] ?? ''
    const style = element
      .replace(/\sd="[^"]*"/, '')
      .replace(/\sclass="[^"]*"/, '')
      // Which series drew it: the numbering changes when series merge.
      .replace(/\secmeta_[a-z_]+="[^"]*"/g, '')
      .replace(/\stransform="[^"]*"/, '')
    for (const sub of d.split(/(?=M)/)) if (sub) result.push(`${sub} ${style}`)
  }
  return result.sort()
}

/**
 * An SVG without what differs between two renders of one option: each chart instance numbers its
 * CSS classes and clip paths (`zr3-cls-12`, `zr3-c0`) after the instances before it.
 */
function normalisedSvg(option: EChartsOption): string {
  const classes = new Map<string, number>()
  return renderChartSvg(option, 1200, 800)
    .replace(/zr\d+-cls-\d+/g, (name) => {
      if (!classes.has(name)) classes.set(name, classes.size)
      return `cls-${classes.get(name)}`
    })
    .replace(/zr\d+-/g, 'zr-')
}

const cases: [string, ChartState][] = [
  ['the default', defaultChartState],
  ['preset v100-bs1', findPreset('v100-bs1')!.state],
  ['preset sd855-t1', findPreset('sd855-t1')!.state],
  ['top-1 vs FLOPs (log x)', state({ x: axis('flopsG'), y: axis('top1') })],
  [
    'a budget that splits family lines',
    state({ x: axis('flopsG'), y: axis('top1'), budget: 4, selection: ['ResNet50', 'ViT_base'] }),
  ],
]

describe('canvasOption: family lines', () => {
  it.each(cases)('merges the family lines of each look into one series: %s', (_l, s) => {
    const { option, model } = build(s)
    const canvas = canvasOption(option, { largeThreshold: LARGE_THRESHOLD })
    const familyBefore = linesOf(option).filter((l) => model.series.includes(l.name!))
    const familyAfter = linesOf(canvas).filter((l) => model.series.includes(l.name!))
    // One line per family now that each family is its own legend entry (two where a budget
    // splits it): merging still must keep one series per look.
    expect(familyBefore.length).toBeGreaterThan(0)

    const lookOf = (l: Series) => JSON.stringify([l.name, l.lineStyle])
    const looks = new Set(familyBefore.map(lookOf))
    // One series per (chart series, line style), in the order of their first line.
    expect(familyAfter.map(lookOf)).toEqual([...looks])
    for (const merged of familyAfter) {
      const originals = familyBefore.filter((l) => lookOf(l) === lookOf(merged))
      expect(pieces(merged.data)).toEqual(originals.map((l) => l.data))
      expect(merged.connectNulls).toBe(false)
    }
  })

  it.each(cases)(
    'leaves the frontier, budget and points alone below the threshold: %s',
    (_l, s) => {
      const { option, model } = build(s)
      const canvas = canvasOption(option, { largeThreshold: LARGE_THRESHOLD })
      const others = (o: EChartsOption) =>
        seriesOf(o).filter((x) => x.type !== 'line' || !model.series.includes(x.name!))
      expect(others(canvas)).toEqual(others(option))
      // Same order: every series keeps its place relative to the others.
      const kinds = (o: EChartsOption) =>
        seriesOf(o).map((x) => (x.type === 'scatter' ? x.name : (x.type ?? '')))
      expect(kinds(canvas).filter((k) => k !== 'line')).toEqual(
        kinds(option).filter((k) => k !== 'line'),
      )
    },
  )

  it('draws the same lines as the one-series-per-family option (rendered to SVG)', () => {
    for (const [, s] of cases) {
      const { option } = build(s, undefined, { interactive: false })
      const canvas = canvasOption(option, { largeThreshold: LARGE_THRESHOLD })
      const before = strokedPaths(renderChartSvg(option, 1200, 800))
      const after = strokedPaths(renderChartSvg(canvas, 1200, 800))
      expect(before.length).toBeGreaterThan(0)
      expect(after).toEqual(before)
    }
  })

  it('changes nothing when families are off', () => {
    const { option } = build(state({ families: false }))
    expect(seriesOf(canvasOption(option, { largeThreshold: LARGE_THRESHOLD }))).toEqual(
      seriesOf(option),
    )
  })

  it('merges only lines named as a scatter series', () => {
    const option: EChartsOption = {
      series: [
        { type: 'scatter', name: 'A', data: [[1, 1]] },
        {
          type: 'line',
          name: 'A',
          data: [
            [1, 1],
            [2, 2],
          ],
        },
        {
          type: 'line',
          name: 'A',
          data: [
            [3, 3],
            [4, 4],
          ],
        },
        {
          type: 'line',
          name: 'frontier',
          data: [
            [1, 1],
            [2, 2],
          ],
        },
        {
          type: 'line',
          name: 'frontier',
          data: [
            [3, 3],
            [4, 4],
          ],
        },
        { type: 'line', data: [[5, 5]] },
      ],
    }
    const lines = linesOf(canvasOption(option, { largeThreshold: 100 }))
    expect(lines.map((l) => [l.name, l.data])).toEqual([
      ['A', [[1, 1], [2, 2], '-', [3, 3], [4, 4]]],
      [
        'frontier',
        [
          [1, 1],
          [2, 2],
        ],
      ],
      [
        'frontier',
        [
          [3, 3],
          [4, 4],
        ],
      ],
      [undefined, [[5, 5]]],
    ])
  })

  it('copes with an option without series', () => {
    expect(canvasOption({ title: { text: 'x' } }, { largeThreshold: 1 })).toEqual({
      title: { text: 'x' },
      series: [],
    })
  })
})

describe('canvasOption: large scatter series', () => {
  const styledCount = (data: unknown[]) =>
    data.filter((d) => Object.keys(d as object).some((k) => k !== 'name' && k !== 'value')).length

  it.each([
    ['a threshold below the point count', -1, true],
    ['a threshold equal to the point count', 0, true],
    ['a threshold above the point count', 1, false],
  ])('switches to large series from the threshold on (%s)', (_label, delta, large) => {
    const { option, model } = build(defaultChartState)
    const canvas = canvasOption(option, { largeThreshold: model.points.length + delta })
    expect(scatterOf(canvas).some((s) => s.large === true)).toBe(large)
    if (!large) expect(scatterOf(canvas)).toEqual(scatterOf(option))
  })

  it('keeps the real catalog (a few hundred models) out of large mode', () => {
    const { option, model } = build(defaultChartState)
    expect(model.points.length).toBeLessThan(LARGE_THRESHOLD)
    const canvas = canvasOption(option, { largeThreshold: LARGE_THRESHOLD })
    expect(scatterOf(canvas).every((s) => s.large === undefined)).toBe(true)
  })

  it('puts plain points of thousands of models in one large series per chart series', () => {
    const rows = manyRows(realCatalog().rows, 3000)
    const s = state({
      x: axis('flopsG'),
      selection: ['ResNet50', 'ResNet50~3', 'MobileNetV3_large_x1_0~5'],
    })
    const { option, model } = build(s, rows)
    expect(model.points.length).toBeGreaterThanOrEqual(LARGE_THRESHOLD)
    const canvas = canvasOption(option, { largeThreshold: LARGE_THRESHOLD })
    const before = scatterOf(option)
    const after = scatterOf(canvas)

    for (const original of before) {
      const named = after.filter((x) => x.name === original.name)
      const [big, styled, ...rest] = named
      expect(rest).toEqual([])
      // The large series first (its marker is the legend's), with only plain points.
      expect(big!.large).toBe(true)
      expect(big!.largeThreshold).toBe(0)
      expect(big!.labelLayout).toBeUndefined()
      expect(big!.emphasis?.disabled).toBe(true)
      expect(styledCount(big!.data)).toBe(0)
      // Points with a look of their own (greyed, selected, labelled) stay single elements above.
      const styledBefore = styledCount(original.data)
      if (styledBefore === 0) expect(styled).toBeUndefined()
      else {
        expect(styled!.large).toBeUndefined()
        expect(styled!.z).toBe(4)
        expect(styled!.labelLayout).toBe(original.labelLayout)
        expect(styled!.data).toHaveLength(styledBefore)
      }
      // Every point is drawn once, where it was.
      const all = named.flatMap((x) => x.data as Datum[])
      const key = (d: Datum) => `${d.name}@${d.value.join(',')}`
      expect(all.map(key).sort()).toEqual((original.data as Datum[]).map(key).sort())
    }
    // Labels and selections survived: some chart series has a styled part.
    expect(after.length).toBeGreaterThan(before.length)
    const selected = after.flatMap((x) => x.data as (Datum & { symbolSize?: number })[])
    expect(
      selected
        .filter((d) => d.symbolSize === 14)
        .map((d) => d.name)
        .sort(),
    ).toEqual([...s.selection].sort())
  })

  it('counts the points of every scatter series together', () => {
    const option: EChartsOption = {
      series: [
        { type: 'scatter', name: 'A', data: [{ name: 'a', value: [1, 1] }] },
        { type: 'scatter', name: 'B', data: [{ name: 'b', value: [2, 2] }] },
        {
          type: 'line',
          name: 'C',
          data: [
            [1, 1],
            [2, 2],
            [3, 3],
          ],
        },
      ],
    }
    expect(scatterOf(canvasOption(option, { largeThreshold: 2 })).map((s) => s.large)).toEqual([
      true,
      true,
    ])
    expect(scatterOf(canvasOption(option, { largeThreshold: 3 })).map((s) => s.large)).toEqual([
      undefined,
      undefined,
    ])
  })
})

describe('canvasOption leaves the export alone', () => {
  it.each(cases)('does not change the option it is given: %s', (_l, s) => {
    for (const threshold of [1, LARGE_THRESHOLD]) {
      const { option } = build(s)
      const copy = deepCopy(option)
      const canvas = fitLabels(
        fitSubtitle(canvasOption(option, { largeThreshold: threshold }), 300, (t) => t.length * 7),
        () => 300,
      )
      expect(canvas).not.toBe(option)
      expect(option).toEqual(copy)
    }
  })

  it.each(cases)('the exported SVG is the same after the canvas tweaks: %s', (_l, s) => {
    const { option } = build(s, undefined, { interactive: false, subtitle: 'A caveat' })
    const svg = normalisedSvg(option)
    expect(svg).toContain('A caveat')
    canvasOption(option, { largeThreshold: 1 })
    fitSubtitle(option, 200, (t) => t.length * 7)
    fitLabels(option, () => 200)
    expect(normalisedSvg(option)).toBe(svg)
    // And it is what a fresh build exports.
    const fresh = build(s, undefined, { interactive: false, subtitle: 'A caveat' }).option
    expect(normalisedSvg(fresh)).toBe(svg)
  })
})

describe('wrappedLines', () => {
  /** Every character 10 px wide. */
  const measure = (text: string) => text.length * 10

  const cases: [string, string, number, number][] = [
    ['an empty text', '', 100, 1],
    ['one short word', 'abc', 100, 1],
    ['a text exactly as wide as the line', 'abcd efghi', 100, 1],
    ['one character more', 'abcd efghij', 100, 2],
    ['three lines of two words', 'aa bb cc dd ee ff', 50, 3],
    ['words that only fit one to a line', 'aaaa bbbb cccc', 50, 3],
    ['a wide line', 'aa bb cc dd ee ff', 1000, 1],
  ]
  it.each(cases)('%s', (_label, text, width, lines) => {
    expect(wrappedLines(text, width, measure)).toBe(lines)
  })

  it('wraps greedily: each line takes as many words as fit', () => {
    // "a bb" (40) fits in 45, "ccc" does not join it; "ccc d" (50) does not fit either.
    expect(wrappedLines('a bb ccc d', 45, measure)).toBe(3)
  })
})

describe('fitSubtitle', () => {
  const measure = (text: string) => text.length * 10
  const subtitle = 'one two three four five six seven eight nine ten'

  function option(subtext: string, titleAsList = false): EChartsOption {
    const title = { text: 'T', subtext, subtextStyle: { color: '#777', fontSize: 12 } }
    return {
      title: titleAsList ? [title] : title,
      grid: { top: 80, left: 72, right: 100, bottom: 64 },
      legend: { top: 64, right: 8 },
      series: [],
    }
  }
  const read = (o: EChartsOption) => ({
    title: o.title as { subtext: string; subtextStyle: Record<string, unknown> },
    gridTop: (o.grid as { top: unknown }).top,
    legendTop: (o.legend as { top: unknown }).top,
  })

  it.each([
    ['no subtitle', '', 300],
    ['a subtitle that fits', 'short', 300],
    ['a long subtitle on a wide canvas', subtitle, 2000],
  ])('returns the option itself for %s', (_label, subtext, width) => {
    const given = option(subtext)
    expect(fitSubtitle(given, width, measure)).toBe(given)
  })

  it.each([
    // 48 characters = 480 px. Width 300 → 268 px a line → 2 lines; 180 → 148 → 4 lines.
    ['two lines', 300, 268, 1],
    ['four lines', 180, 148, 3],
    // Never narrower than 120 px: 100 → 120 → 5 lines.
    ['a tiny canvas', 100, 120, 4],
  ])('wraps the subtitle and moves grid and legend down: %s', (_label, width, lineWidth, extra) => {
    const given = option(subtitle)
    const before = deepCopy(given)
    const fitted = read(fitSubtitle(given, width, measure))
    expect(fitted.title.subtextStyle).toEqual({
      color: '#777',
      fontSize: 12,
      width: lineWidth,
      overflow: 'break',
      lineHeight: 16,
    })
    expect(fitted.title.subtext).toBe(subtitle)
    expect(fitted.gridTop).toBe(80 + extra * 16)
    expect(fitted.legendTop).toBe(64 + extra * 16)
    expect(given).toEqual(before)
  })

  it('reads a title given as a list', () => {
    const fitted = read(fitSubtitle(option(subtitle, true), 300, measure))
    expect(fitted.title.subtextStyle.width).toBe(268)
    expect(fitted.gridTop).toBe(96)
  })

  it('leaves tops that are not pixels alone', () => {
    const given: EChartsOption = { ...option(subtitle), grid: { top: '10%' }, legend: {} }
    const fitted = read(fitSubtitle(given, 300, measure))
    expect(fitted.gridTop).toBe('10%')
    expect(fitted.legendTop).toBeUndefined()
  })

  it('wraps the real subtitle of a preset with a caveat on a narrow canvas', () => {
    const preset = findPreset('t4-bs4')!
    const { option: built } = build(preset.state, undefined, { subtitle: preset.caveat!.en })
    const fitted = fitSubtitle(built, 400, (text) => text.length * 6.5)
    expect((fitted.grid as { top: number }).top).toBeGreaterThan(
      (built.grid as { top: number }).top,
    )
    expect((fitted.legend as { top: number }).top - (built.legend as { top: number }).top).toBe(
      (fitted.grid as { top: number }).top - (built.grid as { top: number }).top,
    )
  })
})

describe('fitLabels', () => {
  const CHART_WIDTH = 800
  const GRID_RIGHT = 150
  const plotRight = CHART_WIDTH - GRID_RIGHT

  /** Layout parameters for a label of `width` px at `x`, for a point at `pointX`. */
  const params = (x: number, width: number, pointX = 300) =>
    ({
      rect: { x: pointX, y: 200, width: 9, height: 9 },
      labelRect: { x, y: 180, width, height: 12 },
    }) as unknown as LabelLayoutOptionCallbackParams

  const inner: LabelLayoutOptionCallback = ({ rect, labelRect }) =>
    labelRect.x < 80 ? { x: rect.x + rect.width + 2, align: 'left', hideOverlap: true } : {}

  function fitted(width: () => number = () => CHART_WIDTH): LabelLayoutOptionCallback {
    const option: EChartsOption = {
      grid: { right: GRID_RIGHT },
      series: [{ type: 'scatter', name: 'A', data: [], labelLayout: inner }],
    }
    return (seriesOf(fitLabels(option, width))[0]!.labelLayout as LabelLayoutOptionCallback)!
  }

  it.each([
    ['well inside the plot', 300, 60, {}],
    ['ending exactly at the plot edge', plotRight - 60, 60, {}],
    ['crossing the plot edge', plotRight - 59, 60, { x: plotRight, align: 'right' }],
    ['starting past the plot edge', plotRight + 20, 40, { x: plotRight, align: 'right' }],
  ])('a label %s', (_label, x, width, expected) => {
    expect(fitted()(params(x, width))).toEqual(expected)
  })

  it('measures from where the inner layout moved the label', () => {
    // The inner layout moves a label at the y axis to the right of its point (x 300 + 9 + 2).
    expect(fitted()(params(40, 60))).toEqual({ x: 311, align: 'left', hideOverlap: true })
    expect(fitted()(params(40, 60, plotRight - 30))).toEqual({
      x: plotRight,
      align: 'right',
      hideOverlap: true,
    })
  })

  it('reads the chart width at each layout (a resize needs no new option)', () => {
    let width = CHART_WIDTH
    const layout = fitted(() => width)
    expect(layout(params(500, 100))).toEqual({})
    width = 600
    expect(layout(params(500, 100))).toEqual({ x: 600 - GRID_RIGHT, align: 'right' })
  })

  it('leaves what it cannot fit alone', () => {
    const objectLayout = { hideOverlap: true }
    const series = [
      { type: 'scatter', name: 'object layout', data: [], labelLayout: objectLayout },
      { type: 'scatter', name: 'no layout', data: [] },
      { type: 'line', name: 'line', data: [], labelLayout: inner },
    ]
    const option = { grid: { right: GRID_RIGHT }, series } as EChartsOption
    expect(seriesOf(fitLabels(option, () => CHART_WIDTH))).toEqual(series)
    const noRight = { grid: { right: '10%' }, series } as EChartsOption
    expect(fitLabels(noRight, () => CHART_WIDTH)).toBe(noRight)
  })

  it('wraps the styled points of a large chart, not its large series', () => {
    const rows = manyRows(realCatalog().rows, 2500)
    const { option } = build(defaultChartState, rows)
    const canvas = fitLabels(canvasOption(option, { largeThreshold: LARGE_THRESHOLD }), () => 900)
    const scatter = scatterOf(canvas)
    expect(scatter.filter((s) => s.large).every((s) => s.labelLayout === undefined)).toBe(true)
    const styled = scatter.filter((s) => !s.large)
    expect(styled.length).toBeGreaterThan(0)
    for (const s of styled) {
      expect(typeof s.labelLayout).toBe('function')
      expect(s.labelLayout).not.toBe((scatterOf(option)[0] as Series).labelLayout)
    }
  })
})
