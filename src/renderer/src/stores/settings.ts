import { defineStore } from 'pinia'
import { computed, ref, watchEffect } from 'vue'
import type { UiSettingsPatch } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { defaultUiSettings, type RememberedView, type UiSettings } from '@shared/contract/values'
import { api } from '../api'
import { applyLocale, systemLocale } from '../i18n'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<UiSettings>({ ...defaultUiSettings })
  const loaded = ref(false)
  const error = ref<ApiError | null>(null)

  const darkQuery = window.matchMedia('(prefers-color-scheme: dark)')
  const systemDark = ref(darkQuery.matches)
  darkQuery.addEventListener('change', (event) => (systemDark.value = event.matches))

  const effectiveTheme = computed(() =>
    settings.value.theme === 'system'
      ? systemDark.value
        ? 'dark'
        : 'light'
      : settings.value.theme,
  )
  const effectiveLocale = computed(() => settings.value.locale ?? systemLocale())

  watchEffect(() => {
    document.documentElement.dataset.theme = effectiveTheme.value
    applyLocale(effectiveLocale.value)
  })

  // Another window (or the CLI) may change settings; follow it.
  api.on('settings.changed', (next) => (settings.value = next))

  let markReady: () => void = () => {}
  /** Resolves once the stored settings have been read (or failed to be), for views restoring state. */
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  async function load(): Promise<void> {
    const result = await api.invoke('settings.get', {})
    if (result.ok) {
      settings.value = result.value
      error.value = null
    } else error.value = result.error
    loaded.value = true
    markReady()
  }

  const pendingViews: Partial<Record<RememberedView, string>> = {}
  let viewTimer: ReturnType<typeof setTimeout> | undefined
  /** Remembers a view's query string; writes are batched so typing in a search box is one write. */
  function rememberView(view: RememberedView, query: string): void {
    if (settings.value.views[view] === query) return
    settings.value = { ...settings.value, views: { ...settings.value.views, [view]: query } }
    pendingViews[view] = query
    clearTimeout(viewTimer)
    viewTimer = setTimeout(() => {
      const views = { ...pendingViews }
      for (const key of Object.keys(pendingViews)) delete pendingViews[key as RememberedView]
      void api.invoke('settings.update', { views })
    }, 600)
  }

  async function update(patch: UiSettingsPatch): Promise<boolean> {
    const previous = settings.value
    settings.value = { ...previous, ...patch }
    const result = await api.invoke('settings.update', patch)
    if (result.ok) {
      settings.value = result.value
      error.value = null
      return true
    }
    settings.value = previous
    error.value = result.error
    return false
  }

  return {
    settings,
    loaded,
    ready,
    error,
    effectiveTheme,
    effectiveLocale,
    load,
    update,
    rememberView,
  }
})
