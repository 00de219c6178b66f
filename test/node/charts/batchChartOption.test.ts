/**
 * The Batch view's two charts as options: the class bars (most frequent on top, the tail folded
 * into "other", at most as many as the height holds), the confidence histogram on a [0, 1] value
 * axis labelled in percent, titles in both languages, the themes' colours, and what a click on a
 * drawn bar stands for. Summaries here are made by hand, so each figure is known in advance.
 */
import type { EChartsOption } from 'echarts'
import { describe, expect, it } from 'vitest'
import {
  batchChartBarAt,
  batchChartOption,
  batchChartRows,
  batchChartTitle,
  type BatchChartInput,
} from '@shared/charts/batchChartOption'
import { chartThemes, PALETTE } from '@shared/charts/chartPalette'
import type { BatchSummary } from '@shared/contract/batch'

/** The parts of ECharts' option types these tests read, without its wide unions. */
interface Axis {
  type: string
  name?: string
  data?: string[]
  min?: number
  max?: number
  interval?: number
  axisLabel: {
    formatter?: (value: number) => string
    width?: number
    overflow?: string
    color?: string
    hideOverlap?: boolean
  }
}
interface Bar {
  type: string
  data: ({ value: number; itemStyle: { color: string } } | [number, number])[]
  label?: { show: boolean; formatter: (p: { value: number }) => string }
  barWidth?: string
}
interface Title {
  text: string
  subtext: string
  textStyle: { color: string; width?: number; overflow?: string }
}
interface Tooltip {
  formatter: (params: { dataIndex: number }) => string
}

const xAxisOf = (o: EChartsOption) => o.xAxis as unknown as Axis
const yAxisOf = (o: EChartsOption) => o.yAxis as unknown as Axis
const barOf = (o: EChartsOption) => (o.series as unknown as Bar[])[0]!
const titleOf = (o: EChartsOption) => o.title as unknown as Title
const tooltipOf = (o: EChartsOption) => o.tooltip as unknown as Tooltip | undefined

/** `n` classes, counts 10·n down to 10, index 100 + rank, named "class name <rank>". */
function summaryOf(n: number, histogram: number[] = [1, 2, 3, 4]): BatchSummary {
  return {
    model: 0,
    classes: Array.from({ length: n }, (_, rank) => ({
      index: 100 + rank,
      label: `class name ${rank}`,
      count: 10 * (n - rank),
    })),
    histogram,
    failures: [],
    stages: null,
  }
}

function input(overrides: Partial<BatchChartInput> = {}): BatchChartInput {
  return {
    kind: 'classes',
    summary: summaryOf(5),
    modelName: 'MobileNetV3_small_x1_0',
    jobLabel: 'holiday',
    theme: 'light',
    locale: 'en',
    interactive: false,
    ...overrides,
  }
}

