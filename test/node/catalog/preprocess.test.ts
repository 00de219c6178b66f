/**
 * A model's preprocessing, read from its PaddleClas config's `Infer.transforms` (or the deploy
 * config's `PreProcess.transform_ops`), and which config a model without its own gets.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Preprocess } from '../../../src/shared/catalog/types'
import { ImportError } from '../../../tools/catalog/importError'
import {
  DEPLOY_DEFAULT,
  findModelConfig,
  indexConfigs,
  readModelConfig,
} from '../../../tools/catalog/preprocessConfig'
import { CONFIGS, DEPLOY_CONFIG } from '../../../tools/catalog/sources'
import { tempDirForTest } from '../helpers/tempDir'
import { configNames, hasShared, realCatalog, realModel } from './sharedFixtures'

const IMAGENET = {
  scale: '1.0/255.0',
  mean: '[0.485, 0.456, 0.406]',
  std: '[0.229, 0.224, 0.225]',
}

/** Lines of one YAML transform op: `- Name:` and its options, indented under `transforms:`. */
function op(name: string, options: Record<string, string> = {}): string[] {
  return [
    `    - ${name}:`,
    ...Object.entries(options).map(([key, value]) => `        ${key}: ${value}`),
  ]
}

const decode = (options: Record<string, string> = { to_rgb: 'True' }) => op('DecodeImage', options)
const resize = (options: Record<string, string> = { resize_short: '256' }) =>
  op('ResizeImage', options)
const crop = (size = 224) => op('CropImage', { size: String(size) })
const normalize = (options: Record<string, string> = IMAGENET) =>
  op('NormalizeImage', { ...options, order: "''" })

function inferYaml(ops: string[][]): string {
  return ['Infer:', '  transforms:', ...ops.flat(), ...op('ToCHWImage'), ''].join('\n')
}

/** Writes `yaml` to a temp file and reads it as a model config. */
function readYaml(yaml: string, inheritedFrom?: string) {
  const path = join(tempDirForTest('zoo-config'), 'Model.yaml')
  writeFileSync(path, yaml)
  return readModelConfig(path, 'configs/Model.yaml', inheritedFrom)
}

const standard = () => [decode(), resize(), crop(), normalize()]

