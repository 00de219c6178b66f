/**
 * A job's results as one long list read in pages: the rows a virtualised view shows are fetched
 * when they come into view, kept while the query stays the same, and read again when the job
 * moves on (`reload`), so a running job's new results appear in place.
 */
import { ref, shallowRef, watch, type Ref } from 'vue'
import type { ResultRow, ResultsQuery } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'

export const PAGE_SIZE = 100

export interface ResultPages {
  total: Ref<number>
  /** Row at `index`, or undefined while its page is being read. */
  row: (index: number) => ResultRow | undefined
  /** Makes sure rows `start..end` are read (or being read). */
  need: (start: number, end: number) => void
  reload: () => void
  error: Ref<ApiError | null>
  loaded: Ref<boolean>
}

export function useResultPages(
  jobId: () => string,
  query: () => Omit<ResultsQuery, 'limit' | 'offset'>,
): ResultPages {
  const total = ref(0)
  const pages = shallowRef(new Map<number, ResultRow[]>())
  const error = ref<ApiError | null>(null)
  const loaded = ref(false)
  const inFlight = new Set<number>()
  let generation = 0
  let wanted: [number, number] = [0, PAGE_SIZE]

  async function fetchPage(page: number, keep = false): Promise<void> {
    if (inFlight.has(page) || (!keep && pages.value.has(page))) return
    inFlight.add(page)
    const mine = generation
    const result = await api.invoke('batch.results', {
      id: jobId(),
      ...query(),
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
    })
    inFlight.delete(page)
    if (mine !== generation) return
    loaded.value = true
    if (!result.ok) {
      error.value = result.error
      return
    }
    error.value = null
    total.value = result.value.total
    const next = new Map(pages.value)
    next.set(page, result.value.rows)
    pages.value = next
  }

  function need(start: number, end: number): void {
    wanted = [start, end]
    const first = Math.floor(start / PAGE_SIZE)
    const last = Math.floor(Math.max(start, end - 1) / PAGE_SIZE)
    for (let page = first; page <= last; page++) void fetchPage(page)
  }

  function row(index: number): ResultRow | undefined {
    return pages.value.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
  }

  /** Reads the pages in view again, keeping the old rows on screen until the new ones arrive. */
  function reload(): void {
    const [start, end] = wanted
    const first = Math.floor(start / PAGE_SIZE)
    const last = Math.floor(Math.max(start, end - 1) / PAGE_SIZE)
    for (let page = first; page <= last; page++) void fetchPage(page, true)
  }

  watch(
    () => [jobId(), JSON.stringify(query())],
    () => {
      generation++
      inFlight.clear()
      pages.value = new Map()
      loaded.value = false
      void fetchPage(0)
    },
    { immediate: true },
  )

  return { total, row, need, reload, error, loaded }
}
