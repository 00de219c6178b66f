/**
 * What the older model lists (seeds 001–003) add: other names for today's models, the links
 * they were downloaded from before, and the names that no longer match any model.
 */
import { describe, expect, it } from 'vitest'
import { idFromUrl, readOlderList } from '../../../tools/catalog/olderLists'
import { hasShared, realCatalog, realModel, seedPath, sharedText } from './sharedFixtures'

describe('readOlderList', () => {
  const text = [
    '- ResNet 及其 Vd 系列',
    '  - ResNet 系列<sup>[[1](#ref1)]</sup>([论文地址](http://example.org/resnet-paper))',
    '    - [ResNet18](https://paddle-imagenet-models-name.bj.bcebos.com/ResNet18_pretrained.tar)',
    '    - [ShuffleNetV2](https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/ShuffleNetV2_x1_0_pretrained.pdparams)',
    '    - [PaddleClas](https://github.com/PaddlePaddle/PaddleClas)',
    '- MobileNetV3系列[3](论文地址)',
    '- MobileNetV3_large_x1_0',
    '- MobileNetV3_large_x1_0_ssld_int8(coming soon)',
    '- [Broken]()(coming soon)',
  ].join('\n')
  const { mentions, papers } = readOlderList(text, 'seeds/001.txt')

  it('reads model links on the model host and model-name bullets, with their lines', () => {
    expect(mentions.map((m) => [m.name, m.url, m.source.line])).toEqual([
      ['ResNet18', 'https://paddle-imagenet-models-name.bj.bcebos.com/ResNet18_pretrained.tar', 3],
      [
        'ShuffleNetV2',
        'https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/ShuffleNetV2_x1_0_pretrained.pdparams',
        4,
      ],
      ['MobileNetV3_large_x1_0', null, 7],
      ['MobileNetV3_large_x1_0_ssld_int8', null, 8],
    ])
    expect(mentions[0]?.source).toEqual({
      document: 'seeds/001.txt',
      section: 'model list',
      line: 3,
      raw: '[ResNet18](https://paddle-imagenet-models-name.bj.bcebos.com/ResNet18_pretrained.tar)',
    })
  })

  it('reads the paper link behind a reference number', () => {
    expect(papers.map((p) => [p.reference, p.url, p.source.line])).toEqual([
      [1, 'http://example.org/resnet-paper', 2],
    ])
  })

  it.each([
    ['https://x.example/dygraph/legendary_models/ResNet50_pretrained.pdparams', 'ResNet50'],
    ['https://x.example/ResNet50_vd_ssld_pretrained.tar', 'ResNet50_vd_ssld'],
    ['https://x.example/dygraph/inference/ResNet50_infer.tar', 'ResNet50'],
    ['https://x.example/DarkNet53_ImageNet1k_pretrained.tar', 'DarkNet53_ImageNet1k'],
    ['https://x.example/weights.zip', null],
  ])('idFromUrl(%s) is %s', (url, id) => {
    expect(idFromUrl(url)).toBe(id)
  })
})

describe.skipIf(!hasShared)('aliases and legacy links from seeds 001–003', () => {
  const catalogIds = hasShared ? new Set(realCatalog().bundle.models.map((m) => m.id)) : new Set()

  it('ShuffleNetV2_x1_0 is also called ShuffleNetV2 (seed 002)', () => {
    const { aliases } = realModel('ShuffleNetV2_x1_0')
    const alias = aliases.find((a) => a.name === 'ShuffleNetV2')
    expect(alias?.source.document).toBe(seedPath('002'))
  })

  it('RepVGG_B1 is also called RepVGG_B1s: seed 002 links that name to RepVGG_B1 weights', () => {
    const { aliases } = realModel('RepVGG_B1')
    const alias = aliases.find((a) => a.name === 'RepVGG_B1s')
    expect(alias?.source.document).toBe(seedPath('002'))
    expect(alias?.source.raw).toMatch(/\/RepVGG_B1_pretrained\.pdparams\)$/)
    const line = sharedText(seedPath('002')).split('\n')[alias!.source.line - 1]
    expect(line).toContain('[RepVGG_B1s]')
  })

  it('no alias is the id of a catalog model, and no model lists its own id as an alias', () => {
    for (const model of realCatalog().bundle.models) {
      for (const alias of model.aliases) {
        expect(catalogIds.has(alias.name), `${model.id} alias ${alias.name}`).toBe(false)
      }
    }
  })

  it('every .tar link of seed 003 that names a catalog model is that model’s legacy link', () => {
    const seed = seedPath('003')
    const expected = sharedText(seed)
      .split('\n')
      .flatMap((line, index) =>
        [...line.matchAll(/\[(\w+)\]\((https:\/\/paddle-imagenet-models-name[^)]+\.tar)\)/g)].map(
          (match) => ({ name: match[1]!, url: match[2]!, line: index + 1 }),
        ),
      )
      .filter((link) => catalogIds.has(link.name))
    expect(expected.length).toBeGreaterThan(100)
    const missing = expected.filter(
      (link) =>
        !realModel(link.name).downloads.legacy.some(
          (legacy) =>
            legacy.url === link.url &&
            legacy.source.document === seed &&
            legacy.source.line === link.line,
        ),
    )
    expect(missing).toEqual([])
  })

  it('legacy links differ from the current links and come from the older lists', () => {
    const seeds = ['001', '002', '003'].map(seedPath)
    let count = 0
    for (const model of realCatalog().bundle.models) {
      for (const legacy of model.downloads.legacy) {
        count++
        expect(legacy.url, model.id).not.toBe(model.downloads.pretrained)
        expect(legacy.url, model.id).not.toBe(model.downloads.inference)
        expect(seeds).toContain(legacy.source.document)
      }
    }
    expect(count).toBeGreaterThan(100)
    expect(realModel('ResNet50').downloads.legacy.map((l) => l.url)).toContain(
      'https://paddle-imagenet-models-name.bj.bcebos.com/ResNet50_pretrained.tar',
    )
  })

  it.each(['ResNet50_vd_v2', 'MobileNetV3_large_x1_0_ssld_int8'])(
    '%s, no longer in the zoo, is a legacy name, not a model or an alias',
    (name) => {
      expect(realCatalog().legacy.map((l) => l.name)).toContain(name)
      expect(catalogIds.has(name)).toBe(false)
      const aliased = realCatalog().bundle.models.filter((m) =>
        m.aliases.some((a) => a.name === name),
      )
      expect(aliased).toEqual([])
    },
  )

  it('legacy names match no catalog model, by name or by link', () => {
    for (const legacy of realCatalog().legacy) {
      expect(catalogIds.has(legacy.name), legacy.name).toBe(false)
      const fromUrl = legacy.url ? idFromUrl(legacy.url) : null
      if (fromUrl) expect(catalogIds.has(fromUrl), legacy.url ?? '').toBe(false)
    }
  })
})
