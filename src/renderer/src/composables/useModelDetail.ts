/**
 * One model's full detail (`catalog.get`) for a detail panel, following the id it is asked to
 * show; an answer to an id the panel has moved away from is dropped.
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { CatalogModelDetail } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'

export interface ModelDetailState {
  detail: ShallowRef<CatalogModelDetail | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  /** Loads `id` (null closes); does nothing when that detail is already shown without error. */
  show: (id: string | null) => Promise<void>
}

export function useModelDetail(): ModelDetailState {
  const detail = shallowRef<CatalogModelDetail | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  let request = 0

  async function show(id: string | null): Promise<void> {
    if (id !== null && detail.value?.model.id === id && !error.value) return
    const current = ++request
    if (id === null) {
      detail.value = null
      error.value = null
      loading.value = false
      return
    }
    loading.value = true
    const result = await api.invoke('catalog.get', { id })
    if (current !== request) return
    loading.value = false
    if (result.ok) {
      detail.value = result.value
      error.value = null
    } else {
      detail.value = null
      error.value = result.error
    }
  }

  return { detail, loading, error, show }
}
