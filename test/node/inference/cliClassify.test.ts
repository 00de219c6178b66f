/**
 * `zoo classify` and `zoo attach` as a user runs them (in-process, real core on a temp data
 * folder): JSON and text output, and the exit codes scripts rely on — 0 all good, 3 some images
 * failed, 2 bad arguments, 1 the model cannot be used.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResult, LocalModel } from '@shared/contract'
import { zoo } from '../helpers/runZoo'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { shippedLabels } from './helpers/catalogPlans'
import { COLOUR_MODEL, expectColourScores } from './helpers/expected'
import { random, solid, writeFile, writePng } from './helpers/images'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'
import { expectValTop, haveShared, mobileNetV2, valImages } from './helpers/sharedFixtures'

const haveFixtures = haveShared('the zoo classify tests on the fixture MobileNetV2', [
  mobileNetV2.path,
  ...valImages.map((image) => image.path),
])

const RED: [number, number, number] = [230, 25, 20]
const colourModel = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
let dir: string
const files = {} as Record<'model' | 'red' | 'labels' | 'garbage' | 'imagenetLike', string>

beforeAll(async () => {
  dir = makeTempDir('zoo-cli-classify')
  files.model = writeModel(dir, 'colour.onnx', colourModel.bytes)
  files.imagenetLike = writeModel(
    dir,
    'imagenet-like.onnx',
    tinyClassifier({ classes: 1000, inputSize: 224 }).bytes,
  )
  const next = random(3)
  files.garbage = writeModel(
    dir,
    'garbage.onnx',
    Uint8Array.from({ length: 2048 }, () => Math.floor(next() * 256)),
  )
  files.red = await writePng(join(dir, 'red.png'), solid(64, 48, RED))
  files.labels = writeFile(join(dir, 'labels.txt'), '0 red\n1 green\n2 blue\n3 dark\n')
})
afterAll(() => {
  if (dir) removeDir(dir)
})

/** `  decode 1.2 ms · preprocess 0.3 ms · inference 0.4 ms`, the per-image stage timings. */
const TIMINGS = /decode \d+\.\d ms · preprocess \d+\.\d ms · inference \d+\.\d ms/

describe.skipIf(!haveFixtures)('zoo classify with the fixture MobileNetV2', () => {
  it('--model FILE.onnx IMAGES --json: the documented top-1 classes, ImageNet labels', async () => {
    const run = await zoo([
      'classify',
      '--model',
      mobileNetV2.path,
      ...valImages.map((image) => image.path),
      '--json',
    ])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out) as ClassifyResult
    expect(result.model).toMatchObject({ inputSize: 224, catalogId: null })
    const labels = shippedLabels()
    expectValTop(
      result.results.map((r) => {
        if (!r.ok) throw new Error(`${r.image}: ${r.error.code}`)
        expect(r.image).toBe(valImages[result.results.indexOf(r)]!.path)
        expect(r.top[0]!.label).toBe(labels[r.top[0]!.index])
        return r.top.map((score) => score.index)
      }),
    )
  })

  it('zoo attach FILE --model MobileNetV2, then zoo classify --model MobileNetV2 IMAGE', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const attach = await zoo(['attach', mobileNetV2.path, '--model', 'MobileNetV2'], dataDir)
    expect(attach.code).toBe(0)
    expect(attach.out).toMatch(/Attached MobileNetV2/)
    expect(attach.out).toContain(mobileNetV2.sha256.slice(0, 12))
    expect(attach.out).toMatch(/224 px input, 1000 classes/)

    const run = await zoo(['classify', '--model', 'MobileNetV2', valImages[0]!.path], dataDir)
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/\(224×224\)/)
    expect(run.out).toContain(valImages[0]!.path)
    // The first score line is the top-1: percent, class index, label.
    expect(run.out).toMatch(/^\s+\d+\.\d\d %\s+153\s+Maltese dog/m)
    expect(run.out).toMatch(TIMINGS)
    expect(run.out.split('\n').filter((line) => / %\s+\d+\s/.test(line))).toHaveLength(5)
  })
})

