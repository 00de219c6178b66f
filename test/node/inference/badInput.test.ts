/**
 * Bad input, one case per test: each gives a clear error with a code, and the other images of
 * the same request still get their results (every request carries a good image). Models and
 * images are made here; the tiny classifier's scores are worked out by hand (helpers/expected).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyInput, ImageClassification, ModelRef } from '@shared/contract'
import type { ErrorCode } from '@shared/errors'
import { decodeImage, MAX_INPUT_PIXELS } from '../../../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../../../src/main/inference/preprocess/preprocessImage'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import { blobFiles } from '../helpers/blobFiles'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { valueOf } from '../helpers/results'
import { catalogPlan } from './helpers/catalogPlans'
import { COLOUR_MODEL, expectColourScores } from './helpers/expected'
import {
  differences,
  gradient,
  noise,
  random,
  rotateClockwise,
  same,
  sharpOf,
  solid,
  solidPalettePng,
  writeFile,
  writePng,
} from './helpers/images'
import { call, errorOf, openFileCore, type FileCore } from './helpers/inferenceCore'
import {
  failingModel,
  oneChannelModel,
  rank3Model,
  tinyClassifier,
  writeModel,
} from './helpers/onnxBuilder'

type Colour = [number, number, number]
const RED: Colour = [230, 20, 20]
const GREEN: Colour = [15, 210, 40]
const BLUE: Colour = [30, 40, 220]
const BLACK: Colour = [0, 0, 0]

let t: FileCore
let dir: string
const colourModel = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
const paths = {} as Record<
  'colour' | 'good' | 'rank3' | 'failing' | 'oneChannel' | 'garbage',
  string
>

beforeAll(async () => {
  t = openFileCore()
  dir = makeTempDir('zoo-bad-input')
  paths.colour = writeModel(dir, 'colour.onnx', colourModel.bytes)
  paths.rank3 = writeModel(dir, 'rank3.onnx', rank3Model())
  paths.failing = writeModel(dir, 'failing.onnx', failingModel())
  paths.oneChannel = writeModel(dir, 'one-channel.onnx', oneChannelModel())
  const next = random(42)
  paths.garbage = writeModel(
    dir,
    'garbage.onnx',
    Uint8Array.from({ length: 4096 }, () => Math.floor(next() * 256)),
  )
  paths.good = await writePng(join(dir, 'good-red.png'), solid(64, 48, RED))
})
afterAll(() => {
  t?.close()
  if (dir) removeDir(dir)
})

async function classify(
  model: ModelRef,
  images: string[],
  extra: Omit<ClassifyInput, 'model' | 'images'> = {},
) {
  return call(t.core, 'inference.classify', {
    model,
    images: images.map((path) => ({ path })),
    ...extra,
  })
}

/** Classifies [good image, ...images] with the colour model; the results in request order. */
async function withGood(...images: string[]): Promise<ImageClassification[]> {
  const result = valueOf(await classify({ path: paths.colour }, [paths.good, ...images]))
  expect(result.results).toHaveLength(images.length + 1)
  expectScores(result.results[0]!, RED)
  return result.results.slice(1)
}

const expectScores = (result: ImageClassification, colour: Colour) =>
  expectColourScores(result, colourModel.spec, colour)

function expectError(result: ImageClassification | undefined, code: ErrorCode, message?: RegExp) {
  expect(result?.ok).toBe(false)
  if (!result || result.ok) return
  expect(result.error.code).toBe(code)
  expect(result.error.message.length).toBeGreaterThan(10)
  if (message) expect(result.error.message).toMatch(message)
}

