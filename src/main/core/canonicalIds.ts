/**
 * Every request that names a catalog model passes through here before its service sees it: the
 * name the caller gave (a display name, an older list's name, any case) becomes the catalog id,
 * by the one resolver (`CatalogService.resolve`). Services then only ever see exact ids, so
 * what they store (artifacts, journal rows) is keyed the same whatever name was typed.
 */
import type { ModelNameResolution, ModelRef } from '../../shared/contract'
import { AppError } from '../../shared/errors'

export type Resolve = (name: string) => ModelNameResolution

export function canonicalRef<R extends ModelRef>(ref: R, resolve: Resolve): R {
  return 'catalogId' in ref ? { ...ref, catalogId: resolve(ref.catalogId).id } : ref
}

export function canonicalId(id: string, resolve: Resolve): string {
  return resolve(id).id
}

/**
 * A chart's chosen models: names become ids; a name nothing has stays as typed (the chart then
 * counts it as a model it cannot draw, as before); an ambiguous one is still an error.
 */
export function canonicalChartIds(ids: readonly string[], resolve: Resolve): string[] {
  return ids.map((id) => {
    try {
      return resolve(id).id
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return id
      throw error
    }
  })
}
