/** What the results of one job are narrowed to, and how that becomes a `batch.results` query. */
import type { ResultsQuery, ResultsSort } from '@shared/contract'

export interface ResultFilters {
  /** The model whose top-1 the class, score and sort look at. */
  model: number
  show: 'all' | 'done' | 'failed'
  classIndex: number | null
  /** Percent, 0–100, or null for no bound. */
  minPercent: number | null
  maxPercent: number | null
  disagree: boolean
  sort: ResultsSort
}

export function defaultFilters(): ResultFilters {
  return {
    model: 0,
    show: 'all',
    classIndex: null,
    minPercent: null,
    maxPercent: null,
    disagree: false,
    sort: 'id',
  }
}

function fraction(percent: number | null): number | undefined {
  if (percent === null || !Number.isFinite(percent)) return undefined
  return Math.max(0, Math.min(100, percent)) / 100
}

export function toResultsQuery(filters: ResultFilters): Omit<ResultsQuery, 'limit' | 'offset'> {
  const min = fraction(filters.minPercent)
  const max = fraction(filters.maxPercent)
  // A class or score asked for means classified files: failed ones have neither.
  const scored = filters.classIndex !== null || min !== undefined || max !== undefined
  const state = filters.show === 'all' ? (scored ? 'done' : undefined) : filters.show
  return {
    model: filters.model,
    sort: filters.sort,
    ...(state ? { state } : {}),
    ...(filters.classIndex !== null ? { classIndex: filters.classIndex } : {}),
    ...(min !== undefined ? { minScore: min } : {}),
    ...(max !== undefined ? { maxScore: max } : {}),
    ...(filters.disagree ? { disagree: true } : {}),
  }
}

/** Filters that narrow the list (the model and the sort only reorder or relabel it). */
export function isFiltered(filters: ResultFilters): boolean {
  return (
    filters.show !== 'all' ||
    filters.classIndex !== null ||
    filters.minPercent !== null ||
    filters.maxPercent !== null ||
    filters.disagree
  )
}
