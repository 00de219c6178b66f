/**
 * `zoo compare`: the real CLI in-process on a real catalog database, and once as a real process;
 * the Markdown and CSV it prints are read back with independent parsers and checked against
 * `zoo model --json`'s figures.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CatalogModelDetail } from '@shared/contract'
import type { ComparisonDocument } from '@shared/compare/comparisonDocument'
import { layOut } from './batch/helpers/analysisFixtures'
import { COLOUR_MODEL } from './inference/helpers/expected'
import { tinyClassifier, writeModel } from './inference/helpers/onnxBuilder'
import { parseCsv, parseMarkdownTable } from './compare/tableParsers'
import { zoo, zooProcess } from './helpers/runZoo'
import { tempDirForTest } from './helpers/tempDir'

async function detail(id: string, dataDir: string): Promise<CatalogModelDetail> {
  const run = await zoo(['model', id, '--json'], dataDir)
  return JSON.parse(run.out) as CatalogModelDetail
}

describe('zoo compare', () => {
  it('prints a Markdown table that parses back to the catalog figures, baseline marked', async () => {
    const dataDir = tempDirForTest('zoo-compare')
    const run = await zoo(
      ['compare', 'ResNet50', 'MobileNetV3_large_x1_0', 'PPLCNet_x1_0', '--baseline', 'ResNet50'],
      dataDir,
    )
    expect(run.code).toBe(0)
    expect(run.err).toBe('')
    const table = parseMarkdownTable(run.out)
    expect(table.header).toEqual([
      'Figure',
      'ResNet50 (baseline)',
      'MobileNetV3_large_x1_0',
      'PPLCNet_x1_0',
    ])
    const [r50, mnv3, lcnet] = await Promise.all(
      ['ResNet50', 'MobileNetV3_large_x1_0', 'PPLCNet_x1_0'].map((id) => detail(id, dataDir)),
    )
    const params = table.rows.find((r) => r[0] === 'Parameters')!
    // Fewest parameters in bold; deltas against ResNet50 in brackets, negative for smaller models.
    const fewest = Math.min(
      r50!.model.paramsM!.value,
      mnv3!.model.paramsM!.value,
      lcnet!.model.paramsM!.value,
    )
    const boldColumn = [r50, mnv3, lcnet].findIndex((d) => d!.model.paramsM!.value === fewest) + 1
    expect(params[boldColumn]).toMatch(/^\*\*[\d.]+ M\*\*/)
    expect(params[1]).toBe(`${r50!.model.paramsM!.source.raw} M`)
    const delta = /\((-[\d.]+) M, (-[\d.]+) %\)$/.exec(params[2]!)
    expect(delta).not.toBeNull()
    expect(Number(delta![1])).toBeCloseTo(mnv3!.model.paramsM!.value - r50!.model.paramsM!.value, 3)
    const top1 = table.rows.find((r) => r[0] === 'Top-1 accuracy')!
    expect(Number(/^[*]*([\d.]+) %/.exec(top1[1]!)![1])).toBeCloseTo(
      r50!.model.top1!.value * 100,
      6,
    )
    // Every latency any of them has is a row, with its platform and batch.
    const latencies = new Set(
      [r50, mnv3, lcnet].flatMap((d) =>
        d!.model.latencies.map((l) => `${l.platform}/${l.batchSize}/${l.threads}`),
      ),
    )
    expect(table.rows.filter((r) => r[0]!.startsWith('Latency · '))).toHaveLength(latencies.size)
  })

  it('prints CSV with numbers in each row’s unit and deltas per model', async () => {
    const run = await zoo([
      'compare',
      'ResNet50',
      'ResNet50_vd',
      '--format',
      'csv',
      '--baseline',
      'ResNet50_vd',
    ])
    expect(run.code).toBe(0)
    const { header, rows } = parseCsv(`${run.out}\r\n`)
    expect(header).toEqual([
      'figure',
      'row',
      'unit',
      'better',
      'ResNet50',
      'ResNet50_vd',
      'delta ResNet50',
      'delta% ResNet50',
    ])
    const flops = rows.find((r) => r[1] === 'flopsG')!
    expect(flops.slice(2, 4)).toEqual(['G', 'lower'])
    const [a, b] = [Number(flops[4]), Number(flops[5])]
    expect(Number(flops[6])).toBeCloseTo(a - b, 9)
    expect(Number(flops[7])).toBeCloseTo(((a - b) / b) * 100, 6)
    expect(rows.find((r) => r[1] === 'inputSize')![3]).toBe('none')
  })

  it('takes display names and older names, and says which id each is on stderr', async () => {
    const run = await zoo(['compare', 'ShuffleNetV2', 'ResNet50', '--format', 'json'])
    expect(run.code).toBe(0)
    expect(run.err).toMatch(/^ShuffleNetV2 → ShuffleNetV2_x1_0 \(older name/)
    const doc = JSON.parse(run.out) as ComparisonDocument
    expect(doc.models.map((m) => m.id)).toEqual(['ShuffleNetV2_x1_0', 'ResNet50'])
  })

  type Refusal = [name: string, argv: string[], message: RegExp]
  const refusals: Refusal[] = [
    ['one model', ['compare', 'ResNet50'], /takes 2 to 8 models, got 1/],
    [
      'nine models',
      ['compare', ...Array.from({ length: 9 }, (_, i) => `M${i}`)],
      /takes 2 to 8 models, got 9/,
    ],
    [
      'an unknown format',
      ['compare', 'ResNet50', 'ResNet50_vd', '--format', 'xls'],
      /--format xls/,
    ],
    [
      'a baseline not compared',
      ['compare', 'ResNet50', 'ResNet50_vd', '--baseline', 'PPLCNet_x1_0'],
      /PPLCNet_x1_0 is not one of the models compared/,
    ],
    [
      'the same model twice under two names',
      ['compare', 'ShuffleNetV2', 'ShuffleNetV2_x1_0'],
      /ShuffleNetV2 and ShuffleNetV2_x1_0 are the same model/,
    ],
  ]
  it.each(refusals)('refuses %s with a usage error (exit 2)', async (_name, argv, message) => {
    const run = await zoo(argv)
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
    expect(run.err).toContain('Usage: zoo compare')
    expect(run.out).toBe('')
  })

  it('fails on an unknown model with NOT_FOUND, not a table', async () => {
    const run = await zoo(['compare', 'ResNet50', 'NoSuchNet_x9'])
    expect(run.code).not.toBe(0)
    expect(run.err).toMatch(/NOT_FOUND|not found/i)
    expect(run.out).toBe('')
  })

  it('runs as a real zoo process: stdout is the Markdown, the resolution on stderr', async () => {
    const run = await zooProcess([
      'compare',
      'shufflenetv2',
      'PPLCNet_x1_0',
      '--data-dir',
      tempDirForTest('zoo-compare'),
    ])
    expect(run.code).toBe(0)
    expect(run.err).toContain('shufflenetv2 → ShuffleNetV2_x1_0')
    const table = parseMarkdownTable(run.out)
    expect(table.header).toEqual(['Figure', 'ShuffleNetV2_x1_0', 'PPLCNet_x1_0'])
    expect(table.rows.find((r) => r[0] === 'Input size')![1]).toBe('224 px')
  })
})

