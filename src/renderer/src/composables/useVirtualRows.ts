/**
 * Renders only the rows of a long list that are in (or near) a scroll container's viewport. Rows
 * have one fixed height, so positions are arithmetic: the caller renders `range.start..range.end`
 * between two spacers of `padTop` and `padBottom` pixels.
 */
import { computed, onBeforeUnmount, onMounted, ref, type ComputedRef, type Ref } from 'vue'

export interface VirtualRowsOptions {
  /** How many rows the list has. */
  count: () => number
  /** Every row's height in px (CSS must enforce it). */
  rowHeight: number
  /** Extra rows rendered above and below the viewport, so fast scrolling shows no gaps. */
  overscan?: number
  /** Height of anything above the first row inside the scroller (a sticky header), in px. */
  offset?: () => number
}

export interface VirtualRange {
  start: number
  end: number
  padTop: number
  padBottom: number
}

export interface VirtualRows {
  range: ComputedRef<VirtualRange>
  /** Rows that fit in the viewport, for PageUp/PageDown. */
  pageSize: ComputedRef<number>
  /** Scrolls the least distance that shows row `index` whole, below the sticky header. */
  scrollToIndex: (index: number) => void
  scrollToTop: () => void
}

export function useVirtualRows(
  scroller: Ref<HTMLElement | null>,
  options: VirtualRowsOptions,
): VirtualRows {
  const overscan = options.overscan ?? 8
  const height = options.rowHeight
  const offset = options.offset ?? (() => 0)
  const scrollTop = ref(0)
  // Before the first measurement, assume a tall window rather than render nothing.
  const viewport = ref(800)

  const range = computed<VirtualRange>(() => {
    const count = options.count()
    const top = Math.max(0, scrollTop.value - offset())
    const first = Math.floor(top / height)
    const visible = Math.ceil(viewport.value / height) + 1
    const start = Math.min(count, Math.max(0, first - overscan))
    const end = Math.min(count, Math.max(start, first + visible + overscan))
    return { start, end, padTop: start * height, padBottom: (count - end) * height }
  })

  const pageSize = computed(() => Math.max(1, Math.floor((viewport.value - offset()) / height) - 1))

  function onScroll(): void {
    if (scroller.value) scrollTop.value = scroller.value.scrollTop
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    const element = scroller.value
    if (!element) return
    viewport.value = element.clientHeight
    scrollTop.value = element.scrollTop
    element.addEventListener('scroll', onScroll, { passive: true })
    observer = new ResizeObserver(() => (viewport.value = element.clientHeight))
    observer.observe(element)
  })
  onBeforeUnmount(() => {
    scroller.value?.removeEventListener('scroll', onScroll)
    observer?.disconnect()
  })

  function scrollToIndex(index: number): void {
    const element = scroller.value
    if (!element) return
    const rowTop = index * height
    const visibleTop = element.scrollTop
    const visibleHeight = element.clientHeight - offset()
    let next = visibleTop
    if (rowTop < visibleTop) next = rowTop
    else if (rowTop + height > visibleTop + visibleHeight) next = rowTop + height - visibleHeight
    if (next !== visibleTop) {
      element.scrollTop = next
      // Update now rather than on the scroll event, so the row renders before it is focused.
      scrollTop.value = element.scrollTop
    }
  }

  function scrollToTop(): void {
    if (!scroller.value) return
    scroller.value.scrollTop = 0
    scrollTop.value = 0
  }

  return { range, pageSize, scrollToIndex, scrollToTop }
}