describe('readModelConfig', () => {
  it('reads the usual ImageNet pipeline: cv2, RGB, short side 256, crop 224, mean/std', () => {
    const { preprocess, classes } = readYaml(inferYaml(standard()))
    expect(preprocess).toMatchObject({
      colorOrder: 'RGB',
      decoder: 'cv2',
      resize: { mode: 'shortSide', size: 256, interpolation: 'bilinear', library: 'cv2' },
      cropSize: 224,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      layout: 'CHW',
      source: { config: 'configs/Model.yaml' },
    })
    expect(preprocess.scale).toBe(1 / 255)
    expect(preprocess.source.inheritedFrom).toBeUndefined()
    expect(JSON.parse(preprocess.source.raw)).toHaveLength(5)
    expect(classes).toBe(1000)
  })

  it.each<[string, Record<string, string> | null, Preprocess['decoder'], Preprocess['colorOrder']]>(
    [
      ['no options', null, 'cv2', 'RGB'],
      ['to_rgb: True', { to_rgb: 'True' }, 'cv2', 'RGB'],
      ['to_rgb: False', { to_rgb: 'False' }, 'cv2', 'BGR'],
      ['backend: pil', { backend: 'pil' }, 'pil', 'RGB'],
      ['to_np: False', { to_np: 'False' }, 'pil', 'RGB'],
    ],
  )('DecodeImage with %s decodes with %s to %s', (_, options, decoder, colorOrder) => {
    const decodeOp = options ? decode(options) : op('DecodeImage')
    const { preprocess } = readYaml(inferYaml([decodeOp, resize(), crop(), normalize()]))
    expect([preprocess.decoder, preprocess.colorOrder]).toEqual([decoder, colorOrder])
  })

  it.each<[string, Record<string, string>, Preprocess['resize'], number | null]>([
    [
      'resize_short',
      { resize_short: '256' },
      { mode: 'shortSide', size: 256, interpolation: 'bilinear', library: 'cv2' },
      224,
    ],
    [
      'size',
      { size: '224' },
      { mode: 'exact', size: 224, interpolation: 'bilinear', library: 'cv2' },
      null,
    ],
    [
      'bicubic',
      { resize_short: '248', interpolation: 'bicubic' },
      { mode: 'shortSide', size: 248, interpolation: 'bicubic', library: 'cv2' },
      224,
    ],
    [
      'PIL bicubic',
      { resize_short: '256', interpolation: 'bicubic', backend: 'pil' },
      { mode: 'shortSide', size: 256, interpolation: 'bicubic', library: 'pil' },
      224,
    ],
    [
      'cubic',
      { resize_short: '256', interpolation: 'cubic' },
      { mode: 'shortSide', size: 256, interpolation: 'bicubic', library: 'cv2' },
      224,
    ],
    [
      'linear',
      { size: '256', interpolation: 'linear' },
      { mode: 'exact', size: 256, interpolation: 'bilinear', library: 'cv2' },
      null,
    ],
  ])('ResizeImage with %s', (_, options, expected, cropSize) => {
    const ops = [decode(), resize(options), ...(cropSize ? [crop(cropSize)] : []), normalize()]
    const { preprocess } = readYaml(inferYaml(ops))
    expect(preprocess.resize).toEqual(expected)
    expect(preprocess.cropSize).toBe(cropSize)
  })

  it.each([
    ['1.0/255.0', 1 / 255],
    ['1/255', 1 / 255],
    ['0.00392157', 0.00392157],
    ["'0.5'", 0.5],
    ['1.0', 1],
  ])('NormalizeImage scale %s is %d', (scale, value) => {
    const { preprocess } = readYaml(
      inferYaml([decode(), resize(), crop(), normalize({ ...IMAGENET, scale })]),
    )
    expect(preprocess.scale).toBe(value)
  })

  it('reads mean and std per channel', () => {
    const { preprocess } = readYaml(
      inferYaml([
        decode(),
        resize(),
        crop(),
        normalize({
          scale: '1.0',
          mean: '[123.675, 116.28, 103.53]',
          std: '[58.395, 57.12, 57.375]',
        }),
      ]),
    )
    expect([preprocess.mean, preprocess.std, preprocess.scale]).toEqual([
      [123.675, 116.28, 103.53],
      [58.395, 57.12, 57.375],
      1,
    ])
  })

  it('reads the deploy config format and the class count', () => {
    const yaml = [
      'Arch:',
      '  class_num: 102',
      'PreProcess:',
      '  transform_ops:',
      ...[resize(), crop(), normalize()].flat(),
      '',
    ].join('\n')
    const { preprocess, classes } = readYaml(yaml, 'deploy')
    expect(classes).toBe(102)
    expect(preprocess.source.inheritedFrom).toBe('deploy')
    expect(preprocess.cropSize).toBe(224)
  })

  it.each<[string, string[][], RegExp]>([
    [
      'an unknown transform op',
      [decode(), resize(), op('RandomErasing'), normalize()],
      /unknown transform RandomErasing/,
    ],
    [
      'a PIL resize without an interpolation',
      [decode(), resize({ resize_short: '256', backend: 'pil' }), crop(), normalize()],
      /PIL resize without an interpolation/,
    ],
    [
      'an unknown interpolation',
      [decode(), resize({ resize_short: '256', interpolation: 'hamming' }), crop(), normalize()],
      /unknown interpolation "hamming"/,
    ],
    ['no normalisation', [decode(), resize(), crop()], /lack a resize or a normalisation/],
    [
      'a scale that is not a number',
      [decode(), resize(), crop(), normalize({ ...IMAGENET, scale: 'one/255' })],
      /scale "one\/255" is not a number/,
    ],
    [
      'a mean of two numbers',
      [decode(), resize(), crop(), normalize({ ...IMAGENET, mean: '[0.5, 0.5]' })],
      /mean is not three numbers/,
    ],
  ])('stops at %s', (_, ops, message) => {
    const yaml = inferYaml(ops)
    expect(() => readYaml(yaml)).toThrow(ImportError)
    expect(() => readYaml(yaml)).toThrow(message)
  })
})

