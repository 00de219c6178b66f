/**
 * Every request that names a catalog model passes through here before its service sees it: the
 * name the caller gave (a display name, an older list's name, any case) becomes the catalog id,
 * by the one resolver (`CatalogService.resolve`). Services then only ever see exact ids, so
 * what they store (artifacts, journal rows) is keyed the same whatever name was typed.
 */
import type { ModelNameResolution, ModelRef } from '../../shared/contract'

export type Resolve = (name: string) => ModelNameResolution

export function canonicalRef<R extends ModelRef>(ref: R, resolve: Resolve): R {
  return 'catalogId' in ref ? { ...ref, catalogId: resolve(ref.catalogId).id } : ref
}

export function canonicalId(id: string, resolve: Resolve): string {
  return resolve(id).id
}