describe('good images', () => {
  it('solid colours get exactly the scores worked out by hand', async () => {
    const colours = { red: RED, green: GREEN, blue: BLUE, black: BLACK }
    const files = await Promise.all(
      Object.entries(colours).map(([name, c]) =>
        writePng(join(dir, `${name}.png`), solid(50, 70, c)),
      ),
    )
    const result = valueOf(await classify({ path: paths.colour }, files))
    Object.values(colours).forEach((c, i) => expectScores(result.results[i]!, c))
    // One class per colour: the weights were chosen so.
    expect(result.results.map((r) => (r.ok ? r.top[0]!.index : -1))).toEqual([0, 1, 2, 3])
  })

  it('keeps the order of the request across batches, failures included', async () => {
    const empty = writeFile(join(dir, 'order-empty.png'), '')
    const green = await writePng(join(dir, 'order-green.png'), solid(40, 40, GREEN))
    const images = Array.from({ length: 11 }, (_, i) =>
      i === 3 || i === 9 ? empty : i % 2 ? green : paths.good,
    )
    const result = valueOf(await classify({ path: paths.colour }, images))
    result.results.forEach((r, i) => {
      expect(r.image).toBe(images[i])
      if (i === 3 || i === 9) expectError(r, 'IMAGE_EMPTY')
      else expectScores(r, i % 2 ? GREEN : RED)
    })
  })
})

