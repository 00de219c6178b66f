import type { EChartsOption } from 'echarts'
import { describe, expect, it } from 'vitest'
import { canvasOption, fitLegend, fitTitle, NARROW_CHART } from '@shared/charts/canvasOption'

describe('fitLegend', () => {
  const option: EChartsOption = {
    legend: { data: ['A'], selected: { A: false } },
    grid: { left: 73, right: 200, top: 64, bottom: 64 },
  }

  it('leaves a wide canvas alone', () => {
    expect(fitLegend(option, NARROW_CHART)).toBe(option)
  })

  it('hides the legend on a narrow canvas, keeps what it switches off, and gives the plot its room', () => {
    const fitted = fitLegend(option, NARROW_CHART - 1)
    expect(fitted.legend).toEqual({ data: ['A'], selected: { A: false }, show: false })
    expect(fitted.grid).toEqual({ left: 73, right: 24, top: 64, bottom: 64 })
    expect(option.grid).toEqual({ left: 73, right: 200, top: 64, bottom: 64 })
  })
})

describe('fitTitle', () => {
  it('cuts the title to the canvas width, keeping its style', () => {
    const option: EChartsOption = { title: { text: 'T', textStyle: { fontSize: 16 } } }
    expect(fitTitle(option, 400).title).toEqual({
      text: 'T',
      textStyle: { fontSize: 16, width: 376, overflow: 'truncate' },
    })
    expect(fitTitle({}, 400)).toEqual({})
  })
})

describe('canvasOption: large series without path markers', () => {
  it('draws a large series with a built-in shape, the points drawn apart keep their path marker', () => {
    const path = 'path://M0,0L10,0L5,9Z'
    const data = Array.from({ length: 30 }, (_, i) => ({ name: `p${i}`, value: [i, i] }))
    const option: EChartsOption = {
      series: [
        {
          type: 'scatter',
          name: 'A',
          symbol: path,
          data: [...data, { name: 'sel', value: [1, 1], symbolSize: 14 }],
        },
        { type: 'scatter', name: 'B', symbol: 'circle', data },
      ],
    }
    const series = canvasOption(option, { largeThreshold: 10 }).series as {
      name: string
      symbol: string
      large?: boolean
    }[]
    const large = series.filter((s) => s.large)
    expect(large.map((s) => s.name)).toEqual(['A', 'B'])
    expect(large[0]!.symbol).not.toMatch(/^path:/)
    expect(large[1]!.symbol).toBe('circle')
    expect(series.find((s) => s.name === 'A' && !s.large)!.symbol).toBe(path)
  })
})
