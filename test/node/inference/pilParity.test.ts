/**
 * The models PaddleClas evaluates with `backend: pil` (bicubic for most, bilinear for PeleeNet)
 * against real Pillow: tools/reference_preprocess.py with `library: pil` decodes with OpenCV and
 * resizes with `Image.fromarray(a).resize(size, resample)`, as PaddleClas's ResizeImage does.
 * Every PIL configuration of the catalog, shrinking and enlarging (the 384-crop models resize
 * 375-px photos up to 438), odd and tiny sizes, on generated images and the ImageNet val JPEGs.
 * The bar is 1/255 per pixel; the resize is Pillow's fixed-point arithmetic, so every
 * value must be the reference's to the bit (each case prints its largest difference).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogModel } from '../../../src/shared/catalog/types'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import { normalizeTable } from '../../../src/main/inference/preprocess/normalizeTable'
import { pilPlan, pilResizeToChw } from '../../../src/main/inference/preprocess/pilResample'
import {
  preprocessImage,
  resizedSize,
} from '../../../src/main/inference/preprocess/preprocessImage'
import {
  planFromCatalog,
  type PreprocessPlan,
} from '../../../src/main/inference/preprocess/preprocessPlan'
import { projectRoot } from '../helpers/paths'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { differences, gradient, noise, writePng, type Rgb } from './helpers/images'
import {
  havePillowReference,
  referenceTensors,
  type ReferenceTensor,
} from './helpers/pythonReference'
import { haveShared, valImages } from './helpers/sharedFixtures'

const havePillow = havePillowReference('the Pillow parity tests')
const haveFixtures = haveShared(
  'the Pillow parity tests on the ImageNet val images',
  valImages.map((image) => image.path),
)

const models = JSON.parse(
  readFileSync(join(projectRoot, 'resources', 'catalog', 'models.json'), 'utf8'),
) as CatalogModel[]

/** One model per distinct PIL configuration of the catalog (resize, interpolation, crop). */
const pilConfigs = (() => {
  const byKey = new Map<string, { id: string; plan: PreprocessPlan; models: number }>()
  for (const model of models) {
    if (model.preprocess?.resize.library !== 'pil') continue
    const plan = planFromCatalog(model.preprocess)
    const key = `${plan.resize.interpolation} ${plan.resize.mode} ${plan.resize.size} → ${plan.cropSize}`
    const seen = byKey.get(key)
    if (seen) seen.models++
    else byKey.set(key, { id: model.id, plan, models: 1 })
  }
  return [...byKey.entries()].map(([key, value]) => ({ key, ...value }))
})()

/** The plan with only the resize kept: the tensor is then the resized 8-bit pixels. */
const resizeOnly = (plan: PreprocessPlan): PreprocessPlan => ({
  ...plan,
  cropSize: null,
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
})

const IMAGES: { name: string; image: () => Rgb }[] = [
  { name: 'noise 500×375 (shrinks)', image: () => noise(500, 375, 31) },
  { name: 'gradient 375×300 (enlarges for the 384 models)', image: () => gradient(375, 300) },
  { name: 'noise 333×217 (enlarges, odd)', image: () => noise(333, 217, 32) },
  { name: 'noise 257×1001 portrait (odd, long)', image: () => noise(257, 1001, 33) },
  { name: 'noise 7×5 (tiny, enlarged ~50×)', image: () => noise(7, 5, 34) },
]

interface Case {
  name: string
  image: string
  plan: PreprocessPlan
  /** Only the resize: compared as 8-bit levels. */
  levels: boolean
}

function report(name: string, diff: ReturnType<typeof differences>) {
  console.log(
    `Pillow parity, ${name}: max |ours − Pillow| = ${diff.max}` +
      (diff.count ? ` (${diff.count} values differ)` : ''),
  )
}

/** Our tensor: the whole pipeline, or for a resize-only case the whole resized image. */
async function ours(c: Case): Promise<Float32Array> {
  const image = await decodeImage(readFileSync(c.image))
  if (!c.levels) {
    const result = await preprocessImage(image, c.plan)
    expect(result.exact, 'the plan counts as reproduced exactly').toBe(true)
    return result.tensor
  }
  // Not square, so not a model input: the resampler itself over the whole resized image.
  const { width, height } = resizedSize(image.width, image.height, c.plan)
  const all = { x: 0, y: 0, width, height }
  const { interpolation } = c.plan.resize
  const plan = pilPlan(image, width, height, all, interpolation)
  return pilResizeToChw(image, plan, normalizeTable(c.plan))
}

