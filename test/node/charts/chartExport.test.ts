import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { chartFields } from '@shared/charts/chartFields'
import { readSvgMetadata, type ChartMetadata } from '@shared/charts/chartMetadata'
import { chartModel } from '@shared/charts/chartModel'
import { chartThemes } from '@shared/charts/chartPalette'
import { chartPresets } from '@shared/charts/chartPresets'
import { axis, defaultChartState, type ChartState } from '@shared/charts/chartState'
import { chartStateSchema, type ChartStateInput } from '@shared/contract/charts'
import { catalogListInput, type ChartExportInput } from '@shared/contract'
import type { AppCore } from '../../../src/main/core/appCore'
import { readPngText } from '../../../src/main/export/pngTextChunks'
import { valueOf } from '../helpers/results'
import { openTestCore } from '../helpers/testCore'
import {
  bundleSources,
  csvComments,
  packageVersion,
  parseCsv,
  withoutGeneratedAt,
} from './exportHelpers'

const state = (input: Partial<ChartStateInput> = {}): ChartState =>
  chartStateSchema.parse({ ...defaultChartState, ...input })

/** Top-1 vs V100 latency for three series, one of them hidden, with a title that needs escaping. */
const filtered = state({
  series: ['ResNet', 'PP-HGNet', 'EfficientNet', 'MobileNetV3'],
  hidden: ['EfficientNet'],
  budget: 4,
  selection: ['ResNet50_vd'],
  title: 'Accuracy & cost: "ResNet" <vs> PP-HGNet, 精度',
})

async function exportVia(core: AppCore, input: ChartExportInput) {
  const result = valueOf(await core.dispatch('chart.export', input, { face: 'test' }))
  return { result, bytes: Buffer.from(result.base64, 'base64') }
}

/** What the chart shows, computed apart from the export engine from the same catalog rows. */
function plotted(core: AppCore, s: ChartState) {
  const model = chartModel(
    core.catalog.list(catalogListInput.parse({})).rows,
    s,
    core.catalog.series().map((x) => x.id),
  )
  const visible = model.points.filter((p) => !s.hidden.includes(p.group))
  return { model, visible }
}

function expectMetadata(meta: ChartMetadata | null, core: AppCore, s: ChartState, since: number) {
  expect(meta).not.toBeNull()
  const { visible } = plotted(core, s)
  expect(meta!.points).toBe(visible.length)
  expect(meta!.catalogVersion).toBe(core.catalog.version())
  expect(meta!.appVersion).toBe(packageVersion)
  expect(meta!.sources).toEqual(bundleSources())
  expect(meta!.sources.length).toBeGreaterThan(0)
  const at = Date.parse(meta!.generatedAt)
  expect(new Date(at).toISOString()).toBe(meta!.generatedAt)
  expect(at).toBeGreaterThanOrEqual(since)
  expect(at).toBeLessThanOrEqual(Date.now())
  expect(meta!.state).toEqual(s)
}

