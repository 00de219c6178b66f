import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { writeSyntheticResources } from '../support/syntheticCatalog'
import { startZooServer } from '../support/zooServer'
import {
  expect,
  failureFromTest,
  withSettings,
  forgetRememberedViews,
  invokeFromPage,
  test,
  type AppServer,
  type SettingsPatch,
} from './appServer'

/*
 * The Explore chart and the Compare view, driven through the real UI in browser mode.
 *
 * The chart is a canvas; its container says what it drew (see ScatterChart.vue): `data-painted`
 * after the first drawn option, then after each one `data-points` (points drawn, hidden series
 * excluded), `data-renders` (options drawn so far) and `data-plot` (the plot area, "left top width
 * height" in pixels of the container). Legend entries are switched through the side panel's series
 * checkboxes (the same state the legend writes); one test also clicks the canvas legend itself.
 *
 * Types of the API's answers are declared here: the e2e type world holds only the tests.
 */
interface Row {
  id: string
  series: string
  family: string
  top1: number | null
  top5: number | null
  flopsG: number | null
  latencies: { platform: string; batchSize: number; threads: number | null; ms: number }[]
}
interface ModelDetail {
  model: { id: string; top1: { value: number } | null; paramsM: { value: number } | null }
}

const allRows = async (page: Page, app: AppServer) =>
  (await invokeFromPage<{ rows: Row[] }>(page, app, 'catalog.list', {})).rows

const latencyOf = (row: Row, platform: string, batchSize: number, threads: number | null) =>
  row.latencies.find(
    (l) => l.platform === platform && l.batchSize === batchSize && l.threads === threads,
  )?.ms ?? null

function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

const chartOf = (page: Page) => page.getByTestId('explore-chart')

async function renders(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-renders')) ?? 0)
}

/** Runs `action`, then waits until the chart has drawn the option it led to. */
async function redrawn(chart: Locator, action: () => Promise<unknown>): Promise<void> {
  const before = await renders(chart)
  await action()
  await expect.poll(() => renders(chart)).toBeGreaterThan(before)
}

async function plotRect(chart: Locator) {
  const box = (await chart.boundingBox())!
  const [left, top, width, height] = (await chart.getAttribute('data-plot'))!
    .split(' ')
    .map(Number) as [number, number, number, number]
  return { x: box.x + left, y: box.y + top, width, height, box }
}

async function choosePreset(page: Page, id: string): Promise<void> {
  const chart = chartOf(page)
  await expect(chart).toHaveAttribute('data-painted', 'true')
  await redrawn(chart, () => page.getByTestId(`preset-${id}`).click())
  await expect(page).toHaveURL(new RegExp(`preset=${id}`))
  await expect(page.getByTestId(`preset-${id}`)).toHaveAttribute('aria-pressed', 'true')
}

/** Moves over the plot until a point's tooltip shows; returns the model id it names. */
async function hoverSomePoint(page: Page): Promise<string> {
  const plot = await plotRect(chartOf(page))
  const tooltip = page.locator('.zt')
  for (let fy = 0.08; fy < 0.95; fy += 0.04) {
    for (let fx = 0.02; fx < 0.9; fx += 0.012) {
      await page.mouse.move(plot.x + fx * plot.width, plot.y + fy * plot.height)
      if ((await tooltip.count()) > 0 && (await tooltip.first().isVisible())) {
        return (await tooltip.first().locator('.zt-head b').textContent()) ?? ''
      }
    }
  }
  throw new Error('no point found under the mouse')
}

// The official charts' presets (src/shared/charts/chartPresets.ts) and the PNGs they reproduce.
const presets = [
  { id: 'v100-bs1', official: 'v100.fp32.bs1.main_fps_top1_s.png' },
  { id: 'sd855-t1', official: 'mobile_arm_top1.png' },
  { id: 't4-bs4', official: 't4.fp32.bs4.main_fps_top1.png' },
  { id: 'vit-bs1', official: 'v100.fp32.bs1.visiontransformer.png' },
] as const

