/**
 * The real PaddleClas export (MobileNetV3-small, 3 classes, Paddle 2.6.2) converted by the app
 * and compared with the model paddle2onnx made from the same files: the same outputs on the
 * val images preprocessed as the catalog's MobileNetV3 entry does and on random inputs (≤ 1e-4),
 * the same input name, and an external-data copy that onnxruntime runs alike. Malformed copies
 * (a program cut short, params one tensor short or with bytes over, a tensor of the wrong type,
 * a missing variable) are refused with errors that say what is wrong.
 */
import {
  copyFileSync,
  readFileSync,
  statSync,
  truncateSync,
  appendFileSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convertPaddleModel } from '../../../src/main/convert/convertPaddle'
import { decodeImage } from '../../../src/main/inference/preprocess/decodeImage'
import { preprocessImage } from '../../../src/main/inference/preprocess/preprocessImage'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { catalogPlan } from '../inference/helpers/catalogPlans'
import { fixturesDir, haveShared, valImages } from '../inference/helpers/sharedFixtures'
import { values } from './helpers/convertCase'
import { programParams } from '../../../src/main/paddle/paramsFile'
import { parseProgramDesc } from '../../../src/main/paddle/programDesc'

const dir = join(fixturesDir, 'models', 'paddle-mobilenetv3-small-3class')
const model = join(dir, 'inference.pdmodel')
const params = join(dir, 'inference.pdiparams')
const reference = join(dir, 'model.onnx')
const present = haveShared('the Paddle → ONNX fixture tests', [
  model,
  params,
  reference,
  ...valImages.map((i) => i.path),
])

const SIDE = 224

async function outputsOf(
  session: ort.InferenceSession,
  batch: Float32Array,
  n: number,
): Promise<Float32Array> {
  const result = await session.run({
    [session.inputNames[0]!]: new ort.Tensor('float32', batch, [n, 3, SIDE, SIDE]),
  })
  return result[session.outputNames[0]!]!.data as Float32Array
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i]!)), 0)
}

