/**
 * Facts of the real models in ../shared/fixtures against figures from elsewhere:
 *
 * - mobilenetv2-12-int8.onnx (MobileNetV2 1.0, QDQ int8): about 3.5 M params and 300 M
 *   multiply-adds, as MobileNetV2 is known by. The int8 graph has its batch norms folded into the
 *   convs, so it has 17,056 conv biases where the float model has 4 × 17,056 BN tensors:
 *   3,504,872 − 34,112 + 17,056 = 3,487,816 params. By paddle.flops's rule each conv bias adds
 *   one per output element, 6.7 M in all, so its paddle-convention MACs are 307.5 M (+2.5 %);
 *   the products with weights alone are the familiar 300.8 M.
 * - the Paddle export (MobileNetV3_small_x0_35, 3 classes): the graph's params are exactly its
 *   inference.pdiparams tensors, batch-norm running statistics included — nothing in the params
 *   file is left out by the zoo (Paddle registers BN means and variances as parameters; the zoo's
 *   MobileNetV2 3.54 M is torchvision's 3.50 M plus its 34,112 running statistics). With the head
 *   widened to 1,000 classes, params and MACs give the zoo's published 1.67 M and 14.56 M.
 * - the app's own conversion of the same Paddle pair, inline and with external data: the same.
 */
import { readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CatalogModel } from '../../../src/shared/catalog/types'
import { convertPaddleModel } from '../../../src/main/convert/convertPaddle'
import { modelFacts } from '../../../src/main/facts/modelFacts'
import { readOnnxGraph } from '../../../src/main/facts/readOnnxGraph'
import { programParams, walkParams } from '../../../src/main/paddle/paramsFile'
import { FileCursor, positionalFile } from '../../../src/main/paddle/positionalFile'
import { opInputs, parseProgramDesc } from '../../../src/main/paddle/programDesc'
import type { ModelFacts } from '../../../src/shared/contract/facts'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'
import { fixturesDir, haveShared, mobileNetV2 } from '../inference/helpers/sharedFixtures'

const paddleDir = join(fixturesDir, 'models', 'paddle-mobilenetv3-small-3class')
const pdmodel = join(paddleDir, 'inference.pdmodel')
const pdiparams = join(paddleDir, 'inference.pdiparams')
const paddleOnnx = join(paddleDir, 'model.onnx')

async function factsOf(path: string): Promise<ModelFacts> {
  const graph = await readOnnxGraph(path)
  return modelFacts(graph, { fileBytes: graph.fileBytes })
}

const within = (value: number, target: number, fraction: number) =>
  Math.abs(value - target) / target <= fraction

describe.skipIf(!haveShared('the MobileNetV2 int8 facts test', [mobileNetV2.path]))(
  'MobileNetV2 int8 (QDQ)',
  () => {
    it('has 3.5 M params and 300 M multiply-adds at 224, every node counted', async () => {
      const facts = await factsOf(mobileNetV2.path)
      expect(facts.inputShape).toEqual([1, 3, 224, 224])
      expect(facts.notCounted).toEqual([])
      expect(facts.opset).toBe(12)
      expect(facts.ops).toContainEqual({ type: 'QLinearConv', count: 52 })
      expect(facts.params).toBe(3_487_816)
      expect(within(facts.params, 3.5e6, 0.02)).toBe(true)
      // 240 scales and zero points of the Q/DQ and QLinear ops, not parameters.
      expect(facts.paramsExcluded).toContainEqual({
        kind: 'quantization',
        tensors: 240,
        elements: 36_246,
      })
      expect(within(facts.weightMacs, 300e6, 0.02)).toBe(true)
      // paddle.flops's MACs: + the folded biases (one per conv output element) + pooling.
      expect(within(facts.macs, 300e6, 0.03)).toBe(true)
      expect(facts.macs - facts.weightMacs).toBe(6_678_112 + 64_000)
      expect(facts.flops).toBe(2 * facts.macs)
    })
  },
)

describe.skipIf(!haveShared('the Paddle export facts tests', [pdmodel, pdiparams, paddleOnnx]))(
  'the Paddle export and its ONNX graphs',
  () => {
    let paramsFileElements = 0
    let bnStatistics = 0
    let theirs: ModelFacts

    beforeAll(async () => {
      const program = parseProgramDesc(readFileSync(pdmodel))
      const stats = new Set(
        program.blocks
          .flatMap((b) => b.ops)
          .filter((op) => op.type === 'batch_norm')
          .flatMap((op) => [...opInputs(op, 'Mean'), ...opInputs(op, 'Variance')]),
      )
      const handle = await open(pdiparams)
      try {
        const { size } = await handle.stat()
        const cursor = new FileCursor(positionalFile(handle, size))
        for await (const t of walkParams(cursor, programParams(program))) {
          const elements = t.dims.reduce((a, b) => a * b, 1)
          paramsFileElements += elements
          if (stats.has(t.name)) bnStatistics += elements
        }
      } finally {
        await handle.close()
      }
      theirs = await factsOf(paddleOnnx)
    })

    it("paddle2onnx's graph has exactly the params file's tensors as params", () => {
      expect(paramsFileElements).toBe(393_069)
      expect(theirs.params).toBe(paramsFileElements)
      expect(theirs.paramsBnStatistics).toBe(bnStatistics)
      expect(bnStatistics).toBe(4_272)
      // The graph's other constants: a Reshape's target and Slice bounds, and one scalar.
      expect(theirs.paramsExcluded).toEqual([
        { kind: 'shape', tensors: 4, elements: 4 },
        { kind: 'scalar', tensors: 1, elements: 1 },
      ])
      expect(theirs.notCounted).toEqual([])
    })

    it("gives the zoo's published figures for MobileNetV3_small_x0_35 once the head has 1,000 classes", () => {
      const models = JSON.parse(
        readFileSync(join(projectRoot, 'resources', 'catalog', 'models.json'), 'utf8'),
      ) as CatalogModel[]
      const entry = models.find((m) => m.id === 'MobileNetV3_small_x0_35')!
      // The fixture's head is linear 1280 → 3; the zoo's is 1280 → 1000.
      const wider = 997
      const params = theirs.params + 1280 * wider + wider
      const macs = theirs.macs + 1280 * wider
      expect((params / 1e6).toFixed(2)).toBe(entry.paramsM!.source.raw)
      expect((macs / 1e6).toFixed(2)).toBe(entry.flopsG!.source.raw)
    })

    it("the app's own conversion, inline and with external data, has the same facts", async () => {
      const dir = tempDirForTest('facts-convert')
      for (const [file, inlineLimit] of [
        ['inline.onnx', undefined],
        ['external.onnx', 4096],
      ] as const) {
        const out = join(dir, file)
        await convertPaddleModel({
          model: pdmodel,
          params: pdiparams,
          out,
          ...(inlineLimit ? { inlineLimit } : {}),
        })
        const ours = await factsOf(out)
        expect(ours.externalData).toBe(inlineLimit !== undefined)
        expect(ours.params).toBe(theirs.params)
        expect(ours.paramsBnStatistics).toBe(theirs.paramsBnStatistics)
        // The converter keeps conv biases as Adds; paddle.flops counts them in the conv all the same.
        expect(ours.macs).toBe(theirs.macs)
        expect(ours.weightMacs).toBe(theirs.weightMacs)
        expect(ours.notCounted).toEqual([])
      }
    })
  },
)
