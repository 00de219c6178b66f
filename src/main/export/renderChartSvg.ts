/**
 * Server-side ECharts: the chart option rendered to an SVG string under Node, with only the
 * chart types and components our charts use.
 */
import { BarChart, LineChart, RadarChart, ScatterChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  GraphicComponent,
  MarkAreaComponent,
  MarkLineComponent,
  RadarComponent,
  TitleComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { LabelLayout } from 'echarts/features'
import { SVGRenderer } from 'echarts/renderers'
import type { EChartsOption } from 'echarts'

use([
  BarChart,
  // Compare's radar.
  RadarChart,
  RadarComponent,
  ScatterChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  GraphicComponent,
  MarkAreaComponent,
  // `labelLayout: { hideOverlap }` (frontier labels) is a feature of its own in tree-shaken builds.
  LabelLayout,
  SVGRenderer,
])

export function renderChartSvg(option: EChartsOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