/** The series of the V100 preset, the chart a first visit opens on. */
const V100_SERIES = [
  'PP-HGNet',
  'DPN',
  'DarkNet',
  'DenseNet',
  'EfficientNet',
  'HRNet',
  'HarDNet',
  'Inception',
  'RedNet',
  'RegNet',
  'RepVGG',
  'Res2Net',
  'ResNeSt',
  'ResNeXt',
  'ResNet',
  'SENet',
  'VAN',
  'VGG',
]

/** The ViT preset's fixed ranges: x from 2 ms, y from 77 % to 84.5 %; series as in the preset. */
const VIT = {
  series: ['CSWinTransformer', 'DeiT', 'PVTV2', 'SwinTransformer', 'Twins', 'ViT'],
  xMin: 2,
  yMin: 0.77,
  yMax: 0.845,
}
const vitPoints = (rows: Row[]) =>
  rows.filter((row) => {
    const ms = latencyOf(row, 'v100-trt-fp32', 1, null)
    return (
      VIT.series.includes(row.series) &&
      ms !== null &&
      ms >= VIT.xMin &&
      row.top1 !== null &&
      row.top1 >= VIT.yMin &&
      row.top1 <= VIT.yMax
    )
  })

test.describe('explore view', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })
  // Specs share the server: leave no remembered chart behind for the next one (the page goes
  // first, so that its batched settings write cannot land after the reset).
  test.afterEach(async ({ app, page }) => {
    await page.close()
    await forgetRememberedViews(app)
  })

  test('switches axes, keeps the chart in the URL, and draws what the API implies', async ({
    page,
    app,
  }) => {
    const errors = collectErrors(page)
    await page.goto(`${app.url}#/explore`)
    const chart = chartOf(page)
    await expect(chart).toHaveAttribute('data-painted', 'true')
    const rows = await allRows(page, app)

    // A first visit opens on the official V100 chart: its 18 series, 0–20 ms, top-1 from 70 %.
    await expect(page.getByTestId('preset-v100-bs1')).toHaveAttribute('aria-pressed', 'true')
    const byDefault = rows.filter((r) => {
      const ms = latencyOf(r, 'v100-trt-fp32', 1, null)
      return (
        V100_SERIES.includes(r.series) &&
        r.top1 !== null &&
        r.top1 >= 0.7 &&
        ms !== null &&
        ms <= 20
      )
    }).length
    expect(byDefault).toBeGreaterThan(50)
    await expect(chart).toHaveAttribute('data-points', String(byDefault))

    // From here on every series, no fixed ranges: top-1 against V100 latency, as a URL gives it.
    await page.goto(`${app.url}#/explore?x=latency&y=top1`)
    await expect(chart).toHaveAttribute('data-painted', 'true')
    await expect(chart).toHaveAttribute(
      'data-points',
      String(
        rows.filter((r) => r.top1 !== null && latencyOf(r, 'v100-trt-fp32', 1, null) !== null)
          .length,
      ),
    )

    // X: FLOPs (log by default for a cost), Y: top-5.
    await redrawn(chart, () => page.getByTestId('x-field').selectOption('flopsG'))
    await expect(page).toHaveURL(/x=flopsG&xs=log/)
    await expect(page.getByTestId('x-scale')).toHaveValue('log')
    await expect(chart).toHaveAttribute(
      'data-points',
      String(rows.filter((r) => (r.flopsG ?? 0) > 0 && r.top1 !== null).length),
    )
    await redrawn(chart, () => page.getByTestId('y-field').selectOption('top5'))
    await expect(page).toHaveURL(/y=top5/)
    const flopsTop5 = rows.filter((r) => (r.flopsG ?? 0) > 0 && r.top5 !== null).length
    expect(flopsTop5).toBeGreaterThan(50)
    await expect(chart).toHaveAttribute('data-points', String(flopsTop5))
    await page.screenshot({ path: 'test-results/explore-flops-top5.png' })

    // Linear and back to log.
    await redrawn(chart, () => page.getByTestId('x-scale').selectOption('linear'))
    await expect(page).toHaveURL(/xs=linear/)
    await redrawn(chart, () => page.getByTestId('x-scale').selectOption('log'))
    await expect(page).toHaveURL(/xs=log/)

    // A URL reproduces the chart.
    const url = page.url()
    await page.reload()
    expect(page.url()).toBe(url)
    await expect(chart).toHaveAttribute('data-painted', 'true')
    await expect(chart).toHaveAttribute('data-points', String(flopsTop5))
    await expect(page.getByTestId('x-field')).toHaveValue('flopsG')
    await expect(page.getByTestId('y-field')).toHaveValue('top5')

    // A latency axis for another platform and thread count.
    await redrawn(chart, () => page.getByTestId('x-field').selectOption('latency'))
    await redrawn(chart, () => page.getByTestId('x-latency').selectOption('sd855-arm-fp32:1:4'))
    await expect(page).toHaveURL(/xk=sd855-arm-fp32\.1\.4/)
    await expect(chart).toHaveAttribute(
      'data-points',
      String(
        rows.filter((r) => r.top5 !== null && latencyOf(r, 'sd855-arm-fp32', 1, 4) !== null).length,
      ),
    )

    // A budget on the cost axis, removed again.
    await page.getByTestId('budget-input').fill('20')
    await expect(page).toHaveURL(/budget=20/)
    await page.getByTestId('budget-clear').click()
    await expect(page).not.toHaveURL(/budget=/)
    expect(errors).toEqual([])
  })

  test('switches series from the side panel and from the canvas legend', async ({ page, app }) => {
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'vit-bs1')
    const chart = chartOf(page)
    const rows = vitPoints(await allRows(page, app))
    await expect(chart).toHaveAttribute('data-points', String(rows.length))

    // The panel switches families (a legend entry each): ViT_patch16_384 here.
    const family = 'ViT_patch16_384'
    const vit = rows.filter((r) => r.family === family).length
    expect(vit).toBeGreaterThan(0)
    await redrawn(chart, () => page.getByTestId(`series-toggle-${family}`).uncheck())
    await expect(page).toHaveURL(new RegExp(`hide=${family}`))
    await expect(chart).toHaveAttribute('data-points', String(rows.length - vit))
    await redrawn(chart, () => page.getByTestId(`series-toggle-${family}`).check())
    await expect(page).not.toHaveURL(/hide=/)
    await expect(chart).toHaveAttribute('data-points', String(rows.length))

    // The canvas legend: its first entry sits at the top of the legend column, right of the plot.
    // Click along that row until the legend takes it (the URL then hides the first series).
    const first = (await page
      .getByTestId('series-panel')
      .locator('input[type="checkbox"]')
      .first()
      .getAttribute('data-testid'))!.replace('series-toggle-', '')
    const plot = await plotRect(chart)
    const legendTop = plot.y - 16 // the legend starts 16 px above the plot (top 64 vs grid 80)
    let clicked = false
    for (let x = plot.x + plot.width + 12; x < plot.box.x + plot.box.width - 10; x += 6) {
      await page.mouse.click(x, legendTop + 7)
      if (page.url().includes('hide=')) {
        clicked = true
        break
      }
    }
    expect(clicked).toBe(true)
    await expect(page).toHaveURL(new RegExp(`hide=${first}(&|$)`))
    await expect(page.getByTestId(`series-toggle-${first}`)).not.toBeChecked()
  })

  test('selects with a box, lists the selection, and compares it', async ({ page, app }) => {
    const errors = collectErrors(page)
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'vit-bs1')
    const chart = chartOf(page)
    await expect(page.getByTestId('selection-count')).toHaveText('0')

    // A box over the whole width, from the top of the plot down to top-1 = 81.05 %.
    const cut = 0.8105
    const expected = vitPoints(await allRows(page, app))
      .filter((r) => r.top1! >= cut)
      .map((r) => r.id)
      .sort()
    expect(expected.length).toBeGreaterThan(2)
    const plot = await plotRect(chart)
    const yCut = plot.y + (plot.height * (VIT.yMax - cut)) / (VIT.yMax - VIT.yMin)
    await page.getByTestId('tool-rect').click()
    await expect(page.getByTestId('tool-rect')).toHaveAttribute('aria-pressed', 'true')
    await redrawn(chart, async () => {
      await page.mouse.move(plot.x + 2, plot.y + 1)
      await page.mouse.down()
      await page.mouse.move(plot.x + plot.width / 2, (plot.y + yCut) / 2, { steps: 5 })
      await page.mouse.move(plot.x + plot.width - 2, yCut, { steps: 5 })
      await page.mouse.up()
    })
    await expect(page.getByTestId('selection-count')).toHaveText(String(expected.length))
    await expect(page).toHaveURL(/sel=/)
    const listed = await page
      .getByTestId('selection-list')
      .locator('li')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.model ?? ''))
    expect([...listed].sort()).toEqual(expected)
    await page.screenshot({ path: 'test-results/explore-selection.png' })

    // The selection survives a reload (it is part of the chart state).
    await page.reload()
    await expect(page.getByTestId('selection-count')).toHaveText(String(expected.length))

    await page.getByTestId('compare-selection').click()
    await expect(page).toHaveURL(/#\/compare\?ids=/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compare')
    // Compare holds at most 8: the first 8 of the selection, and it says how many did not fit.
    const shown = expected.length > 8 ? 8 : expected.length
    if (expected.length > 8)
      await expect(page.getByTestId('compare-limited')).toContainText(
        `${expected.length - 8} more models were chosen`,
      )
    const columns = page.locator('[data-testid^="compare-column-"]')
    await expect(columns).toHaveCount(shown)
    const ids = decodeURIComponent(page.url()).split('ids=')[1]!.split('&')[0]!.split(',')
    expect(ids).toHaveLength(shown)
    for (const id of ids) {
      expect(expected).toContain(id)
      await expect(page.getByTestId(`compare-column-${id}`)).toBeVisible()
    }
    expect(errors).toEqual([])
  })

  test('shows every figure of a point with its source, and opens its detail on click', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'sd855-t1')
    const id = await hoverSomePoint(page)
    const tooltip = page.locator('.zt').first()
    await expect(tooltip).toContainText('Top-1 accuracy')
    await expect(tooltip).toContainText('Latency · SD855 · 1 thread')
    await expect(tooltip).toContainText(/model_list\.zh_CN\.md:\d+/)
    await page.screenshot({ path: 'test-results/explore-tooltip.png' })

    await page.mouse.down()
    await page.mouse.up()
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('detail-title')).toHaveText(id)
    // The panel's code loads on first use; focus still moves into it, so Escape closes it.
    await expect(panel.getByTestId('detail-title')).toBeFocused()
    await expect(page).toHaveURL(new RegExp(`model=${id}`))
    await page.keyboard.press('Escape')
    await expect(panel).toHaveCount(0)
    await expect(page).not.toHaveURL(/model=/)

    // The frontier list opens details too.
    const firstOnFrontier = page.getByTestId('frontier-list').locator('li').first()
    const frontierId = (await firstOnFrontier.getAttribute('data-model'))!
    await firstOnFrontier.getByRole('button').click()
    await expect(panel.getByTestId('detail-title')).toHaveText(frontierId)
  })

  test('Shift+click on a point adds its model to Compare', async ({ page, app }) => {
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'sd855-t1')
    const id = await hoverSomePoint(page)
    await page.keyboard.down('Shift')
    await page.mouse.down()
    await page.mouse.up()
    await page.keyboard.up('Shift')
    await expect(page.getByTestId('compare-tray')).toContainText(id)
    // Shift+click is not a plain click: no detail panel opened.
    await expect(page.getByTestId('model-detail')).toHaveCount(0)
  })

  test('zooming in labels the zoomed window, zooming out gives the whole axis back', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'v100-bs1')
    const chart = chartOf(page)
    const plot = await plotRect(chart)
    await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.5)
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, -200)
      await page.waitForTimeout(80)
    }
    const ticksOf = async (axis: 'x' | 'y') =>
      ((await chart.getAttribute(`data-${axis}-axis-ticks`)) ?? '').split(' ').map(Number)
    await expect.poll(async () => (await ticksOf('x')).length).toBeGreaterThanOrEqual(4)
    const zoomed = await ticksOf('x')
    await page.screenshot({ path: 'test-results/explore-zoomed-ticks.png' })
    await page.getByTestId('reset-zoom').click()
    await expect.poll(async () => (await ticksOf('x')).join(' ')).not.toBe(zoomed.join(' '))
    const whole = await ticksOf('x')
    const span = (t: number[]) => t[t.length - 1]! - t[0]!
    expect(span(zoomed)).toBeLessThan(span(whole) * 0.7)
    expect(zoomed[0]!).toBeGreaterThanOrEqual(whole[0]!)
    expect(zoomed[zoomed.length - 1]!).toBeLessThanOrEqual(whole[whole.length - 1]!)
  })

  test('exports SVG, PNG and CSV through the export engine', async ({ page, app }) => {
    await page.goto(`${app.url}#/explore`)
    await choosePreset(page, 'v100-bs1')
    const points = await chartOf(page).getAttribute('data-points')

    const save = async (format: 'svg' | 'png' | 'csv') => {
      await page.getByTestId('export-menu').click()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`export-${format}`).click(),
      ])
      expect(download.suggestedFilename()).toBe(`zoo-v100-bs1.${format}`)
      await expect(page.getByTestId('export-status')).toContainText(`zoo-v100-bs1.${format}`)
      return readFileSync((await download.path())!)
    }

    const svg = (await save('svg')).toString('utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('<metadata id="zoo-explorer-chart">')
    expect(svg).toContain('CNN server models')
    expect(svg).toContain('width="1280"')

    const png = await save('png')
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    // 1280×800 at 2×: the IHDR chunk holds the size.
    expect(png.readUInt32BE(16)).toBe(2560)
    expect(png.readUInt32BE(20)).toBe(1600)

    const csv = (await save('csv')).toString('utf8')
    expect(csv).toContain(`# points: ${points}`)
    const dataLines = csv.split('\n').filter((line) => line && !line.startsWith('#'))
    expect(dataLines.length - 1).toBe(Number(points))
  })

  test('copies the chart as PNG, or says why it cannot', async ({ page, app, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin })
    await page.goto(`${app.url}#/explore`)
    await expect(chartOf(page)).toHaveAttribute('data-painted', 'true')
    await page.getByTestId('export-menu').click()
    await page.getByTestId('export-copy').click()
    const status = page.getByTestId('export-status')
    await expect(status).toHaveText(/Copied the chart|clipboard/)
    if ((await status.textContent())?.startsWith('Copied')) {
      const types = await page.evaluate(async () =>
        (await navigator.clipboard.read()).flatMap((item) => item.types),
      )
      expect(types).toContain('image/png')
    }
  })

  test('presets reproduce the official charts (screenshots beside the PNGs)', async ({
    page,
    app,
  }) => {
    // A larger window, so the chart is about the size of the official figures.
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.goto(`${app.url}#/explore`)
    const chart = chartOf(page)
    for (const preset of presets) {
      await choosePreset(page, preset.id)
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10)
      await chart.screenshot({ path: `test-results/explore-${preset.id}.png` })
    }
    await page.screenshot({ path: 'test-results/explore-view.png' })
  })

  test('dark theme in Chinese', async ({ page, app }) => {
    await page.goto(`${app.url}#/explore`)
    const update = (patch: SettingsPatch) => invokeFromPage(page, app, 'settings.update', patch)
    try {
      await update({ locale: 'zh-CN', theme: 'dark' })
      await page.reload()
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('探索')
      await choosePreset(page, 'vit-bs1')
      await choosePreset(page, 'v100-bs1')
      await expect(page.getByTestId('selection-panel')).toContainText('已选')
      // The keyboard shows a point's tooltip (hovering a 1280×800 chart point by point is slow).
      await chartOf(page).focus()
      await page.keyboard.press('ArrowRight')
      await expect(page.locator('.zt').first()).toContainText('Top-1 精度')
      await page.screenshot({ path: 'test-results/explore-dark-zh.png' })
    } finally {
      await update({ locale: null, theme: 'system' })
    }
  })

  test('a detail panel for a model the catalog does not have says why in Chinese', async ({
    page,
    app,
  }) => {
    const failure = await failureFromTest(app, 'catalog.get', { id: 'NoSuchModel' })
    expect(failure.code).toBe('NOT_FOUND')
    await withSettings(page, app, { locale: 'zh-CN' }, async () => {
      await page.goto(`${app.url}#/explore?model=NoSuchModel`)
      // errors.codes.NOT_FOUND in Chinese, then the server's own English words.
      await expect(page.getByTestId('model-detail').getByRole('alert')).toHaveText(
        `无法加载此模型：未找到。（${failure.message}）`,
      )
    })
  })

  test('says when no model has both figures, and shows the API’s errors', async ({ page, app }) => {
    // No ViT has an OpenVINO timing.
    await page.goto(`${app.url}#/explore?x=latency&xk=xeon6271c-openvino-fp32.1&y=top1&series=ViT`)
    const empty = page.getByTestId('explore-empty')
    await expect(empty).toContainText('No model of the chosen series')
    await empty.getByRole('button', { name: 'Show every series' }).click()
    await expect(empty).toHaveCount(0)
    await expect(chartOf(page)).toHaveAttribute('data-painted', 'true')
    expect(Number(await chartOf(page).getAttribute('data-points'))).toBeGreaterThan(0)

    const message = 'The model catalog is not loaded: the app could not read its shipped catalog.'
    await page.route('**/api/invoke/catalog.list', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'UNAVAILABLE', message } }),
      }),
    )
    await page.reload()
    await expect(page.getByRole('status').filter({ hasText: message })).toBeVisible()
    await page.unroute('**/api/invoke/catalog.list')
    await page.getByTestId('explore-retry').click()
    await expect(chartOf(page)).toHaveAttribute('data-painted', 'true')
  })

  test('remembers the chart across restarts, but not an open detail panel', async ({
    page,
    app,
    browser,
  }) => {
    await page.goto(`${app.url}#/explore?x=flopsG&xs=log&y=top5&ys=linear&model=ResNet50_vd`)
    await expect(page.getByTestId('model-detail')).toBeVisible()
    await expect
      .poll(async () => {
        const settings = await invokeFromPage<{ views: { explore?: string } }>(
          page,
          app,
          'settings.get',
          {},
        )
        return settings.views.explore ?? ''
      })
      .toContain('x=flopsG')

    const context = await browser.newContext()
    const fresh = await context.newPage()
    await fresh.goto(`${app.url}#/explore`)
    await expect(fresh).toHaveURL(/x=flopsG/)
    await expect(fresh.getByTestId('y-field')).toHaveValue('top5')
    await expect(fresh.getByTestId('model-detail')).toHaveCount(0)
    await context.close()
  })

  test('stays responsive with 5,000 points', async ({ page }) => {
    // The real app, serving a synthetic catalog of 5,000 models made from the shipped one.
    const dir = mkdtempSync(join(tmpdir(), 'zoo-e2e-5000-'))
    writeSyntheticResources(join(dir, 'resources'), 5000)
    const big = await startZooServer(join(dir, 'data'), {
      ZOO_RESOURCES_DIR: join(dir, 'resources'),
    })
    test
      .info()
      .attachments.push({ name: 'server', contentType: 'text/plain', body: Buffer.from(big.url) })
    const app = { url: big.url }
    const started = Date.now()
    await page.goto(`${app.url}#/explore?x=flopsG&xs=log&y=top1&ys=linear&labels=none`)
    const chart = chartOf(page)
    await expect(chart).toHaveAttribute('data-painted', 'true', { timeout: 15_000 })
    const firstPaint = Date.now() - started
    const points = Number(await chart.getAttribute('data-points'))
    expect(points).toBeGreaterThan(4000)

    // Wheel-zoom in and out over the plot, timing animation frames meanwhile.
    const plot = await plotRect(chart)
    await page.mouse.move(plot.x + plot.width * 0.4, plot.y + plot.height * 0.5)
    await page.evaluate(() => {
      const frames: number[] = []
      let last = performance.now()
      const tick = (now: number) => {
        frames.push(now - last)
        last = now
        if ((window as { frames_?: number[] }).frames_ === frames) requestAnimationFrame(tick)
      }
      ;(window as { frames_?: number[] }).frames_ = frames
      requestAnimationFrame(tick)
    })
    for (let i = 0; i < 16; i++) {
      await page.mouse.wheel(0, i < 8 ? -150 : 150)
      await page.waitForTimeout(60)
    }
    const frames = await page.evaluate(() => {
      const list = (window as { frames_?: number[] }).frames_ ?? []
      ;(window as { frames_?: number[] }).frames_ = undefined
      return list
    })
    const sorted = [...frames].sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
    console.log(
      `5,000-point chart: ${points} points, first paint ${firstPaint} ms after navigation; ` +
        `zooming: ${frames.length} frames, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`,
    )
    expect(frames.length).toBeGreaterThan(10)
    await page.screenshot({ path: 'test-results/explore-5000.png' })
    await big.stop()
    rmSync(dir, { recursive: true, force: true })
  })
})

