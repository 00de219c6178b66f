/**
 * Closes a popover when the user clicks outside it or presses Escape, and hands focus back to the
 * button that opened it on Escape. The Escape is consumed so that panels behind do not close too.
 */
import { onBeforeUnmount, watch, type Ref } from 'vue'

export function useDismiss(
  open: Ref<boolean>,
  root: Ref<HTMLElement | null>,
  trigger: Ref<HTMLElement | null>,
): void {
  function onPointerDown(event: PointerEvent): void {
    if (root.value && event.target instanceof Node && !root.value.contains(event.target)) {
      open.value = false
    }
  }
  function onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return
    event.preventDefault()
    event.stopPropagation()
    open.value = false
    trigger.value?.focus()
  }
  function stop(): void {
    document.removeEventListener('pointerdown', onPointerDown, true)
    root.value?.removeEventListener('keydown', onKeydown)
  }
  watch(open, (isOpen) => {
    stop()
    if (!isOpen) return
    document.addEventListener('pointerdown', onPointerDown, true)
    root.value?.addEventListener('keydown', onKeydown)
  })
  onBeforeUnmount(stop)
}
