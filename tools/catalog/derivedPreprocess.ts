/**
 * Preprocessing for the one model whose config PaddleClas does not publish:
 * Fix_ResNeXt101_32x48d_wsl (FixRes, "fixing the train-test resolution discrepancy"), for which
 * the deploy default's 224 px would be wrong. PaddleClas's Fluid-era model list (PaddlePaddle/
 * models, PaddleCV/image_classification/README.md, note 2) says it takes 320 × 320 and that its
 * resize_short_size is the input size, as DarkNet53's is; its FLOPs, 313.41 G against 153.57 G
 * for ResNeXt101_32x48d_wsl at 224 px, are (320/224)² times as many, which agrees. Everything
 * else is the deploy default.
 */
import type { Preprocess } from '../../src/shared/catalog/types'

const DERIVED: Record<string, { crop: number; resizeShort: number; why: string }> = {
  Fix_ResNeXt101_32x48d_wsl: {
    crop: 320,
    resizeShort: 320,
    why:
      "PaddleClas's Fluid-era model list (PaddlePaddle/models, PaddleCV/image_classification " +
      'README, note 2) gives it a 320 × 320 input with the short side resized to the input size, ' +
      'and its FLOPs (313.41 G) are (320/224)² times those of ResNeXt101_32x48d_wsl at 224 px ' +
      '(153.57 G)',
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
      `the deploy default with resize ${derived.resizeShort} and crop ${derived.crop}. It is taken ` +
      'from that older list, not from a config of the current zoo.',
  }
}
