/**
 * Our resize against OpenCV's. PaddleClas resizes with `cv2.resize(img, size)` (ResizeImage →
 * UnifiedResize with backend "cv2" and no interpolation given, so OpenCV's default INTER_LINEAR),
 * and the published accuracies were measured on those pixels. INTER_LINEAR is not textbook
 * bilinear: OpenCV uses 11-bit fixed-point weights, clamps at the edges in its own way, turns an
 * exact 2× shrink into INTER_AREA, and never low-pass filters when shrinking, whereas libvips
 * (sharp) does. So we match OpenCV INTER_LINEAR bit for bit and check it here against the real
 * cv2.resize, through tools/reference_preprocess.py with a plan that leaves the pixels alone
 * (scale 1, mean 0, std 1): its output is the resized image itself, and the difference must be 0.
 * Our resize writes the CHW tensor through the plan's level table; with that plan the tensor holds
 * the resized pixel values themselves.
 * (OpenCV's vectorised rounding was reproduced from OpenCV 4.x on x86-64; another build of
 * OpenCV that rounds differently would show up here as off-by-one pixels.)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cvResizeLinearToChw,
  type RawImage,
} from '../../../src/main/inference/preprocess/cvResizeLinear'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import {
  linearTables,
  type Region,
} from '../../../src/main/inference/preprocess/linearResizeTables'
import { normalizeTable } from '../../../src/main/inference/preprocess/normalizeTable'
import { resizedSize } from '../../../src/main/inference/preprocess/preprocessImage'
import type { PreprocessPlan } from '../../../src/main/inference/preprocess/preprocessPlan'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import {
  differences,
  gradient,
  noise,
  random,
  same,
  solid,
  writePng,
  type Rgb,
} from './helpers/images'
import {
  havePythonReference,
  referenceTensors,
  type ReferenceTensor,
} from './helpers/pythonReference'

interface ResizeCase {
  name: string
  width: number
  height: number
  resize: { mode: 'shortSide' | 'exact'; size: number }
}

const CASES: ResizeCase[] = [
  {
    name: 'downscale, landscape',
    width: 500,
    height: 375,
    resize: { mode: 'shortSide', size: 256 },
  },
  {
    name: 'downscale, portrait',
    width: 375,
    height: 500,
    resize: { mode: 'shortSide', size: 224 },
  },
  { name: 'upscale, landscape', width: 20, height: 15, resize: { mode: 'shortSide', size: 64 } },
  { name: 'upscale, portrait', width: 15, height: 20, resize: { mode: 'shortSide', size: 64 } },
  { name: 'odd sizes', width: 333, height: 217, resize: { mode: 'shortSide', size: 101 } },
  { name: 'odd sizes, exact square', width: 217, height: 333, resize: { mode: 'exact', size: 97 } },
  {
    name: 'exact 2× shrink (INTER_AREA path)',
    width: 64,
    height: 48,
    resize: { mode: 'shortSide', size: 24 },
  },
  { name: 'exact 2× shrink, square', width: 100, height: 100, resize: { mode: 'exact', size: 50 } },
  {
    name: 'almost 2× (not the area path)',
    width: 101,
    height: 100,
    resize: { mode: 'exact', size: 50 },
  },
  { name: 'exact 3× shrink', width: 300, height: 300, resize: { mode: 'exact', size: 100 } },
  {
    name: 'large shrink factor',
    width: 1000,
    height: 750,
    resize: { mode: 'shortSide', size: 37 },
  },
  {
    name: 'shrink one axis, enlarge the other',
    width: 300,
    height: 40,
    resize: { mode: 'exact', size: 64 },
  },
  { name: 'large upscale', width: 7, height: 5, resize: { mode: 'shortSide', size: 224 } },
  { name: 'same size', width: 64, height: 48, resize: { mode: 'shortSide', size: 48 } },
  { name: 'tiny: 1×1', width: 1, height: 1, resize: { mode: 'exact', size: 5 } },
  { name: 'tiny: 2×3', width: 2, height: 3, resize: { mode: 'shortSide', size: 7 } },
  { name: 'tiny: 3×1', width: 3, height: 1, resize: { mode: 'exact', size: 4 } },
  { name: 'one row to a square', width: 50, height: 1, resize: { mode: 'exact', size: 8 } },
]

const CONTENTS = { noise: (w: number, h: number) => noise(w, h, w * 1000 + h), gradient }

/** A plan that resizes and nothing else: the reference's output is then the resized pixels. */
function resizeOnlyPlan(resize: ResizeCase['resize']): PreprocessPlan {
  return {
    colorOrder: 'RGB',
    resize: { ...resize, interpolation: 'bilinear', library: 'cv2' },
    cropSize: null,
    scale: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    inputSize: resize.size,
  }
}