describe('the classes chart', () => {
  it('draws the most frequent class on top and every bar labelled with its count', () => {
    const option = batchChartOption(input({ summary: summaryOf(5) }))
    // A category axis draws its first entry at the bottom.
    expect(yAxisOf(option).data).toEqual([4, 3, 2, 1, 0].map((r) => `class name ${r}`))
    const bar = barOf(option)
    expect(bar.data.map((d) => (d as { value: number }).value)).toEqual([10, 20, 30, 40, 50])
    expect(bar.label?.show).toBe(true)
    expect(bar.label?.formatter({ value: 12345 })).toBe('12,345')
    expect(xAxisOf(option).type).toBe('value')
  })

  it.each([
    [20, 20, 20, null],
    [21, 20, 20, 'other (2 classes)'],
    [30, 20, 20, 'other (11 classes)'],
    [30, 8, 8, 'other (23 classes)'],
    [3, 8, 3, null],
  ])('%i classes, at most %i bars: %i bars, the last %s', (classes, maxClasses, bars, other) => {
    const summary = summaryOf(classes)
    const rows = batchChartRows(input({ summary, maxClasses }))
    expect(rows).toHaveLength(bars)
    // Folding loses no file and keeps the order of the summary.
    expect(rows.reduce((n, row) => n + row.count, 0)).toBe(
      summary.classes.reduce((n, c) => n + c.count, 0),
    )
    const kept = other ? rows.slice(0, -1) : rows
    expect(kept.map((row) => row.classIndex)).toEqual(
      summary.classes.slice(0, kept.length).map((c) => c.index),
    )
    expect(other ? rows.at(-1) : null).toEqual(
      other ? { label: other, count: expect.any(Number), classIndex: null, bin: null } : null,
    )
    // The drawn bars are the same rows.
    expect(yAxisOf(batchChartOption(input({ summary, maxClasses }))).data).toEqual(
      rows.map((row) => row.label).reverse(),
    )
  })

  it('folds at 20 bars unless told otherwise, and greys the "other" bar', () => {
    const option = batchChartOption(input({ summary: summaryOf(45) }))
    const data = barOf(option).data as { value: number; itemStyle: { color: string } }[]
    expect(data).toHaveLength(20)
    expect(yAxisOf(option).data?.[0]).toBe('other (26 classes)')
    expect(data[0]!.itemStyle.color).toBe(chartThemes.light.axis)
    expect(new Set(data.slice(1).map((d) => d.itemStyle.color))).toEqual(new Set([PALETTE[0]]))
  })

  it('draws no more bars than a fixed height holds, 16 px each', () => {
    const summary = summaryOf(45)
    const tall = batchChartRows(input({ summary, size: { width: 1280, height: 800 } }))
    const short = batchChartRows(input({ summary, size: { width: 320, height: 240 } }))
    expect(tall).toHaveLength(20)
    // 240 px less 64 for the titles, 44 for the value axis, 12 below it: 120 px, 7 bars.
    expect(short).toHaveLength(7)
    expect(short.at(-1)?.label).toBe('other (39 classes)')
    // Never fewer than one class and "other".
    const tiny = batchChartRows(input({ summary, size: { width: 320, height: 100 } }))
    expect(tiny.map((row) => row.classIndex)).toEqual([100, null])
  })

  it('keeps whole labels in the rows and shortens them on the axis to a width, with an ellipsis', () => {
    const long =
      'great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias'
    const summary: BatchSummary = {
      ...summaryOf(1),
      classes: [
        { index: 2, label: long, count: 3 },
        { index: 7, label: null, count: 1 },
      ],
    }
    expect(batchChartRows(input({ summary })).map((row) => row.label)).toEqual([long, 'class 7'])
    expect(batchChartRows(input({ summary, locale: 'zh-CN' }))[1]!.label).toBe('类别 7')
    const onScreen = yAxisOf(batchChartOption(input({ summary }))).axisLabel
    expect(onScreen).toMatchObject({ width: 200, overflow: 'truncate' })
    const narrow = yAxisOf(
      batchChartOption(input({ summary, size: { width: 320, height: 400 } })),
    ).axisLabel
    expect(narrow.width).toBe(96)
    const wide = yAxisOf(
      batchChartOption(input({ summary, size: { width: 4000, height: 400 } })),
    ).axisLabel
    expect(wide.width).toBe(260)
  })

  it('makes room on the right for the longest count label', () => {
    const grid = (most: number) =>
      (
        batchChartOption(
          input({ summary: { ...summaryOf(1), classes: [{ index: 0, label: 'a', count: most }] } }),
        ).grid as { right: number }
      ).right
    expect(grid(1_234_567)).toBeGreaterThan(grid(7))
    expect(grid(1_234_567)).toBe(16 + 7 * '1,234,567'.length)
  })
})

describe('the confidence chart', () => {
  const histogram = Array.from({ length: 20 }, (_, i) => i)

  it('puts each bin over its share of a [0, 1] axis labelled in percent', () => {
    const option = batchChartOption(input({ kind: 'confidence', summary: summaryOf(3, histogram) }))
    const x = xAxisOf(option)
    expect(x).toMatchObject({ type: 'value', min: 0, max: 1, interval: 0.1 })
    expect([0, 0.1, 0.5, 1].map((v) => x.axisLabel.formatter!(v))).toEqual([
      '0%',
      '10%',
      '50%',
      '100%',
    ])
    const data = barOf(option).data as [number, number][]
    expect(data).toHaveLength(20)
    expect(data[0]).toEqual([0.025, 0])
    expect(data[19]![0]).toBeCloseTo(0.975, 12)
    expect(data.map((d) => d[1])).toEqual(histogram)
    expect(barOf(option).barWidth).toBe('92%')
  })

  it('has a row per bin with its bounds and a percent label', () => {
    const rows = batchChartRows(input({ kind: 'confidence', summary: summaryOf(3, [5, 0, 1, 2]) }))
    expect(rows).toEqual([
      { label: '0%–25%', count: 5, classIndex: null, bin: { from: 0, to: 0.25 } },
      { label: '25%–50%', count: 0, classIndex: null, bin: { from: 0.25, to: 0.5 } },
      { label: '50%–75%', count: 1, classIndex: null, bin: { from: 0.5, to: 0.75 } },
      { label: '75%–100%', count: 2, classIndex: null, bin: { from: 0.75, to: 1 } },
    ])
    const eighths = batchChartRows(
      input({ kind: 'confidence', summary: summaryOf(1, new Array<number>(8).fill(1)) }),
    )
    expect(eighths[0]!.label).toBe('0%–12.5%')
  })

  it('labels fewer ticks on a narrow drawing, and hides any label that would overlap', () => {
    const narrow = xAxisOf(
      batchChartOption(
        input({
          kind: 'confidence',
          summary: summaryOf(1, histogram),
          size: { width: 320, height: 240 },
        }),
      ),
    )
    expect(narrow.interval).toBe(0.25)
    expect(narrow.axisLabel.hideOverlap).toBe(true)
  })
})