describe('bad images, each beside a good one', () => {
  it('a truncated JPEG → IMAGE_CORRUPT (not a grey image)', async () => {
    const whole = await sharpOf(noise(400, 300, 3))
      .jpeg({ quality: 90 })
      .toBuffer()
    const half = writeFile(join(dir, 'truncated.jpg'), whole.subarray(0, whole.length >> 1))
    const [result] = await withGood(half)
    expectError(result, 'IMAGE_CORRUPT', /truncated\.jpg/)
  })

  it('a 0-byte file → IMAGE_EMPTY', async () => {
    const [result] = await withGood(writeFile(join(dir, 'empty.jpg'), ''))
    expectError(result, 'IMAGE_EMPTY', /empty/)
  })

  it('a text file named .jpg → IMAGE_UNSUPPORTED', async () => {
    const text = writeFile(join(dir, 'notes.jpg'), 'These are my holiday notes, not a photo.\n')
    const [result] = await withGood(text)
    expectError(result, 'IMAGE_UNSUPPORTED', /notes\.jpg/)
  })

  it('a 20000×20000 PNG → IMAGE_TOO_LARGE, refused from its header', async () => {
    // The encoder writes real PNGs: a small one decodes to its colour.
    const small = await decodeImage(solidPalettePng(40, 30, GREEN))
    expect(differences(small.data, solid(40, 30, GREEN).data)).toEqual(same(40 * 30 * 3))

    const huge = writeFile(join(dir, 'huge.png'), solidPalettePng(20000, 20000, GREEN))
    const meta = await sharp(huge, { limitInputPixels: false }).metadata()
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'png',
      width: 20000,
      height: 20000,
    })
    expect(20000 * 20000).toBeGreaterThan(MAX_INPUT_PIXELS)
    const started = performance.now()
    const [result] = await withGood(huge)
    expectError(result, 'IMAGE_TOO_LARGE', /megapixels/)
    // Refused before decoding 400 megapixels (which would take seconds and 1.2 GB).
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('a CMYK JPEG is converted and classified', async () => {
    const cmyk = join(dir, 'cmyk.jpg')
    await sharpOf(solid(64, 48, RED))
      .toColourspace('cmyk')
      .jpeg()
      .toFile(cmyk)
    const meta = await sharp(cmyk).metadata()
    expect({ space: meta.space, channels: meta.channels }).toEqual({ space: 'cmyk', channels: 4 })
    const decoded = await decodeImage(readFileSync(cmyk))
    expect(decoded.channels).toBe(3)
    expect(decoded.data.length).toBe(64 * 48 * 3)

    const [result] = await withGood(cmyk)
    expect(result?.ok).toBe(true)
    if (!result?.ok) return
    expect(result.size).toEqual({ width: 64, height: 48, format: 'jpeg' })
    expect(result.top[0]!.index).toBe(0) // still red
  })

  it('a 16-bit PNG decodes to the same pixels as its 8-bit twin and gets the same answer', async () => {
    const image = gradient(90, 60)
    const eight = await writePng(join(dir, 'eight.png'), image)
    const sixteen = join(dir, 'sixteen.png')
    await sharpOf(image).toColourspace('rgb16').png().toFile(sixteen)
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort')

    const a = await decodeImage(readFileSync(eight))
    const b = await decodeImage(readFileSync(sixteen))
    expect(differences(b.data, a.data)).toEqual(same(90 * 60 * 3))

    const [r8, r16] = await withGood(eight, sixteen)
    expect(r8?.ok && r16?.ok).toBe(true)
    if (!r8?.ok || !r16?.ok) return
    expect(r16.top[0]!.index).toBe(r8.top[0]!.index)
    expect(r16.top).toEqual(r8.top)
  })

  it('greyscale and RGBA PNGs are converted to RGB (alpha dropped)', async () => {
    const image = gradient(48, 40)
    const grey = join(dir, 'grey.png')
    await sharpOf(image).toColourspace('b-w').png().toFile(grey)
    const decodedGrey = await decodeImage(readFileSync(grey))
    expect(decodedGrey.channels).toBe(3)
    for (let i = 0; i < decodedGrey.data.length; i += 3) {
      expect(decodedGrey.data[i + 1]).toBe(decodedGrey.data[i])
      expect(decodedGrey.data[i + 2]).toBe(decodedGrey.data[i])
    }
    const rgba = join(dir, 'rgba.png')
    await sharpOf(image).ensureAlpha(0.5).png().toFile(rgba)
    expect((await sharp(rgba).metadata()).channels).toBe(4)
    const decodedRgba = await decodeImage(readFileSync(rgba))
    expect(differences(decodedRgba.data, image.data)).toEqual(same(48 * 40 * 3))

    const results = await withGood(grey, rgba)
    expect(results.map((r) => r.ok)).toEqual([true, true])
  })

  it('an EXIF-rotated photo becomes the tensor of the physically rotated image', async () => {
    const rotatedJpeg = join(dir, 'exif-6.jpg')
    await sharpOf(gradient(320, 240))
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .toFile(rotatedJpeg)
    expect((await sharp(rotatedJpeg).metadata()).orientation).toBe(6)
    // The JPEG's pixels as stored (no orientation applied), turned here by hand and saved
    // losslessly: what a camera that rotates its pixels would have written.
    const { data, info } = await sharp(rotatedJpeg).raw().toBuffer({ resolveWithObject: true })
    expect({ width: info.width, height: info.height }).toEqual({ width: 320, height: 240 })
    const turned = rotateClockwise({
      data: new Uint8Array(data),
      width: 320,
      height: 240,
      channels: 3,
    })
    const physical = await writePng(join(dir, 'physically-rotated.png'), turned)

    const a = await decodeImage(readFileSync(rotatedJpeg))
    const b = await decodeImage(readFileSync(physical))
    expect({ width: a.width, height: a.height }).toEqual({ width: 240, height: 320 })
    expect(differences(a.data, b.data)).toEqual(same(240 * 320 * 3))
    for (const plan of [catalogPlan('MobileNetV2'), planFromInputSize(32)]) {
      const ta = (await preprocessImage(a, plan)).tensor
      const tb = (await preprocessImage(b, plan)).tensor
      expect(differences(ta, tb)).toEqual(same(3 * plan.inputSize * plan.inputSize))
    }

    const [ra, rb] = await withGood(rotatedJpeg, physical)
    expect(ra?.ok && rb?.ok).toBe(true)
    if (ra?.ok && rb?.ok) expect(ra.top).toEqual(rb.top)
  })

  it('a missing file → NOT_FOUND', async () => {
    const [result] = await withGood(join(dir, 'no-such-photo.jpg'))
    expectError(result, 'NOT_FOUND', /no-such-photo\.jpg/)
  })
})

