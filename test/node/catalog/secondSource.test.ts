/**
 * The English overview as a second source: the figures it publishes differently are kept beside
 * the model list's, each with its own line, and nothing it writes the same is repeated.
 */
import { describe, expect, it } from 'vitest'
import { readSecondSource } from '../../../tools/catalog/secondSource'
import { ENGLISH_OVERVIEW } from '../../../tools/catalog/sources'
import { hasShared, realCatalog, realModel, sharedText } from './sharedFixtures'

describe.skipIf(!hasShared)('ImageNet_models.en.md as a second source', () => {
  const lines = hasShared ? sharedText(ENGLISH_OVERVIEW).split('\n') : []
  const withSecond = () => realCatalog().bundle.models.filter((m) => m.secondSource)

  it('differs for 41 models, each figure cited by a line that writes it', () => {
    expect(withSecond()).toHaveLength(41)
    for (const model of withSecond()) {
      for (const figure of model.secondSource!.figures) {
        expect(figure.source.document).toBe(ENGLISH_OVERVIEW)
        expect(lines[figure.source.line - 1], model.id).toContain(figure.source.raw)
        expect(lines[figure.source.line - 1], model.id).toContain(model.id.split('_')[0])
        expect(figure.value, model.id).not.toBe(figure.catalogValue)
      }
    }
  })

  it('keeps PP-LCNet’s other Xeon 6148 latencies and the transformers’ other accuracies', () => {
    expect(realModel('PPLCNet_x0_25').secondSource!.figures).toEqual([
      expect.objectContaining({
        field: 'xeon6148-paddle-fp32|1|',
        value: 1.61785,
        catalogValue: 1.74,
        roundingOnly: false,
      }),
    ])
    expect(
      realModel('SwinTransformer_base_patch4_window7_224').secondSource!.figures,
    ).toContainEqual(
      expect.objectContaining({
        field: 'top1',
        value: 0.83,
        catalogValue: 0.8337,
        roundingOnly: false,
      }),
    )
    const series = new Set(withSecond().map((m) => m.series))
    for (const name of ['PP-LCNet', 'SwinTransformer', 'DeiT', 'ViT', 'Twins', 'PVTV2'])
      expect(series).toContain(name)
  })

  it('marks figures that only round differently (PVTV2 written to 3 decimals)', () => {
    const figures = realModel('PVT_V2_B0').secondSource!.figures
    expect(figures.length).toBeGreaterThan(0)
    expect(figures.every((f) => f.roundingOnly)).toBe(true)
  })

  it('finds nothing new in the model list itself (the SSLD tables’ coarser copies are its own)', () => {
    const models = realCatalog().bundle.models
    const self = readSecondSource(
      sharedText('reference/paddleclas/docs/model_list.zh_CN.md'),
      'zh',
      models,
    )
    expect(self.size).toBe(0)
  })
})
