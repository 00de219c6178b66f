import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogBundle } from '../../shared/catalog/types'
import { AppError } from '../../shared/errors'

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

/** Reads the shipped catalog from resources/catalog; a missing or malformed one is UNAVAILABLE. */
export function readCatalogBundle(resourcesDir: string): CatalogBundle {
  const dir = join(resourcesDir, 'catalog')
  try {
    const bundle: CatalogBundle = {
      meta: readJson(join(dir, 'meta.json')),
      platforms: readJson(join(dir, 'platforms.json')),
      series: readJson(join(dir, 'series.json')),
      models: readJson(join(dir, 'models.json')),
      // Absent from catalogs built before entries outside the zoo existed.
      outside: existsSync(join(dir, 'outside.json'))
        ? readJson(join(dir, 'outside.json'))
        : { series: [], models: [] },
    }
    if (
      bundle.meta.formatVersion !== 1 ||
      !Array.isArray(bundle.models) ||
      !Array.isArray(bundle.series)
    ) {
      throw new Error(`unsupported catalog format ${String(bundle.meta.formatVersion)}`)
    }
    return bundle
  } catch (error) {
    throw new AppError(
      'UNAVAILABLE',
      `The model catalog in ${dir} cannot be read (${error instanceof Error ? error.message : String(error)}). ` +
        'Reinstall Zoo Explorer, or run `npm run catalog:build` in a source checkout.',
    )
  }
}

export function readLabels(resourcesDir: string): string[] {
  return readJson<string[]>(join(resourcesDir, 'catalog', 'imagenet1k-labels.json'))
}
