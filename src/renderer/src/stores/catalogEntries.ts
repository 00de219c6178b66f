/**
 * The catalog's ids and names, for pickers that link a file to a catalog entry (Classify's
 * "Attach model", Downloads' "Import an archive"). Loaded once, on first use; a failure is kept
 * so the picker can say why, and the next `load` tries again.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ModelRow } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'

/** A catalog entry as a picker lists it. */
export type CatalogEntry = Pick<ModelRow, 'id' | 'displayName' | 'series' | 'inputSize'>

export const useCatalogEntriesStore = defineStore('catalogEntries', () => {
  const entries = shallowRef<CatalogEntry[]>([])
  const error = ref<ApiError | null>(null)
  let loading: Promise<void> | null = null

  function load(): Promise<void> {
    loading ??= (async () => {
      const result = await api.invoke('catalog.list', { sort: { field: 'id', direction: 'asc' } })
      if (result.ok) {
        entries.value = result.value.rows.map(({ id, displayName, series, inputSize }) => ({
          id,
          displayName,
          series,
          inputSize,
        }))
        error.value = null
      } else {
        error.value = result.error
        loading = null
      }
    })()
    return loading
  }

  return { entries, error, load }
})
