import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CatalogModelDetail } from '@shared/contract'
import { readCatalogBundle } from '../../src/main/catalog/catalogBundle'
import { projectRoot } from './helpers/paths'
import { zoo } from './helpers/runZoo'

const { models } = readCatalogBundle(join(projectRoot, 'resources'))

interface JsonModel {
  id: string
  series: string
  top1: number | null
  top5: number | null
  paramsM: number | null
  flopsG: number | null
  latencies: {
    platform: string
    batchSize: number
    threads: number | null
    ms: number
    line: number
  }[]
  downloads: { pretrained: string | null; inference: string | null }
}

async function modelsJson(args: string[]): Promise<JsonModel[]> {
  const run = await zoo(['models', '--json', ...args])
  expect(run.err).toBe('')
  expect(run.code).toBe(0)
  return JSON.parse(run.out) as JsonModel[]
}

describe('zoo models', () => {
  it('--json prints every model with fraction accuracies, latencies and download links', async () => {
    const rows = await modelsJson([])
    expect(rows).toHaveLength(models.length)
    for (const row of rows) {
      const model = models.find((m) => m.id === row.id)!
      expect(row.series).toBe(model.series)
      expect(row.top1).toBe(model.top1?.value ?? null)
      expect(row.top5).toBe(model.top5?.value ?? null)
      if (row.top1 !== null) expect(row.top1).toBeLessThan(1)
      expect(row.paramsM).toBe(model.paramsM?.value ?? null)
      expect(row.flopsG).toBe(model.flopsG?.value ?? null)
      expect(row.latencies).toEqual(
        model.latencies.map(({ platform, batchSize, threads, ms, source }) => ({
          platform,
          batchSize,
          threads,
          ms,
          line: source.line,
        })),
      )
      expect(row.downloads).toEqual({
        pretrained: model.downloads.pretrained,
        inference: model.downloads.inference,
      })
    }
  })

  it('filters by series (comma-separated), searches, and sorts by top-1 descending', async () => {
    const rows = await modelsJson(['--series', 'ResNet,PP-LCNet', '--sort', 'top1'])
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(['ResNet', 'PP-LCNet']))
    expect(rows).toHaveLength(
      models.filter((m) => ['ResNet', 'PP-LCNet'].includes(m.series)).length,
    )
    const top1 = rows.map((r) => r.top1!)
    expect(top1).toEqual([...top1].sort((a, b) => b - a))

    const found = await modelsJson([
      '--search',
      'MobileNetV3_large',
      '--order',
      'asc',
      '--sort',
      'flopsG',
    ])
    expect(found.length).toBeGreaterThan(3)
    expect(found.every((r) => r.id.startsWith('MobileNetV3_large'))).toBe(true)
    const flops = found.map((r) => r.flopsG!)
    expect(flops).toEqual([...flops].sort((a, b) => a - b))
  })

  it('keeps models within --min/--max ranges, latency included', async () => {
    const rows = await modelsJson([
      '--platform',
      'v100-trt-fp32',
      '--batch',
      '8',
      '--max',
      'latency=4',
      '--min',
      'top1=0.7',
    ])
    const expected = models.filter((m) => {
      const ms = m.latencies.find((l) => l.platform === 'v100-trt-fp32' && l.batchSize === 8)?.ms
      return ms !== undefined && ms <= 4 && (m.top1?.value ?? 0) >= 0.7
    })
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((m) => m.id).sort())
  })

  it('prints a readable table with percent accuracies and the latency key in its header', async () => {
    const run = await zoo(['models', '--series', 'PP-LCNet', '--platform', 'xeon6148-paddle-fp32'])
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/Top-1 %/)
    expect(run.out).toMatch(/xeon6148-paddle-fp32 bs1 ms/)
    const model = models.find((m) => m.id === 'PPLCNet_x1_0')!
    expect(run.out).toContain((model.top1!.value * 100).toFixed(2).replace(/\.?0+$/, ''))
  })

  it.each([
    [['--sort', 'speed'], /--sort must be one of/],
    [['--order', 'sideways', '--sort', 'top1'], /--order must be asc or desc/],
    [['--min', 'top1>0.8'], /FIELD=NUMBER/],
    [['--platform', 'tpu'], /--platform must be one of/],
    [['--batch', 'two'], /--batch must be a whole number/],
    [['--max', 'latency=3', '--limit', '0'], /limit/],
  ])('rejects %j with exit code 2 and a message', async (args, message) => {
    const run = await zoo(['models', ...args])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
    expect(run.err).toMatch(/Usage: zoo models/)
  })
})

describe('zoo model', () => {
  it('--json prints the full record with sources', async () => {
    const run = await zoo(['model', 'PPLCNetV2_base', '--json'])
    expect(run.code).toBe(0)
    const detail = JSON.parse(run.out) as CatalogModelDetail
    expect(detail.model).toEqual(models.find((m) => m.id === 'PPLCNetV2_base'))
    expect(detail.model.top1?.source.raw).toBe('77.04')
  })

  it('prints every figure with its source line in text', async () => {
    const run = await zoo(['model', 'ResNet50_vd_ssld'])
    expect(run.code).toBe(0)
    const model = models.find((m) => m.id === 'ResNet50_vd_ssld')!
    expect(run.out).toContain(
      `model_list.zh_CN.md:${model.top1!.source.line} "${model.top1!.source.raw}"`,
    )
    for (const other of model.top1!.others ?? [])
      expect(run.out).toContain(`:${other.source.line} "${other.source.raw}"`)
    expect(run.out).toContain(model.downloads.inference!)
    expect(run.out).toMatch(/Preprocessing: RGB/)
  })

  it('says what it could not find, suggests near names, and exits 1', async () => {
    const run = await zoo(['model', 'ResNet50_vdd'])
    expect(run.code).toBe(1)
    expect(run.err).toMatch(/no model "ResNet50_vdd"/)
    expect(run.err).toMatch(/Did you mean: .*ResNet50_vd/)
  })

  it('needs exactly one id (exit 2)', async () => {
    expect((await zoo(['model'])).code).toBe(2)
    expect((await zoo(['model', 'A', 'B'])).code).toBe(2)
  })
})
