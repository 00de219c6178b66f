/**
 * A batch job's charts as files (batch.chartExport and `zoo batch chart`): a real job of two tiny
 * colour models (the second with ImageNet's class names) over a folder the test lays out with
 * known colours, so every count in the SVG, PNG and CSV is known in advance. Then the export
 * engine on made-up summaries with long labels, rendered by real sharp: nothing drawn at the
 * image's edges (a clipped label would be), class labels never closer than their height.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchJob } from '@shared/contract'
import { chartThemes } from '@shared/charts/chartPalette'
import type { BatchSummary } from '@shared/contract/batch'
import { BATCH_CHART_METADATA, exportBatchChart } from '../../../src/main/export/batchChartExport'
import { readPngText } from '../../../src/main/export/pngTextChunks'
import { openAppCore, type AppCore } from '../../../src/main/core/appCore'
import { parseCsv } from '../charts/exportHelpers'
import { valueOf } from '../helpers/results'
import { zoo } from '../helpers/runZoo'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { imagenetColourModel, layOut } from './helpers/analysisFixtures'
import { colourModel } from './helpers/imageFolder'

const ctx = { face: 'test' } as const
// Uneven on purpose: the classes chart must order them red, green, blue, black.
const layout = {
  '': ['red', 'red', 'green', 'blue', 'red'],
  'day 1': ['green', 'red', 'black', 'red', 'green', 'red', 'blue', 'red'],
} as const
const perClass = new Map([
  [0, 7],
  [1, 3],
  [2, 2],
  [3, 1],
])
const classified = 13

let dataDir: string
let photos: string
let core: AppCore
let job: BatchJob

beforeAll(async () => {
  dataDir = makeTempDir('zoo-bchart-data')
  photos = makeTempDir('zoo-bchart-photos')
  await layOut(photos, layout)
  // A broken file fails: it is in the job but in neither chart.
  writeFileSync(join(photos, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))
  const models = makeTempDir('zoo-bchart-models')
  core = openAppCore({ host: 'cli', log: () => {}, dataDir })
  const started = valueOf(
    await core.dispatch(
      'batch.start',
      {
        folders: [photos],
        models: [{ path: colourModel(models) }, { path: imagenetColourModel(models) }],
      },
      ctx,
    ),
  )
  job = await core.batch.wait(started.job.id)
  expect(job.state).toBe('done')
  expect(job.counts).toMatchObject({ done: classified, failed: 1 })
})

afterAll(() => {
  core?.close()
  for (const dir of [dataDir, photos]) if (dir) removeDir(dir)
})

type Request = { chart: 'classes' | 'confidence'; format: 'svg' | 'png' | 'csv' } & Record<
  string,
  unknown
>

async function exported(request: Request) {
  const value = valueOf(await core.dispatch('batch.chartExport', { id: job.id, ...request }, ctx))
  return { ...value, bytes: Buffer.from(value.base64, 'base64') }
}

/** RFC 4180 rows: the batch CSVs end their lines with CRLF, as Excel writes them. */
function csvRows(bytes: Buffer) {
  const text = bytes.toString('utf8')
  expect(text.endsWith('\r\n')).toBe(true)
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  return parseCsv(text.replace(/\r\n/g, '\n'))
}

