/**
 * The native fast path (native/jpeg) against the paths it stands in for: its JPEG decode against
 * sharp's, byte for byte, on streams of every kind sharp's encoder writes (4:2:0 and 4:4:4,
 * progressive, greyscale, odd sizes, trellis-quantised) and on the real val photos; its resize
 * against the TypeScript kernel (itself checked against cv2.resize in cvResizeLinear.test.ts)
 * on random sizes, regions and plane orders, and its Pillow resize against pilResample.ts's
 * TypeScript kernel (checked against Pillow in pilParity.test.ts). What it leaves to sharp (PNG, CMYK, EXIF rotation,
 * damaged data, too many pixels) it must leave, and tables that do not fit the image it must
 * refuse rather than read past the pixels. CI builds the addon, so there it may not be missing.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { JpegOptions } from 'sharp'
import { describe, expect, it } from 'vitest'
import { cvResizeLinearToChw } from '../../../src/main/inference/preprocess/cvResizeLinear'
import {
  decodeImage,
  decodeWithSharp,
  MAX_INPUT_PIXELS,
} from '../../../src/main/inference/preprocess/decodeImage'
import {
  linearTables,
  type LinearTables,
} from '../../../src/main/inference/preprocess/linearResizeTables'
import {
  nativeKernels,
  nativeKernelsStatus,
} from '../../../src/main/inference/preprocess/nativeKernels'
import { normalizeTable } from '../../../src/main/inference/preprocess/normalizeTable'
import {
  pilPlan,
  pilResizeToChw,
  type PilPlan,
} from '../../../src/main/inference/preprocess/pilResample'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import { gradient, noise, random, sharpOf, type Rgb } from './helpers/images'
import { valImages } from './helpers/sharedFixtures'

const native = nativeKernels()
if (!native) {
  if (process.env.CI) throw new Error(`CI builds native/jpeg, yet: ${nativeKernelsStatus()}`)
  console.log(`native kernel tests skipped: ${nativeKernelsStatus()}`)
}

/** A photo-like image: a gradient with noise on it, so every block has detail. */
function photoLike(width: number, height: number, seed: number): Rgb {
  const base = gradient(width, height)
  const grain = noise(width, height, seed)
  const data = base.data.map((value, i) => (value * 3 + grain.data[i]!) >> 2)
  return { ...base, data }
}

async function sameAsSharp(bytes: Buffer): Promise<void> {
  const fast = await native!.decode(bytes, MAX_INPUT_PIXELS)
  const reference = await decodeWithSharp(bytes, 'The test image')
  expect(fast, 'the fast path takes this JPEG').not.toBeNull()
  expect([fast!.width, fast!.height]).toEqual([reference.width, reference.height])
  // Byte for byte: a single differing value would show as a count above zero.
  const data = Buffer.from(reference.data.buffer, reference.data.byteOffset, reference.data.length)
  let differing = 0
  for (let i = 0; i < data.length; i++) if (data[i] !== fast!.data[i]) differing++
  expect(differing).toBe(0)
  // On the calling thread, the same bytes.
  const inline = native!.decodeSync(bytes, MAX_INPUT_PIXELS)
  expect(inline && Buffer.compare(inline.data, fast!.data)).toBe(0)
}

