import { defineStore } from 'pinia'
import { computed, ref, watchEffect } from 'vue'
import { defaultUiSettings, type UiSettings, type UiSettingsPatch } from '@shared/contract'
import { api } from '../api'
import { applyLocale, systemLocale } from '../i18n'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<UiSettings>({ ...defaultUiSettings })
  const loaded = ref(false)
  const error = ref<string | null>(null)

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

  async function load(): Promise<void> {
    const result = await api.invoke('settings.get', {})
    if (result.ok) {
      settings.value = result.value
      error.value = null
    } else error.value = result.error.message
    loaded.value = true
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
    error.value = result.error.message
    return false
  }

  return { settings, loaded, error, effectiveTheme, effectiveLocale, load, update }
})
