/**
 * `zoo preprocess` writes the tensor a model is given as a NumPy .npy. Read back with NumPy, as a
 * user checking a preprocessing mismatch would, it must be PaddleClas's own tensor for the image
 * (tools/reference_preprocess.py: OpenCV decode, OpenCV or Pillow resize) to the bit — for a
 * catalog model without its weights, and for an .onnx file with flags. The same over the API
 * (`inference.preprocess`): the plan, the sizes, and a picture of the tensor.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelInput } from '@shared/contract'
import { openAppCore } from '../../../src/main/core/appCore'
import { npyFloat32 } from '../../../src/main/export/npyFile'
import { zoo } from '../helpers/runZoo'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { catalogPlan } from './helpers/catalogPlans'
import { differences, gradient, noise, writePng } from './helpers/images'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'
import {
  havePillowReference,
  PYTHON,
  referenceTensors,
  type ReferencePlan,
} from './helpers/pythonReference'

const haveReference = havePillowReference('the zoo preprocess tests')

let dir: string
let photo: string
let model: string

beforeAll(async () => {
  dir = makeTempDir('zoo-preprocess')
  photo = await writePng(join(dir, 'photo.png'), noise(375, 300, 41))
  model = writeModel(dir, 'tiny.onnx', tinyClassifier({ classes: 4, inputSize: 40 }).bytes)
})
afterAll(() => {
  if (dir) removeDir(dir)
})

/** NumPy's view of the file: shape, dtype, and the values as float32 bytes. */
function numpyLoad(path: string): { shape: number[]; dtype: string; data: Float32Array } {
  const raw = join(dir, `${Math.random().toString(36).slice(2)}.f32`)
  const run = spawnSync(
    PYTHON,
    [
      '-c',
      `import json, sys, numpy as np
t = np.load(sys.argv[1])
t.astype('<f4').tofile(sys.argv[2])
print(json.dumps({"shape": list(t.shape), "dtype": str(t.dtype)}))`,
      path,
      raw,
    ],
    { encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(run.stderr)
  const { shape, dtype } = JSON.parse(run.stdout) as { shape: number[]; dtype: string }
  return { shape, dtype, data: new Float32Array(Uint8Array.from(readFileSync(raw)).buffer) }
}

async function reference(plan: ReferencePlan, image: string): Promise<Float32Array> {
  const [tensor] = await referenceTensors([{ plan, image, out: join(dir, 'ref.f32') }])
  return tensor!.data
}

describe('npyFloat32', () => {
  it('pads the header to 64 bytes and refuses a shape that does not fit', () => {
    const bytes = npyFloat32(new Float32Array(6), [1, 2, 3])
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY')
    const headerLength = bytes.readUInt16LE(8)
    expect((10 + headerLength) % 64).toBe(0)
    expect(bytes.toString('latin1', 10, 10 + headerLength)).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 3\), \} *\n$/,
    )
    expect(() => npyFloat32(new Float32Array(5), [1, 2, 3])).toThrow(/holds 6 values, not 5/)
  })
})