describe.skipIf(!native)('native JPEG decoding', () => {
  const kinds: [string, JpegOptions][] = [
    ['baseline 4:2:0', { quality: 90 }],
    ['baseline 4:4:4', { quality: 95, chromaSubsampling: '4:4:4' }],
    ['progressive', { quality: 80, progressive: true }],
    ['trellis, low quality', { quality: 35, trellisQuantisation: true, overshootDeringing: true }],
    ['optimised scans', { quality: 75, optimiseScans: true, progressive: true }],
  ]
  const sizes: [number, number][] = [
    [500, 375],
    [1, 1],
    [17, 9],
    [333, 501],
    [1023, 767],
  ]
  for (const [kind, options] of kinds) {
    it(`gives sharp's pixels for ${kind} JPEGs of odd and even sizes`, async () => {
      for (const [index, [width, height]] of sizes.entries()) {
        const bytes = await sharpOf(photoLike(width, height, index + 1))
          .jpeg(options)
          .toBuffer()
        await sameAsSharp(bytes)
      }
    })
  }

  it("gives sharp's pixels for greyscale JPEGs, three equal channels", async () => {
    const bytes = await sharpOf(photoLike(211, 157, 5))
      .greyscale()
      .jpeg({ quality: 88 })
      .toBuffer()
    await sameAsSharp(bytes)
    const fast = (await native!.decode(bytes, MAX_INPUT_PIXELS))!
    expect(fast.data[300]).toBe(fast.data[301])
    expect(fast.data[301]).toBe(fast.data[302])
  })

  it.skipIf(!existsSync(valImages[0]!.path))(
    "gives sharp's pixels for the val photos",
    async () => {
      for (const image of valImages) await sameAsSharp(readFileSync(image.path))
    },
  )

  it('leaves to sharp what it does not take, and decodeImage still reads or refuses it', async () => {
    const image = photoLike(64, 48, 9)
    const png = await sharpOf(image).png().toBuffer()
    const cmyk = await sharpOf(image).toColourspace('cmyk').jpeg().toBuffer()
    const rotated = await sharpOf(image).jpeg().withMetadata({ orientation: 6 }).toBuffer()
    const upright = await sharpOf(image).jpeg().withMetadata({ orientation: 1 }).toBuffer()
    const plain = await sharpOf(image).jpeg().toBuffer()
    const truncated = plain.subarray(0, plain.length >> 1)
    for (const bytes of [png, cmyk, rotated, truncated]) {
      expect(await native!.decode(bytes, MAX_INPUT_PIXELS)).toBeNull()
      expect(native!.decodeSync(bytes, MAX_INPUT_PIXELS)).toBeNull()
    }
    // Too many pixels for the limit: sharp then says so.
    expect(await native!.decode(plain, 64 * 48 - 1)).toBeNull()
    expect(await native!.decode(plain, 64 * 48)).not.toBeNull()
    // An EXIF orientation of 1 is no rotation: taken.
    expect(await native!.decode(upright, MAX_INPUT_PIXELS)).not.toBeNull()

    const turned = await decodeImage(rotated)
    expect([turned.width, turned.height, turned.originalWidth]).toEqual([48, 64, 64])
    expect((await decodeImage(cmyk)).channels).toBe(3)
    await expect(decodeImage(truncated)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' })
    await expect(decodeImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).rejects.toThrow()
  })

  it('refuses arguments that are not bytes', async () => {
    expect(() => native!.decode('not bytes' as unknown as Uint8Array, 10)).toThrow(TypeError)
    expect(() => native!.decode(new Uint16Array(4) as unknown as Uint8Array, 10)).toThrow(TypeError)
    expect(() => native!.decodeSync(new Uint16Array(4) as unknown as Uint8Array, 10)).toThrow(
      TypeError,
    )
  })
})

/** How many values differ (Object.is: -0 and 0 count as different); vitest's deep equality is slow. */
function differingValues(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length)
  let count = 0
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++
  return count
}

describe.skipIf(!native)('native resize', () => {
  async function both(source: Rgb, tables: LinearTables, bgr: boolean) {
    const plan = { ...planFromInputSize(tables.width), colorOrder: bgr ? 'BGR' : 'RGB' } as const
    const channels = normalizeTable(plan)
    const image = { ...source, channels: 3 }
    const reference = cvResizeLinearToChw(image, tables, channels)
    const out = new Float32Array(reference.length)
    const { levels, planes } = channels
    await native!.resize(image.data, image.width, image.height, tables, levels, planes, out)
    const inline = new Float32Array(reference.length)
    native!.resizeSync(image.data, image.width, image.height, tables, levels, planes, inline)
    expect(differingValues(inline, out)).toBe(0)
    return { reference, out }
  }

  it('computes what the TypeScript kernel computes, for shrinks, stretches and 2× areas', async () => {
    const next = random(42)
    const pick = (low: number, high: number) => low + Math.floor(next() * (high - low + 1))
    let cases = 0
    for (let i = 0; i < 60; i++) {
      const area = i % 10 === 0
      const width = area ? 2 * pick(1, 350) : pick(2, 700)
      const height = area ? 2 * pick(1, 250) : pick(2, 500)
      const destWidth = area ? width / 2 : pick(1, 600)
      const destHeight = area ? height / 2 : pick(1, 600)
      const w = pick(1, destWidth)
      const h = pick(1, destHeight)
      const region = { x: pick(0, destWidth - w), y: pick(0, destHeight - h), width: w, height: h }
      const tables = linearTables(width, height, 3, destWidth, destHeight, region)
      const { reference, out } = await both(noise(width, height, i + 1), tables, i % 2 === 1)
      expect(differingValues(out, reference)).toBe(0)
      cases += tables.kind === 'area' ? 100 : 1
    }
    // Some of each kind ran.
    expect(cases).toBeGreaterThan(100)
    expect(cases % 100).toBeGreaterThan(0)
  })

  it('refuses tables that would read outside the image, and arguments of the wrong kind', async () => {
    const source = noise(40, 30, 3)
    const tables = linearTables(40, 30, 3, 20, 16, { x: 0, y: 0, width: 20, height: 16 })
    const { levels, planes } = normalizeTable(planFromInputSize(20))
    const out = new Float32Array(3 * 20 * 16)
    const call = (t: LinearTables, data = source.data, o = out, h = 30) =>
      native!.resize(data, 40, h, t, levels, planes, o)

    const pastRow = { ...tables, x: tables.x.slice() }
    pastRow.x[4 * 19 + 1] = 40 * 3 - 2
    const pastImage = { ...tables, y1: tables.y1.slice() }
    pastImage.y1[15] = 30
    const heavy = { ...tables, by0: tables.by0.map(() => 1 << 20) }
    const short = { ...tables, y0: tables.y0.subarray(1) }
    for (const bad of [pastRow, pastImage, heavy, short]) {
      expect(() => call(bad)).toThrow(TypeError)
      expect(() => native!.resizeSync(source.data, 40, 30, bad, levels, planes, out)).toThrow(
        TypeError,
      )
    }
    expect(() => call(tables, source.data.subarray(10))).toThrow(TypeError)
    expect(() => call(tables, source.data, new Float32Array(10))).toThrow(TypeError)
    expect(() => call(tables, source.data, out, 31)).toThrow(TypeError)
    expect(() => call({ ...tables, kind: 'cubic' } as unknown as LinearTables)).toThrow(TypeError)
    expect(() => native!.resize(source.data, 40, 30, tables, levels, [0, 1, 3], out)).toThrow(
      TypeError,
    )
    // And the good tables still work after all that.
    await call(tables)
    const reference = cvResizeLinearToChw({ ...source, channels: 3 }, tables, { levels, planes })
    expect(differingValues(out, reference)).toBe(0)
  })
})