function svgMetadata(svg: string): Record<string, unknown> {
  const match = new RegExp(`<metadata id="${BATCH_CHART_METADATA}">([^<]*)</metadata>`).exec(svg)
  expect(match).not.toBeNull()
  return JSON.parse(match![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<
    string,
    unknown
  >
}

describe('batch.chartExport on a real job', () => {
  it('writes the classes chart as an SVG with its title, metadata and bars', async () => {
    const file = await exported({ chart: 'classes', format: 'svg', width: 900, height: 500 })
    const model = job.spec.models[0]!
    expect(file.fileName).toBe(`zoo-batch-${job.id}-colour-onnx-classes.svg`)
    expect(file.mime).toBe('image/svg+xml')
    expect(file.points).toBe(4)
    const svg = file.bytes.toString('utf8')
    expect(svg).toMatch(/^<svg[^>]* width="900" height="500"/)
    expect(svg).toContain('<title>Top-1 classes</title>')
    expect(svgMetadata(svg)).toMatchObject({
      title: 'Top-1 classes',
      job: job.id,
      model: model.id,
      chart: 'classes',
      bars: 4,
      files: classified,
    })
    // Labelled most frequent first from the top, i.e. in reverse order in the drawing.
    const labels = [...svg.matchAll(/>(class \d)<\/text>/g)].map((m) => m[1])
    expect(labels).toEqual(['class 3', 'class 2', 'class 1', 'class 0'])
    expect(svg).toContain(
      `${model.name} · ${basename(photos)} · ${classified} files classified, 4 classes`,
    )
    expect(svg).toContain(chartThemes.light.background)
  })

  it('names the classes of the second model, and refuses a model the job does not have', async () => {
    const svg = (await exported({ chart: 'classes', format: 'svg', model: 1 })).bytes.toString()
    for (const name of ['tench, Tinca tinca', 'goldfish, Carassius auratus', 'tiger shark'])
      expect(svg).toContain(name)
    expect(svgMetadata(svg).model).toBe(job.spec.models[1]!.id)

    const none = await core.dispatch(
      'batch.chartExport',
      { id: job.id, chart: 'classes', format: 'svg', model: 2 },
      ctx,
    )
    expect(none.ok ? null : none.error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(none.ok ? '' : none.error.message).toContain('has 2 model(s)')
  })

  it.each([
    [640, 400, 2],
    [500, 300, 1.5],
    [320, 240, 3],
  ])('draws a %i×%i PNG at %f× with its text chunks', async (width, height, pixelRatio) => {
    const file = await exported({ chart: 'confidence', format: 'png', width, height, pixelRatio })
    expect(file.fileName).toMatch(/-confidence\.png$/)
    expect(file.mime).toBe('image/png')
    const meta = await sharp(file.bytes).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual([
      'png',
      Math.round(width * pixelRatio),
      Math.round(height * pixelRatio),
    ])
    const text = readPngText(file.bytes)
    expect(text.get('Title')).toBe('Top-1 confidence')
    expect(text.get('Software')).toMatch(/^Zoo Explorer \d+\.\d+\.\d+/)
    const metadata = JSON.parse(text.get(BATCH_CHART_METADATA)!) as Record<string, unknown>
    expect(metadata).toMatchObject({
      job: job.id,
      chart: 'confidence',
      bars: 20,
      files: classified,
    })
  })

  it('writes the plotted classes as CSV: no comment lines, counts per class, most first', async () => {
    const file = await exported({ chart: 'classes', format: 'csv' })
    expect(file.fileName).toMatch(/^zoo-batch-[0-9a-f]{10}-.+-classes\.csv$/)
    expect(file.mime).toBe('text/csv; charset=utf-8')
    const { comments, header, rows } = csvRows(file.bytes)
    expect(comments).toEqual([])
    expect(header).toEqual(['class_index', 'class_name', 'files'])
    expect(rows).toEqual(
      [...perClass].map(([index, n]) => [String(index), `class ${index}`, String(n)]),
    )
    const total = rows.reduce((sum, row) => sum + Number(row[2]), 0)
    expect(total).toBe(job.counts.done)
  })

  it('writes the histogram as CSV: contiguous bins over [0, 1] that add up to the done files', async () => {
    const { header, rows } = csvRows((await exported({ chart: 'confidence', format: 'csv' })).bytes)
    expect(header).toEqual(['score_from', 'score_to', 'files'])
    expect(rows).toHaveLength(20)
    expect(rows[0]![0]).toBe('0')
    expect(rows.at(-1)![1]).toBe('1')
    rows.slice(1).forEach((row, i) => expect(row[0]).toBe(rows[i]![1]))
    expect(rows.reduce((sum, row) => sum + Number(row[2]), 0)).toBe(job.counts.done)
    // Binned again here from each file's own top-1 score, as the results table lists them.
    const expected = new Array<number>(20).fill(0)
    for (const row of core.batch.results({ id: job.id, limit: 100, state: 'done' }).rows)
      expected[Math.min(19, Math.floor(row.results[0]!.top[0]!.score * 20))]! += 1
    expect(rows.map((row) => Number(row[2]))).toEqual(expected)
  })

  it('draws the dark theme in its own colours, and the Chinese titles', async () => {
    const svg = (
      await exported({ chart: 'confidence', format: 'svg', theme: 'dark', locale: 'zh-CN' })
    ).bytes.toString()
    expect(svg).toContain(chartThemes.dark.background)
    expect(svg).not.toContain(chartThemes.light.background)
    expect(svg).toContain('<title>Top-1 置信度</title>')
    expect(svg).toContain(`已分类 ${classified} 个文件`)
  })

  it.each([
    [{ id: '0123456789' }, 'NOT_FOUND'],
    [{ id: 'latest' }, 'INVALID_INPUT'],
    [{ width: 100 }, 'INVALID_INPUT'],
    [{ pixelRatio: 5 }, 'INVALID_INPUT'],
    [{ chart: 'pie' }, 'INVALID_INPUT'],
    [{ format: 'gif' }, 'INVALID_INPUT'],
  ])('refuses %j with %s', async (change, code) => {
    // Wrong on purpose, past the type checker: the schema must refuse them at run time.
    const request = { id: job.id, chart: 'classes', format: 'svg', ...change } as never
    const result = await core.dispatch('batch.chartExport', request, ctx)
    expect(result.ok ? null : result.error.code).toBe(code)
  })
})

describe('zoo batch chart', () => {
  // The CLI opens its own core on the same data folder, as a second process would.
  it('writes the chart where --out says, in the format of its extension', async () => {
    const dir = tempDirForTest('zoo-bchart-out')
    const png = join(dir, 'confidence.png')
    const run = await zoo(
      [
        'batch',
        'chart',
        job.id,
        '--chart',
        'confidence',
        '--out',
        png,
        '--theme',
        'dark',
        '--width',
        '640',
        '--height',
        '400',
        '--pixel-ratio',
        '1',
      ],
      dataDir,
    )
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toBe(`Wrote ${png}: confidence of ${job.spec.models[0]!.name}, 20 bars (PNG).`)
    const meta = await sharp(readFileSync(png)).metadata()
    expect([meta.width, meta.height]).toEqual([640, 400])

    const csv = join(dir, 'classes.csv')
    const second = await zoo(
      ['batch', 'chart', job.id, '--out', csv, '--model', '2', '--json'],
      dataDir,
    )
    expect(second.code).toBe(0)
    expect(JSON.parse(second.out)).toMatchObject({
      path: csv,
      points: 4,
      mime: 'text/csv; charset=utf-8',
    })
    expect(csvRows(readFileSync(csv)).rows.map((row) => row[1])).toEqual([
      'tench, Tinca tinca',
      'goldfish, Carassius auratus',
      'great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias',
      'tiger shark, Galeocerdo cuvieri',
    ])

    // --format wins over the extension.
    const svg = join(dir, 'chart.out')
    expect(
      (await zoo(['batch', 'chart', job.id, '--out', svg, '--format', 'svg'], dataDir)).code,
    ).toBe(0)
    expect(readFileSync(svg, 'utf8')).toContain('<title>Top-1 classes</title>')
  })

  it.each([
    [['0123456789'], 1, /^zoo batch chart: .*0123456789.* \[NOT_FOUND\]$/m],
    [['latest'], 2, /10 hex digits.*\[INVALID_INPUT\]$/m],
  ])('a bad job id %j: exit %i and the error saying so', async (id, code, message) => {
    const out = join(tempDirForTest('zoo-bchart-bad'), 'x.svg')
    const run = await zoo(['batch', 'chart', ...id, '--out', out], dataDir)
    expect(run.code).toBe(code)
    expect(run.err).toMatch(message)
  })

  it.each([
    [['--chart', 'pie'], '--chart must be one of classes, confidence; got "pie"'],
    [['--model', '3'], 'batch job'],
    [['--width', 'wide'], '--width must be a number, got "wide"'],
    [['--width', '100'], 'width:'],
    [['--format', 'gif'], '--format must be one of svg, png, csv'],
  ])('a wrong flag %j is a usage error', async (flags, message) => {
    const out = join(tempDirForTest('zoo-bchart-flags'), 'x.svg')
    const run = await zoo(['batch', 'chart', job.id, '--out', out, ...flags], dataDir)
    expect(run.code).toBe(2)
    expect(run.err).toContain(message)
  })

  it('needs --out, and its flags belong to it alone', async () => {
    const noOut = await zoo(['batch', 'chart', job.id], dataDir)
    expect(noOut.code).toBe(2)
    expect(noOut.err).toContain('chart needs --out FILE')
    const elsewhere = await zoo(['batch', 'show', job.id, '--theme', 'dark'], dataDir)
    expect(elsewhere.code).toBe(2)
    expect(elsewhere.err).toContain('--theme is for "zoo batch chart"')
    const help = await zoo(['batch', '--help'], dataDir)
    expect(help.out + help.err).toContain('--pixel-ratio')
  })
})

/** 40 classes with long labels, ImageNet's and Chinese ones, counts from 400 down. */
function longLabelSummary(): BatchSummary {
  const words = [
    'great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias',
    '大白鲨，食人鲨，噬人鲨，白色死神，一种很大的鲨鱼',
    'American Staffordshire terrier, Staffordshire terrier, American pit bull terrier',
  ]
  return {
    model: 0,
    classes: Array.from({ length: 40 }, (_, i) => ({
      index: i,
      label: i < 3 ? words[i]! : `class number ${i} of a rather long list`,
      count: Math.round(400 / (i + 1)),
    })),
    histogram: Array.from({ length: 20 }, (_, i) => (i * 37) % 50),
    failures: [],
    stages: null,
  }
}

describe('the drawn charts stay inside the image', () => {
  const data = {
    summary: longLabelSummary(),
    jobId: 'abcdef0123',
    jobLabel: 'a folder with a long name, and another one',
    modelId: 'PPLCNetV2_base',
    modelName: 'PPLCNetV2_base',
    appVersion: '0.0.0',
  }

  it.each(
    (['classes', 'confidence'] as const).flatMap((chart) =>
      (['light', 'dark'] as const).flatMap((theme) =>
        [
          [320, 240],
          [1280, 800],
        ].map(([width, height]) => ({ chart, theme, width: width!, height: height! })),
      ),
    ),
  )('$chart, $theme, $width×$height: nothing drawn within 6 px of the edges', async (at) => {
    const file = await exportBatchChart(data, {
      id: data.jobId,
      model: 0,
      format: 'png',
      locale: 'en',
      pixelRatio: 1,
      ...at,
    })
    const { data: pixels, info } = await sharp(Buffer.from(file.base64, 'base64'))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const background = chartThemes[at.theme].background
      .slice(1)
      .match(/../g)!
      .map((hex) => parseInt(hex, 16))
    const inked: string[] = []
    for (let y = 0; y < info.height; y++)
      for (let x = 0; x < info.width; x++) {
        const edge = x < 6 || y < 6 || x >= info.width - 6 || y >= info.height - 6
        if (!edge) continue
        const i = (y * info.width + x) * 3
        const off = [0, 1, 2].some((c) => Math.abs(pixels[i + c]! - background[c]!) > 24)
        if (off && inked.length < 5) inked.push(`${x},${y}`)
      }
    expect(inked).toEqual([])
  })

  it.each([
    [320, 240],
    [640, 400],
    [1280, 800],
  ])('%i×%i: class labels at least a line apart, no more bars than fit', async (width, height) => {
    const file = await exportBatchChart(data, {
      id: data.jobId,
      model: 0,
      chart: 'classes',
      format: 'svg',
      theme: 'light',
      locale: 'zh-CN',
      pixelRatio: 2,
      width,
      height,
    })
    const svg = Buffer.from(file.base64, 'base64').toString('utf8')
    // The category axis's labels: right-aligned, 11 px, one per bar.
    const ys = [
      ...svg.matchAll(
        /<text[^>]*text-anchor="end" style="font-size:11px[^>]*transform="translate\([\d.]+ ([\d.]+)\)"/g,
      ),
    ].map((m) => Number(m[1]))
    expect(ys).toHaveLength(file.points)
    expect(file.points).toBeLessThanOrEqual(20)
    const sorted = [...ys].sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(13)
    expect(svg).toContain('其他（')
  })
})
