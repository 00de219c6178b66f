/**
 * The generated test models load in onnxruntime-node and do what the other tests rely on: the
 * tiny classifier computes Σ mean_k · W[k][c] + B[c]; the broken ones are broken in one way each.
 */
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { random } from './helpers/images'
import { failingModel, oneChannelModel, rank3Model, tinyClassifier } from './helpers/onnxBuilder'

async function metadata(bytes: Uint8Array) {
  // Errors only as exceptions: the failing model would otherwise log each failure to stderr.
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 })
  const shapes = {
    inputs: session.inputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] })),
    outputs: session.outputMetadata.map((m) => ({
      name: m.name,
      shape: m.isTensor ? m.shape : [],
    })),
  }
  return { session, shapes }
}

describe('onnxBuilder', () => {
  it('the tiny classifier loads, and its scores are the channel means times W plus B', async () => {
    const model = tinyClassifier({ classes: 5 })
    const { session, shapes } = await metadata(model.bytes)
    expect(shapes).toEqual({
      inputs: [{ name: 'input', shape: ['N', 3, 32, 32] }],
      outputs: [{ name: 'logits', shape: ['N', 5] }],
    })
    // Two images of random pixels: the expected scores come from their channel means.
    const next = random(17)
    const data = Float32Array.from({ length: 2 * 3 * 32 * 32 }, () => next() * 4 - 2)
    const output = await session.run({ input: new ort.Tensor('float32', data, [2, 3, 32, 32]) })
    const logits = output.logits!
    expect(logits.dims).toEqual([2, 5])
    for (let n = 0; n < 2; n++) {
      const means = [0, 1, 2].map((k) => {
        let sum = 0
        for (let i = 0; i < 1024; i++) sum += data[(n * 3 + k) * 1024 + i]!
        return sum / 1024
      })
      for (let c = 0; c < 5; c++) {
        const expected =
          model.spec.bias[c]! + means.reduce((s, m, k) => s + m * model.spec.weights[k]![c]!, 0)
        expect((logits.data as Float32Array)[n * 5 + c]).toBeCloseTo(expected, 4)
      }
    }
    await session.release()
  })

  it('the tiny classifier can take a fixed 224 px input and 1000 classes', async () => {
    const { session, shapes } = await metadata(
      tinyClassifier({ classes: 1000, inputSize: 224 }).bytes,
    )
    expect(shapes.inputs[0]!.shape).toEqual(['N', 3, 224, 224])
    expect(shapes.outputs[0]!.shape).toEqual(['N', 1000])
    await session.release()
  })

  it('the rank-3 and 1-channel models load with those inputs', async () => {
    const rank3 = await metadata(rank3Model())
    expect(rank3.shapes.inputs[0]!.shape).toEqual(['N', 3, 32])
    const one = await metadata(oneChannelModel())
    expect(one.shapes.inputs[0]!.shape).toEqual(['N', 1, 32, 32])
    await Promise.all([rank3.session.release(), one.session.release()])
  })

  it('the failing model loads but throws on every run', async () => {
    const { session, shapes } = await metadata(failingModel())
    expect(shapes.inputs[0]!.shape).toEqual(['N', 3, 32, 32])
    for (const n of [1, 2]) {
      const input = new ort.Tensor('float32', new Float32Array(n * 3 * 32 * 32), [n, 3, 32, 32])
      await expect(session.run({ input })).rejects.toThrow(/Reshape/)
    }
    await session.release()
  })
})