describe.skipIf(!native)('native Pillow resize', () => {
  it('computes what the TypeScript kernel computes: shrinks, enlargements, one axis kept, crops', async () => {
    const next = random(77)
    const pick = (low: number, high: number) => low + Math.floor(next() * (high - low + 1))
    const filters = ['bicubic', 'bilinear', 'lanczos'] as const
    for (let i = 0; i < 48; i++) {
      const width = pick(1, 600)
      const height = pick(1, 450)
      // Every fourth case keeps one axis's size, so that pass is skipped as Pillow skips it.
      const destWidth = i % 4 === 1 ? width : pick(1, 500)
      const destHeight = i % 4 === 2 ? height : pick(1, 500)
      const w = pick(1, destWidth)
      const h = pick(1, destHeight)
      const region = { x: pick(0, destWidth - w), y: pick(0, destHeight - h), width: w, height: h }
      const image = { ...noise(width, height, 100 + i), channels: 3 }
      const plan = pilPlan(image, destWidth, destHeight, region, filters[i % 3]!)
      const channels = normalizeTable({
        ...planFromInputSize(w),
        colorOrder: i % 2 ? 'BGR' : 'RGB',
      })
      const reference = pilResizeToChw(image, plan, channels)
      const out = new Float32Array(reference.length)
      const inline = new Float32Array(reference.length)
      const { levels, planes } = channels
      await native!.pilResize(image.data, width, height, plan, levels, planes, out)
      native!.pilResizeSync(image.data, width, height, plan, levels, planes, inline)
      expect(differingValues(out, reference), `case ${i}`).toBe(0)
      expect(differingValues(inline, reference), `case ${i}`).toBe(0)
    }
  })

  it('refuses windows outside the image, weights that could overflow, and short arrays', () => {
    const source = noise(40, 30, 5)
    const plan = pilPlan(source, 20, 16, { x: 0, y: 0, width: 20, height: 16 }, 'bicubic')
    const { levels, planes } = normalizeTable(planFromInputSize(20))
    const out = new Float32Array(3 * 20 * 16)
    const call = (p: PilPlan, data = source.data, o = out) =>
      native!.pilResizeSync(data, 40, 30, p, levels, planes, o)
    const past = { ...plan, h: { ...plan.h!, first: plan.h!.first.map((f) => f + 5) } }
    const heavy = { ...plan, v: { ...plan.v!, weights: plan.v!.weights.map(() => 1 << 22) } }
    const short = { ...plan, v: { ...plan.v!, count: plan.v!.count.subarray(1) } }
    const noPassPast = { ...plan, h: null, x: 30 }
    for (const bad of [past, heavy, short, noPassPast]) expect(() => call(bad)).toThrow(TypeError)
    expect(() => call(plan, source.data.subarray(3))).toThrow(TypeError)
    expect(() => call(plan, source.data, new Float32Array(5))).toThrow(TypeError)
    call(plan)
    expect(differingValues(out, pilResizeToChw(source, plan, { levels, planes }))).toBe(0)
  })
})
