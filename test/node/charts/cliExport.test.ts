import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSvgMetadata, type ChartMetadata } from '@shared/charts/chartMetadata'
import { findPreset } from '@shared/charts/chartPresets'
import type { ChartState } from '@shared/charts/chartState'
import type { ChartExportInput, ChartExportResult } from '@shared/contract'
import type { Result } from '@shared/errors'
import { readCatalogBundle } from '../../../src/main/catalog/catalogBundle'
import type { ParsedArgs } from '../../../src/main/cli/command'
import { chartStateFromArgs, exportCommand } from '../../../src/main/cli/commands/exportChart'
import { readPngText } from '../../../src/main/export/pngTextChunks'
import { projectRoot } from '../helpers/paths'
import { zoo } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { startTestServer, type TestServer } from '../helpers/testServer'
import { bundleSources, packageVersion, parseCsv, withoutGeneratedAt } from './exportHelpers'

const bundle = readCatalogBundle(join(projectRoot, 'resources'))

const FLAGS = ['--x', 'flopsG', '--y', 'top1', '--series', 'ResNet,PP-LCNet']

/**
 * The models that chart plots, straight from the shipped catalog JSON: those of the two series
 * with a FLOPs figure (positive: the FLOPs axis is logarithmic) and a top-1 figure.
 */
const flopsTop1Ids = bundle.models
  .filter(
    (m) =>
      ['ResNet', 'PP-LCNet'].includes(m.series) &&
      m.flopsG !== null &&
      m.flopsG.value > 0 &&
      m.top1 !== null,
  )
  .map((m) => m.id)

/** The chart state the CLI builds from these flags, as `zoo export chart` itself parses them. */
function stateFromFlags(flags: string[]): ChartState {
  const { values, positionals } = parseArgs({
    args: flags,
    options: exportCommand.options,
    strict: true,
    allowPositionals: true,
  })
  // runCli passes parseArgs' result the same way (its values type is wider than ParsedArgs').
  return chartStateFromArgs({ values, positionals } as ParsedArgs)
}

async function exportToFile(args: string[], file: string) {
  const run = await zoo(['export', 'chart', ...args, '--out', file])
  expect(run.err).toBe('')
  expect(run.code).toBe(0)
  expect(existsSync(file)).toBe(true)
  const count = /: (\d+) models/.exec(run.out)?.[1]
  expect(run.out).toContain(file)
  return { run, bytes: readFileSync(file), count: Number(count) }
}

function expectChartMetadata(meta: ChartMetadata | null, state: ChartState, points: number) {
  expect(meta).not.toBeNull()
  expect(meta!.state).toEqual(state)
  expect(meta!.points).toBe(points)
  expect(meta!.catalogVersion).toBe(bundle.meta.catalogVersion)
  expect(meta!.appVersion).toBe(packageVersion)
  expect(meta!.sources).toEqual(bundleSources())
}

