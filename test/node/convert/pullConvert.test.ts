/**
 * Pull → classify with no attach: a catalog model's Paddle archive, served by a real HTTP server
 * on 127.0.0.1, is converted right after the download (the download shows "converting"),
 * recorded in the conversions table, run once on the sample images (its self-check), and then
 * runs by catalog id — in the API and in `zoo classify --model`. An archive cached before (no
 * conversion yet) converts on first use; two cores on one data folder convert it once; an
 * archive with an operator the converter lacks is still cached, says why it cannot run, and
 * classifying it says the same; a 3-class export filed under an ImageNet entry is flagged.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONVERTER_VERSION } from '../../../src/main/convert/convertPaddle'
import { zoo } from '../helpers/runZoo'
import { openTestCore } from '../helpers/testCore'
import { openWeightsCore, pullNow, type WeightsCore } from '../weights/helpers/weightsFixture'
import { attr, paramsFile, program } from '../../support/paddle/paddleWriter'
import { paddleClassifierFiles } from '../../support/paddle/modelFiles'
import { modelArchive } from '../../support/ustar'
import { projectRoot } from '../helpers/paths'

const MODEL = 'ResNet50_vd'
const sample = join(projectRoot, 'resources', 'samples', 'ILSVRC2012_val_00000010.jpeg')

function serve(weights: WeightsCore, files: Record<string, Buffer>, modelId = MODEL): void {
  weights.server.put(weights.pathOf(modelId), modelArchive(`${modelId}_infer`, files))
}

const conversionRows = (weights: WeightsCore) =>
  weights.core.db.prepare('SELECT * FROM conversions').all() as {
    source_sha256: string
    converter_version: string
    ops_json: string
    self_check_json: string | null
  }[]

describe('a pulled Paddle archive becomes runnable', () => {
  it('is converted after the download, self-checked, and classifies by catalog id', async () => {
    const weights = await openWeightsCore()
    serve(weights, paddleClassifierFiles({ size: 224 }))
    const artifact = await pullNow(weights)
    const states = weights.events.filter((e) => e.modelId === MODEL).map((e) => e.state)
    expect(states).toContain('converting')
    expect(states.indexOf('converting')).toBeGreaterThan(states.indexOf('extracting'))

    const [row] = conversionRows(weights)
    expect(row).toMatchObject({
      source_sha256: artifact.sha256,
      converter_version: CONVERTER_VERSION,
    })
    expect(JSON.parse(row!.ops_json)).toMatchObject({ matmul_v2: 1, softmax: 1, pool2d: 1 })

    const local = weights.core.inference.models().find((m) => m.id === MODEL)
    expect(local).toMatchObject({ origin: 'converted', source: 'catalog', classes: 1000 })
    // The self-check ran on the four sample images; these weights are not ResNet's, so the
    // documented classes are (almost surely) missed and the download says so.
    expect(local!.selfCheck!.images).toHaveLength(4)
    expect(local!.selfCheck!.images.every((i) => i.top1 !== null)).toBe(true)
    expect(local!.selfCheck!.checked).toBe(3)
    const final = weights.events.filter((e) => e.modelId === MODEL).at(-1)!
    expect(final.state).toBe('done')
    if (local!.selfCheck!.agreed < 3)
      expect(final.runWarning).toMatch(/documented class for \d of 3 sample images/)

    const result = await weights.core.inference.classify({
      model: { catalogId: MODEL },
      images: [{ path: sample }],
    })
    const first = result.results[0]!
    expect(first.ok).toBe(true)
    if (first.ok) expect(first.top[0]!.label).toMatch(/\w/)
    expect(result.model.catalogId).toBe(MODEL)

    // Removing the archive takes its conversion with it: the row, the link and the ONNX blob.
    const onnx = weights.core.blobs.blobPath(
      (conversionRows(weights)[0] as unknown as { onnx_sha256: string }).onnx_sha256,
    )
    expect(existsSync(onnx)).toBe(true)
    await weights.core.weights.remove(`${MODEL}:inference`)
    expect(conversionRows(weights)).toEqual([])
    expect(weights.core.inference.models()).toEqual([])
    expect(existsSync(onnx)).toBe(false)
  })

  it('runs with `zoo classify --model` after `zoo pull`, no attach', async () => {
    const weights = await openWeightsCore()
    serve(weights, paddleClassifierFiles({ size: 224 }))
    weights.core.close()
    const env = { ZOO_MIRROR: weights.server.url }
    const pull = await zoo(['pull', MODEL], weights.dataDir, env)
    expect(pull.code, pull.err).toBe(0)
    const run = await zoo(['classify', '--model', MODEL, sample, '--json'], weights.dataDir, env)
    expect(run.code, run.err).toBe(0)
    expect(run.out).toContain('"ok": true')
  })

  it('converts an archive cached before on first use, once for two cores on one data folder', async () => {
    const weights = await openWeightsCore()
    serve(weights, paddleClassifierFiles({ size: 224 }))
    await pullNow(weights)
    // As a version without the converter left it: the archive cached, no conversion, no link.
    weights.core.db.exec(
      `DELETE FROM conversions; DELETE FROM model_files WHERE kind = 'converted'`,
    )
    expect(weights.core.inference.models()).toEqual([])

    const other = openTestCore({
      dataDir: weights.dataDir,
      env: { ZOO_MIRROR: weights.server.url },
    })
    const classify = (core: typeof other.core) =>
      core.inference.classify({ model: { catalogId: MODEL }, images: [{ path: sample }] })
    const [a, b] = await Promise.all([classify(weights.core), classify(other.core)])
    expect(a.results[0]!.ok && b.results[0]!.ok).toBe(true)
    expect(conversionRows(weights)).toHaveLength(1)
    expect(other.core.inference.models().map((m) => m.origin)).toEqual(['converted'])
  })

  it('keeps an archive with an unsupported operator cached, and says why it cannot run', async () => {
    const weights = await openWeightsCore()
    const model = program({
      vars: [
        { name: 'x', dims: [-1, 3, 224, 224] },
        { name: 'y', dims: [-1, 3, 224, 224] },
      ],
      ops: [
        {
          type: 'unique',
          inputs: { X: ['x'] },
          outputs: { Out: ['y'] },
          attrs: { shifts: attr.ints([1]) },
        },
      ],
      feeds: ['x'],
      fetches: ['y'],
    })
    serve(weights, {
      'inference.pdmodel': Buffer.from(model),
      'inference.pdiparams': Buffer.from(paramsFile([])),
    })
    const artifact = await pullNow(weights)
    expect(artifact.contents?.format).toBe('paddle2')
    const final = weights.events.filter((e) => e.modelId === MODEL).at(-1)!
    expect(final.state).toBe('done')
    expect(final.runWarning).toMatch(
      /Downloaded, but not runnable: ResNet50_vd cannot be converted to ONNX yet: its operator unique is not supported/,
    )
    const failure = await weights.core.inference
      .classify({ model: { catalogId: MODEL }, images: [{ path: sample }] })
      .catch((e: unknown) => e as { code: string; message: string })
    expect(failure).toMatchObject({ code: 'CONVERSION_UNSUPPORTED' })
    expect((failure as { message: string }).message).toMatch(/unique/)
  })

  it('warns when the export’s output width is not the catalog entry’s class count', async () => {
    const weights = await openWeightsCore()
    serve(weights, paddleClassifierFiles({ size: 224, classes: 3 }))
    await pullNow(weights)
    const final = weights.events.filter((e) => e.modelId === MODEL).at(-1)!
    expect(final.runWarning).toMatch(
      /gives 3 scores per image, but its catalog entry has 1000 classes/,
    )
    const result = await weights.core.inference.classify({
      model: { catalogId: MODEL },
      images: [{ path: sample }],
    })
    const first = result.results[0]!
    // ImageNet's names do not apply to a 3-class export: the classes are shown by index.
    expect(first.ok && first.top.length).toBe(3)
  })

  it('keeps a model past the inline limit as a folder with its weights beside it, and runs it', async () => {
    // The limit made small: what ResNeXt101_32x48d_wsl's 3.3 GB of weights do at the real one.
    const weights = await openWeightsCore({ convertInlineLimit: 1024 })
    serve(weights, paddleClassifierFiles({ size: 224 }))
    await pullNow(weights)
    const local = weights.core.inference.models().find((m) => m.id === MODEL)!
    expect(local.origin).toBe('converted')
    const folder = join(weights.dirs.extracted, local.sha256)
    expect(readdirSync(folder).sort()).toEqual(['model.onnx', 'model.onnx.data'])
    expect(statSync(join(folder, 'model.onnx.data')).size).toBeGreaterThanOrEqual(1000 * 3 * 4)
    const result = await weights.core.inference.classify({
      model: { catalogId: MODEL },
      images: [{ path: sample }],
    })
    expect(result.results[0]!.ok).toBe(true)
    // Nothing left in staging; removing the archive removes the folder.
    expect(readdirSync(weights.dirs.extracted).filter((n) => n.includes('staging'))).toEqual([])
    await weights.core.weights.remove(`${MODEL}:inference`)
    expect(existsSync(folder)).toBe(false)
  })
})