describe('bad models', () => {
  it('garbage bytes named .onnx → MODEL_INVALID, on attach and on classify by path', async () => {
    const attach = errorOf(
      await call(t.core, 'inference.attach', { source: { path: paths.garbage } }),
    )
    expect(attach.code).toBe('MODEL_INVALID')
    expect(attach.message).toMatch(/ONNX/)
    const run = errorOf(await classify({ path: paths.garbage }, [paths.good]))
    expect(run.code).toBe('MODEL_INVALID')
    expect(blobFiles(t.dataDir)).toEqual([])
    expect(valueOf(await call(t.core, 'inference.models', {}))).toEqual([])
  })

  it('an input of rank 3 → MODEL_INPUT_UNSUPPORTED, saying why', async () => {
    const run = errorOf(await classify({ path: paths.rank3 }, [paths.good]))
    expect(run.code).toBe('MODEL_INPUT_UNSUPPORTED')
    expect(run.message).toMatch(/3 dimensions/)
    const attach = errorOf(
      await call(t.core, 'inference.attach', { source: { path: paths.rank3 } }),
    )
    expect(attach.code).toBe('MODEL_INPUT_UNSUPPORTED')
    expect(blobFiles(t.dataDir)).toEqual([])
  })

  it('a 1-channel input → MODEL_INPUT_UNSUPPORTED, saying why', async () => {
    const run = errorOf(await classify({ path: paths.oneChannel }, [paths.good]))
    expect(run.code).toBe('MODEL_INPUT_UNSUPPORTED')
    expect(run.message).toMatch(/1 channels?, not 3/)
  })

  it('a model that throws at run time → MODEL_FAILED for every image; the app keeps working', async () => {
    const green = await writePng(join(dir, 'failing-green.png'), solid(40, 40, GREEN))
    const result = valueOf(await classify({ path: paths.failing }, [paths.good, green]))
    expect(result.results).toHaveLength(2)
    for (const r of result.results) expectError(r, 'MODEL_FAILED', /Reshape/)
    // Again: the failure did not poison its host.
    const again = valueOf(await classify({ path: paths.failing }, [green]))
    expectError(again.results[0], 'MODEL_FAILED')
    // And a good model still works.
    const next = valueOf(await classify({ path: paths.colour }, [green, paths.good]))
    expectScores(next.results[0]!, GREEN)
    expectScores(next.results[1]!, RED)
  })

  it('a 3-class ONNX attached to a 1000-class catalog entry → MODEL_INVALID, nothing stored', async () => {
    const threeClass = writeModel(
      dir,
      'three-class-224.onnx',
      tinyClassifier({ classes: 3, inputSize: 224 }).bytes,
    )
    const error = errorOf(
      await call(t.core, 'inference.attach', {
        source: { path: threeClass },
        catalogId: 'MobileNetV2',
      }),
    )
    expect(error.code).toBe('MODEL_INVALID')
    expect(error.message).toMatch(/3 classes/)
    expect(error.message).toMatch(/1000/)
    expect(blobFiles(t.dataDir)).toEqual([])
    expect(valueOf(await call(t.core, 'inference.models', {}))).toEqual([])
    const run = errorOf(await classify({ catalogId: 'MobileNetV2' }, [paths.good]))
    expect(run.code).toBe('MODEL_NOT_AVAILABLE')
    expect(run.message).toMatch(/zoo attach/)
  })

  it('a label file that names fewer classes than the model has → INVALID_INPUT, as attach says', async () => {
    const labels = writeFile(join(dir, 'two-labels.txt'), 'red\ngreen\n')
    const attach = errorOf(
      await call(t.core, 'inference.attach', {
        source: { path: paths.colour },
        labels: { path: labels },
      }),
    )
    expect(attach.code).toBe('INVALID_INPUT')
    expect(attach.message).toMatch(/2 classes/)
    const run = errorOf(
      await classify({ path: paths.colour }, [paths.good], { labelsPath: labels }),
    )
    expect(run.code).toBe('INVALID_INPUT')
  })

  it('an unknown catalog id → NOT_FOUND', async () => {
    const error = errorOf(await classify({ catalogId: 'NoSuchNet_x9' }, [paths.good]))
    expect(error.code).toBe('NOT_FOUND')
  })
})