describe('chart.export as SVG', () => {
  it('carries the chart metadata in <metadata id="zoo-explorer-chart">', async () => {
    const { core } = openTestCore()
    const since = Date.now()
    const { result, bytes } = await exportVia(core, { state: filtered, format: 'svg' })
    const svg = bytes.toString('utf8')
    expect(result.mime).toBe('image/svg+xml')
    expect(result.fileName).toMatch(/\.svg$/)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/<metadata id="zoo-explorer-chart">/g)).toHaveLength(1)

    const meta = readSvgMetadata(svg)
    expectMetadata(meta, core, filtered, since)
    expect(meta!.title).toBe(filtered.title)
    expect(svg).toContain(
      '<title>Accuracy &amp; cost: &quot;ResNet&quot; &lt;vs&gt; PP-HGNet, 精度</title>',
    )
    expect(meta!.x).toContain(chartFields.latency.label.en)
    expect(meta!.x).toContain('NVIDIA V100 · TensorRT 8.0 · FP32 · batch 1')
    expect(meta!.x).not.toContain('v100-trt-fp32')
    expect(meta!.y).toContain(chartFields.top1.label.en)
    for (const name of filtered.series) expect(meta!.filters).toContain(name)
    expect(meta!.filters).toMatch(/hidden: EfficientNet/)
    expect(meta!.filters).toContain('4')

    const { model, visible } = plotted(core, filtered)
    expect(visible.length).toBeLessThan(model.points.length)
    expect(result.points).toBe(visible.length)
    expect(result.missing).toBe(model.missing.length)
    expect(result.missing).toBeGreaterThan(0)
  })

  it.each(chartPresets.map((p) => [p.id, p] as const))(
    'exports preset %s with its own title and its point count',
    async (_id, preset) => {
      const { core } = openTestCore()
      const since = Date.now()
      const { result, bytes } = await exportVia(core, { state: preset.state, format: 'svg' })
      const meta = readSvgMetadata(bytes.toString('utf8'))
      expectMetadata(meta, core, preset.state, since)
      expect(meta!.title).toBe(preset.title.en)
      expect(result.fileName).toBe(`zoo-${preset.id}.svg`)
      expect(result.points).toBeGreaterThan(10)
    },
  )

  it('uses the dark background for the dark theme, and Chinese axis names for zh-CN', async () => {
    const { core } = openTestCore()
    const s = chartPresets[1]!.state
    const light = (await exportVia(core, { state: s, format: 'svg' })).bytes.toString('utf8')
    const dark = (
      await exportVia(core, { state: s, format: 'svg', theme: 'dark', locale: 'zh-CN' })
    ).bytes.toString('utf8')
    const backgroundRect = (svg: string) =>
      /<rect width="\d+" height="\d+" x="0" y="0" fill="([^"]+)"/.exec(svg)?.[1]
    expect(backgroundRect(dark)).toBe(chartThemes.dark.background)
    expect(backgroundRect(light)).toBe(chartThemes.light.background)
    expect(light).not.toContain(chartThemes.dark.background)
    expect(dark).toContain(`>${chartFields.latency.label['zh-CN']}`)
    expect(light).not.toContain(chartFields.latency.label['zh-CN'])
    expect(readSvgMetadata(dark)!.x).toContain(chartFields.latency.label['zh-CN'])
  })

  // BUG (src/main/export/chartExport.ts:73, stableIds): it rewrites zrender's per-chart id prefix
  // (`zr12-` → `zr-`) but not the CSS class names `zr-cls-N`, whose N comes from a module-level
  // counter in zrender (lib/svg/cssClassId.js) that never resets. So every export in a process
  // numbers its classes differently, and one state does not give one file.
  it('is deterministic: the same state twice gives the same bytes but for generatedAt', async () => {
    const { core } = openTestCore()
    const twice = await exportTwice(core)
    expect(withoutGeneratedAt(twice.second)).toBe(withoutGeneratedAt(twice.first))
    // …and the comparison can tell two different charts apart.
    expect(withoutGeneratedAt(twice.other)).not.toBe(withoutGeneratedAt(twice.first))
  })

  it('differs between two exports of one state in nothing but zrender class numbers', async () => {
    const { core } = openTestCore()
    const twice = await exportTwice(core)
    const normal = (svg: string) => withoutGeneratedAt(svg).replace(/\bzr-cls-\d+\b/g, 'zr-cls')
    expect(normal(twice.second)).toBe(normal(twice.first))
    expect(normal(twice.other)).not.toBe(normal(twice.first))
  })
})

/** One state exported, something else, the same state again, and a slightly different state. */
async function exportTwice(core: AppCore) {
  const svg = async (s: ChartState) =>
    (await exportVia(core, { state: s, format: 'svg' })).bytes.toString('utf8')
  const first = await svg(filtered)
  // Something else in between, so per-process renderer counters move on.
  await svg(chartPresets[2]!.state)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const second = await svg(filtered)
  const other = await svg({ ...filtered, budget: 5 })
  return { first, second, other }
}

