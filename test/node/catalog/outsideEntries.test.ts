/**
 * Entries outside the zoo: the names only older lists give, and the survey's unlinked rows, kept
 * as entries with their sources and nothing else; and the survey's caveats on linked models.
 */
import { describe, expect, it } from 'vitest'
import { hasShared, realCatalog, realModel, seedPath } from './sharedFixtures'

const OLDER_ONLY = [
  'ResNet50_vd_ssld_v2',
  'Fix_ResNet50_vd_ssld_v2',
  'ResNet50_vd_v2',
  'ResNet50_ACNet_deploy',
  'MobileNetV3_large_x1_0_ssld_int8',
  'SwinTransformer_base_patch4_window7_224_22k',
  'SwinTransformer_large_patch4_window12_384_22k',
  'SwinTransformer_large_patch4_window7_224_22k',
]

describe.skipIf(!hasShared)('entries outside the zoo', () => {
  const outside = () => realCatalog().bundle.outside!.models
  const entry = (id: string) => outside().find((m) => m.id === id)!

  it('keep the zoo’s own list at 252 models', () => {
    expect(realCatalog().bundle.models).toHaveLength(252)
    expect(realCatalog().bundle.meta).toMatchObject({
      modelCount: 252,
      outsideCount: outside().length,
    })
  })

  it('make the eight older-list-only names entries, with the documents that list them', () => {
    const older = outside().filter((m) => m.entryKind === 'olderListOnly')
    expect(older.map((m) => m.id).sort()).toEqual([...OLDER_ONLY].sort())
    for (const model of older) {
      expect(model.rows.length, model.id).toBeGreaterThan(0)
      for (const row of model.rows) expect(row.document, model.id).toMatch(/^seeds\/00[123]_/)
    }
    expect(entry('ResNet50_vd_v2').downloads.legacy.map((l) => l.url)).toEqual([
      'https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/ResNet50_vd_v2_pretrained.pdparams',
      'https://paddle-imagenet-models-name.bj.bcebos.com/ResNet50_vd_v2_pretrained.tar',
    ])
    expect(entry('MobileNetV3_large_x1_0_ssld_int8').sourceNotes).toContainEqual(
      expect.objectContaining({ kind: 'status', zh: expect.stringContaining('coming soon') }),
    )
    const swin22k = entry('SwinTransformer_large_patch4_window7_224_22k')
    expect(swin22k).toMatchObject({ pretraining: 'ImageNet-22k', classes: 21841 })
    expect(swin22k.notes.join(' ')).toMatch(/before fine-tuning .* inferred from the name/)
    expect(entry('ResNet50_vd_v2').classes).toBe(1000)
  })

  it('keep the survey’s unlinked rows, the CIFAR-100 table too, as survey-only entries', () => {
    const survey = outside().filter((m) => m.entryKind === 'surveyOnly')
    const names = survey.map((m) => m.displayName)
    for (const name of [
      'ShuffleNetV1',
      'ShuffleNetV2_b1',
      'ViT-Huge',
      'EdgeViTs S',
      'EdgeViTs XS',
      'EdgeViTs XXS',
      'EffNet L2',
      'ViT Base',
    ])
      expect(names).toContain(name)
    expect(entry('ViT_Huge').survey?.paramsM?.value).toBe(632)
    expect(entry('EdgeViTs_XXS').survey).toMatchObject({
      paramsM: { value: 4.1, source: { document: seedPath('004'), raw: '4.1M' } },
      flopsG: { value: 0.6 },
      measuredAt: { inputSize: 224, framework: 'torch' },
    })
    const cifar = entry('CIFAR100_EffNet_L2').survey!.otherScores![0]!
    expect(cifar).toMatchObject({
      dataset: 'CIFAR-100',
      extraData: true,
      top1Percent: { value: 96.08 },
    })
  })

  it('carry no figure of the zoo: no accuracy, cost, latency, preprocessing or current link', () => {
    for (const model of outside()) {
      for (const field of ['top1', 'top5', 'paramsM', 'flopsG', 'sizeMB', 'preprocess'] as const)
        expect(model[field], `${model.id}.${field}`).toBeNull()
      expect(model.latencies, model.id).toEqual([])
      expect(model.downloads.inference, model.id).toBeNull()
      expect(model.downloads.pretrained, model.id).toBeNull()
    }
  })
})

describe.skipIf(!hasShared)('the survey’s caveats on linked models', () => {
  it('says every linked figure was measured at 224 px in torch (EfficientNetB7: 5.267 G beside 38.45 G)', () => {
    const b7 = realModel('EfficientNetB7')
    expect(b7.survey).toMatchObject({
      flopsG: { value: 5.267 },
      measuredAt: { inputSize: 224, framework: 'torch' },
    })
    expect(b7.flopsG?.value).toBe(38.45)
    expect(b7.inputSize).toBe(600)
  })

  it('doubts the hrnet18 link (9.641 M params against HRNet_W18_C’s 21.35 M), the variants, and no sound link', () => {
    expect(realModel('HRNet_W18_C').survey?.doubt).toMatch(/9\.641 M params.*21\.35 M/)
    const doubted = realCatalog()
      .bundle.models.filter((m) => m.survey?.doubt)
      .map((m) => m.id)
    // The sound links agree to about 1 %; these three do not.
    expect(doubted).toEqual(['HRNet_W18_C', 'HRNet_W48_C', 'MobileNetV3_small_x1_0'])
    expect(realModel('HRNet_W18_C').survey?.doubt).toMatch(/another network/)
    expect(realModel('HRNet_W48_C').survey?.doubt).toMatch(/a variant/)
  })
})

describe.skipIf(!hasShared)('Fix_ResNeXt101_32x48d_wsl', () => {
  it('takes 320 px, resized to 320 as the Fluid-era list says and its FLOPs agree, and says where that comes from', () => {
    const fix = realModel('Fix_ResNeXt101_32x48d_wsl')
    const base = realModel('ResNeXt101_32x48d_wsl')
    expect(fix.flopsG!.value / base.flopsG!.value).toBeCloseTo((320 / 224) ** 2, 3)
    expect(fix.inputSize).toBe(320)
    expect(fix.preprocess).toMatchObject({
      resize: { mode: 'shortSide', size: 320 },
      cropSize: 320,
    })
    expect(fix.preprocess?.source.inheritedFrom).toMatch(/derived/)
    expect(fix.notes.join(' ')).toMatch(/Fluid-era model list.*320 × 320.*not from a config/)
  })
})
