/**
 * `zoo facts` and `inference.facts`: a file's facts as a table and as JSON (the hand-counted conv
 * net of helpers/tinyGraphs.ts), a catalog model with the int8 MobileNetV2 attached beside the
 * zoo's published figures (its paddle-convention MACs 6 % under the zoo's 327.84 M: flagged),
 * the built CLI as a user runs it, and the refusals: a model without weights, a name nothing
 * has, a size out of range.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openAppCore } from '../../../src/main/core/appCore'
import type { ModelFactsReport } from '../../../src/shared/contract'
import { zoo, zooProcess } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { haveShared, mobileNetV2 } from '../inference/helpers/sharedFixtures'
import { convNet } from './helpers/tinyGraphs'

function netFile(): string {
  const path = join(tempDirForTest('zoo-facts'), 'net.onnx')
  writeFileSync(path, convNet('S'))
  return path
}

describe('zoo facts FILE', () => {
  it('prints the measured figures, the input shape and the conventions', async () => {
    const run = await zoo(['facts', netFile(), '--size', '32'])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const lines = run.out.split('\n')
    expect(lines[0]).toBe(
      'net.onnx: measured from its ONNX graph at x [1, 3, 32, 32] (open dims: S = 32, S = 32)',
    )
    expect(lines[1]).toBe('opset 13, IR 7, producer zoo-explorer-tests 1')
    // 418 params, 82,008 MACs (hand-counted), 73,808 with weights only, 164,016 FLOPs.
    expect(run.out).toMatch(/^params +418 +— +—$/m)
    expect(run.out).toMatch(/^MACs \(paddle\.flops, the zoo's "FLOPs"\) +0\.08 M +— +—$/m)
    expect(run.out).toMatch(/^FLOPs \(2 × all MACs\) +0\.16 M/m)
    expect(run.out).toContain('Of the params, 16 are batch-norm running means and variances.')
    expect(run.out).toContain('Every node was counted.')
    expect(run.out).toMatch(/Conventions:\n {2}params: elements of the weight tensors/)
  })

  it('--json gives the report with every count', async () => {
    const run = await zoo(['facts', netFile(), '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.out) as ModelFactsReport
    expect(report.model).toEqual({
      id: expect.stringMatching(/net\.onnx$/),
      name: 'net.onnx',
      catalogId: null,
    })
    expect(report.published).toBeNull()
    expect(report.facts).toMatchObject({ inputShape: [1, 3, 224, 224], params: 418 })
    // At 224: (224/2)² = 12,544 positions per channel.
    const positions = 112 * 112 * 8
    expect(report.facts.macs).toBe(
      positions * 28 + 2 * positions + positions * 9 + 8 * (112 * 112 + 1) + 80,
    )
  })

  it('refuses a size out of range, a name nothing has, and a catalog model without weights', async () => {
    const size = await zoo(['facts', netFile(), '--size', '3'])
    expect(size.code).toBe(2)
    expect(size.err).toMatch(/--size 3: give a whole number of pixels from 8 to 4096/)
    const unknown = await zoo(['facts', 'NoSuchNet_x9'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/\[NOT_FOUND\]$/)
    const bare = await zoo(['facts', 'ResNet50', '--json'])
    expect(bare.code).toBe(1)
    expect(bare.err).toMatch(
      /^zoo facts: ResNet50 has no ONNX model on this computer .*\[MODEL_NOT_AVAILABLE\]$/,
    )
    expect(JSON.parse(bare.out)).toMatchObject({
      ok: false,
      error: { code: 'MODEL_NOT_AVAILABLE' },
    })
    const missing = await zoo(['facts', '/no/such/model.onnx'])
    expect(missing.err).toMatch(/\[NOT_FOUND\]$/)
  })

  it('runs from the built CLI', async () => {
    const run = await zooProcess([
      'facts',
      netFile(),
      '--json',
      '--data-dir',
      tempDirForTest('zoo-facts-data'),
    ])
    expect(run.code).toBe(0)
    expect((JSON.parse(run.out) as ModelFactsReport).facts.params).toBe(418)
  })
})

describe.skipIf(!haveShared('the zoo facts catalog-model tests', [mobileNetV2.path]))(
  'a catalog model with ONNX weights',
  () => {
    it('puts the measured figures beside the published ones and flags a gap past 5 %', async () => {
      const data = tempDirForTest('zoo-facts-data')
      expect((await zoo(['attach', mobileNetV2.path, '--model', 'MobileNetV2'], data)).code).toBe(0)
      const run = await zoo(['facts', 'mobilenetv2'], data)
      expect(run.code).toBe(0)
      expect(run.err).toBe('mobilenetv2 → MobileNetV2 (display name)')
      expect(run.out).toMatch(/^params +3\.488 M +3\.54 M +-1\.5 %$/m)
      expect(run.out).toMatch(
        /^MACs \(paddle\.flops, the zoo's "FLOPs"\) +307\.52 M +327\.84 M +-6\.2 % {2}← over 5 %$/m,
      )
      expect(run.out).toMatch(/^MACs with weights only +300\.77 M +— +—$/m)
    })

    it('answers over the API with the differences as fractions', async () => {
      const core = openAppCore({ dataDir: tempDirForTest('zoo-core'), host: 'cli' })
      try {
        await core.inference.attach({
          source: { path: mobileNetV2.path },
          catalogId: 'MobileNetV2',
        })
        const result = await core.dispatch(
          'inference.facts',
          { model: { catalogId: 'MobileNetV2' } },
          { face: 'test' },
        )
        if (!result.ok) throw new Error(result.error.message)
        const { published, difference, facts } = result.value
        expect(published).toMatchObject({ paramsM: 3.54, flopsG: 0.32784, inputSize: 224 })
        expect(difference.params).toBeCloseTo(3.487816 / 3.54 - 1, 9)
        expect(difference.macs).toBeCloseTo(0.307516384 / 0.32784 - 1, 9)
        expect(facts.inputShape).toEqual([1, 3, 224, 224])
        const invalid = await core.dispatch(
          'inference.facts',
          { model: { catalogId: 'MobileNetV2' }, inputSize: 2 },
          { face: 'test' },
        )
        expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      } finally {
        core.close()
      }
    })
  },
)