describe('both charts', () => {
  it.each(['classes', 'confidence'] as const)(
    '%s: a title and a subtitle naming the model, the job and the counts, in both languages',
    (kind) => {
      const summary = summaryOf(1234, [1000, 234])
      const en = titleOf(batchChartOption(input({ kind, summary })))
      expect(en.text).toBe(batchChartTitle(kind, 'en'))
      expect(en.subtext).toBe(
        kind === 'classes'
          ? 'MobileNetV3_small_x1_0 · holiday · 1,234 files classified, 1,234 classes'
          : 'MobileNetV3_small_x1_0 · holiday · 1,234 files classified',
      )
      const zh = titleOf(batchChartOption(input({ kind, summary, locale: 'zh-CN' })))
      expect(zh.text).toBe(kind === 'classes' ? 'Top-1 类别' : 'Top-1 置信度')
      expect(zh.subtext).toContain('已分类 1,234 个文件')
      expect(batchChartTitle(kind, 'en')).toBe(
        kind === 'classes' ? 'Top-1 classes' : 'Top-1 confidence',
      )
    },
  )

  it.each(['classes', 'confidence'] as const)(
    '%s: an export has no animation and no tooltip; on screen, tooltips with the whole label',
    (kind) => {
      const summary: BatchSummary = {
        ...summaryOf(1, [3, 1]),
        classes: [{ index: 9, label: 'a <b>bold</b> & "quoted" label', count: 4 }],
      }
      const exported = batchChartOption(input({ kind, summary }))
      expect(exported.animation).toBe(false)
      expect(exported.tooltip).toBeUndefined()
      expect(exported.backgroundColor).toBe(chartThemes.light.background)

      const live = batchChartOption(input({ kind, summary, interactive: true }))
      expect(live.animation).toBe(true)
      expect(live.backgroundColor).toBe('transparent')
      // The view heads the chart itself.
      expect(titleOf(live).text).toBe('')
      const tip = tooltipOf(live)!.formatter({ dataIndex: 0 })
      expect(tip).toBe(
        kind === 'classes'
          ? 'a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; label<br/>4 files (100%)'
          : '0%–50%<br/>3 files (75%)',
      )
    },
  )

  it.each(['classes', 'confidence'] as const)('%s: draws in the theme’s colours', (kind) => {
    for (const theme of ['light', 'dark'] as const) {
      const option = batchChartOption(input({ kind, theme }))
      const colours = chartThemes[theme]
      expect(option.backgroundColor).toBe(colours.background)
      expect(titleOf(option).textStyle.color).toBe(colours.text)
      expect((option.textStyle as { color: string }).color).toBe(colours.text)
      expect(xAxisOf(option).axisLabel.color).toBe(colours.muted)
    }
    expect(chartThemes.light.background).not.toBe(chartThemes.dark.background)
  })

  it('fits the titles to a fixed width and keeps every axis label and name inside the grid', () => {
    const fixed = batchChartOption(input({ size: { width: 500, height: 400 } }))
    expect(titleOf(fixed).textStyle).toMatchObject({ width: 468, overflow: 'truncate' })
    expect(titleOf(batchChartOption(input())).textStyle.width).toBeUndefined()
    for (const kind of ['classes', 'confidence'] as const)
      expect(batchChartOption(input({ kind })).grid).toMatchObject({
        outerBoundsMode: 'same',
        outerBoundsContain: 'all',
      })
  })
})

describe('batchChartBarAt', () => {
  it('maps a drawn class bar (bottom up) to its row, "other" included', () => {
    const at = input({ summary: summaryOf(25) })
    expect(batchChartBarAt(at, 0)).toMatchObject({ label: 'other (6 classes)', classIndex: null })
    expect(batchChartBarAt(at, 19)).toMatchObject({ classIndex: 100, count: 250 })
    expect(batchChartBarAt(at, 18)).toMatchObject({ classIndex: 101 })
    expect(batchChartBarAt(at, 20)).toBeNull()
  })

  it('maps a drawn bin to its bounds', () => {
    const at = input({ kind: 'confidence', summary: summaryOf(1, [1, 2, 3, 4, 5]) })
    expect(batchChartBarAt(at, 1)?.bin).toEqual({ from: 0.2, to: 0.4 })
    expect(batchChartBarAt(at, 5)).toBeNull()
  })
})
