/**
 * Preprocessing for the one model whose input size the sources give only indirectly:
 * Fix_ResNeXt101_32x48d_wsl (FixRes, "fixing the train-test resolution discrepancy") has no
 * config, and the deploy default's 224 px would be wrong. Its FLOPs, 313.41 G against 153.57 G
 * for ResNeXt101_32x48d_wsl at 224 px, are (320/224)² times as many: it is evaluated at 320 px.
 * The resize before the crop keeps PaddleClas's 256:224 ratio (320 × 256/224 = 365), which is
 * also the FixRes authors' test transform. Everything else is the deploy default.
 */
import type { Preprocess } from '../../src/shared/catalog/types'

const DERIVED: Record<string, { crop: number; resizeShort: number; why: string }> = {
  Fix_ResNeXt101_32x48d_wsl: {
    crop: 320,
    resizeShort: 365,
    why:
      'Its FLOPs (313.41 G) are (320/224)² times those of ResNeXt101_32x48d_wsl at 224 px ' +
      '(153.57 G), so it is evaluated at 320 px',
  },
}

export function derivedPreprocess(
  id: string,
  deployDefault: Preprocess | null,
): { preprocess: Preprocess; note: string } | null {
  const derived = DERIVED[id]
  if (!derived || !deployDefault || deployDefault.resize.mode !== 'shortSide') return null
  return {
    preprocess: {
      ...deployDefault,
      resize: { ...deployDefault.resize, size: derived.resizeShort },
      cropSize: derived.crop,
      source: {
        ...deployDefault.source,
        inheritedFrom: `derived by the importer (no config): resize ${derived.resizeShort}, crop ${derived.crop}`,
      },
    },
    note:
      `PaddleClas publishes no config of its own for ${id}. ${derived.why}; its preprocessing here is ` +
      `the deploy default with resize ${derived.resizeShort} and crop ${derived.crop} (PaddleClas's ` +
      '256:224 ratio, the FixRes test transform). Inference with it is derived, not published: ' +
      'check it before trusting its predictions.',
  }
}
