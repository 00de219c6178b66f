/**
 * The whole preprocessing (decode → colour order → resize short side → centre crop → scale →
 * mean/std → CHW) against tools/reference_preprocess.py, the PaddleClas transforms written with
 * NumPy and OpenCV. The resize matched is OpenCV's INTER_LINEAR (PaddleClas's ResizeImage uses
 * cv2.resize with its default interpolation; see cvResizeLinear.test.ts for why libvips's would
 * not do), decoding follows cv2.imdecode(IMREAD_COLOR) (EXIF orientation applied, no ICC), and the
 * arithmetic is float32 like NumPy's. Every value must be the reference's to the bit (each case
 * prints its largest difference): our resize, crop, normalisation and CHW layout run as one pass
 * that computes only the crop, and these cases cover its paths (odd, tiny and 12 MP images,
 * exact-size and uncropped plans, the exact-2× area path, every scale/mean/std of the catalog).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import {
  preprocessImage,
  resizedSize,
} from '../../../src/main/inference/preprocess/preprocessImage'
import {
  planFromInputSize,
  type PreprocessPlan,
} from '../../../src/main/inference/preprocess/preprocessPlan'
import { AppError } from '../../../src/shared/errors'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { catalogPlan } from './helpers/catalogPlans'
import { differences, gradient, noise, sharpOf, writePng, type Rgb } from './helpers/images'
import {
  havePythonReference,
  referenceTensors,
  type ReferenceTensor,
} from './helpers/pythonReference'
import { haveShared, valImages } from './helpers/sharedFixtures'

const havePython = havePythonReference('the NumPy+OpenCV reference parity tests')
const haveFixtures = haveShared(
  'the reference parity tests on the ImageNet val images',
  valImages.map((image) => image.path),
)

/** Our tensor for a file, as the model host makes it. */
async function ours(path: string, plan: PreprocessPlan) {
  return preprocessImage(await decodeImage(readFileSync(path)), plan)
}

function report(name: string, diff: ReturnType<typeof differences>) {
  console.log(
    `reference parity, ${name}: max |ours − reference| = ${diff.max}` +
      (diff.count ? ` (${diff.count} values differ)` : ''),
  )
}

function expectClose(tensor: Float32Array, reference: ReferenceTensor, plan: PreprocessPlan) {
  expect(reference.shape).toEqual([3, plan.inputSize, plan.inputSize])
  const diff = differences(tensor, reference.data)
  expect(diff.length).toEqual([reference.data.length, reference.data.length])
  expect({ max: diff.max, count: diff.count }).toEqual({ max: 0, count: 0 })
  return diff
}

/** The plan with only the resize kept: the reference's output is then the resized image. */
const resizeOnly = (plan: PreprocessPlan): PreprocessPlan => ({
  ...plan,
  cropSize: null,
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
})

