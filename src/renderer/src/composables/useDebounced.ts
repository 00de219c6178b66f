/** Calls `fn` once input has been quiet for `ms`; `flush` runs a pending call now, `cancel` drops it. */
import { onBeforeUnmount, ref, type Ref } from 'vue'

export interface Debounced<A extends unknown[]> {
  run: (...args: A) => void
  flush: () => void
  cancel: () => void
  pending: Ref<boolean>
}

export function useDebounced<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastArgs: A | null = null
  const pending = ref(false)

  function cancel(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    lastArgs = null
    pending.value = false
  }
  function flush(): void {
    const args = lastArgs
    cancel()
    if (args) fn(...args)
  }
  function run(...args: A): void {
    if (timer !== null) clearTimeout(timer)
    lastArgs = args
    pending.value = true
    timer = setTimeout(flush, ms)
  }
  onBeforeUnmount(cancel)
  return { run, flush, cancel, pending }
}
