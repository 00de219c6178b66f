import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, forgetRememberedViews, invokeFromTest, test, type AppServer } from './appServer'

/*
 * "This machine" in Explore, from real benchmark runs of the MobileNetV2 fixture (linked to two
 * catalog entries) through the real bench service: its points beside the published SD855 ones, a
 * switch for them, its own platform on the latency axis, and the same points in an exported SVG.
 */
const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const benchmarked = ['MobileNetV2', 'MobileNetV2_x0_5'] as const

interface Run {
  id: string
  state: string
  points: { batch: number; threads: number; medianMs: number }[]
}

async function benchmark(app: AppServer, catalogId: string): Promise<Run> {
  let run = await invokeFromTest<Run>(app, 'bench.start', {
    model: { catalogId },
    batches: [1],
    threads: [1],
    minRuns: 5,
    minDurationMs: 200,
  })
  const deadline = Date.now() + 60_000
  while (run.state === 'running' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    run = await invokeFromTest<Run>(app, 'bench.get', { id: run.id })
  }
  expect(run.state).toBe('done')
  return run
}

const chartOf = (page: Page) => page.getByTestId('explore-chart')

/** Top-1 against a latency, exported by the app's engine: the file's text. */
async function exportChart(
  app: AppServer,
  latency: { platform: string; batchSize: number; threads: number | null },
  format: 'svg' | 'csv',
): Promise<string> {
  const file = await invokeFromTest<{ base64: string }>(app, 'chart.export', {
    state: {
      x: { field: 'latency', scale: 'linear', latency },
      y: { field: 'top1', scale: 'linear' },
    },
    format,
  })
  return Buffer.from(file.base64, 'base64').toString('utf8')
}

test.describe('this machine in Explore', () => {
  test.skip(!existsSync(fixtures), `the model fixture is not in ${fixtures}`)

  test('benchmarked models beside the published latencies, switchable, and as a platform', async ({
    page,
    app,
  }) => {
    test.setTimeout(120_000)
    await forgetRememberedViews(app)
    const runs: Run[] = []
    for (const id of benchmarked) {
      await invokeFromTest(app, 'inference.attach', { source: { path: mobilenet }, catalogId: id })
      runs.push(await benchmark(app, id))
    }

    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${app.url}#/explore`)
    await expect(chartOf(page)).toHaveAttribute('data-painted', 'true')
    await page.getByTestId('preset-sd855-t1').click()
    await expect(page).toHaveURL(/preset=sd855-t1/)
    await expect(page.getByTestId('x-latency')).toHaveValue('sd855-arm-fp32:1:1')
    await page.waitForTimeout(600)
    const toggle = page.getByTestId('toggle-machine')
    await expect(toggle).toBeChecked()
    await page.screenshot({ path: 'test-results/explore-this-machine-1440.png' })

    // The export engine draws the same chart: this machine's hollow diamonds, in their colour.
    const svg = await exportChart(
      app,
      { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
      'svg',
    )
    expect(svg).toContain('#d6336c')
    const csvText = await exportChart(
      app,
      { platform: 'this-machine', batchSize: 1, threads: 1 },
      'csv',
    )
    for (const [i, id] of benchmarked.entries()) {
      expect(csvText).toContain(id)
      expect(csvText).toContain(String(runs[i]!.points[0]!.medianMs))
    }

    // Switched off: gone from the chart and from the URL's state.
    await toggle.uncheck()
    await expect(page).toHaveURL(/machine=0/)
    await toggle.check()
    await expect(page).not.toHaveURL(/machine=0/)

    // As a platform of its own on the latency axis: only the benchmarked models are points.
    const platform = page.getByTestId('x-latency')
    // Other specs on this worker's server may have benchmarked other keys: look for ours.
    const machineGroup = platform.locator('optgroup[label="This machine"]')
    await expect(machineGroup.locator('option[value="this-machine:1:1"]')).toHaveCount(1)
    await platform.selectOption('this-machine:1:1')
    await expect(chartOf(page)).toHaveAttribute('data-points', String(benchmarked.length))
    await page.screenshot({ path: 'test-results/explore-this-machine-platform-1440.png' })

    // Compare: this machine's timings as rows of their own, marked, with the conditions said.
    await page.goto(`${app.url}#/compare?ids=${benchmarked.join(',')},ResNet50`)
    const row = page.getByTestId('compare-row-latency/this-machine/1/1')
    await expect(row).toHaveClass(/local/)
    await expect(row).toContainText('This machine')
    const cells = row.locator('td')
    await expect(cells.nth(2)).toContainText('—')
    // The app's one number format: a median prints like any figure, not with float noise.
    await expect(cells.nth(0)).toHaveText(/^\s*\d+(\.\d{1,3})? ms/)
    await expect(row.locator('td.best')).toHaveCount(1)
    const conditions = page.getByTestId('compare-conditions')
    await conditions.locator('summary').click()
    await expect(conditions).toContainText(
      'MobileNetV2_x0_5: This machine · batch 1 · 1 thread is measured on this machine',
    )
    await row.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/compare-this-machine-1440.png' })

    for (const id of benchmarked)
      await invokeFromTest(app, 'inference.detach', { model: { catalogId: id } })
  })
})
