/**
 * The Explore view against the official PaddleClas charts: every preset at 1440×900 and 1024×700
 * (screenshots saved beside the official PNGs' names, to be looked at), the budget's error and
 * its "best within" callout, keyboard travel between points, and the plot's height in a small
 * window. Real server, real catalog, real Chromium.
 */
import type { Page } from '@playwright/test'
import {
  expect,
  forgetRememberedViews,
  invokeFromPage,
  test,
  type SettingsPatch,
} from './appServer'

const presets = ['v100-bs1', 'sd855-t1', 't4-bs4', 'vit-bs1'] as const
const sizes = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const

const chartOf = (page: Page) => page.getByTestId('explore-chart')

async function painted(page: Page): Promise<void> {
  await expect(chartOf(page)).toHaveAttribute('data-painted', 'true')
}

async function plotHeight(page: Page): Promise<number> {
  const plot = (await chartOf(page).getAttribute('data-plot'))!.split(' ').map(Number)
  return plot[3]!
}

test.describe('explore presets beside the official charts', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })
  test.afterEach(async ({ app, page }) => {
    await page.close()
    await forgetRememberedViews(app)
  })

  for (const size of sizes) {
    test(`every preset at ${size.width}×${size.height}`, async ({ page, app }) => {
      await page.setViewportSize(size)
      await page.goto(`${app.url}#/explore`)
      await painted(page)
      // A first visit opens on the official V100 chart.
      await expect(page.getByTestId('preset-v100-bs1')).toHaveAttribute('aria-pressed', 'true')
      for (const id of presets) {
        const renders = Number(await chartOf(page).getAttribute('data-renders'))
        await page.getByTestId(`preset-${id}`).click()
        await expect
          .poll(async () => Number(await chartOf(page).getAttribute('data-renders')))
          .toBeGreaterThanOrEqual(renders)
        await expect(page.getByTestId(`preset-${id}`)).toHaveAttribute('aria-pressed', 'true')
        await expect
          .poll(async () => Number(await chartOf(page).getAttribute('data-points')))
          .toBeGreaterThan(10)
        // The plot keeps a usable height even in the small window.
        expect(await plotHeight(page)).toBeGreaterThanOrEqual(size.height === 700 ? 380 : 520)
        await page.screenshot({
          path: `test-results/explore-${id}-${size.width}x${size.height}.png`,
        })
      }
    })
  }

  test('a budget: an error for −3, 0 and text; the best model within 5 ms when valid', async ({
    page,
    app,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${app.url}#/explore`)
    await painted(page)
    const input = page.getByTestId('budget-input')
    const all = await chartOf(page).getAttribute('data-points')
    for (const bad of ['-3', '0', 'cheap']) {
      await input.fill(bad)
      await expect(page.getByTestId('budget-error')).toBeVisible()
      await expect(page.getByTestId('budget-callout')).toHaveCount(0)
      // Nothing is filtered: no budget in the URL.
      await page.waitForTimeout(500)
      await expect(page).not.toHaveURL(/budget=/)
    }
    await input.fill('5')
    await expect(page).toHaveURL(/budget=5/)
    await expect(page.getByTestId('budget-error')).toHaveCount(0)
    const callout = page.getByTestId('budget-callout')
    await expect(callout).toHaveText(/^Best within 5 ms: \S+, \d+\.\d\d %$/)
    // The callout names the most accurate model at most 5 ms, as the catalog says.
    const rows = (
      await invokeFromPage<{
        rows: {
          id: string
          top1: number | null
          latencies: { platform: string; batchSize: number; threads: number | null; ms: number }[]
        }[]
      }>(page, app, 'catalog.list', {})
    ).rows
    const name = (await callout.textContent())!.match(/: (\S+),/)![1]!
    const best = rows.find((r) => r.id === name)!
    const ms = best.latencies.find((l) => l.platform === 'v100-trt-fp32' && l.batchSize === 1)!.ms
    expect(ms).toBeLessThanOrEqual(5)
    expect(await chartOf(page).getAttribute('data-points')).toBe(all)
    await page.screenshot({ path: 'test-results/explore-budget-5ms.png' })
  })

  test('arrow keys move a focus between points, Enter opens the detail', async ({ page, app }) => {
    await page.goto(`${app.url}#/explore`)
    await painted(page)
    const chart = chartOf(page)
    await chart.focus()
    await page.keyboard.press('Home')
    const focus = page.getByTestId('chart-focus')
    await expect(focus).toHaveAttribute('aria-live', 'polite')
    await expect(focus).toContainText(/\(1\/\d+\)/)
    const first = await chart.getAttribute('data-focused')
    await page.keyboard.press('ArrowRight')
    await expect(focus).toContainText(/\(2\/\d+\)/)
    expect(await chart.getAttribute('data-focused')).not.toBe(first)
    await page.keyboard.press('ArrowUp')
    await expect(focus).toContainText(/Pareto/)
    await expect(page.locator('.zt').first()).toBeVisible()
    const id = await chart.getAttribute('data-focused')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('model-detail')).toBeVisible()
    await expect(page).toHaveURL(new RegExp(`model=${id}`))
  })

  test('C on a focused point adds its model to Compare (the tooltip says so); C again takes it out', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/explore`)
    await painted(page)
    const chart = chartOf(page)
    await chart.focus()
    await page.keyboard.press('Home')
    const id = (await chart.getAttribute('data-focused'))!
    await expect(page.locator('.zt-hint').first()).toContainText('add to Compare')
    await page.keyboard.press('c')
    const tray = page.getByTestId('compare-tray')
    await expect(tray).toContainText(id)
    await page.keyboard.press('ArrowRight')
    const second = (await chart.getAttribute('data-focused'))!
    await page.keyboard.press('c')
    await expect(tray.locator('li')).toHaveCount(2)
    await page.screenshot({ path: 'test-results/explore-compare-tray-1440.png' })
    await page.keyboard.press('ArrowLeft')
    await expect(page.locator('.zt-hint').first()).toContainText('remove from Compare')
    await page.keyboard.press('c')
    await expect(tray.locator('li')).toHaveCount(1)
    await expect(tray).toContainText(second)
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('c')
    await page.getByTestId('compare-tray-open').click()
    await expect(page).toHaveURL(new RegExp(`#/compare\\?ids=${second},`))
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(2)
  })

  test('zh-CN and dark, once, with a budget', async ({ page, app }) => {
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${app.url}#/explore`)
    const update = (patch: SettingsPatch) => invokeFromPage(page, app, 'settings.update', patch)
    try {
      await update({ locale: 'zh-CN', theme: 'dark' })
      await page.reload()
      await painted(page)
      await page.getByTestId('budget-input').fill('5')
      await expect(page.getByTestId('budget-callout')).toHaveText(
        /^5 ms 以内最佳：\S+，\d+\.\d\d %$/,
      )
      await page.screenshot({ path: 'test-results/explore-v100-bs1-zh-dark.png' })
      await page.getByTestId('preset-sd855-t1').click()
      await expect(page.getByTestId('preset-sd855-t1')).toHaveAttribute('aria-pressed', 'true')
      await painted(page)
      await page.screenshot({ path: 'test-results/explore-sd855-t1-zh-dark.png' })
    } finally {
      await update({ locale: null, theme: 'system' })
    }
  })
})
