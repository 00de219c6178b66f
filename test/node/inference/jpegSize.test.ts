/**
 * jpegSize reads a JPEG's stored size from its header; decodeImage reports it instead of asking
 * libvips. Checked against sharp's own metadata() on JPEGs of every kind sharp writes (baseline,
 * progressive, greyscale, CMYK, 4:4:4 with optimised tables, EXIF orientation, an ICC profile), and
 * refused (null, so decodeImage asks libvips) for what is not a readable JPEG header.
 */
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import { jpegSize } from '../../../src/main/inference/preprocess/jpegSize'
import { gradient, noise, sharpOf } from './helpers/images'

const JPEGS: { name: string; make: () => Promise<Buffer>; orientation?: number; icc?: true }[] = [
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
]

describe('jpegSize', () => {
  it.each(JPEGS.map((j) => [j.name, j] as const))(
    '%s: what sharp metadata() says',
    async (_, j) => {
      const bytes = await j.make()
      const meta = await sharp(bytes).metadata()
      expect(meta.format).toBe('jpeg')
      expect(meta.orientation).toBe(j.orientation)
      if (j.icc) expect(meta.icc).toBeDefined()
      expect(jpegSize(bytes)).toEqual({ width: meta.width, height: meta.height })
      // decodeImage reports it as the stored size; the pixels come out oriented.
      const decoded = await decodeImage(bytes)
      expect({
        format: decoded.format,
        width: decoded.originalWidth,
        height: decoded.originalHeight,
      }).toEqual({ format: 'jpeg', width: meta.width, height: meta.height })
      const turned = (meta.orientation ?? 1) >= 5
      expect({ width: decoded.width, height: decoded.height }).toEqual(
        turned
          ? { width: meta.height, height: meta.width }
          : { width: meta.width, height: meta.height },
      )
    },
  )

  it('is null for what is not a readable JPEG header', async () => {
    const jpeg = await sharpOf(noise(50, 40)).jpeg().toBuffer()
    const png = await sharpOf(noise(50, 40)).png().toBuffer()
    expect(jpegSize(png)).toBeNull()
    expect(jpegSize(new Uint8Array(0))).toBeNull()
    expect(jpegSize(Uint8Array.from([0xff, 0xd8, 0xff]))).toBeNull()
    // Cut inside the header, before the frame: no size (decodeImage then asks libvips).
    const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]))
    expect(frame).toBeGreaterThan(2)
    expect(jpegSize(jpeg.subarray(0, frame + 4))).toBeNull()
    expect(jpegSize(jpeg.subarray(0, frame + 9))).toEqual({ width: 50, height: 40 })
    // Garbage after the start-of-image marker, and a frame of height 0 (given later by DNL).
    expect(jpegSize(Uint8Array.from([0xff, 0xd8, 0x12, 0x34, 0x56, 0x78]))).toBeNull()
    const dnl = Buffer.from(jpeg)
    dnl[frame + 5] = 0
    dnl[frame + 6] = 0
    expect(jpegSize(dnl)).toBeNull()
  })

  it('a PNG still gets its format and size (from libvips)', async () => {
    const png = await sharpOf(noise(50, 40)).png().toBuffer()
    const decoded = await decodeImage(png)
    expect({
      format: decoded.format,
      width: decoded.originalWidth,
      height: decoded.originalHeight,
    }).toEqual({ format: 'png', width: 50, height: 40 })
  })
})
