import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'

export const useAppInfoStore = defineStore('appInfo', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<ApiError | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    const result = await api.invoke('app.info', {})
    loading.value = false
    if (result.ok) {
      info.value = result.value
      error.value = null
    } else error.value = result.error
  }

  return { info, error, loading, load }
})