describe('zoo classify with a generated model', () => {
  it('exit 0; text output with the label from --labels, the scores, and the stage timings', async () => {
    const run = await zoo([
      'classify',
      '--model',
      files.model,
      files.red,
      '--labels',
      files.labels,
      '--topk',
      '2',
    ])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const lines = run.out.split('\n')
    const scores = lines.filter((line) => / %\s+\d+\s/.test(line))
    expect(scores).toHaveLength(2)
    expect(scores[0]).toMatch(/^\s+\d+\.\d\d %\s+0\s+red$/)
    expect(run.out).toMatch(TIMINGS)
    expect(lines[0]).toBe('colour.onnx (32×32)')
  })

  it('--json gives the hand-computed scores', async () => {
    const run = await zoo(['classify', '--model', files.model, files.red, '--json'])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out) as ClassifyResult
    expectColourScores(result.results[0], colourModel.spec, RED)
  })

  it('exit 3 when some images fail; each failure is reported with its code', async () => {
    const missing = join(dir, 'missing.png')
    const empty = writeFile(join(dir, 'empty.png'), '')
    const run = await zoo(['classify', '--model', files.model, files.red, missing, empty])
    expect(run.code).toBe(3)
    expect(run.out).toMatch(/error NOT_FOUND: .*missing\.png/)
    expect(run.out).toMatch(/error IMAGE_EMPTY: /)
    expect(run.out).toMatch(TIMINGS) // the good image still got its result

    const json = await zoo(['classify', '--model', files.model, files.red, missing, '--json'])
    expect(json.code).toBe(3)
    const result = JSON.parse(json.out) as ClassifyResult
    expect(result.results.map((r) => r.ok)).toEqual([true, false])
  })

  it.each([
    ['no --model', ['classify', 'IMAGE'], /--model/],
    [
      '--mean with two numbers',
      ['classify', '--model', 'MODEL', '--mean', '1,2', 'IMAGE'],
      /--mean/,
    ],
    [
      '--std that is not numbers',
      ['classify', '--model', 'MODEL', '--std', 'a,b,c', 'IMAGE'],
      /--std/,
    ],
    [
      '--topk that is not a number',
      ['classify', '--model', 'MODEL', '--topk', 'five', 'IMAGE'],
      /--topk/,
    ],
    ['--topk 0 (outside 1–50)', ['classify', '--model', 'MODEL', '--topk', '0', 'IMAGE'], /topk/],
    ['no images', ['classify', '--model', 'MODEL'], /Give the images to classify, or --dir DIR/],
    [
      'an .onnx path that does not exist',
      ['classify', '--model', 'nothing-here.onnx', 'IMAGE'],
      /nothing-here\.onnx/,
    ],
    [
      'preprocessing flags on a catalog model',
      ['classify', '--model', 'MobileNetV2', '--crop', '200', 'IMAGE'],
      /FILE\.onnx only|\.onnx file/,
    ],
    ['an unknown flag', ['classify', '--model', 'MODEL', '--colour', 'IMAGE'], /colour/],
  ])('exit 2 for bad arguments: %s', async (_name, argv, message) => {
    const args = argv.map((a) => (a === 'MODEL' ? files.model : a === 'IMAGE' ? files.red : a))
    const run = await zoo(args)
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
    expect(run.err).toMatch(/Usage: zoo classify/)
    expect(run.out).toBe('')
  })

  it('exit 1 when the model is not available: a catalog model without weights', async () => {
    const run = await zoo(['classify', '--model', 'MobileNetV2', files.red])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(/MobileNetV2 has no runnable weights/)
    expect(run.err).toMatch(/zoo attach/)
  })

  it('exit 1 for a file that is not an ONNX model, saying so', async () => {
    const run = await zoo(['classify', '--model', files.garbage, files.red])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(/not a valid ONNX model|cannot load/)
  })

  it('zoo attach --model ID, then classify by the catalog id (no fixtures needed)', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const attach = await zoo(
      ['attach', files.imagenetLike, '--model', 'MobileNetV2', '--json'],
      dataDir,
    )
    expect(attach.code).toBe(0)
    const model = JSON.parse(attach.out) as LocalModel
    expect(model).toMatchObject({ id: 'MobileNetV2', source: 'catalog', classes: 1000 })

    const run = await zoo(['classify', '--model', 'MobileNetV2', files.red, '--json'], dataDir)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out) as ClassifyResult
    const labels = shippedLabels()
    const [first] = result.results
    expect(first?.ok).toBe(true)
    if (first?.ok) for (const s of first.top) expect(s.label).toBe(labels[s.index])
  })

  it('zoo attach as a custom model with --labels, then classify by its custom: id', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const attach = await zoo(
      ['attach', files.model, '--name', 'Colours', '--labels', files.labels, '--json'],
      dataDir,
    )
    expect(attach.code).toBe(0)
    const model = JSON.parse(attach.out) as LocalModel
    expect(model).toMatchObject({ name: 'Colours', source: 'custom', classes: 4, labels: 'custom' })

    const run = await zoo(['classify', '--model', model.id, files.red], dataDir)
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/^Colours \(32×32\)$/m)
    expect(run.out).toMatch(/^\s+\d+\.\d\d %\s+0\s+red$/m)
  })

  it('zoo attach: exit 1 for a file that is not ONNX, exit 2 for --name with --model', async () => {
    const dataDir = tempDirForTest('zoo-cli')
    const garbage = await zoo(['attach', files.garbage], dataDir)
    expect(garbage.code).toBe(1)
    expect(garbage.err).toMatch(/ONNX/)
    const both = await zoo(
      ['attach', files.model, '--model', 'MobileNetV2', '--name', 'x'],
      dataDir,
    )
    expect(both.code).toBe(2)
    const wrongClasses = await zoo(['attach', files.model, '--model', 'MobileNetV2'], dataDir)
    expect(wrongClasses.code).toBe(1)
    expect(wrongClasses.err).toMatch(/4 classes/)
  })
})
