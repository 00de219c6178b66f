/**
 * A small ECharts canvas bound to a computed option: made on mount (the ECharts chunk loads with
 * the first chart the user opens, not with the view), redrawn whole when the option changes,
 * resized with its box, disposed on unmount. `data-painted` on the box says the first option is
 * drawn, for tests. Explore's scatter chart does more (zoom windows, brush) and has its own.
 */
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import type { EChartsOption } from 'echarts'
import type { EChartsType } from '../charts/echarts'

export function useEChart(
  box: Ref<HTMLElement | null>,
  option: Ref<EChartsOption>,
  /** Event handlers and the like, once the chart exists. */
  onReady?: (chart: EChartsType) => void,
): ShallowRef<EChartsType | null> {
  const chart = shallowRef<EChartsType | null>(null)
  let observer: ResizeObserver | null = null
  let unmounted = false
  onMounted(async () => {
    const { init } = await import('../charts/echarts')
    // The view may have gone while the chunk loaded.
    if (!box.value || unmounted) return
    const instance = init(box.value, null, { renderer: 'canvas' })
    instance.setOption(option.value, { notMerge: true })
    onReady?.(instance)
    chart.value = instance
    box.value.dataset.painted = 'true'
    observer = new ResizeObserver(() => instance.resize())
    observer.observe(box.value)
  })
  onBeforeUnmount(() => {
    unmounted = true
    observer?.disconnect()
    chart.value?.dispose()
  })
  watch(option, (next) => chart.value?.setOption(next, { notMerge: true }))
  return chart
}