/** The levels as they are: 0–255 stay 0–255 in the tensor, RGB stays RGB. */
const AS_IS = normalizeTable(resizeOnlyPlan({ mode: 'exact', size: 1 }))

/** Our resize of `image` to `width`×`height` (`region` of it, all by default), as CHW values. */
function resize(image: RawImage, width: number, height: number, region?: Region): Float32Array {
  const tables = linearTables(
    image.width,
    image.height,
    image.channels,
    width,
    height,
    region ?? { x: 0, y: 0, width, height },
  )
  return cvResizeLinearToChw(image, tables, AS_IS)
}

/** An image's pixels as CHW values, `region` of it (all by default). */
function chwOf(image: RawImage, region?: Region): Float32Array {
  const { x, y, width, height } = region ?? {
    x: 0,
    y: 0,
    width: image.width,
    height: image.height,
  }
  const out = new Float32Array(3 * width * height)
  for (let c = 0; c < 3; c++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        out[(c * height + row) * width + col] =
          image.data[((y + row) * image.width + x + col) * 3 + c]!
      }
    }
  }
  return out
}

/** A region of a CHW tensor of `width`×`height` planes. */
function cropChw(tensor: Float32Array, width: number, height: number, region: Region) {
  const out = new Float32Array(3 * region.width * region.height)
  for (let c = 0; c < 3; c++) {
    for (let row = 0; row < region.height; row++) {
      const from = (c * height + region.y + row) * width + region.x
      out.set(tensor.subarray(from, from + region.width), (c * region.height + row) * region.width)
    }
  }
  return out
}

describe('cvResizeLinearToChw on its own', () => {
  it('keeps a solid colour exactly, whatever the sizes', () => {
    for (const [w, h, dw, dh] of [
      [500, 375, 341, 256],
      [7, 5, 314, 224],
      [64, 48, 32, 24],
      [3, 1, 4, 4],
    ] as const) {
      const out = resize(solid(w, h, [201, 7, 96]), dw, dh)
      expect(out.length).toBe(3 * dw * dh)
      const plane = dw * dh
      expect(new Set(Array.from(out, (v, i) => `${Math.floor(i / plane)}:${v}`))).toEqual(
        new Set(['0:201', '1:7', '2:96']),
      )
    }
  })

  it('gives the pixels themselves when the size does not change', () => {
    const image = noise(13, 9, 3)
    expect(differences(resize(image, 13, 9), chwOf(image))).toEqual(same(13 * 9 * 3))
    const region = { x: 2, y: 3, width: 7, height: 5 }
    expect(differences(resize(image, 13, 9, region), chwOf(image, region))).toEqual(same(7 * 5 * 3))
  })

  it('shrinks exactly 2× to the rounded mean of each 2×2 block', () => {
    const image = noise(10, 6, 4)
    const out = resize(image, 5, 3)
    const at = (x: number, y: number, c: number) => image.data[(y * 10 + x) * 3 + c]!
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 5; x++) {
        for (let c = 0; c < 3; c++) {
          const sum =
            at(2 * x, 2 * y, c) +
            at(2 * x + 1, 2 * y, c) +
            at(2 * x, 2 * y + 1, c) +
            at(2 * x + 1, 2 * y + 1, c)
          expect(out[(c * 3 + y) * 5 + x]).toBe(Math.floor((sum + 2) / 4))
        }
      }
    }
  })

  it('computes a region exactly as the same region of the full resize', () => {
    const next = random(11)
    for (const [w, h, dw, dh] of [
      [500, 375, 341, 256],
      [37, 53, 90, 120],
      [64, 48, 32, 24],
      [20, 15, 64, 48],
    ] as const) {
      const image = noise(w, h, w + h)
      const full = resize(image, dw, dh)
      for (let k = 0; k < 5; k++) {
        const width = 1 + Math.floor(next() * dw)
        const height = 1 + Math.floor(next() * dh)
        const region = {
          x: Math.floor(next() * (dw - width + 1)),
          y: Math.floor(next() * (dh - height + 1)),
          width,
          height,
        }
        expect(differences(resize(image, dw, dh, region), cropChw(full, dw, dh, region))).toEqual(
          same(width * height * 3),
        )
      }
    }
  })

  it('writes each channel to the plane and through the levels the table gives it', () => {
    const image = noise(30, 20, 5)
    const rgb = resize(image, 17, 11)
    const levels = new Float32Array(768).map((_, i) => (i >> 8) * 1000 + (i & 255))
    const swapped = cvResizeLinearToChw(
      image,
      linearTables(30, 20, 3, 17, 11, { x: 0, y: 0, width: 17, height: 11 }),
      { planes: [2, 0, 1], levels },
    )
    const plane = 17 * 11
    for (let i = 0; i < plane; i++) {
      expect(swapped[2 * plane + i]).toBe(rgb[i]!) // channel 0 → plane 2, levels as they are
      expect(swapped[i]).toBe(1000 + rgb[plane + i]!) // channel 1 → plane 0, + 1000
      expect(swapped[plane + i]).toBe(2000 + rgb[2 * plane + i]!) // channel 2 → plane 1, + 2000
    }
  })

  it('refuses a region outside the resized image, and tables made for another image', () => {
    expect(() => linearTables(20, 20, 3, 10, 10, { x: 5, y: 0, width: 6, height: 4 })).toThrow(
      RangeError,
    )
    expect(() => linearTables(20, 20, 3, 10, 10, { x: -1, y: 0, width: 2, height: 2 })).toThrow(
      RangeError,
    )
    const tables = linearTables(20, 20, 3, 10, 10, { x: 0, y: 0, width: 10, height: 10 })
    expect(() => cvResizeLinearToChw(noise(20, 21), tables, AS_IS)).toThrow(/another image/)
    const grey = { data: new Uint8Array(400), width: 20, height: 20, channels: 1 }
    expect(() => cvResizeLinearToChw(grey, tables, AS_IS)).toThrow(/3-channel/)
  })
})

