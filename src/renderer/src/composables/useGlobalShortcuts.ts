/**
 * The app's keyboard shortcuts: `/` or Ctrl+K (⌘K) searches the models from any view, `?` shows
 * the list of shortcuts. Typing in a field is never taken over (Ctrl+K excepted, which no field
 * uses), nor is a key pressed while a modal dialog is open.
 */
import { nextTick, onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'

const SEARCH_ID = 'models-search'

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type)
}

/** Waits for the Models view's search box (a route change renders it a little later). */
async function searchBox(): Promise<HTMLInputElement | null> {
  for (let i = 0; i < 20; i++) {
    await nextTick()
    const box = document.getElementById(SEARCH_ID)
    if (box instanceof HTMLInputElement) return box
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return null
}

export function useGlobalShortcuts(options: { openHelp: () => void }): void {
  const router = useRouter()

  async function search(): Promise<void> {
    if (router.currentRoute.value.name !== 'models') await router.push({ name: 'models' })
    const box = await searchBox()
    box?.focus()
    box?.select()
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey) return
    if (document.querySelector('dialog[open]')) return
    const command = event.ctrlKey || event.metaKey
    if (command && event.key.toLowerCase() === 'k') {
      event.preventDefault()
      void search()
      return
    }
    if (command || typing(event.target)) return
    if (event.key === '/') {
      event.preventDefault()
      void search()
    } else if (event.key === '?') {
      event.preventDefault()
      options.openHelp()
    }
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