describe.skipIf(!havePython || !haveFixtures)('the four ImageNet val JPEGs', () => {
  const mobileNet = catalogPlan('MobileNetV2')
  const plans: Record<string, PreprocessPlan> = {
    'MobileNetV2 (RGB)': mobileNet,
    BGR: { ...mobileNet, colorOrder: 'BGR' },
  }
  const cases = valImages.flatMap((image) =>
    Object.entries(plans).map(([planName, plan]) => ({ image, planName, plan })),
  )
  let dir: string
  let references: ReferenceTensor[]

  beforeAll(async () => {
    dir = makeTempDir('zoo-parity')
    references = await referenceTensors(
      cases.map(({ image, plan }, i) => ({ plan, image: image.path, out: join(dir, `${i}.f32`) })),
    )
  }, 120_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it('uses the MobileNetV2 plan of the catalog: RGB, short side 256, crop 224, ImageNet mean/std', () => {
    expect(mobileNet).toMatchObject({
      colorOrder: 'RGB',
      resize: { mode: 'shortSide', size: 256, interpolation: 'bilinear', library: 'cv2' },
      cropSize: 224,
      inputSize: 224,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    })
    expect(mobileNet.scale).toBeCloseTo(1 / 255, 12)
  })

  it.each(cases.map((c, i) => [`${c.image.file}, ${c.planName} plan`, i] as const))(
    '%s',
    async (name, i) => {
      const { image, plan } = cases[i]!
      const result = await ours(image.path, plan)
      expect(result.exact).toBe(true)
      const diff = expectClose(result.tensor, references[i]!, plan)
      report(name, diff)
    },
  )

  it('BGR really swaps the colour planes (the RGB and BGR tensors differ)', async () => {
    const rgb = await ours(valImages[0]!.path, plans['MobileNetV2 (RGB)']!)
    const bgr = await ours(valImages[0]!.path, plans.BGR!)
    expect(differences(rgb.tensor, bgr.tensor).count).toBeGreaterThan(rgb.tensor.length / 2)
  })
})

interface GeneratedCase {
  name: string
  image: () => Rgb
  plan: PreprocessPlan
  /** EXIF orientation written into a JPEG instead of a lossless PNG. */
  orientation?: number
}

const GENERATED: GeneratedCase[] = [
  {
    name: 'noise 500×375, MobileNetV2',
    image: () => noise(500, 375, 5),
    plan: catalogPlan('MobileNetV2'),
  },
  {
    name: 'gradient 375×500, MobileNetV2 in BGR',
    image: () => gradient(375, 500),
    plan: { ...catalogPlan('MobileNetV2'), colorOrder: 'BGR' },
  },
  {
    name: 'noise 333×217, ViT (mean/std 0.5)',
    image: () => noise(333, 217, 6),
    plan: catalogPlan('ViT_base_patch16_224'),
  },
  {
    name: 'gradient 640×480, RedNet50 (scale 1, mean in 0–255)',
    image: () => gradient(640, 480),
    plan: catalogPlan('RedNet50'),
  },
  {
    name: 'noise 401×299, InceptionV3 (320 → 299)',
    image: () => noise(401, 299, 7),
    plan: catalogPlan('InceptionV3'),
  },
  {
    name: 'gradient 300×300, MobileViT_S (292 → 256, mean 0, std 1)',
    image: () => gradient(300, 300),
    plan: catalogPlan('MobileViT_S'),
  },
  {
    name: 'noise 120×90, a custom 32 px model (37 → 32)',
    image: () => noise(120, 90, 8),
    plan: planFromInputSize(32),
  },
  // Short side × ratio lands a hair away from .5: Python's round() goes by the exact float.
  {
    name: 'gradient 660×480, DarkNet53 (292 → 256; 401.49999999999994 wide)',
    image: () => gradient(660, 480),
    plan: catalogPlan('DarkNet53'),
  },
  {
    name: 'noise 602×448, EfficientNetB1 (272 → 240; 365.49999999999994 wide)',
    image: () => noise(602, 448, 9),
    plan: catalogPlan('EfficientNetB1'),
  },
  {
    name: 'JPEG with EXIF orientation 6, MobileNetV2',
    image: () => gradient(320, 240),
    plan: catalogPlan('MobileNetV2'),
    orientation: 6,
  },
  {
    name: 'noise 257×263, odd sizes just above the short side, MobileNetV2',
    image: () => noise(257, 263, 10),
    plan: catalogPlan('MobileNetV2'),
  },
  {
    name: 'noise 333×499 portrait, ViT (mean/std 0.5) in BGR',
    image: () => noise(333, 499, 11),
    plan: { ...catalogPlan('ViT_base_patch16_224'), colorOrder: 'BGR' },
  },
  {
    name: 'noise 640×427, ViT_base_patch16_384 (short side 384 = crop)',
    image: () => noise(640, 427, 12),
    plan: catalogPlan('ViT_base_patch16_384'),
  },
  {
    name: 'tiny 1×1, MobileNetV2 (upscaled to 256)',
    image: () => noise(1, 1, 13),
    plan: catalogPlan('MobileNetV2'),
  },
  {
    name: 'tiny 2×3, RedNet50 (scale 1, mean in 0–255)',
    image: () => noise(2, 3, 14),
    plan: catalogPlan('RedNet50'),
  },
  {
    name: 'tiny 7×5, MobileViT_S (mean 0, std 1)',
    image: () => noise(7, 5, 15),
    plan: catalogPlan('MobileViT_S'),
  },
  {
    name: 'exact-size resize to 224, no crop, noise 500×375, MobileNetV2 mean/std',
    image: () => noise(500, 375, 16),
    plan: {
      ...catalogPlan('MobileNetV2'),
      resize: { ...catalogPlan('MobileNetV2').resize, mode: 'exact', size: 224 },
      cropSize: null,
      inputSize: 224,
    },
  },
  {
    name: 'exact-size resize to 256, crop 224, portrait 375×500, SE_HRNet (scale 0.00392157)',
    image: () => noise(375, 500, 17),
    plan: {
      ...catalogPlan('SE_HRNet_W64_C_ssld'),
      resize: { ...catalogPlan('SE_HRNet_W64_C_ssld').resize, mode: 'exact', size: 256 },
    },
  },
  {
    name: 'short side 256, no crop, square 300×300, ViT (mean/std 0.5)',
    image: () => noise(300, 300, 18),
    plan: { ...catalogPlan('ViT_base_patch16_224'), cropSize: null, inputSize: 256 },
  },
  {
    name: 'exact 2× shrink (the area path), noise 512×384, short side 192, crop 160',
    image: () => noise(512, 384, 19),
    plan: planFromInputSize(160, { resizeShort: 192 }),
  },
  {
    name: 'gradient 4000×3000 (12 MP), MobileNetV2',
    image: () => gradient(4000, 3000),
    plan: catalogPlan('MobileNetV2'),
  },
]

describe.skipIf(!havePython)('generated images through catalog plans', () => {
  let dir: string
  const paths: string[] = []
  let full: ReferenceTensor[]
  let resized: ReferenceTensor[]

  beforeAll(async () => {
    dir = makeTempDir('zoo-parity')
    for (const [i, c] of GENERATED.entries()) {
      const path = join(dir, `${i}.${c.orientation ? 'jpeg' : 'png'}`)
      if (c.orientation) {
        await sharpOf(c.image())
          .jpeg({ quality: 90 })
          .withMetadata({ orientation: c.orientation })
          .toFile(path)
      } else await writePng(path, c.image())
      paths.push(path)
    }
    const tensors = await referenceTensors(
      GENERATED.flatMap((c, i) => [
        { plan: c.plan, image: paths[i]!, out: join(dir, `${i}.full.f32`) },
        { plan: resizeOnly(c.plan), image: paths[i]!, out: join(dir, `${i}.resized.f32`) },
      ]),
    )
    full = tensors.filter((_, i) => i % 2 === 0)
    resized = tensors.filter((_, i) => i % 2 === 1)
  }, 120_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it.each(GENERATED.map((c, i) => [c.name, i] as const))('%s', async (name, i) => {
    const { plan } = GENERATED[i]!
    const decoded = await decodeImage(readFileSync(paths[i]!))
    // PaddleClas: int(round(side · size / short side)) with Python's round().
    const [, height, width] = resized[i]!.shape
    expect(resizedSize(decoded.width, decoded.height, plan), 'resized size').toEqual({
      width,
      height,
    })
    const result = await preprocessImage(decoded, plan)
    expect(result.exact).toBe(true)
    const diff = expectClose(result.tensor, full[i]!, plan)
    report(name, diff)
  })

  it('the SE_HRNet case has its own scale, 0.00392157 (not 1/255)', () => {
    const plan = GENERATED.find((c) => c.name.includes('SE_HRNet'))!.plan
    expect(plan.scale).toBe(0.00392157)
    expect(Math.fround(plan.scale)).not.toBe(Math.fround(1 / 255))
  })

  it('the EXIF case really is rotated: 240×320 after decoding, 320×240 stored', async () => {
    const i = GENERATED.findIndex((c) => c.orientation)
    const meta = await sharp(paths[i]!).metadata()
    expect({ orientation: meta.orientation, width: meta.width, height: meta.height }).toEqual({
      orientation: 6,
      width: 320,
      height: 240,
    })
    const decoded = await decodeImage(readFileSync(paths[i]!))
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 240, height: 320 })
    expect(resized[i]!.shape).toEqual([3, 256 * (320 / 240), 256].map(Math.round))
  })
})

describe('plans whose crop does not fit the resized image fail as before', () => {
  const mobileNet = catalogPlan('MobileNetV2')
  const cases: { name: string; plan: PreprocessPlan; message: RegExp }[] = [
    {
      name: 'exact resize to 200, crop 224',
      plan: { ...mobileNet, resize: { ...mobileNet.resize, mode: 'exact', size: 200 } },
      message: /crop \(224px\) is larger than the resized image \(200×200\)/,
    },
    {
      name: 'short side 200, crop 224',
      plan: { ...mobileNet, resize: { ...mobileNet.resize, size: 200 } },
      message: /crop \(224px\) is larger than the resized image \(267×200\)/,
    },
    {
      name: 'short side 224, no crop, a landscape image',
      plan: { ...mobileNet, resize: { ...mobileNet.resize, size: 224 }, cropSize: null },
      message: /makes 299×224 images, but the model takes 224×224/,
    },
  ]
  it.each(cases.map((c) => [c.name, c] as const))('%s → MODEL_INPUT_UNSUPPORTED', async (_, c) => {
    const error = await preprocessImage(noise(400, 300, 20), c.plan).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'MODEL_INPUT_UNSUPPORTED' })
    expect((error as AppError).message).toMatch(c.message)
  })
})
