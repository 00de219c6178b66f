/**
 * Stable, diff-friendly JSON for the committed catalog: fixed key order (as built), two-space
 * indent, a trailing newline, and a content hash that changes exactly when the data does.
 */
import { createHash } from 'node:crypto'
import type { CatalogBundle } from '../../src/shared/catalog/types'

export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}

export function catalogVersionOf(
  content: Pick<CatalogBundle, 'platforms' | 'series' | 'models' | 'outside'>,
): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)
}

/** File name → contents, exactly as committed under resources/catalog/. */
export function catalogFiles(bundle: CatalogBundle, labels: string[]): Record<string, string> {
  return {
    'meta.json': stableJson(bundle.meta),
    'platforms.json': stableJson(bundle.platforms),
    'series.json': stableJson(bundle.series),
    'models.json': stableJson(bundle.models),
    // Older-list-only names (what legacy.json held, which nothing loaded) and survey-only rows.
    'outside.json': stableJson(bundle.outside ?? { series: [], models: [] }),
    'imagenet1k-labels.json': stableJson(labels),
  }
}
