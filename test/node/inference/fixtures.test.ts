/**
 * The real models in ../shared/fixtures, through the app core as every face uses it: the
 * ONNX model zoo's MobileNetV2 attached to the catalog entry MobileNetV2 must give the documented
 * top-1 classes on the four ImageNet val images, and the PaddleClas 3-class export must run.
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResult, ImageClassification, LocalModel } from '@shared/contract'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../../../src/main/inference/preprocess/preprocessImage'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import { blobFiles, blobPath } from '../helpers/blobFiles'
import { valueOf } from '../helpers/results'
import { shippedLabels } from './helpers/catalogPlans'
import { call, openFileCore, type FileCore } from './helpers/inferenceCore'
import {
  expectValTop,
  haveShared,
  mobileNetV2,
  paddle3Class,
  valImages,
} from './helpers/sharedFixtures'

const haveFixtures = haveShared('the tests on the real fixture models', [
  mobileNetV2.path,
  paddle3Class.path,
  ...valImages.map((image) => image.path),
])

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

function okResults(result: ClassifyResult) {
  return result.results.map((r) => {
    if (!r.ok) throw new Error(`${r.image} failed: ${r.error.code}: ${r.error.message}`)
    return r
  })
}

type Ok = Extract<ImageClassification, { ok: true }>

describe.skipIf(!haveFixtures)('the real fixture models', () => {
  let t: FileCore
  beforeAll(() => {
    t = openFileCore()
  })
  afterAll(() => t?.close())

  describe('MobileNetV2 (ONNX model zoo, int8) attached to the catalog entry MobileNetV2', () => {
    let attached: LocalModel
    let classified: Ok[]
    let result: ClassifyResult

    beforeAll(async () => {
      attached = valueOf(
        await call(t.core, 'inference.attach', {
          source: { path: mobileNetV2.path },
          catalogId: 'MobileNetV2',
        }),
      )
      result = valueOf(
        await call(t.core, 'inference.classify', {
          model: { catalogId: 'MobileNetV2' },
          images: valImages.map(({ path }) => ({ path })),
        }),
      )
      classified = okResults(result)
    }, 60_000)

    it('stores the file content-addressed in the blob store and describes it', () => {
      expect(attached).toMatchObject({
        id: 'MobileNetV2',
        ref: { catalogId: 'MobileNetV2' },
        source: 'catalog',
        sha256: mobileNetV2.sha256,
        sizeBytes: statSync(mobileNetV2.path).size,
        inputSize: 224,
        classes: 1000,
        labels: 'imagenet',
      })
      const stored = blobPath(t.dataDir, mobileNetV2.sha256)
      expect(blobFiles(t.dataDir)).toEqual([mobileNetV2.sha256])
      expect(sha256(stored)).toBe(mobileNetV2.sha256)
    })

    it('is listed by inference.models', async () => {
      const models = valueOf(await call(t.core, 'inference.models', {}))
      expect(models).toEqual([attached])
    })

    it('gives the documented top-1 classes 153, 178, 80 (and 710 in the top five) on the four val images', () => {
      expectValTop(classified.map((r) => r.top.map((score) => score.index)))
      expect(result.model).toEqual({
        id: 'MobileNetV2',
        name: expect.any(String),
        inputSize: 224,
        catalogId: 'MobileNetV2',
      })
    })

    it('labels them from the ImageNet label list', () => {
      const labels = shippedLabels()
      expect(labels).toHaveLength(1000)
      for (const r of classified) {
        for (const score of r.top) expect(score.label).toBe(labels[score.index])
      }
      // The names the PaddleClas documentation gives for three of them.
      const names = classified.map((r) => r.top[0]!.label)
      expect(names[0]).toMatch(/^Maltese dog/)
      expect(names[2]).toMatch(/^Weimaraner/)
      expect(names[3]).toMatch(/^black grouse/)
    })

    it('turns its logits into probabilities: top-5, best first, exact preprocessing, timings', async () => {
      for (const [i, r] of classified.entries()) {
        expect(r.softmax).toBe(true)
        expect(r.exact).toBe(true)
        expect(r.top).toHaveLength(5)
        const p = r.top.map((s) => s.probability)
        expect(p).toEqual([...p].sort((a, b) => b - a))
        expect(p.every((v) => v > 0 && v <= 1)).toBe(true)
        expect(p.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9)
        expect(Object.values(r.timings).every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true)
        expect(r.timings.decodeMs + r.timings.inferenceMs).toBeGreaterThan(0)
        const meta = await sharp(valImages[i]!.path).metadata()
        expect(r.size).toEqual({ width: meta.width, height: meta.height, format: 'jpeg' })
      }
    })
  })

  describe('the PaddleClas MobileNetV3 3-class export, run by path', () => {
    const images = valImages.slice(0, 2).map(({ path }) => ({ path }))

    it('returns 3 scores that sum to 1, labelled class 0..2', async () => {
      const result = valueOf(
        await call(t.core, 'inference.classify', {
          model: { path: paddle3Class.path },
          images,
        }),
      )
      expect(result.model).toMatchObject({ inputSize: 224, catalogId: null })
      for (const r of okResults(result)) {
        expect(r.top).toHaveLength(3)
        expect(r.top.map((s) => s.index).sort()).toEqual([0, 1, 2])
        for (const s of r.top) expect(s.label).toBe(`class ${s.index}`)
        const sum = r.top.reduce((a, s) => a + s.probability, 0)
        expect(sum).toBeCloseTo(1, 5)
      }
    })

    it('its scores are the export’s own softmax output, not softmaxed twice', async () => {
      // The paddle2onnx export ends in a softmax: run it here on the same tensor and compare.
      const session = await ort.InferenceSession.create(paddle3Class.path)
      const plan = planFromInputSize(224)
      const decoded = await decodeImage(readFileSync(images[0]!.path))
      const { tensor } = await preprocessImage(decoded, plan)
      const output = await session.run({
        [session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, 224, 224]),
      })
      const direct = Array.from(output[session.outputNames[0]!]!.data as Float32Array)
      await session.release()
      expect(direct.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)

      const result = valueOf(
        await call(t.core, 'inference.classify', {
          model: { path: paddle3Class.path },
          images: [images[0]!],
        }),
      )
      const [r] = okResults(result)
      expect(r!.softmax).toBe(false)
      for (const s of r!.top) expect(s.probability).toBeCloseTo(direct[s.index]!, 5)
    })

    it('takes class names from a label file given with labelsPath (both formats)', async () => {
      const dir = t.dataDir
      const names = ['cat, domestic', 'dog', 'parrot']
      const indexed = join(dir, 'labels-indexed.txt')
      writeFileSync(indexed, names.map((n, i) => `${i} ${n}`).join('\n') + '\n')
      const plain = join(dir, 'labels-plain.txt')
      writeFileSync(plain, names.join('\r\n'))
      for (const labelsPath of [indexed, plain]) {
        const result = valueOf(
          await call(t.core, 'inference.classify', {
            model: { path: paddle3Class.path },
            images,
            labelsPath,
          }),
        )
        for (const r of okResults(result)) {
          for (const s of r.top) expect(s.label).toBe(names[s.index])
        }
      }
    })
  })
})
