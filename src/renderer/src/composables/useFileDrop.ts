/**
 * Files dropped on an element or on the whole window: `dragging` is true while files are held
 * over it, and `onFiles` gets them on drop. Only drags that carry files count, so dragging text
 * around the page does nothing. Drop targets nest: the innermost enabled one takes the files and
 * the outer ones leave that drag alone. A disabled target still stops the browser from opening a
 * file dropped on it.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export interface FileDrop {
  dragging: Ref<boolean>
}

/** Drag events an inner drop target has already answered. */
const answered = new WeakSet<Event>()

function carriesFiles(event: Event): event is DragEvent {
  return event instanceof DragEvent && (event.dataTransfer?.types.includes('Files') ?? false)
}

export function useFileDrop(
  target: Ref<HTMLElement | null> | Window,
  onFiles: (files: File[]) => void,
  enabled: () => boolean = () => true,
): FileDrop {
  const dragging = ref(false)
  // dragenter/dragleave fire for every child crossed: count them to know when the drag left.
  let depth = 0

  const onEnter = (event: Event) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth++
    if (enabled() && !answered.has(event)) dragging.value = true
    answered.add(event)
  }
  const onLeave = (event: Event) => {
    if (!carriesFiles(event)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) dragging.value = false
  }
  const onOver = (event: Event) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    if (answered.has(event)) return
    answered.add(event)
    if (event.dataTransfer) event.dataTransfer.dropEffect = enabled() ? 'copy' : 'none'
  }
  const onDrop = (event: Event) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth = 0
    dragging.value = false
    if (answered.has(event) || !enabled()) return
    answered.add(event)
    const files = [...(event.dataTransfer?.files ?? [])]
    if (files.length) onFiles(files)
  }
  const listeners: [string, (event: Event) => void][] = [
    ['dragenter', onEnter],
    ['dragleave', onLeave],
    ['dragover', onOver],
    ['drop', onDrop],
  ]

  let bound: EventTarget | null = null
  onMounted(() => {
    bound = target instanceof Window ? target : target.value
    for (const [name, listener] of listeners) bound?.addEventListener(name, listener)
  })
  onBeforeUnmount(() => {
    for (const [name, listener] of listeners) bound?.removeEventListener(name, listener)
    bound = null
  })
  return { dragging }
}