const havePython = havePythonReference('the cv2.resize parity tests')

describe.skipIf(!havePython)('cvResizeLinear equals cv2.resize(INTER_LINEAR) to the bit', () => {
  const jobs = CASES.flatMap((c) =>
    (Object.keys(CONTENTS) as (keyof typeof CONTENTS)[]).map((content) => ({ ...c, content })),
  )
  let dir: string
  const images = new Map<string, Rgb>()
  const references = new Map<string, ReferenceTensor>()
  const key = (job: ResizeCase & { content: string }) => `${job.name} (${job.content})`

  beforeAll(async () => {
    dir = makeTempDir('zoo-resize')
    const prepared = await Promise.all(
      jobs.map(async (job, i) => {
        const image = CONTENTS[job.content](job.width, job.height)
        images.set(key(job), image)
        const path = await writePng(join(dir, `case-${i}.png`), image)
        return { plan: resizeOnlyPlan(job.resize), image: path, out: join(dir, `case-${i}.f32`) }
      }),
    )
    const tensors = await referenceTensors(prepared)
    jobs.forEach((job, i) => references.set(key(job), tensors[i]!))
  }, 120_000)

  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it.each(jobs.map((job) => [key(job), job] as const))('%s', async (_name, job) => {
    const image = images.get(key(job))!
    const reference = references.get(key(job))!
    const [, height, width] = reference.shape
    // The PNG is lossless: what OpenCV decoded is what we made (checked, so a failure below is
    // the resize's alone).
    const decoded = await decodeImage(readFileSync(join(dir, `case-${jobs.indexOf(job)}.png`)))
    expect(differences(decoded.data, image.data)).toEqual(same(image.data.length))
    // PaddleClas's target size: int(round(side · size / short side)), Python rounding.
    expect(resizedSize(job.width, job.height, resizeOnlyPlan(job.resize))).toEqual({
      width,
      height,
    })

    const ours = resize(image, width, height)
    expect(
      differences(ours, reference.data),
      `${job.width}×${job.height} → ${width}×${height}`,
    ).toEqual(same(3 * width * height))
  })
})
