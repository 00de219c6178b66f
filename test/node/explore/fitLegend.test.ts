import type { EChartsOption } from 'echarts'
import { describe, expect, it } from 'vitest'
import { fitLegend, fitTitle, NARROW_CHART } from '@shared/charts/canvasOption'

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
