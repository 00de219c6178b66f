/**
 * The app's ECharts: only the chart types, components and renderer the Explore chart uses, so the
 * bundle carries no more of ECharts than that (see chartOption.ts for what the option holds).
 */
import { LineChart, ScatterChart } from 'echarts/charts'
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { LabelLayout } from 'echarts/features'
import { CanvasRenderer } from 'echarts/renderers'

use([
  ScatterChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  DataZoomComponent,
  BrushComponent,
  ToolboxComponent,
  MarkLineComponent,
  MarkAreaComponent,
  // Frontier labels use `labelLayout: { hideOverlap: true }`, a feature of its own.
  LabelLayout,
  CanvasRenderer,
])

export { init }
export type { EChartsType } from 'echarts/core'
