/**
 * Decoding of the formats where libvips and cv2.imdecode part ways, against OpenCV itself:
 * CMYK JPEGs (OpenCV converts libjpeg's CMYK with an integer formula, libvips through an ICC
 * profile: up to 135/255 apart) and BMP (which libvips cannot read at all). The reference is
 * tools/reference_preprocess.py with a plan that keeps the decoded pixels as they are (short side
 * to its own size, no crop, scale 1, mean 0, std 1): its tensor is cv2.imdecode's RGB, plane by
 * plane. Every value must be OpenCV's.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import type { PreprocessPlan } from '../../../src/main/inference/preprocess/preprocessPlan'
import { AppError } from '../../../src/shared/errors'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { writeBmp, type BmpSpec } from './helpers/bmpWriter'
import { differences, gradient, noise, random, sharpOf } from './helpers/images'
import {
  havePillowReference,
  PYTHON,
  referenceTensors,
  type ReferenceTensor,
} from './helpers/pythonReference'

const haveReference = havePillowReference('the CMYK and BMP decoding parity tests')

/** A plan under which the reference's tensor is the decoded image itself. */
const identity = (width: number, height: number): PreprocessPlan => ({
  colorOrder: 'RGB',
  resize: {
    mode: 'shortSide',
    size: Math.min(width, height),
    interpolation: 'bilinear',
    library: 'cv2',
  },
  cropSize: null,
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  inputSize: Math.min(width, height),
})

/** HWC RGB bytes as the reference's CHW planes. */
function planes(data: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height
  const out = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = data[i * 3 + c]!
  return out
}

/** The file with its APP14 (Adobe) segment cut out: libjpeg then reads CMYK as stored. */
function withoutAdobeMarker(jpeg: Uint8Array): Uint8Array {
  for (let i = 2; i + 4 < jpeg.length;) {
    const length = (jpeg[i + 2]! << 8) | jpeg[i + 3]!
    if (jpeg[i + 1] === 0xee) {
      return Uint8Array.from([...jpeg.subarray(0, i), ...jpeg.subarray(i + 2 + length)])
    }
    i += 2 + length
  }
  throw new Error('no APP14 marker')
}

const bgrPalette = (n: number, seed: number): [number, number, number][] => {
  const next = random(seed)
  return Array.from(
    { length: n },
    () => [0, 0, 0].map(() => Math.floor(next() * 256)) as [number, number, number],
  )
}

const indices = (width: number, height: number, colours: number, seed: number) => {
  const next = random(seed)
  return Uint8Array.from({ length: width * height }, () => Math.floor(next() * colours))
}

/** Hand-made BMPs of the layouts OpenCV reads (Pillow writes few of them). */
const BMPS: { name: string; spec: BmpSpec }[] = [
  {
    name: '1-bit, 37×9',
    spec: {
      bpp: 1,
      width: 37,
      height: 9,
      palette: bgrPalette(2, 1),
      indices: indices(37, 9, 2, 2),
    },
  },
  {
    name: '4-bit, 21×13, top-down',
    spec: {
      bpp: 4,
      width: 21,
      height: 13,
      topDown: true,
      palette: bgrPalette(16, 3),
      indices: indices(21, 13, 16, 4),
    },
  },
  {
    name: '8-bit, 10 colours, indices past the palette (black)',
    spec: {
      bpp: 8,
      width: 15,
      height: 7,
      palette: bgrPalette(10, 5),
      indices: indices(15, 7, 14, 6),
    },
  },
  {
    name: '16-bit 5-5-5, 33×17',
    spec: { bpp: 16, width: 33, height: 17, image: noise(33, 17, 7) },
  },
  {
    name: '16-bit 5-6-5 bit fields, 30×11',
    spec: { bpp: 16, compression: 'bitfields', width: 30, height: 11, image: noise(30, 11, 8) },
  },
  {
    name: '24-bit, 31×19 (padded rows)',
    spec: { bpp: 24, width: 31, height: 19, image: noise(31, 19, 9) },
  },
  {
    name: '24-bit, top-down, 40×25',
    spec: { bpp: 24, width: 40, height: 25, topDown: true, image: gradient(40, 25) },
  },
  {
    name: '32-bit with alpha bytes, 23×14',
    spec: { bpp: 32, width: 23, height: 14, image: noise(23, 14, 10) },
  },
  {
    name: '24-bit, OS/2 core header, 19×12',
    spec: { bpp: 24, headerSize: 12, width: 19, height: 12, image: noise(19, 12, 11) },
  },
  {
    name: '8-bit, OS/2 core header (3-byte palette)',
    spec: {
      bpp: 8,
      headerSize: 12,
      width: 12,
      height: 6,
      palette: bgrPalette(256, 12),
      indices: indices(12, 6, 256, 13),
    },
  },
  {
    name: '24-bit, V5 header (124 bytes), 17×16',
    spec: { bpp: 24, headerSize: 124, width: 17, height: 16, image: noise(17, 16, 14) },
  },
  {
    name: 'RLE8: runs, an absolute run, end of line, delta, end of bitmap',
    spec: {
      bpp: 8,
      compression: 'rle',
      width: 8,
      height: 5,
      palette: bgrPalette(6, 15),
      // line 0: run 5×1, run 3×2 (full line); EOL right after a full line is no-op
      // line 1: absolute 3 [3,4,5], EOL (rest → palette 0)
      // line 2: run 2×4, delta (3, 1) → line 3 x 5; run 3×5 fills line 3
      // line 4: end of bitmap (all palette 0)
      rle: [5, 1, 3, 2, 0, 0, 0, 3, 3, 4, 5, 0, 0, 0, 2, 4, 0, 2, 3, 1, 3, 5, 0, 1],
    },
  },
  {
    name: 'RLE4: alternating runs, an absolute run, end of bitmap',
    spec: {
      bpp: 4,
      compression: 'rle',
      width: 7,
      height: 3,
      palette: bgrPalette(16, 16),
      rle: [7, 0x1f, 0, 0, 0, 5, 0x23, 0x45, 0x60, 0, 0, 0, 4, 0xab, 0, 1],
    },
  },
]

