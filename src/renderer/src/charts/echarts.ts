/**
 * The app's ECharts: only the chart types, components and renderer the Explore and Batch charts use, so the
 * bundle carries no more of ECharts than that (see chartOption.ts for what the option holds).
 */
import { BarChart, LineChart, RadarChart, ScatterChart } from 'echarts/charts'
import {
  BrushComponent,
  DataZoomInsideComponent,
  GridComponent,
  LegendScrollComponent,
  GraphicComponent,
  MarkAreaComponent,
  MarkLineComponent,
  RadarComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { LabelLayout } from 'echarts/features'
import { CanvasRenderer } from 'echarts/renderers'

use([
  BarChart,
  // Compare's radar.
  RadarChart,
  RadarComponent,
  ScatterChart,
  LineChart,
  GridComponent,
  LegendScrollComponent,
  TitleComponent,
  TooltipComponent,
  // Wheel and drag zoom; it also registers the action that gives the brush the cursor, so the
  // brush needs no toolbox (the view has its own tool buttons).
  DataZoomInsideComponent,
  BrushComponent,
  MarkLineComponent,
  GraphicComponent,
  MarkAreaComponent,
  // Frontier labels use `labelLayout: { hideOverlap: true }`, a feature of its own.
  LabelLayout,
  CanvasRenderer,
])

export { init }
export type { EChartsType } from 'echarts/core'
