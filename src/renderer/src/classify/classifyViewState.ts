/**
 * The Classify view's URL state: the chosen local model (`model`, a catalog id or `custom:…`) and
 * the catalog model whose detail panel is open (`detail`). Pure: the view and the store call these.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { ModelRef } from '@shared/contract'

export interface ClassifyViewState {
  model: string | null
  detail: string | null
}

function first(value: LocationQuery[string] | undefined): string | null {
  const single = Array.isArray(value) ? value[0] : value
  return single && single.length <= 200 ? single : null
}

export function parseClassifyQuery(query: LocationQuery): ClassifyViewState {
  return { model: first(query.model), detail: first(query.detail) }
}

export function toClassifyQuery(state: ClassifyViewState): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (state.model) query.model = state.model
  if (state.detail) query.detail = state.detail
  return query
}

const CUSTOM_ID = /^custom:[0-9a-f]{12}$/

/** How `inference.classify` names a local model, from the id the URL holds. */
export function modelRefFor(
  id: string,
): Extract<ModelRef, { catalogId: string } | { customId: string }> {
  return CUSTOM_ID.test(id) ? { customId: id } : { catalogId: id }
}