async function compare(c: Case, reference: ReferenceTensor) {
  const tensor = await ours(c)
  expect(tensor.length, 'size').toBe(reference.data.length)
  const diff = differences(tensor, reference.data)
  report(c.name, diff)
  // The bar: within one level (1/255 before normalisation)…
  const bar = c.levels ? 1 : 1 / (255 * Math.min(...c.plan.std))
  expect(diff.max, 'within one level').toBeLessThanOrEqual(bar + 1e-6)
  // …and in fact to the bit.
  expect({ max: diff.max, count: diff.count }).toEqual({ max: 0, count: 0 })
}

describe.skipIf(!havePillow)('Pillow resampling, every PIL configuration of the catalog', () => {
  let dir: string
  const cases: Case[] = []
  let references: ReferenceTensor[] = []

  beforeAll(async () => {
    dir = makeTempDir('zoo-pil')
    const paths = await Promise.all(
      IMAGES.map(async (image, i) => writePng(join(dir, `${i}.png`), image.image())),
    )
    const extraPlans: { key: string; plan: PreprocessPlan }[] = [
      {
        key: 'lanczos short side 256 → 224',
        plan: {
          ...pilConfigs[0]!.plan,
          resize: { ...pilConfigs[0]!.plan.resize, interpolation: 'lanczos', size: 256 },
          cropSize: 224,
          inputSize: 224,
        },
      },
      {
        key: 'bicubic exact 300 × 300, no crop',
        plan: {
          ...pilConfigs[0]!.plan,
          resize: { ...pilConfigs[0]!.plan.resize, mode: 'exact', size: 300 },
          cropSize: null,
          inputSize: 300,
        },
      },
    ]
    for (const config of [...pilConfigs, ...extraPlans]) {
      for (const [i, image] of IMAGES.entries()) {
        cases.push({
          name: `${config.key}, ${image.name}`,
          image: paths[i]!,
          plan: config.plan,
          levels: false,
        })
        cases.push({
          name: `${config.key} (resize only), ${image.name}`,
          image: paths[i]!,
          plan: resizeOnly(config.plan),
          levels: true,
        })
      }
    }
    references = await referenceTensors(
      cases.map((c, i) => ({ plan: c.plan, image: c.image, out: join(dir, `${i}.f32`) })),
    )
  }, 180_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it('the catalog has the 54 PIL models in 8 configurations, bilinear among them', () => {
    expect(pilConfigs.reduce((sum, c) => sum + c.models, 0)).toBe(54)
    expect(pilConfigs.length).toBe(8)
    expect(pilConfigs.map((c) => c.plan.resize.interpolation).sort()).toContain('bilinear')
    expect(pilConfigs.some((c) => c.plan.resize.size === 438 && c.plan.cropSize === 384)).toBe(true)
  })

  it('every case matches Pillow to the bit', async () => {
    expect(cases.length).toBe((pilConfigs.length + 2) * IMAGES.length * 2)
    for (const [i, c] of cases.entries()) await compare(c, references[i]!)
  }, 120_000)
})

describe.skipIf(!havePillow || !haveFixtures)('Pillow resampling on the ImageNet val JPEGs', () => {
  let dir: string
  const cases: Case[] = []
  let references: ReferenceTensor[] = []

  beforeAll(async () => {
    dir = makeTempDir('zoo-pil-val')
    for (const config of pilConfigs) {
      for (const image of valImages) {
        cases.push({
          name: `${config.id}, ${image.file}`,
          image: image.path,
          plan: config.plan,
          levels: false,
        })
      }
    }
    references = await referenceTensors(
      cases.map((c, i) => ({ plan: c.plan, image: c.image, out: join(dir, `${i}.f32`) })),
    )
  }, 180_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it('every PIL configuration on every val image matches Pillow to the bit', async () => {
    expect(cases.length).toBe(pilConfigs.length * valImages.length)
    for (const [i, c] of cases.entries()) await compare(c, references[i]!)
  }, 120_000)
})
