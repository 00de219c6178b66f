/**
 * storedSize reads a JPEG's or PNG's format and stored size from its header; decodeImage reports
 * them instead of asking libvips, and a JPEG's component count (4 is CMYK). Checked against sharp's own metadata() on files of every kind
 * sharp writes (JPEG: baseline, progressive, greyscale, CMYK, 4:4:4 with optimised tables, EXIF
 * orientation, an ICC profile; PNG: 8- and 16-bit, grey, alpha, palette, interlaced), and refused
 * (null, so decodeImage asks libvips) for other formats and headers it cannot read.
 */
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import { storedSize } from '../../../src/main/inference/preprocess/storedSize'
import { gradient, noise, sharpOf, solidPalettePng } from './helpers/images'

const FILES: { name: string; make: () => Promise<Buffer>; orientation?: number; icc?: true }[] = [
  { name: 'baseline 500×375', make: () => sharpOf(noise(500, 375)).jpeg().toBuffer() },
  {
    name: 'progressive 333×217',
    make: () => sharpOf(gradient(333, 217)).jpeg({ progressive: true }).toBuffer(),
  },
  {
    name: 'greyscale 64×48',
    make: () => sharpOf(gradient(64, 48)).toColourspace('b-w').jpeg().toBuffer(),
  },
  {
    name: 'CMYK 40×30',
    make: () => sharpOf(gradient(40, 30)).toColourspace('cmyk').jpeg().toBuffer(),
  },
  {
    name: '4:4:4, optimised Huffman tables, 1×1',
    make: () =>
      sharpOf(noise(1, 1)).jpeg({ chromaSubsampling: '4:4:4', optimiseCoding: true }).toBuffer(),
  },
  {
    name: 'EXIF orientation 6, 320×240 stored',
    make: () => sharpOf(gradient(320, 240)).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    orientation: 6,
  },
  {
    name: 'an ICC profile (APP2) before the frame, 4000×3',
    make: () => sharpOf(gradient(4000, 3)).withIccProfile('p3').jpeg().toBuffer(),
    icc: true,
  },
  { name: 'PNG 500×375', make: () => sharpOf(noise(500, 375)).png().toBuffer() },
  {
    name: 'PNG 16-bit 90×60',
    make: () => sharpOf(gradient(90, 60)).toColourspace('rgb16').png().toBuffer(),
  },
  {
    name: 'PNG grey with alpha, interlaced, 33×77',
    make: () =>
      sharpOf(gradient(33, 77))
        .toColourspace('b-w')
        .ensureAlpha(0.5)
        .png({ progressive: true })
        .toBuffer(),
  },
  { name: 'PNG palette 20000×3', make: async () => solidPalettePng(20000, 3, [1, 2, 3]) },
]

describe('jpegSize', () => {
  it.each(FILES.map((j) => [j.name, j] as const))(
    '%s: what sharp metadata() says',
    async (_, j) => {
      const bytes = await j.make()
      const meta = await sharp(bytes).metadata()
      const format = j.name.startsWith('PNG') ? 'png' : 'jpeg'
      expect(meta.format).toBe(format)
      expect(meta.orientation).toBe(j.orientation)
      if (j.icc) expect(meta.icc).toBeDefined()
      const stored = storedSize(bytes)
      expect(stored).toMatchObject({ format, width: meta.width, height: meta.height })
      // A JPEG's components as libvips counts its channels (4 for CMYK).
      expect(stored?.jpegComponents).toBe(format === 'jpeg' ? meta.channels : undefined)
      // decodeImage reports it as the stored size; the pixels come out oriented.
      const decoded = await decodeImage(bytes)
      expect({
        format: decoded.format,
        width: decoded.originalWidth,
        height: decoded.originalHeight,
      }).toEqual({ format, width: meta.width, height: meta.height })
      const turned = (meta.orientation ?? 1) >= 5
      expect({ width: decoded.width, height: decoded.height }).toEqual(
        turned
          ? { width: meta.height, height: meta.width }
          : { width: meta.width, height: meta.height },
      )
    },
  )

  it('is null for other formats and for headers it cannot read', async () => {
    const jpeg = await sharpOf(noise(50, 40)).jpeg().toBuffer()
    const png = await sharpOf(noise(50, 40)).png().toBuffer()
    expect(storedSize(await sharpOf(noise(50, 40)).webp().toBuffer())).toBeNull()
    expect(storedSize(png.subarray(0, 23))).toBeNull()
    expect(storedSize(new Uint8Array(0))).toBeNull()
    expect(storedSize(Uint8Array.from([0xff, 0xd8, 0xff]))).toBeNull()
    // Cut inside the header, before the frame: no size (decodeImage then asks libvips).
    const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]))
    expect(frame).toBeGreaterThan(2)
    expect(storedSize(jpeg.subarray(0, frame + 4))).toBeNull()
    expect(storedSize(jpeg.subarray(0, frame + 9))).toBeNull()
    expect(storedSize(jpeg.subarray(0, frame + 10))).toEqual({
      format: 'jpeg',
      width: 50,
      height: 40,
      jpegComponents: 3,
    })
    // Garbage after the start-of-image marker, and a frame of height 0 (given later by DNL).
    expect(storedSize(Uint8Array.from([0xff, 0xd8, 0x12, 0x34, 0x56, 0x78]))).toBeNull()
    const dnl = Buffer.from(jpeg)
    dnl[frame + 5] = 0
    dnl[frame + 6] = 0
    expect(storedSize(dnl)).toBeNull()
  })

  it('a WebP still gets its format and size (from libvips)', async () => {
    const webp = await sharpOf(noise(50, 40)).webp({ lossless: true }).toBuffer()
    const decoded = await decodeImage(webp)
    expect({
      format: decoded.format,
      width: decoded.originalWidth,
      height: decoded.originalHeight,
    }).toEqual({ format: 'webp', width: 50, height: 40 })
  })
})
