/**
 * The one rule for turning what a user typed into a catalog id: an exact id wins; then the names
 * the tables show and older lists' names, exactly; then any of them ignoring case. A name that
 * means two or more models is an error that lists them, never a guess.
 */
import { AppError } from '../../shared/errors'
import type { ModelNameResolution } from '../../shared/contract'

/** One row of `model_names`: a name a model is known by. */
export interface KnownName {
  name: string
  modelId: string
  kind: 'id' | 'displayName' | 'alias'
  /** `document:line` for an alias from an older list. */
  source: string | null
}

/** `known` holds the rows whose name equals `typed` ignoring case (what the index returns). */
export function resolveModelName(typed: string, known: readonly KnownName[]): ModelNameResolution {
  const exactId = known.find((row) => row.kind === 'id' && row.name === typed)
  if (exactId) return { name: typed, id: exactId.modelId, via: 'id', source: null }
  for (const matches of [known.filter((row) => row.name === typed), known]) {
    const ids = [...new Set(matches.map((row) => row.modelId))]
    if (ids.length === 1) {
      // Prefer reporting an alias's source over a display name's when both name it.
      const row = matches.find((r) => r.kind === 'alias') ?? matches[0]!
      return { name: typed, id: ids[0]!, via: row.kind, source: row.source }
    }
    if (ids.length > 1) {
      throw new AppError(
        'AMBIGUOUS_NAME',
        `"${typed}" names ${ids.length} models: ${ids.join(', ')}. Give one of these ids.`,
        { candidates: ids },
      )
    }
  }
  throw new AppError('NOT_FOUND', `There is no model "${typed}" in the catalog.`)
}
