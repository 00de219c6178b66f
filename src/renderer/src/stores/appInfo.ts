import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo, PingEvent } from '@shared/contract'
import { api } from '../api'

export const useAppInfoStore = defineStore('appInfo', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const pings = ref<PingEvent[]>([])

  api.on('app.ping', (event) => {
    pings.value = [event, ...pings.value].slice(0, 5)
  })

  async function load(): Promise<void> {
    loading.value = true
    const result = await api.invoke('app.info', {})
    loading.value = false
    if (result.ok) {
      info.value = result.value
      error.value = null
    } else error.value = result.error.message
  }

  async function ping(): Promise<void> {
    const result = await api.invoke('app.ping', { message: 'hello from the About page' })
    if (!result.ok) error.value = result.error.message
  }

  return { info, error, loading, pings, load, ping }
})
