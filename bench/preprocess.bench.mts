/**
 * Preprocessing of the Pillow-resized models (54 of the zoo) against what it is measured by, all
 * in this run, median ms per image on decoded pixels (decode excluded), for a 500×375 photo (an
 * ImageNet val image's size) and a 12 MP one:
 *   (a) the floor: the OpenCV-bilinear path of the other models (two taps a pixel, native);
 *   (b) the libvips approximation the PIL models had before (sharp resize + extract + table);
 *   (c) Pillow's resize to the bit, native (what runs), and (c)/(a), (c)/(b);
 *   (d) the same in TypeScript (what runs without the addon), and (d)/(c);
 *   (e) Pillow's own Image.resize of the whole image (what PaddleClas runs; /usr/bin/python3 with
 *       python3-pil, skipped without), and (c)/(e): we compute only the crop, and fused.
 * Plans: PPHGNet_small_ssld (bicubic 236 → 224) and DeiT_base_patch16_384 (bicubic 438 → 384).
 * Usage: tsx bench/preprocess.bench.mts
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import type { CatalogModel } from '../src/shared/catalog/types'
import { decodeImage } from '../src/main/inference/preprocess/decodeImage'
import { nativeKernels } from '../src/main/inference/preprocess/nativeKernels'
import { normalizeTable } from '../src/main/inference/preprocess/normalizeTable'
import { pilPlan, pilResizeToChw } from '../src/main/inference/preprocess/pilResample'
import {
  centreCrop,
  preprocessImage,
  resizedSize,
} from '../src/main/inference/preprocess/preprocessImage'
import {
  planFromCatalog,
  type PreprocessPlan,
} from '../src/main/inference/preprocess/preprocessPlan'
import { photo } from './photos'
import { summarize } from './stats'

if (!nativeKernels()) throw new Error('the native addon is not built: npm run build:native')
const models = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'resources', 'catalog', 'models.json'), 'utf8'),
) as CatalogModel[]
const plan = (id: string) => planFromCatalog(models.find((m) => m.id === id)!.preprocess!)

async function median(fn: () => unknown, iterations: number): Promise<number> {
  for (let i = 0; i < Math.max(3, iterations / 10); i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return summarize(samples).p50
}

/** The approximation the PIL models had before: libvips's cubic resize, then the crop. */
async function libvips(
  image: { data: Uint8Array; width: number; height: number },
  p: PreprocessPlan,
) {
  const size = resizedSize(image.width, image.height, p)
  const region = centreCrop(size.width, size.height, p.cropSize)
  const { data } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' })
    .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const { levels } = normalizeTable(p)
  const out = new Float32Array(3 * region.width * region.height)
  const n = region.width * region.height
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) out[c * n + i] = levels[c * 256 + data[i * 3 + c]!]!
  return out
}

/** Pillow's median ms for resizing a width × height RGB image to `to`, or null without Pillow. */
function pillow(width: number, height: number, to: { width: number; height: number }, n: number) {
  const script = `import sys, time, numpy as np
from PIL import Image
w, h, tw, th, n = map(int, sys.argv[1:])
im = Image.fromarray(np.random.default_rng(1).integers(0, 256, (h, w, 3), dtype=np.uint8))
for _ in range(3): im.resize((tw, th), Image.BICUBIC)
times = []
for _ in range(n):
    s = time.perf_counter(); im.resize((tw, th), Image.BICUBIC); times.append(time.perf_counter() - s)
print(sorted(times)[len(times) // 2] * 1000)`
  const args = [width, height, to.width, to.height, n].map(String)
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' })
  return run.status === 0 ? Number(run.stdout.trim()) : null
}

const cv2Plan = plan('MobileNetV2')
for (const [label, width, height, iterations] of [
  ['500×375', 500, 375, 200],
  ['12 MP', 4000, 3000, 12],
] as const) {
  const image = await decodeImage(await photo(width, height, 7))
  const floor = await median(() => preprocessImage(image, cv2Plan), iterations)
  console.log(`\n${label}: (a) OpenCV bilinear, native ${floor.toFixed(2)} ms`)
  for (const id of ['PPHGNet_small_ssld', 'DeiT_base_patch16_384']) {
    const p = plan(id)
    const size = resizedSize(image.width, image.height, p)
    const region = centreCrop(size.width, size.height, p.cropSize)
    const channels = normalizeTable(p)
    const approx = await median(() => libvips(image, p), iterations)
    const native = await median(() => preprocessImage(image, p), iterations)
    const typescript = await median(
      () =>
        pilResizeToChw(image, pilPlan(image, size.width, size.height, region, 'bicubic'), channels),
      iterations,
    )
    const own = pillow(image.width, image.height, size, iterations)
    const versus =
      own === null ? 'no Pillow here' : `${own.toFixed(2)} ms, c/e ${(native / own).toFixed(2)}`
    console.log(
      `  ${id}: (e) Pillow ${versus} · (b) libvips ${approx.toFixed(2)} · (c) Pillow-exact native ${native.toFixed(2)} ` +
        `(${(native / floor).toFixed(1)}× a, ${(native / approx).toFixed(2)}× b) · ` +
        `(d) TypeScript ${typescript.toFixed(2)} ms (${(typescript / native).toFixed(1)}× c)`,
    )
  }
}
