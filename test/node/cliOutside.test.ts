/**
 * The CLI's side of issue 14's data: names other than ids resolve everywhere an id is taken (and
 * say so on stderr), entries outside the zoo are found and marked, the sources' notes, the second
 * source and the survey's caveats are printed, and FLOPs read in M or G per value.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CatalogModel } from '@shared/catalog/types'
import type { CatalogModelDetail } from '@shared/contract'
import { projectRoot } from './helpers/paths'
import { zoo, zooProcess } from './helpers/runZoo'
import { tempDirForTest } from './helpers/tempDir'

describe('zoo model takes any name a model is known by', () => {
  it('resolves a display name / older name, says which id on stderr, and keeps stdout the record', async () => {
    const run = await zoo(['model', 'ShuffleNetV2'])
    expect(run.code).toBe(0)
    expect(run.err).toMatch(
      /^ShuffleNetV2 → ShuffleNetV2_x1_0 \(older name, seeds\/002_\w+\.txt:\d+\)$/,
    )
    expect(run.out.split('\n')[0]).toBe('ShuffleNetV2_x1_0 (shown as ShuffleNetV2)')
  })

  it('puts the resolution in a field with --json (a real zoo process: stdout parses)', async () => {
    const run = await zooProcess([
      'model',
      'shufflenetv2',
      '--json',
      '--data-dir',
      tempDirForTest('zoo'),
    ])
    expect(run.code).toBe(0)
    const detail = JSON.parse(run.out) as CatalogModelDetail
    expect(detail.model.id).toBe('ShuffleNetV2_x1_0')
    expect(detail.resolved).toMatchObject({ name: 'shufflenetv2', id: 'ShuffleNetV2_x1_0' })
    expect(run.err).toContain('shufflenetv2 → ShuffleNetV2_x1_0')
  })

  it('says nothing extra for an exact id', async () => {
    const run = await zoo(['model', 'ResNet50'])
    expect(run).toMatchObject({ code: 0, err: '' })
  })

  it('resolves names in pull and classify too, before they fail for want of weights or network', async () => {
    const dataDir = tempDirForTest('zoo')
    // A mirror nobody listens on: the pull fails fast, after resolving.
    const pull = await zoo(['pull', 'ShuffleNetV2', '--mirror', 'http://127.0.0.1:9/'], dataDir)
    expect(pull.err).toContain('ShuffleNetV2 → ShuffleNetV2_x1_0')
    expect(pull.err).not.toMatch(/NOT_FOUND/)
    const image = join(projectRoot, 'resources', 'catalog', 'meta.json')
    const classify = await zoo(['classify', '--model', 'ShuffleNetV2', image], dataDir)
    expect(classify.err).toContain('ShuffleNetV2 → ShuffleNetV2_x1_0')
    expect(classify.err).toContain('ShuffleNetV2_x1_0')
  })
})

describe('zoo export chart takes names too', () => {
  it('plots a model given by its older name, and says which id it is', async () => {
    const dir = tempDirForTest('zoo-chart')
    const out = join(dir, 'chart.svg')
    const run = await zoo(
      ['export', 'chart', '--x', 'flopsG', '--models', 'ShuffleNetV2,ResNet50', '--out', out],
      dir,
    )
    expect(run.code).toBe(0)
    expect(run.err).toBe(
      'ShuffleNetV2 → ShuffleNetV2_x1_0 (older name, seeds/002_3007294bd3baab37.txt:108)',
    )
    expect(run.out).toMatch(/: 2 models/)
    expect(readFileSync(out, 'utf8')).toContain('ShuffleNetV2')
  })
})

describe('an ambiguous name (a real zoo process on a catalog where two models share an alias)', () => {
  it('is an error listing the candidates, in model, pull and classify alike', async () => {
    const resources = tempDirForTest('zoo-res')
    cpSync(join(projectRoot, 'resources'), resources, { recursive: true })
    const file = join(resources, 'catalog', 'models.json')
    const models = JSON.parse(readFileSync(file, 'utf8')) as CatalogModel[]
    const alias = {
      name: 'ResNet-50ish',
      source: { document: 'test', section: '', line: 1, raw: '' },
    }
    for (const model of models)
      if (model.id === 'ResNet50' || model.id === 'ResNet50_vd') model.aliases.push(alias)
    writeFileSync(file, JSON.stringify(models))
    const meta = join(resources, 'catalog', 'meta.json')
    writeFileSync(
      meta,
      JSON.stringify({
        ...JSON.parse(readFileSync(meta, 'utf8')),
        catalogVersion: 'ambiguous-test',
      }),
    )
    const env = { ZOO_RESOURCES_DIR: resources }
    const dataDir = tempDirForTest('zoo')
    for (const argv of [
      ['model', 'ResNet-50ish'],
      ['pull', 'ResNet-50ish'],
      ['classify', '--model', 'ResNet-50ish', meta],
    ]) {
      const run = await zooProcess([...argv, '--data-dir', dataDir], { env })
      expect(run.code, argv.join(' ')).not.toBe(0)
      expect(run.err, argv.join(' ')).toMatch(
        /names 2 models: ResNet50, ResNet50_vd\. .*\[AMBIGUOUS_NAME\]/,
      )
    }
    const json = await zooProcess(['model', 'ResNet-50ish', '--json', '--data-dir', dataDir], {
      env,
    })
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      error: { code: 'AMBIGUOUS_NAME', details: { candidates: ['ResNet50', 'ResNet50_vd'] } },
    })
  })
})

describe('entries outside the zoo through the CLI', () => {
  it('zoo model shows an older-list-only name, marked, with the documents that list it', async () => {
    const run = await zoo(['model', 'ResNet50_vd_v2'])
    expect(run.code).toBe(0)
    expect(run.out).toContain('Older list only')
    expect(run.out).toContain('No published figures.')
    expect(run.out).toMatch(/Listed in: 002_\w+\.txt:\d+, 003_\w+\.txt:\d+/)
    expect(run.out).toContain(
      'Older link:         https://paddle-imagenet-models-name.bj.bcebos.com/ResNet50_vd_v2_pretrained.tar',
    )
  })

  it('zoo model shows a survey-only row by its survey name, with the 224 px / torch caveat', async () => {
    const run = await zoo(['model', 'ViT-Huge'])
    expect(run.code).toBe(0)
    expect(run.err).toBe('ViT-Huge → ViT_Huge (display name)')
    expect(run.out).toContain('Survey only')
    expect(run.out).toMatch(
      /Backbone survey \(ViT-Huge\): params 632 M — measured with torch at 224 px/,
    )
    const cifar = await zoo(['model', 'CIFAR100_EffNet_L2'])
    expect(cifar.out).toMatch(
      /Backbone survey CIFAR-100: top-1 96\.08 % \(with extra training data\)/,
    )
  })

  it('zoo models lists only the zoo by default, says what a search left out, and marks them with --entries all', async () => {
    const plain = await zoo(['models', '--series', 'ResNet'])
    expect(plain.out).not.toContain('older list only')
    const searched = await zoo(['models', '--search', 'ResNet50_vd'])
    expect(searched.out).toMatch(
      /Also outside the zoo \(older lists, backbone survey\): .*ResNet50_vd_v2.* --entries all/,
    )
    const all = await zoo(['models', '--series', 'ResNet', '--entries', 'all'])
    expect(all.out).toMatch(/^ResNet50_vd_v2 \[older list only\] +ResNet /m)
    expect(all.out).toMatch(/models of the zoo and 4 entries outside it/)
    const json = JSON.parse((await zoo(['models', '--json', '--entries', 'surveyOnly'])).out) as {
      entryKind: string
    }[]
    expect(json.length).toBeGreaterThanOrEqual(9)
    expect(json.every((row) => row.entryKind === 'surveyOnly')).toBe(true)
    const bad = await zoo(['models', '--entries', 'some'])
    expect(bad.code).not.toBe(0)
  })
})

describe('notes, second source and survey caveats in zoo model', () => {
  it('prints the source tables’ notes with where they are written', async () => {
    const run = await zoo(['model', 'pcpvt_small'])
    expect(run.out).toMatch(
      /Source note \(accuracy\): The accuracy differs from the reference .* \[model_list\.zh_CN\.md:\d+\]\n {2}as written: 与 Reference 的精度差异源于数据预处理不同。/,
    )
    const tnt = await zoo(['model', 'TNT_small'])
    expect(tnt.out).toMatch(/Source note \(preprocessing\): .*mean 0\.5 and std 0\.5/)
  })

  it('prints the English overview’s other figures beside the model list’s', async () => {
    const run = await zoo(['model', 'PPLCNet_x0_25'])
    expect(run.out).toContain('Second source, ImageNet_models.en.md, publishes other figures:')
    expect(run.out).toMatch(
      /latency xeon6148-paddle-fp32 bs=1: 1\.61785 there, 1\.74 in the model list — the sources disagree +\[ImageNet_models\.en\.md:\d+ "1\.61785"/,
    )
  })

  it('prints the survey’s FLOPs at 224 px beside the model’s own, scaled to its input', async () => {
    const run = await zoo(['model', 'EfficientNetB7'])
    expect(run.out).toMatch(
      /Backbone survey \(efficientnet_b7\): params 66\.348 M, FLOPs 5\.267 G — measured with torch at 224 px/,
    )
    expect(run.out).toMatch(
      /PaddleClas measures this model at 600 px \(38\.45 G\); the survey's 5\.267 G at 224 px is about 37\.789 G at 600 px/,
    )
    const hrnet = await zoo(['model', 'HRNet_W18_C'])
    expect(hrnet.out).toMatch(
      /Doubtful link: The survey's hrnet18 has 9\.641 M params, PaddleClas's HRNet_W18_C 21\.35 M/,
    )
  })
})

describe('zoo models text shows FLOPs in the unit each value reads best in', () => {
  it('18.25 M stays M (not 0.0183 G); 4.11 G stays G', async () => {
    const run = await zoo(['models', '--series', 'PP-LCNet,ResNet'])
    expect(run.out).toMatch(/^PPLCNet_x0_25 .* 18\.25 M /m)
    expect(run.out).toMatch(/^ResNet50 .* 4\.11 G /m)
    expect(run.out).not.toMatch(/0\.0183/)
  })
})