interface FileCase {
  name: string
  path: string
}

describe.skipIf(!haveReference)('decoding as cv2.imdecode does', () => {
  let dir: string
  const cases: FileCase[] = []
  let references: ReferenceTensor[] = []

  beforeAll(async () => {
    dir = makeTempDir('zoo-decode')
    // CMYK JPEGs from two writers, the Adobe marker cut from one, a progressive one from Pillow.
    const source = join(dir, 'source.png')
    await sharpOf(gradient(97, 61)).png().toFile(source)
    const pillow = spawnSync(
      PYTHON,
      [
        '-c',
        `import sys; from PIL import Image
im = Image.open(sys.argv[1]).convert('CMYK')
im.save(sys.argv[2], quality=92)
im.save(sys.argv[3], quality=80, progressive=True)
Image.open(sys.argv[1]).save(sys.argv[4]); Image.open(sys.argv[1]).convert('L').save(sys.argv[5])
Image.open(sys.argv[1]).convert('P').save(sys.argv[6]); Image.open(sys.argv[1]).convert('RGBA').save(sys.argv[7])
Image.open(sys.argv[1]).convert('1').save(sys.argv[8])`,
        source,
        ...[
          'cmyk-pillow.jpg',
          'cmyk-progressive.jpg',
          'rgb.bmp',
          'l.bmp',
          'p.bmp',
          'rgba.bmp',
          '1.bmp',
        ].map((f) => join(dir, f)),
      ],
      { encoding: 'utf8' },
    )
    if (pillow.status !== 0) throw new Error(pillow.stderr)
    const sharpCmyk = await sharpOf(noise(64, 48, 21))
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer()
    writeFileSync(join(dir, 'cmyk-sharp.jpg'), sharpCmyk)
    writeFileSync(
      join(dir, 'cmyk-no-adobe.jpg'),
      withoutAdobeMarker(readFileSync(join(dir, 'cmyk-pillow.jpg'))),
    )
    cases.push(
      { name: 'CMYK JPEG written by Pillow (Adobe marker)', path: join(dir, 'cmyk-pillow.jpg') },
      { name: 'CMYK JPEG written by libvips', path: join(dir, 'cmyk-sharp.jpg') },
      { name: 'CMYK JPEG without an Adobe marker', path: join(dir, 'cmyk-no-adobe.jpg') },
      { name: 'progressive CMYK JPEG', path: join(dir, 'cmyk-progressive.jpg') },
      { name: 'BMP by Pillow, RGB', path: join(dir, 'rgb.bmp') },
      { name: 'BMP by Pillow, greyscale', path: join(dir, 'l.bmp') },
      { name: 'BMP by Pillow, palette', path: join(dir, 'p.bmp') },
      { name: 'BMP by Pillow, RGBA', path: join(dir, 'rgba.bmp') },
      { name: 'BMP by Pillow, 1-bit', path: join(dir, '1.bmp') },
    )
    for (const [i, bmp] of BMPS.entries()) {
      const path = join(dir, `${i}.bmp`)
      writeFileSync(path, writeBmp(bmp.spec))
      cases.push({ name: `BMP ${bmp.name}`, path })
    }
    const sizes = await Promise.all(
      cases.map(async (c) => {
        if (!c.path.endsWith('.bmp')) return sharp(c.path).metadata()
        const bytes = readFileSync(c.path)
        const view = new DataView(bytes.buffer, bytes.byteOffset)
        const core = view.getUint32(14, true) === 12
        return core
          ? { width: view.getUint16(18, true), height: view.getUint16(20, true) }
          : { width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)) }
      }),
    )
    references = await referenceTensors(
      cases.map((c, i) => ({
        plan: identity(sizes[i]!.width!, sizes[i]!.height!),
        image: c.path,
        out: join(dir, `${i}.f32`),
      })),
    )
  }, 120_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  it('covers the CMYK writers and every BMP layout', () => {
    expect(cases.length).toBe(9 + BMPS.length)
  })

  it.each(Array.from({ length: 9 + BMPS.length }, (_, i) => i))(
    'case %i matches OpenCV',
    async (i) => {
      const c = cases[i]!
      const decoded = await decodeImage(readFileSync(c.path))
      const [, height, width] = references[i]!.shape
      expect({ width: decoded.width, height: decoded.height }, c.name).toEqual({ width, height })
      const diff = differences(planes(decoded.data, width, height), references[i]!.data)
      console.log(`decode parity, ${c.name}: max |ours − OpenCV| = ${diff.max}`)
      expect({ max: diff.max, count: diff.count }, c.name).toEqual({ max: 0, count: 0 })
      expect(decoded.format).toBe(c.path.endsWith('.bmp') ? 'bmp' : 'jpeg')
    },
  )

  it('a CMYK JPEG through libvips’s own colour conversion would be far off (what this fixes)', async () => {
    const i = cases.findIndex((c) => c.name.startsWith('CMYK JPEG written by Pillow'))
    const { data, info } = await sharp(cases[i]!.path, { ignoreIcc: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    const diff = differences(planes(data, info.width, info.height), references[i]!.data)
    expect(diff.max).toBeGreaterThan(20)
  })
})

describe('broken and unsupported BMPs', () => {
  const good = writeBmp({ bpp: 24, width: 31, height: 19, image: noise(31, 19, 30) })
  const expectCode = async (bytes: Uint8Array, code: string, message: RegExp) => {
    const error = await decodeImage(bytes).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code })
    expect((error as AppError).message).toMatch(message)
  }

  it('cut short anywhere → IMAGE_CORRUPT, saying so', async () => {
    for (const end of [2, 20, 60, good.length - 4]) {
      await expectCode(
        good.subarray(0, end),
        'IMAGE_CORRUPT',
        /BMP: .*cut short|damaged or truncated/,
      )
    }
  })

  it('a 2-bit BMP → IMAGE_UNSUPPORTED naming what it is', async () => {
    const odd = Uint8Array.from(good)
    odd[28] = 2
    await expectCode(odd, 'IMAGE_UNSUPPORTED', /BMP with 2 bits a pixel/)
  })

  it('a size of 0 or a palette of 300 colours → IMAGE_CORRUPT', async () => {
    const zero = Uint8Array.from(good)
    new DataView(zero.buffer).setInt32(18, 0, true)
    await expectCode(zero, 'IMAGE_CORRUPT', /size of 0×19/)
    const palette = writeBmp({
      bpp: 8,
      width: 4,
      height: 4,
      palette: bgrPalette(4, 31),
      indices: indices(4, 4, 4, 32),
    })
    new DataView(palette.buffer).setUint32(46, 300, true)
    await expectCode(palette, 'IMAGE_CORRUPT', /palette of 300 colours/)
  })

  it('an RLE run past its line → IMAGE_CORRUPT', async () => {
    const rle = writeBmp({
      bpp: 8,
      compression: 'rle',
      width: 4,
      height: 2,
      palette: bgrPalette(2, 33),
      rle: [9, 1, 0, 1],
    })
    await expectCode(rle, 'IMAGE_CORRUPT', /RLE run goes past its line/)
  })

  it('more pixels than the limit → IMAGE_TOO_LARGE before anything is allocated', async () => {
    const huge = Uint8Array.from(good)
    new DataView(huge.buffer).setInt32(18, 20000, true)
    new DataView(huge.buffer).setInt32(22, 20000, true)
    await expectCode(huge, 'IMAGE_TOO_LARGE', /megapixels/)
  })
})