test.describe('compare view', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })
  test.afterEach(async ({ app, page }) => {
    await page.close()
    await forgetRememberedViews(app)
  })

  test('shows models side by side, marks the best, and removes a column', async ({ page, app }) => {
    const ids = [
      'ResNet50_vd',
      'PPHGNet_small',
      'MobileNetV3_large_x1_0',
      'SwinTransformer_tiny_patch4_window7_224',
    ]
    await page.goto(`${app.url}#/compare?ids=${ids.join(',')}`)
    const columns = page.locator('[data-testid^="compare-column-"]')
    await expect(columns).toHaveCount(ids.length)
    const details = await Promise.all(
      ids.map((id) => invokeFromPage<ModelDetail>(page, app, 'catalog.get', { id })),
    )

    // Best top-1 is the highest, best parameter count the lowest.
    const top1 = details.map((d) => d.model.top1?.value ?? -1)
    const params = details.map((d) => d.model.paramsM?.value ?? Infinity)
    const bestTop1 = top1.indexOf(Math.max(...top1))
    const bestParams = params.indexOf(Math.min(...params))
    const cells = (row: string) => page.getByTestId(`compare-row-${row}`).locator('td')
    await expect(cells('top1').nth(bestTop1)).toHaveClass(/best/)
    await expect(cells('top1').locator('.best-mark')).toHaveCount(1)
    await expect(cells('paramsM').nth(bestParams)).toHaveClass(/best/)
    await expect(page.getByTestId('compare-table')).toContainText('Latency · V100 · batch 1')
    await expect(page.getByTestId('compare-table')).toContainText('Preprocessing')
    await page.setViewportSize({ width: 1280, height: 1000 })
    await page.screenshot({ path: 'test-results/compare.png' })

    await page.getByTestId(`compare-remove-${ids[0]}`).click()
    await expect(columns).toHaveCount(ids.length - 1)
    expect(decodeURIComponent(page.url())).toMatch(new RegExp(`ids=${ids.slice(1).join(',')}$`))
  })

  test('says what to do when there is nothing to compare', async ({ page, app }) => {
    await page.goto(`${app.url}#/compare`)
    await expect(page.getByTestId('compare-empty')).toContainText('No models to compare yet')
  })

  test('remembers the last comparison across restarts', async ({ page, app, browser }) => {
    const ids = ['ResNet50_vd', 'PPLCNet_x1_0']
    await page.goto(`${app.url}#/compare?ids=${ids.join(',')}`)
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(2)
    await page.getByTestId(`compare-remove-${ids[0]}`).click()
    await expect
      .poll(async () => {
        const settings = await invokeFromPage<{ views: { compare?: string } }>(
          page,
          app,
          'settings.get',
          {},
        )
        return decodeURIComponent(settings.views.compare ?? '')
      })
      .toBe(`ids=${ids[1]}`)

    const context = await browser.newContext()
    const fresh = await context.newPage()
    await fresh.goto(`${app.url}#/compare`)
    await expect(fresh).toHaveURL(new RegExp(`ids=${ids[1]}$`))
    await expect(fresh.locator('[data-testid^="compare-column-"]')).toHaveCount(1)
    await expect(fresh.getByTestId(`compare-column-${ids[1]}`)).toBeVisible()
    await context.close()
  })
})