describe.skipIf(!haveReference)('zoo preprocess, read back with NumPy', () => {
  it.each([
    ['PPHGNet_small_ssld', 'Pillow bicubic, short side 236'],
    ['DeiT_base_patch16_384', 'Pillow bicubic, enlarged to 438'],
    ['MobileNetV2', 'OpenCV bilinear'],
  ])('--model %s (%s, no weights here): PaddleClas’s tensor to the bit', async (id) => {
    const out = join(dir, `${id}.npy`)
    const run = await zoo(['preprocess', '--model', id, photo, '--out', out])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const plan = catalogPlan(id)
    expect(run.out).toContain(`HWC → CHW: float32 [1, 3, ${plan.inputSize}, ${plan.inputSize}]`)
    expect(run.out).toMatch(
      plan.resize.library === 'pil' ? /Pillow's, reproduced to the bit/ : /OpenCV's, reproduced/,
    )
    const loaded = numpyLoad(out)
    expect(loaded.shape).toEqual([1, 3, plan.inputSize, plan.inputSize])
    expect(loaded.dtype).toBe('float32')
    const diff = differences(loaded.data, await reference(plan, photo))
    expect({ max: diff.max, count: diff.count }).toEqual({ max: 0, count: 0 })
  })

  it('--model by an older name: says which id it resolved to, on stderr', async () => {
    const out = join(dir, 'older.npy')
    const run = await zoo(['preprocess', '--model', 'ShuffleNetV2', photo, '--out', out])
    expect(run.code).toBe(0)
    expect(run.err).toMatch(/^ShuffleNetV2 → ShuffleNetV2_x1_0 \(older name/)
    expect(run.out).toContain('decode 375×300 PNG')
    expect(numpyLoad(out).shape).toEqual([1, 3, 224, 224])
  })

  it('--model FILE.onnx with --resize/--crop/--bgr, and --picture', async () => {
    const out = join(dir, 'file.npy')
    const picture = join(dir, 'file.png')
    const run = await zoo([
      'preprocess',
      '--model',
      model,
      photo,
      '--out',
      out,
      '--picture',
      picture,
      '--resize',
      '48',
      '--crop',
      '40',
      '--bgr',
      '--json',
    ])
    expect(run.code).toBe(0)
    const view = JSON.parse(run.out) as Omit<ModelInput, 'picture'> & {
      out: string
      picture: string
    }
    expect(view).toMatchObject({
      shape: [1, 3, 40, 40],
      resized: { width: 60, height: 48 },
      crop: { x: 10, y: 4, width: 40, height: 40 },
      resize: 'cv2',
      plan: { colorOrder: 'BGR', cropSize: 40 },
      out,
      picture,
    })
    const loaded = numpyLoad(out)
    const diff = differences(loaded.data, await reference(view.plan, photo))
    expect({ max: diff.max, count: diff.count }).toEqual({ max: 0, count: 0 })
    // Plane 0 is blue (BGR); the picture turns it back into RGB.
    const meta = await sharp(picture).metadata()
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 40, height: 40 })
  })

  it('a crop the model does not take → MODEL_INPUT_UNSUPPORTED, no file written', async () => {
    const out = join(dir, 'wrong.npy')
    const run = await zoo(['preprocess', '--model', model, photo, '--out', out, '--crop', '32'])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(
      /takes 40×40 images, but this preprocessing makes 32×32.*MODEL_INPUT_UNSUPPORTED/,
    )
    expect(existsSync(out)).toBe(false)
  })
})

describe('zoo preprocess refuses what it cannot do, saying why', () => {
  it.each([
    [['--model', 'MobileNetV2', 'x.png'], /--out TENSOR.npy is required/, 2],
    [['x.png', '--out', 'a.npy'], /--model ID\|FILE.onnx is required/, 2],
    [['--model', 'MobileNetV2', 'x.png', '--out', 'a.txt'], /must end in .npy/, 2],
    [
      ['--model', 'MobileNetV2', 'x.png', '--out', 'a.npy', '--crop', '200'],
      /apply only to a model given as an .onnx file/,
      2,
    ],
    [['--model', 'NoSuchModel_x9', 'x.png', '--out', 'a.npy'], /NoSuchModel_x9/, 1],
  ])('%j', async (args, message, code) => {
    const run = await zoo(['preprocess', ...args], tempDirForTest('zoo-cli'))
    expect(run.code).toBe(code)
    expect(run.err).toMatch(message)
  })

  it('an image that is not one → IMAGE_UNSUPPORTED naming the file', async () => {
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'not an image')
    const run = await zoo([
      'preprocess',
      '--model',
      'MobileNetV2',
      text,
      '--out',
      join(dir, 'n.npy'),
    ])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(/notes\.txt.*not an image.*IMAGE_UNSUPPORTED/)
  })
})

describe('inference.preprocess over the API', () => {
  it('gives the plan, the sizes, plane ranges and a PNG of what the model sees', async () => {
    const core = openAppCore({ dataDir: tempDirForTest('zoo-core'), host: 'cli' })
    try {
      const photoPath = await writePng(join(dir, 'half.png'), gradient(300, 200))
      const result = await core.dispatch(
        'inference.preprocess',
        { model: { catalogId: 'PeleeNet' }, image: { path: photoPath } },
        { face: 'cli' },
      )
      if (!result.ok) throw new Error(result.error.message)
      const view = result.value
      expect(view).toMatchObject({
        model: { id: 'PeleeNet' },
        resize: 'pil',
        plan: { resize: { interpolation: 'bilinear', library: 'pil' } },
        image: { width: 300, height: 200, format: 'png' },
        resized: { width: 384, height: 256 },
        crop: { x: 80, y: 16, width: 224, height: 224 },
      })
      expect(view.planes).toHaveLength(3)
      for (const plane of view.planes) expect(plane.min).toBeLessThan(plane.max)
      const png = Buffer.from(view.picture.replace(/^data:image\/png;base64,/, ''), 'base64')
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height, info.channels]).toEqual([224, 224, 3])
      // The gradient's red rises left to right: so must the picture's.
      expect(data[(112 * 224 + 220) * 3]!).toBeGreaterThan(data[(112 * 224 + 4) * 3]! + 100)
      const invalid = await core.dispatch(
        'inference.preprocess',
        { model: { catalogId: 'PeleeNet' }, image: { path: photoPath }, extra: 1 } as never,
        { face: 'cli' },
      )
      expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    } finally {
      core.close()
    }
  })
})
