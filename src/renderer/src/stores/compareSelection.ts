/**
 * The models chosen for Compare, wherever they are chosen (the Models table's checkboxes and
 * tray, a model's panel, the Compare view itself). It is the Compare view's remembered query in
 * the settings, so choosing here and opening Compare (or restarting) show the same models.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { MAX_COMPARE, addToSelection, parseIds } from '@shared/compare/compareSelection'
import { useSettingsStore } from './settings'

export const useCompareSelectionStore = defineStore('compareSelection', () => {
  const settings = useSettingsStore()
  const query = computed(() => new URLSearchParams(settings.settings.views.compare ?? ''))
  const ids = computed(() => parseIds(query.value.get('ids'), MAX_COMPARE))

  function setIds(next: readonly string[]): void {
    const q = new URLSearchParams(query.value)
    if (next.length) q.set('ids', next.join(','))
    else q.delete('ids')
    const baseline = q.get('baseline')
    if (baseline && !next.includes(baseline)) q.delete('baseline')
    settings.rememberView('compare', q.toString())
  }

  /** Set when an add was refused because the comparison is full, until the next removal. */
  const refused = ref(false)

  /** False when the comparison is full (the tray says so). */
  function add(id: string): boolean {
    const result = addToSelection(ids.value, id)
    if (result.added) setIds(result.ids)
    refused.value = !result.added && result.full && !ids.value.includes(id)
    return result.added || ids.value.includes(id)
  }

  function remove(id: string): void {
    refused.value = false
    setIds(ids.value.filter((other) => other !== id))
  }
  const has = (id: string) => ids.value.includes(id)
  const full = computed(() => ids.value.length >= MAX_COMPARE)

  function clear(): void {
    refused.value = false
    setIds([])
  }

  return { ids, full, refused, add, remove, has, clear, setIds }
})
