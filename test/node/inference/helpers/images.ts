/** Test images made by the tests: exact pixels (noise, gradients, solid colours) as PNG/JPEG. */
import { writeFileSync } from 'node:fs'
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'

export interface Rgb {
  data: Uint8Array
  width: number
  height: number
  channels: 3
}

/** Deterministic pseudo-random bytes (mulberry32), so a failing case can be re-run as it was. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function noise(width: number, height: number, seed = 1): Rgb {
  const next = random(seed)
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256)
  return { data, width, height, channels: 3 }
}

/** Smooth ramps (a different one per channel) with a little texture. */
export function gradient(width: number, height: number): Rgb {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const u = width > 1 ? x / (width - 1) : 0
      const v = height > 1 ? y / (height - 1) : 0
      data[i] = Math.round(255 * u)
      data[i + 1] = Math.round(255 * v)
      data[i + 2] = Math.round(127.5 + 120 * Math.sin(6 * u + 4 * v))
    }
  }
  return { data, width, height, channels: 3 }
}

export function solid(width: number, height: number, rgb: readonly [number, number, number]): Rgb {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3]!
  return { data, width, height, channels: 3 }
}

export const sharpOf = (image: Rgb) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })

export async function writePng(path: string, image: Rgb): Promise<string> {
  await sharpOf(image).png().toFile(path)
  return path
}

export async function writeJpeg(path: string, image: Rgb, quality = 92): Promise<string> {
  await sharpOf(image).jpeg({ quality }).toFile(path)
  return path
}

/** The same pixels turned 90° clockwise (what EXIF orientation 6 asks a viewer to do). */
export function rotateClockwise(image: Rgb): Rgb {
  const { width, height } = image
  const data = new Uint8Array(image.data.length)
  // The result is `height` wide: its pixel (x', y') is the source pixel (y', height − 1 − x').
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) {
      const from = ((height - 1 - x) * width + y) * 3
      data.set(image.data.subarray(from, from + 3), (y * height + x) * 3)
    }
  }
  return { data, width: height, height: width, channels: 3 }
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0)
  return Buffer.concat([head, body, crc])
}

/**
 * A solid-colour PNG of any size, written directly (1-bit palette, one entry): a 20000×20000
 * image is 50 MB of zero rows before compression and about 50 kB after, made in a fraction of a
 * second, where encoding 400 megapixels with sharp takes 6–20 s on two cores.
 */
export function solidPalettePng(
  width: number,
  height: number,
  rgb: readonly [number, number, number],
): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 1 // bit depth
  header[9] = 3 // colour type: palette
  // compression, filter and interlace methods: 0
  const rowBytes = 1 + Math.ceil(width / 8) // filter byte 0, then palette index 0 for every pixel
  const pixels = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 })
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Uint8Array.from(rgb)),
    chunk('IDAT', pixels),
    chunk('IEND', new Uint8Array(0)),
  ])
}

export function writeFile(path: string, bytes: Uint8Array | string): string {
  writeFileSync(path, bytes)
  return path
}

/**
 * Where two arrays of numbers differ: the count, the first index and the largest difference.
 * (Vitest's deep equality takes seconds on arrays of millions of values.)
 */
export function differences(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { length: [number, number]; count: number; first: number; max: number } {
  let count = 0
  let first = -1
  let max = 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const diff = Math.abs(a[i]! - b[i]!)
    if (diff > 0 || Number.isNaN(diff)) {
      count++
      if (first < 0) first = i
      max = Math.max(max, Number.isNaN(diff) ? Infinity : diff)
    }
  }
  return { length: [a.length, b.length], count, first, max }
}

/** The value `differences` gives for two equal arrays of `length` values. */
export const same = (length: number) => ({ length: [length, length], count: 0, first: -1, max: 0 })
