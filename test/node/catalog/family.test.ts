/**
 * A model's family (the line that joins its size variants on a chart): its id without size
 * tokens, so that ResNet50 and ResNet101 share one while ResNet50_vd and _ssld variants do not.
 */
import { describe, expect, it } from 'vitest'
import { familyOf } from '../../../tools/catalog/family'
import { hasShared, realCatalog } from './sharedFixtures'

describe('familyOf', () => {
  it.each([
    ['ResNet50', 'ResNet'],
    ['ResNet152', 'ResNet'],
    ['ResNet50_vd', 'ResNet_vd'],
    ['ResNet50_vd_ssld', 'ResNet_vd_ssld'],
    ['MobileNetV3_large_x1_0', 'MobileNetV3_large'],
    ['MobileNetV3_small_x0_35_ssld', 'MobileNetV3_small_ssld'],
    ['PPLCNet_x0_25', 'PPLCNet'],
    ['PPLCNetV2_base', 'PPLCNetV2'],
    ['EfficientNetB3', 'EfficientNet'],
    ['EfficientNetB0_small', 'EfficientNet_small'],
    ['ViT_base_patch16_384', 'ViT_patch16_384'],
    ['ViT_small_patch16_224', 'ViT_patch16_224'],
    ['CSWinTransformer_large_224', 'CSWinTransformer_224'],
    ['DeiT_tiny_distilled_patch16_224', 'DeiT_distilled_patch16_224'],
    [
      'SwinTransformer_large_patch4_window7_224_22kto1k',
      'SwinTransformer_patch4_window7_224_22kto1k',
    ],
    ['HRNet_W18_C', 'HRNet'],
    ['Res2Net50_vd_26w_4s', 'Res2Net_vd'],
    ['ResNeXt101_32x4d', 'ResNeXt'],
    ['SE_ResNeXt50_vd_32x4d', 'SE_ResNeXt_vd'],
    ['DLA102x2', 'DLA'],
    ['GoogLeNet', 'Inception'],
    ['InceptionV3', 'Inception'],
    ['RepVGG_B1g2', 'RepVGG'],
    ['LeViT_128S', 'LeViT'],
    ['MobileViT_XXS', 'MobileViT'],
    ['PVT_V2_B2_Linear', 'PVT_V2_Linear'],
    ['SqueezeNet1_1', 'SqueezeNet'],
    ['MobileNetV1', 'MobileNetV1'],
  ])('%s → %s', (id, family) => {
    expect(familyOf(id)).toBe(family)
  })
})

describe.skipIf(!hasShared)('families of the real catalog', () => {
  it('stay within one series', () => {
    const seriesOf = new Map<string, Set<string>>()
    for (const model of realCatalog().bundle.models) {
      seriesOf.set(model.family, (seriesOf.get(model.family) ?? new Set()).add(model.series))
    }
    const spanning = [...seriesOf].filter(([, series]) => series.size > 1)
    expect(spanning.map(([family, series]) => `${family}: ${[...series].join(', ')}`)).toEqual([])
  })

  it('are familyOf(id) for every model, and join size variants (far fewer families than models)', () => {
    const { models } = realCatalog().bundle
    const families = new Set(models.map((model) => model.family))
    expect(families.size).toBeLessThan(models.length / 2)
    for (const model of models) expect(model.family, model.id).toBe(familyOf(model.id))
  })
})
