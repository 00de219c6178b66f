/**
 * The coefficient tables of the OpenCV-exact resize are cached per size (a batch of same-size
 * photos computes them once): the cache must give the very tensors fresh tables give, for every
 * size it has seen, after evictions too, and must really be used.
 */
import { describe, expect, it } from 'vitest'
import { cvResizeLinearToChw } from '../../../src/main/inference/preprocess/cvResizeLinear'
import {
  cachedLinearTables,
  linearTables,
  type Region,
} from '../../../src/main/inference/preprocess/linearResizeTables'
import { normalizeTable } from '../../../src/main/inference/preprocess/normalizeTable'
import {
  centreCrop,
  preprocessImage,
  resizedSize,
} from '../../../src/main/inference/preprocess/preprocessImage'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import { catalogPlan } from './helpers/catalogPlans'
import { differences, noise, same } from './helpers/images'

const plan = catalogPlan('MobileNetV2')
const channels = normalizeTable(plan)

/** The crop region of a MobileNetV2 plan for a `width`×`height` image. */
function cropOf(width: number, height: number): { w: number; h: number; region: Region } {
  const resized = resizedSize(width, height, plan)
  return {
    w: resized.width,
    h: resized.height,
    region: centreCrop(resized.width, resized.height, 224),
  }
}

describe('cachedLinearTables', () => {
  it('gives the same tensors as fresh tables, size after size, evictions included', () => {
    // 12 sizes (more than the cache keeps), each seen several times in a shuffled order.
    const sizes: [number, number][] = [
      [500, 375],
      [375, 500],
      [333, 500],
      [640, 480],
      [257, 263],
      [512, 384], // exact 2×: the area tables
      [20, 15],
      [1, 1],
      [224, 224],
      [1000, 750],
      [301, 299],
      [256, 256],
    ]
    const order = [0, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 5, 11, 2, 0, 7, 3, 3, 9, 4]
    for (const i of order) {
      const [width, height] = sizes[i]!
      const image = noise(width, height, i + 1)
      const { w, h, region } = cropOf(width, height)
      const cached = cvResizeLinearToChw(
        image,
        cachedLinearTables(width, height, 3, w, h, region),
        channels,
      )
      const fresh = cvResizeLinearToChw(
        image,
        linearTables(width, height, 3, w, h, region),
        channels,
      )
      expect(differences(cached, fresh), `${width}×${height}`).toEqual(same(3 * 224 * 224))
    }
  })

  it('returns the tables it made for a size until other sizes push them out', () => {
    const first = cachedLinearTables(500, 375, 3, 341, 256, cropOf(500, 375).region)
    expect(cachedLinearTables(500, 375, 3, 341, 256, cropOf(500, 375).region)).toBe(first)
    // Another region or another source size is another entry.
    const other = cachedLinearTables(500, 375, 3, 341, 256, { x: 0, y: 0, width: 224, height: 224 })
    expect(other).not.toBe(first)
    expect(cachedLinearTables(501, 375, 3, 342, 256, cropOf(501, 375).region)).not.toBe(first)
    expect(cachedLinearTables(500, 375, 3, 341, 256, cropOf(500, 375).region)).toBe(first)
    for (let width = 600; width < 620; width++) {
      cachedLinearTables(width, 400, 3, 384, 256, cropOf(width, 400).region)
    }
    const again = cachedLinearTables(500, 375, 3, 341, 256, cropOf(500, 375).region)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  it('is what preprocessImage uses: its tensors equal those made with fresh tables', async () => {
    for (const [width, height] of [
      [500, 375],
      [500, 375],
      [375, 500],
    ] as const) {
      const image = noise(width, height, width * height)
      const { w, h, region } = cropOf(width, height)
      const fresh = cvResizeLinearToChw(
        image,
        linearTables(width, height, 3, w, h, region),
        channels,
      )
      const { tensor, exact } = await preprocessImage(image, plan)
      expect(exact).toBe(true)
      expect(differences(tensor, fresh)).toEqual(same(3 * 224 * 224))
    }
  })
})

describe('normalizeTable', () => {
  it('holds (level · scale − mean) / std in float32 steps, per channel, in the plan’s order', () => {
    const f = Math.fround
    for (const p of [
      plan,
      { ...plan, colorOrder: 'BGR' as const },
      catalogPlan('RedNet50'),
      planFromInputSize(32, { scale: 0.00392157 }),
    ]) {
      const { planes, levels } = normalizeTable(p)
      expect(planes).toEqual(p.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0])
      for (let k = 0; k < 3; k++) {
        const c = planes[k]!
        for (let v = 0; v < 256; v++) {
          const expected = f(f(f(v * f(p.scale)) - f(p.mean[c]!)) / f(p.std[c]!))
          expect(levels[k * 256 + v]).toBe(expected)
        }
      }
    }
  })
})