describe('zoo export chart', () => {
  it('has ResNet and PP-LCNet models to plot', () => {
    expect(flopsTop1Ids.length).toBeGreaterThan(15)
  })

  it('--format svg writes an SVG with the chart metadata', async () => {
    const file = join(tempDirForTest('zoo-export'), 'chart.out')
    const { bytes, count } = await exportToFile([...FLAGS, '--format', 'svg'], file)
    const svg = bytes.toString('utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expectChartMetadata(readSvgMetadata(svg), stateFromFlags(FLAGS), flopsTop1Ids.length)
    expect(count).toBe(flopsTop1Ids.length)
  })

  it('--format png writes a 2× PNG with the metadata in text chunks', async () => {
    const file = join(tempDirForTest('zoo-export'), 'chart.out')
    const { bytes } = await exportToFile([...FLAGS, '--format', 'png'], file)
    expect(await sharp(bytes).metadata()).toMatchObject({
      format: 'png',
      width: 1280 * 2,
      height: 800 * 2,
    })
    const text = readPngText(bytes)
    const meta = JSON.parse(text.get('zoo-explorer-chart')!) as ChartMetadata
    expectChartMetadata(meta, stateFromFlags(FLAGS), flopsTop1Ids.length)
    expect(text.get('Software')).toContain(packageVersion)
  })

  it('--format png honours --width, --height and --pixel-ratio', async () => {
    const file = join(tempDirForTest('zoo-export'), 'small.png')
    const { bytes } = await exportToFile(
      [...FLAGS, '--width', '640', '--height', '400', '--pixel-ratio', '1'],
      file,
    )
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 640, height: 400 })
  })

  it('--format csv writes one row per plotted model', async () => {
    const file = join(tempDirForTest('zoo-export'), 'chart.out')
    const { bytes } = await exportToFile([...FLAGS, '--format', 'csv'], file)
    const csv = parseCsv(bytes.toString('utf8'))
    expect(csv.comments.length).toBeGreaterThan(0)
    expect(csv.header[0]).toBe('id')
    expect(csv.rows).toHaveLength(flopsTop1Ids.length)
    expect(csv.rows.map((r) => r[0]).sort()).toEqual([...flopsTop1Ids].sort())
  })

  it.each([
    ['chart.svg', (b: Buffer) => b.toString('utf8').startsWith('<svg')],
    ['chart.SVG', (b: Buffer) => b.toString('utf8').startsWith('<svg')],
    ['chart.png', (b: Buffer) => b.subarray(1, 4).toString('latin1') === 'PNG'],
    ['chart.csv', (b: Buffer) => b.toString('utf8').startsWith('# title: ')],
  ])('infers the format from the extension of %s', async (name, looksRight) => {
    const file = join(tempDirForTest('zoo-export'), name)
    const { bytes } = await exportToFile(FLAGS, file)
    expect(looksRight(bytes)).toBe(true)
  })

  it('--preset v100-bs1 draws the official chart’s state and title', async () => {
    const preset = findPreset('v100-bs1')!
    const file = join(tempDirForTest('zoo-export'), 'v100.svg')
    const { bytes, count } = await exportToFile(['--preset', 'v100-bs1'], file)
    const key = preset.state.x.latency!
    const { x, y } = preset.state
    const within = (value: number, a: typeof x) =>
      (a.min === null || value >= a.min) && (a.max === null || value <= a.max)
    // Models of the preset's series with both figures, inside the preset's fixed axis ranges.
    const expected = bundle.models.filter((m) => {
      const ms = m.latencies.find(
        (l) =>
          l.platform === key.platform && l.batchSize === key.batchSize && l.threads === key.threads,
      )?.ms
      return (
        preset.state.series.includes(m.series) &&
        m.top1 !== null &&
        ms !== undefined &&
        within(ms, x) &&
        within(m.top1.value, y)
      )
    })
    const meta = readSvgMetadata(bytes.toString('utf8'))
    expectChartMetadata(meta, preset.state, expected.length)
    expect(meta!.title).toBe(preset.title.en)
    expect(count).toBe(expected.length)
  })

  it.each([
    ['--x speed', ['--x', 'speed'], 'chart.svg', /--x must be one of/],
    ['--format gif', ['--format', 'gif'], 'chart.svg', /--format must be one of/],
    ['--preset nope', ['--preset', 'nope'], 'chart.svg', /unknown --preset "nope"/],
    ['an unknown extension', [], 'chart.txt', /--out extension/],
    ['--width 10', ['--width', '10'], 'chart.svg', /width/],
    ['--budget -1', ['--budget', '-1'], 'chart.svg', /budget/],
    ['--batch two', ['--batch', 'two'], 'chart.svg', /--batch must be a number/],
    ['--labels loud', ['--labels', 'loud'], 'chart.svg', /--labels must be one of/],
    ['an unknown flag', ['--colour', 'red'], 'chart.svg', /colour/],
  ])('rejects %s with exit code 2, a message and no file', async (_label, flags, name, message) => {
    const file = join(tempDirForTest('zoo-export'), name)
    const run = await zoo(['export', 'chart', ...flags, '--out', file])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
    expect(run.err).toMatch(/Usage: zoo export chart/)
    expect(existsSync(file)).toBe(false)
  })

  // BUG (src/main/cli/commands/exportChart.ts, writeAtomically via run()): a write error is not
  // caught, so runCli rethrows it and bin/zoo.js prints a stack trace instead of a message.
  it('says it cannot write to a missing folder, exit 2 (choose another --out), without a stack trace', async () => {
    const file = join(tempDirForTest('zoo-export'), 'no', 'such', 'folder', 'chart.svg')
    const run = await zoo(['export', 'chart', ...FLAGS, '--out', file]).catch((error: unknown) => ({
      code: -1,
      out: '',
      err: `runCli threw: ${String(error)}`,
    }))
    expect(run.code, run.err).toBe(2)
    expect(run.err).toContain(`its folder ${dirname(file)} does not exist`)
    expect(run.err).toMatch(/Choose another --out\. \[INVALID_INPUT\]/)
    expect(run.err).not.toContain('.partial') // the temporary name is not the user's business
    expect(run.err).not.toMatch(/\n\s+at /)
  })

  it('requires --out (exit 2)', async () => {
    const run = await zoo(['export', 'chart', ...FLAGS])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(/--out FILE is required/)
  })

  it('exports charts only: "zoo export table" exits 2', async () => {
    const file = join(tempDirForTest('zoo-export'), 'table.csv')
    const run = await zoo(['export', 'table', '--out', file])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(/zoo export chart/)
    expect(existsSync(file)).toBe(false)
  })

  it('prints its help with every option', async () => {
    const run = await zoo(['export', 'chart', '--help'])
    expect(run.code).toBe(0)
    for (const option of Object.keys(exportCommand.options))
      expect(run.out).toContain(`--${option}`)
  })
})

