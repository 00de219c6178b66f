/**
 * Keeps a view's URL query across restarts: an empty query is replaced by the one remembered in
 * the settings, and every query the view shows is remembered. The URL stays the source of truth.
 */
import { watch } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'
import type { RememberedView } from '@shared/contract'
import { useSettingsStore } from '../stores/settings'

export function queryToString(query: LocationQuery, skip: readonly string[] = []): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (skip.includes(key)) continue
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') params.set(key, first)
  }
  return params.toString()
}

export function stringToQuery(text: string): LocationQueryRaw {
  return Object.fromEntries(new URLSearchParams(text))
}

/** Calls `apply` with every query of the view's route, after restoring a remembered one. */
export function useRememberedQuery(
  view: RememberedView,
  apply: (query: LocationQuery) => void,
  transient: readonly string[] = [],
): void {
  const route = useRoute()
  const router = useRouter()
  const settings = useSettingsStore()
  let started = false

  const start = () => {
    started = true
    watch(
      () => route.query,
      (query) => {
        if (route.name !== view) return
        apply(query)
        settings.rememberView(view, queryToString(query, transient))
      },
      { immediate: true },
    )
  }

  if (Object.keys(route.query).length > 0) {
    start()
    return
  }
  void settings.ready.then(async () => {
    const saved = settings.settings.views[view]
    if (saved && route.name === view && Object.keys(route.query).length === 0) {
      await router.replace({ name: view, query: stringToQuery(saved) })
    }
    if (!started) start()
  })
}
