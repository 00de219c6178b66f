/**
 * `zoo convert` on a folder and on a PaddleClas-style `_infer.tar` of a classifier-shaped model
 * made here: the ONNX it writes runs in onnxruntime with the program's input name and gives
 * softmax rows; a Paddle 3 folder, a folder with no model, and an existing output are refused
 * with the reason and the exit status scripts rely on.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { convertFolder } from '../../../src/main/convert/convertSource'
import { zoo } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { paddle3Files, paddleClassifierFiles } from '../../support/paddle/modelFiles'
import { modelArchive } from '../../support/ustar'

function writeFolder(dir: string, files: Record<string, Buffer>): string {
  mkdirSync(dir, { recursive: true })
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body)
  return dir
}

async function softmaxRows(path: string, classes: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(path)
  try {
    expect(session.inputNames).toEqual(['x'])
    const input = new ort.Tensor(
      'float32',
      new Float32Array(2 * 3 * 32 * 32).fill(0.5),
      [2, 3, 32, 32],
    )
    const out = (await session.run({ x: input }))[session.outputNames[0]!]!
    expect(out.dims).toEqual([2, classes])
    const data = out.data as Float32Array
    return [0, 1].map((row) =>
      data.slice(row * classes, (row + 1) * classes).reduce((a, b) => a + b, 0),
    )
  } finally {
    await session.release()
  }
}

describe('zoo convert', () => {
  it('converts a folder to DIR.onnx beside it and says what it converted', async () => {
    const dir = tempDirForTest('cli-convert')
    const folder = writeFolder(join(dir, 'Tiny_infer'), paddleClassifierFiles({ classes: 10 }))
    const run = await zoo(['convert', folder])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toMatch(
      /^Converted 5 operators \(5 types\) in \d+\.\d\d s → .*Tiny_infer\.onnx/,
    )
    expect(run.out).toMatch(/input x \[N, 3, 32, 32\]; output output \[N, 10\]; ONNX opset 17/)
    const sums = await softmaxRows(join(dir, 'Tiny_infer.onnx'), 10)
    sums.forEach((sum) => expect(sum).toBeCloseTo(1, 5))
    // A second run does not overwrite without --force.
    const again = await zoo(['convert', folder])
    expect(again.code).toBe(2)
    expect(again.err).toMatch(/Tiny_infer\.onnx exists: pass --force/)
    expect((await zoo(['convert', folder, '--force'])).code).toBe(0)
  })

  it('converts a PaddleClas _infer.tar, leaving no unpacked files behind, and prints JSON', async () => {
    const dir = tempDirForTest('cli-convert-tar')
    const tar = join(dir, 'Tiny_infer.tar')
    writeFileSync(tar, modelArchive('Tiny_infer', paddleClassifierFiles({ classes: 7 })))
    const out = join(dir, 'models', 'tiny.onnx')
    mkdirSync(join(dir, 'models'))
    const run = await zoo(['convert', tar, '--out', out, '--json'])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out) as {
      out: string
      opset: number
      ops: Record<string, number>
    }
    expect(result).toMatchObject({ out, opset: 17, ops: { matmul_v2: 1, softmax: 1 } })
    expect(readdirSync(join(dir, 'models'))).toEqual(['tiny.onnx'])
    ;(await softmaxRows(out, 7)).forEach((sum) => expect(sum).toBeCloseTo(1, 5))
  })

  it('says a Paddle 3 program is not supported yet, naming the model', async () => {
    const dir = tempDirForTest('cli-convert-pir')
    const folder = writeFolder(join(dir, 'PPHGNetV2_B0_infer'), paddle3Files())
    const run = await zoo(['convert', folder])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(
      /PPHGNetV2_B0_infer is in the Paddle 3 format \(inference\.json.*not support.*\[CONVERSION_UNSUPPORTED\]/,
    )
    expect(existsSync(join(dir, 'PPHGNetV2_B0_infer.onnx'))).toBe(false)
  })

  it('refuses a folder without a model and a path that is not there', async () => {
    const dir = tempDirForTest('cli-convert-empty')
    const folder = writeFolder(join(dir, 'empty'), { 'README.txt': Buffer.from('hello') })
    const empty = await zoo(['convert', folder])
    expect(empty.code).toBe(1)
    expect(empty.err).toMatch(/holds no Paddle model.*\[ARCHIVE_CORRUPT\]/)
    const missing = await zoo(['convert', join(dir, 'nothing')])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/There is no file .*nothing.*\[NOT_FOUND\]/)
  })

  it('stops when cancelled, leaving no model behind', async () => {
    const dir = tempDirForTest('convert-cancel')
    const folder = writeFolder(join(dir, 'Tiny_infer'), paddleClassifierFiles({ classes: 10 }))
    const controller = new AbortController()
    const out = join(dir, 'tiny.onnx')
    const converting = convertFolder(folder, {
      out,
      signal: controller.signal,
      // Cancelled as the first operator is converted.
      onProgress: () => controller.abort(),
    })
    await expect(converting).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(dir)).toEqual(['Tiny_infer'])
  })
})
