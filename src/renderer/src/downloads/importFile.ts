/**
 * "Import an archive…": which artifact kind a picked file is, and which catalog entry it is
 * probably for, from its name as PaddleClas names them (`ResNet50_vd_infer.tar`,
 * `ResNet50_vd_pretrained.pdparams`). Pure.
 */
import type { ArtifactKind } from '@shared/contract'
import { suggestCatalogEntry } from '../classify/suggestCatalogEntry'

/** Inference archives are `.tar`; pretrained weights `.pdparams`; anything else is refused. */
export function importKindOf(fileName: string): ArtifactKind | null {
  const name = fileName.toLowerCase()
  if (name.endsWith('.tar')) return 'inference'
  if (name.endsWith('.pdparams')) return 'pretrained'
  return null
}

/** The catalog entry a file is for: its name without PaddleClas's suffix, matched to the ids. */
export function suggestImportEntry(fileName: string, ids: readonly string[]): string | null {
  const stem = fileName.replace(/(_infer)?\.tar$|(_pretrained)?\.pdparams$/i, '')
  // An exact id first (MobileNetV2 is not MobileNetV2_x0_5), then the longest prefix.
  const exact = ids.find((id) => id.toLowerCase() === stem.toLowerCase())
  return exact ?? suggestCatalogEntry(stem, ids)
}