/** The colour model with ImageNet's 1000 outputs at ResNet50's 224 px input, to attach to it. */
function colourModel224(dir: string): string {
  const weights = COLOUR_MODEL.weights.map((row) => [...row, ...new Array<number>(996).fill(0)])
  const bias = [...COLOUR_MODEL.bias, ...new Array<number>(996).fill(-20)]
  return writeModel(dir, 'colour-224.onnx', tinyClassifier({ weights, bias, inputSize: 224 }).bytes)
}

describe('zoo compare with local results', () => {
  it('adds a local top-1 row from a finished labelled batch job of a catalog model', async () => {
    const dir = tempDirForTest('zoo-compare-local')
    const data = join(dir, 'data')
    const root = join(dir, 'pets')
    // Subfolders named by class index: 5 of the 6 files are the class of their folder.
    await layOut(root, { '0': ['red', 'red', 'red'], '1': ['green', 'green', 'blue'] })
    const attach = await zoo(['attach', colourModel224(dir), '--model', 'ResNet50'], data)
    expect(attach.code, attach.err).toBe(0)
    const run = await zoo(['classify', '--model', 'ResNet50', '--dir', root, '--recursive'], data)
    expect(run.code, run.err).toBe(0)

    const csv = await zoo(['compare', 'ResNet50', 'ResNet50_vd', '--format', 'csv'], data)
    expect(csv.code, csv.err).toBe(0)
    const { rows } = parseCsv(`${csv.out}\r\n`)
    const local = rows.find((r) => /^local\/[^/]+\/top1$/.test(r[1]!))
    expect(local, csv.out).toBeDefined()
    expect(local![0]).toBe('Top-1 accuracy on pets (6 files) · local')
    expect(Number(local![4])).toBeCloseTo((5 / 6) * 100, 4)
    expect(local![5]).toBe('')
    // The published figure stays its own row.
    expect(rows.find((r) => r[1] === 'top1')![4]).toBe('76.5')
  }, 60_000)
})