describe.skipIf(!present)('the real Paddle fixture', () => {
  let ours: ort.InferenceSession
  let theirs: ort.InferenceSession
  let work: string

  beforeAll(async () => {
    work = makeTempDir('convert-fixture')
    const result = await convertPaddleModel({
      model,
      params,
      out: join(work, 'ours.onnx'),
      name: 'MobileNetV3_small_x1_0 (3 classes)',
    })
    expect(result.inputs).toEqual([{ name: 'x', shape: ['N', 3, 224, 224] }])
    expect(result.outputs).toEqual([{ name: 'output', shape: ['N', 3] }])
    expect(result.ops).toMatchObject({
      conv2d: 43,
      depthwise_conv2d: 11,
      hard_swish: 19,
      hard_sigmoid: 9,
    })
    ours = await ort.InferenceSession.create(result.out)
    theirs = await ort.InferenceSession.create(reference)
    expect(ours.inputNames).toEqual(theirs.inputNames)
  })

  afterAll(async () => {
    await ours?.release()
    await theirs?.release()
    if (work) removeDir(work)
  })

  it('gives paddle2onnx’s outputs on the val images, preprocessed as the catalog says', async () => {
    const plan = catalogPlan('MobileNetV3_small_x1_0')
    const batch = new Float32Array(valImages.length * 3 * SIDE * SIDE)
    for (const [i, image] of valImages.entries()) {
      const { tensor } = await preprocessImage(await decodeImage(readFileSync(image.path)), plan)
      batch.set(tensor, i * tensor.length)
    }
    const a = await outputsOf(ours, batch, valImages.length)
    const b = await outputsOf(theirs, batch, valImages.length)
    expect(maxAbs(a, b)).toBeLessThanOrEqual(1e-4)
    // Softmax outputs: each row sums to one, so the comparison is of real probabilities.
    for (let i = 0; i < valImages.length; i++)
      expect(a[i * 3]! + a[i * 3 + 1]! + a[i * 3 + 2]!).toBeCloseTo(1, 5)
  })

  it('gives paddle2onnx’s outputs on random inputs, batch 1 and 3', async () => {
    for (const [n, seed] of [
      [1, 5],
      [3, 9],
    ] as const) {
      const batch = values(n * 3 * SIDE * SIDE, seed, 3)
      expect(
        maxAbs(await outputsOf(ours, batch, n), await outputsOf(theirs, batch, n)),
      ).toBeLessThanOrEqual(1e-4)
    }
  })

  it('writes the weights to an external data file past the inline limit, and onnxruntime runs it alike', async () => {
    const out = join(work, 'external.onnx')
    const result = await convertPaddleModel({ model, params, out, inlineLimit: 64 * 1024 })
    expect(result.dataPath).toBe(`${out}.data`)
    expect(statSync(out).size).toBeLessThan(200 * 1024)
    expect(statSync(`${out}.data`).size).toBeGreaterThan(1_500_000)
    const session = await ort.InferenceSession.create(out)
    const batch = values(2 * 3 * SIDE * SIDE, 21, 3)
    expect(maxAbs(await outputsOf(session, batch, 2), await outputsOf(ours, batch, 2))).toBe(0)
  })

  describe('malformed copies', () => {
    function copy(name: string): { model: string; params: string; out: string } {
      const at = tempDirForTest(`convert-bad-${name}`)
      copyFileSync(model, join(at, 'inference.pdmodel'))
      copyFileSync(params, join(at, 'inference.pdiparams'))
      return {
        model: join(at, 'inference.pdmodel'),
        params: join(at, 'inference.pdiparams'),
        out: join(at, 'model.onnx'),
      }
    }

    async function refusal(files: { model: string; params: string; out: string }) {
      const error = await convertPaddleModel(files).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      )
      expect(error, 'the conversion should have failed').not.toBeNull()
      // Nothing half-written is left where the model would go.
      expect(() => statSync(files.out)).toThrow()
      return error!
    }

    it('refuses a program cut short', async () => {
      const files = copy('short-program')
      truncateSync(files.model, statSync(files.model).size - 100)
      const error = await refusal(files)
      expect(error.code).toBe('ARCHIVE_CORRUPT')
      expect(error.message).toMatch(/inference\.pdmodel is not a Paddle program/)
    })

    it('refuses params with bytes missing or left over, saying how many', async () => {
      const short = copy('short-params')
      truncateSync(short.params, statSync(short.params).size - 8)
      const cut = await refusal(short)
      expect(cut.code).toBe('ARCHIVE_CORRUPT')
      expect(cut.message).toMatch(/inference\.pdiparams ends 8 bytes early/)

      const long = copy('long-params')
      appendFileSync(long.params, Buffer.alloc(5))
      const over = await refusal(long)
      expect(over.code).toBe('ARCHIVE_CORRUPT')
      expect(over.message).toMatch(/has 5 bytes after its last tensor/)
    })

    it('refuses a tensor stored as another type, and a program variable the params lack', async () => {
      // The first tensor's TensorDesc starts after version (4) + LoD count (8) + version (4) + length (4):
      // its first field is data_type (tag 0x08), FP32 = 5; write FP64 (6) there instead.
      const typed = copy('wrong-type')
      const bytes = readFileSync(typed.params)
      expect([bytes[20], bytes[21]]).toEqual([0x08, 5])
      bytes[21] = 6
      writeFileSync(typed.params, bytes)
      const wrong = await refusal(typed)
      expect(wrong.code).toBe('ARCHIVE_CORRUPT')
      expect(wrong.message).toMatch(/FP64.*expects .*FP32/)

      // Params of another program: one tensor fewer than this program's variables.
      const missing = copy('missing-var')
      const first = readFileSync(missing.params)
      const descLength = first.readInt32LE(16)
      const firstData = 20 + descLength
      const [slot] = programParams(parseProgramDesc(readFileSync(model)))
      const firstBytes = slot!.dims!.reduce((a, d) => a * d, 4)
      writeFileSync(missing.params, first.subarray(firstData + firstBytes))
      const absent = await refusal(missing)
      expect(absent.code).toBe('ARCHIVE_CORRUPT')
      expect(absent.message).toMatch(/does not match the program|ends .* early/)
    })
  })
})
