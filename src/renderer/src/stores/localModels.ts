/**
 * The models that run on this computer (attached ONNX, or converted by the app from a downloaded
 * Paddle archive), for the marks and actions outside Classify: the Models table's "runnable"
 * badge and the detail panel's "Classify with this" / "Batch with this". Read again when a
 * download ends, since a finished download is converted into a runnable model.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LocalModel } from '@shared/contract'
import { api } from '../api'

export const useLocalModelsStore = defineStore('localModels', () => {
  const models = ref<LocalModel[]>([])
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  async function refresh(): Promise<void> {
    const result = await api.invoke('inference.models', {})
    if (result.ok) models.value = result.value
    loaded.value = true
  }

  function ensureLoaded(): Promise<void> {
    loading ??= refresh()
    return loading
  }

  api.on('jobs.progress', (state) => {
    if (state.job === 'download' && state.state === 'done') void refresh()
  })

  const byId = computed(() => new Map(models.value.map((m) => [m.id, m])))

  return { models, loaded, byId, refresh, ensureLoaded }
})