describe('chart.export as PNG', () => {
  it.each([
    [1280, 800, 2],
    [640, 400, 1],
    [1000, 700, 3],
  ])(
    'renders %i×%i at %i× to exactly that many pixels, with text chunks',
    async (width, height, pixelRatio) => {
      const { core } = openTestCore()
      const since = Date.now()
      const { result, bytes } = await exportVia(core, {
        state: filtered,
        format: 'png',
        width,
        height,
        pixelRatio,
      })
      expect(result.mime).toBe('image/png')
      const info = await sharp(bytes).metadata()
      expect(info).toMatchObject({
        format: 'png',
        width: width * pixelRatio,
        height: height * pixelRatio,
      })
      // A drawn chart, not a blank page.
      const { channels } = await sharp(bytes).stats()
      expect(channels[0]!.stdev).toBeGreaterThan(5)

      const text = readPngText(bytes)
      const meta = JSON.parse(text.get('zoo-explorer-chart')!) as ChartMetadata
      expectMetadata(meta, core, filtered, since)
      expect(text.get('Title')).toBe(filtered.title)
      expect(text.get('Software')).toContain(packageVersion)
      expect(text.get('Creation Time')).toBe(meta.generatedAt)
      expect(text.get('Source')).toBe(bundleSources().join(', '))
      expect(text.get('Description')).toContain(`${meta.points} models`)
    },
  )

  it.each(['light', 'dark'] as const)('paints the %s theme background', async (theme) => {
    const { core } = openTestCore()
    const { bytes } = await exportVia(core, {
      state: filtered,
      format: 'png',
      width: 400,
      height: 300,
      pixelRatio: 1,
      theme,
    })
    const { data } = await sharp(bytes)
      .extract({ left: 0, top: 0, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true })
    const hex = `#${[...data.subarray(0, 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`
    expect(hex).toBe(chartThemes[theme].background)
  })

  it('keeps the pixels identical from one export to the next', async () => {
    const { core } = openTestCore()
    const input: ChartExportInput = {
      state: filtered,
      format: 'png',
      width: 640,
      height: 400,
      pixelRatio: 1,
    }
    const pixels = async () =>
      sharp((await exportVia(core, input)).bytes)
        .raw()
        .toBuffer()
    expect((await pixels()).equals(await pixels())).toBe(true)
  })
})