describe('one state, two faces: the HTTP API and the CLI draw the same SVG', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => {
    await t?.close()
  })

  async function viaHttp(input: ChartExportInput): Promise<ChartExportResult> {
    const response = await fetch(`${t.server.origin}/api/invoke/chart.export`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.server.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(input),
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Result<ChartExportResult>
    if (!body.ok) throw new Error(`${body.error.code}: ${body.error.message}`)
    return body.value
  }

  const cases: [string, string[], Omit<ChartExportInput, 'state' | 'format'>][] = [
    ['top-1 vs FLOPs for ResNet and PP-LCNet', FLAGS, {}],
    [
      'a preset with overlays, a CJK title, dark theme, zh-CN, another size',
      [
        '--preset',
        'sd855-t1',
        '--threads',
        '2',
        '--hide',
        'GhostNet',
        '--budget',
        '20',
        '--labels',
        'all',
        '--no-families',
        '--title',
        '移动端, mobile & more',
        '--theme',
        'dark',
        '--locale',
        'zh-CN',
        '--width',
        '1000',
        '--height',
        '640',
      ],
      { theme: 'dark', locale: 'zh-CN', width: 1000, height: 640 },
    ],
  ]

  async function bothFaces(flags: string[], extra: Omit<ChartExportInput, 'state' | 'format'>) {
    const state = stateFromFlags(flags)
    const http = await viaHttp({ state, format: 'svg', ...extra })
    const file = join(tempDirForTest('zoo-export'), 'cli.svg')
    const cli = await exportToFile(flags, file)
    return {
      state,
      http: Buffer.from(http.base64, 'base64').toString('utf8'),
      httpPoints: http.points,
      cli: cli.bytes.toString('utf8'),
      cliPoints: cli.count,
    }
  }

  // Fails while chartExport.ts's stableIds leaves zrender's per-process `zr-cls-N` numbers in.
  it.each(cases)('same bytes but for generatedAt: %s', async (_label, flags, extra) => {
    const faces = await bothFaces(flags, extra)
    expect(faces.cliPoints).toBe(faces.httpPoints)
    expect(readSvgMetadata(faces.cli)!.state).toEqual(faces.state)
    expect(withoutGeneratedAt(faces.cli)).toBe(withoutGeneratedAt(faces.http))
  })

  it.each(cases)(
    'same bytes but for generatedAt and zrender class numbers: %s',
    async (_label, flags, extra) => {
      const faces = await bothFaces(flags, extra)
      const normal = (svg: string) => withoutGeneratedAt(svg).replace(/\bzr-cls-\d+\b/g, 'zr-cls')
      expect(normal(faces.cli)).toBe(normal(faces.http))
      expect(faces.cli.length).toBeGreaterThan(10_000)
    },
  )
})