describe('findModelConfig', () => {
  function configTree(): string {
    const root = tempDirForTest('zoo-configs')
    for (const [folder, name] of [
      ['Foo', 'Foo50'],
      ['Foo', 'Foo50_vd'],
      ['Bar', 'Bar'],
    ] as const) {
      mkdirSync(join(root, folder), { recursive: true })
      writeFileSync(join(root, folder, `${name}.yaml`), inferYaml(standard()))
    }
    return root
  }

  it.each<[string, string | null, string | undefined]>([
    ['Foo50', 'Foo/Foo50.yaml', undefined],
    ['Foo50_vd_ssld', 'Foo/Foo50_vd.yaml', 'Foo50_vd'],
    ['Foo50_22kto1k', 'Foo/Foo50.yaml', 'Foo50'],
    ['Bar_x1_0', 'Bar/Bar.yaml', 'Bar'],
    ['Bar_x1_0_ssld', 'Bar/Bar.yaml', 'Bar'],
    ['Foo101', null, undefined],
  ])('%s reads %s', (id, file, inheritedFrom) => {
    const config = findModelConfig(id, indexConfigs(configTree()))
    if (file === null) {
      expect(config).toBeNull()
      return
    }
    expect(config?.preprocess.source.config).toBe(`${CONFIGS}/${file}`)
    expect(config?.preprocess.source.inheritedFrom).toBe(inheritedFrom)
  })

  it('stops at two configs of the same name', () => {
    const root = configTree()
    mkdirSync(join(root, 'Other'))
    writeFileSync(join(root, 'Other', 'Foo50.yaml'), inferYaml(standard()))
    expect(() => indexConfigs(root)).toThrow(/two configs named Foo50\.yaml/)
  })
})

describe.skipIf(!hasShared)('the real configs', () => {
  it('ViT_base_patch16_384: mean/std 0.5, 384 crop', () => {
    const model = realModel('ViT_base_patch16_384')
    expect(model.preprocess).toMatchObject({
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      cropSize: 384,
      source: { config: expect.stringMatching(/\/ViT_base_patch16_384\.yaml$/) },
    })
    expect(model.inputSize).toBe(384)
  })

  it('ResNet50_vd: short side 256, crop 224, bilinear, its own config', () => {
    const model = realModel('ResNet50_vd')
    expect(model.preprocess).toMatchObject({
      decoder: 'cv2',
      colorOrder: 'RGB',
      resize: { mode: 'shortSide', size: 256, interpolation: 'bilinear', library: 'cv2' },
      cropSize: 224,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      source: { config: `${CONFIGS}/ResNet/ResNet50_vd.yaml` },
    })
    expect(model.preprocess?.source.inheritedFrom).toBeUndefined()
    expect(model.inputSize).toBe(224)
  })

  it('an SSLD model without a config of its own inherits its base model’s', () => {
    const names = configNames()
    expect(names.has('ResNet50_vd_ssld')).toBe(false)
    const ssld = realModel('ResNet50_vd_ssld').preprocess!
    const base = realModel('ResNet50_vd').preprocess!
    expect(ssld.source.inheritedFrom).toBe('ResNet50_vd')
    expect({ ...ssld, source: null }).toEqual({ ...base, source: null })
    expect(ssld.source.config).toBe(base.source.config)
  })

  it('every model with a config of its own reads it; every other one says where it got its own', () => {
    const names = configNames()
    for (const model of realCatalog().bundle.models) {
      const source = model.preprocess?.source
      if (names.has(model.id)) {
        expect(source?.config, model.id).toMatch(new RegExp(`/${model.id}\\.yaml$`))
        expect(source?.inheritedFrom, model.id).toBeUndefined()
      } else {
        expect(source?.inheritedFrom, model.id).toBeDefined()
      }
    }
  })

  it('ResNet50_vc has no config: the deploy default, and a note that says so', () => {
    expect(configNames().has('ResNet50_vc')).toBe(false)
    const model = realModel('ResNet50_vc')
    expect(model.preprocess).toMatchObject({
      resize: { mode: 'shortSide', size: 256 },
      cropSize: 224,
      source: { config: DEPLOY_CONFIG, inheritedFrom: DEPLOY_DEFAULT },
    })
    expect(model.notes).toContainEqual(expect.stringMatching(/no config for this model/))
  })

  it('only models on the deploy default carry the no-config note', () => {
    for (const model of realCatalog().bundle.models) {
      const onDefault = model.preprocess?.source.inheritedFrom === DEPLOY_DEFAULT
      const noted = model.notes.some((note) => note.includes('no config for this model'))
      expect(noted, model.id).toBe(onDefault)
    }
  })
})