describe('chart.export as CSV', () => {
  it.each([
    ['a filtered chart with a hidden series', filtered],
    ['preset sd855-t1', chartPresets[1]!.state],
    ['top-1 vs FLOPs', state({ x: axis('flopsG'), y: axis('top1') })],
  ])('writes # metadata, a header, then one row per plotted point: %s', async (_l, s) => {
    const { core } = openTestCore()
    const since = Date.now()
    const { result, bytes } = await exportVia(core, { state: s, format: 'csv' })
    expect(result.mime).toMatch(/^text\/csv/)
    const csv = parseCsv(bytes.toString('utf8'))
    expect(csv.comments.length).toBeGreaterThan(3)
    const comments = csvComments(csv.comments)
    expect(comments.get('catalog version')).toBe(core.catalog.version())
    expect(comments.get('app version')).toBe(packageVersion)
    expect(comments.get('sources')).toBe(bundleSources().join(', '))
    expect(Date.parse(comments.get('generated')!)).toBeGreaterThanOrEqual(since)
    expect(JSON.parse(comments.get('state')!)).toEqual(s)

    const { visible } = plotted(core, s)
    expect(csv.header.slice(0, 4)).toEqual(['id', 'name', 'series', 'family'])
    // Headers carry their units, and accuracies are percent, as their "%" says.
    const unit = (field: keyof typeof chartFields) => chartFields[field].unit
    const xName = `x_${s.x.field} [${unit(s.x.field)}]`
    const yName = `y_${s.y.field} [${unit(s.y.field)}]`
    expect(csv.header).toContain(xName)
    expect(csv.header).toContain(yName)
    for (const name of ['top1 [%]', 'top5 [%]', 'params [M]', 'flops [G]', 'size [MB]'])
      expect(csv.header).toContain(name)
    // Every latency of every plotted model has a column, named by platform, never by its id.
    const latencyColumns = csv.header.filter((h) => h.startsWith('latency [ms] '))
    const keys = new Set(
      visible.flatMap((p) =>
        p.row.latencies.map((l) => `${l.platform}|${l.batchSize}|${l.threads}`),
      ),
    )
    expect(latencyColumns).toHaveLength(keys.size)
    expect(csv.header.join(',')).not.toMatch(/v100-trt|sd855-arm|xeon6/)
    expect(csv.rows).toHaveLength(visible.length)
    expect(comments.get('points')).toBe(String(visible.length))
    const column = (name: string) => csv.header.indexOf(name)
    const byId = new Map(visible.map((p) => [p.id, p]))
    for (const row of csv.rows) {
      expect(row).toHaveLength(csv.header.length)
      const point = byId.get(row[column('id')]!)
      expect(point, row.join(',')).toBeDefined()
      const asWritten = (v: number | null, field: keyof typeof chartFields) =>
        v === null ? '' : String(chartFields[field].percent ? Number((v * 100).toPrecision(10)) : v)
      expect(row[column(xName)]).toBe(asWritten(point!.x, s.x.field))
      expect(row[column(yName)]).toBe(asWritten(point!.y, s.y.field))
      expect(row[column('top1 [%]')]).toBe(asWritten(point!.row.top1, 'top1'))
      expect(row[column('flops [G]')]).toBe(asWritten(point!.row.flopsG, 'flopsG'))
      const latencyCells = latencyColumns.filter((h) => row[column(h)] !== '')
      expect(latencyCells).toHaveLength(point!.row.latencies.length)
      expect(row[column('series')]).toBe(point!.series)
      expect(row[column('on_frontier')]).toBe(String(point!.onFrontier))
      expect(row[column('within_budget')]).toBe(String(point!.withinBudget))
    }
    expect(new Set(csv.rows.map((r) => r[0])).size).toBe(visible.length)
  })
})

describe('chart.export refuses bad requests', () => {
  const good: ChartExportInput = { state: defaultChartState, format: 'svg' }
  it.each([
    ['a width of 10', { ...good, width: 10 }, 'width'],
    ['a height of 100,000', { ...good, height: 100_000 }, 'height'],
    ['format gif', { ...good, format: 'gif' }, 'format'],
    ['pixel ratio 5', { ...good, format: 'png', pixelRatio: 5 }, 'pixelRatio'],
    ['theme sepia', { ...good, theme: 'sepia' }, 'theme'],
    ['locale fr', { ...good, locale: 'fr' }, 'locale'],
    [
      'an unknown axis field',
      { ...good, state: { ...defaultChartState, x: { ...defaultChartState.x, field: 'speed' } } },
      'state.x.field',
    ],
    [
      'an unknown state field',
      { ...good, state: { ...defaultChartState, colour: 'red' } },
      'state',
    ],
    [
      'a series list of numbers',
      { ...good, state: { ...defaultChartState, series: [42] } },
      'state.series',
    ],
    ['a negative budget', { ...good, state: { ...defaultChartState, budget: -1 } }, 'state.budget'],
    ['no state at all', { format: 'svg' }, 'state'],
  ] as [string, unknown, string][])('%s → INVALID_INPUT', async (_l, input, path) => {
    const { core } = openTestCore()
    const result = await core.dispatchUntyped('chart.export', input, { face: 'test' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INVALID_INPUT')
    const issues = (result.error.details as { issues: { path: string }[] }).issues
    const paths = issues.map((i) => i.path)
    expect(
      paths.some((p) => p === path || p.startsWith(`${path}.`)),
      paths.join(' '),
    ).toBe(true)
  })
})
