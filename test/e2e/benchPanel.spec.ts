import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, invokeFromTest, test, type AppServer } from './appServer'

/*
 * The model panel's "This machine": with the int8 MobileNetV2 fixture attached to its catalog
 * entry, a real benchmark through the real bench service, followed in the panel (progress, then
 * the table, the machine and the sweet spot within a limit), a second start refused while one
 * runs, a run started from the button and cancelled keeping its finished points; Chinese and
 * dark at the smaller size. Without weights the section says what it needs and offers nothing.
 */
const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const CATALOG_ID = 'MobileNetV2'

interface Run {
  id: string
  state: string
  points: { batch: number; threads: number }[]
}

/** Polls a run until it is no longer running (one benchmark at a time per data folder). */
async function settled(app: AppServer, id: string, timeoutMs = 90_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs
  let run = await invokeFromTest<Run>(app, 'bench.get', { id })
  while (run.state === 'running' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    run = await invokeFromTest<Run>(app, 'bench.get', { id })
  }
  return run
}

async function openPanel(page: Page, app: AppServer) {
  await page.goto(`${app.url}#/models?q=mobilenetv2&model=${CATALOG_ID}`)
  // A hash change alone keeps the page, and its list of local models, as it was.
  await page.reload()
  const section = page.getByTestId('detail-bench')
  await expect(section).toBeVisible()
  return section
}

test.describe('this machine in the model panel', () => {
  test.skip(!existsSync(mobilenet), `the model fixture is not in ${fixtures}`)

  test.afterEach(async ({ app }) => {
    // Leave no run behind for the next test of this worker: it would refuse to start.
    const [last] = await invokeFromTest<Run[]>(app, 'bench.list', { limit: 1 })
    if (last?.state === 'running') {
      await invokeFromTest(app, 'bench.cancel', { id: last.id }).catch(() => undefined)
      await settled(app, last.id)
    }
    await invokeFromTest(app, 'inference.detach', { model: { catalogId: CATALOG_ID } }).catch(
      () => undefined,
    )
    await invokeFromTest(app, 'settings.update', { locale: null, theme: 'system' })
  })

  test('benchmark, follow, read the curve, cancel a second run', async ({ page, app }) => {
    test.setTimeout(180_000)
    await page.setViewportSize({ width: 1440, height: 900 })

    // Without weights: one line, no button.
    await page.goto(`${app.url}#/models?model=${CATALOG_ID}`)
    const bare = page.getByTestId('detail-bench')
    await expect(bare.getByTestId('bench-needs-weights')).toContainText('need the model’s ONNX')
    await expect(bare.getByTestId('bench-start')).toHaveCount(0)

    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: CATALOG_ID,
    })
    const section = await openPanel(page, app)
    await expect(section.getByTestId('bench-start')).toHaveText('Benchmark on this machine')
    await expect(section.getByTestId('bench-none')).toBeVisible()

    // A small run through the API: the panel follows it by its model.
    const small = await invokeFromTest<Run>(app, 'bench.start', {
      model: { catalogId: CATALOG_ID },
      batches: [1, 4],
      threads: [1],
      minRuns: 5,
      minDurationMs: 200,
    })
    const progress = section.getByTestId('bench-progress-text')
    await expect(progress).toContainText(/Point [12] of 2/)
    await expect(section.locator('progress')).toBeVisible()
    // A second start while it runs: the service says no, and the panel says why.
    await section.getByTestId('bench-start').click()
    await expect(section.getByTestId('bench-error')).toContainText('one benchmark at a time')

    const done = await settled(app, small.id)
    expect(done.state).toBe('done')
    await expect(section.getByTestId('bench-progress')).toHaveCount(0)
    await expect(section.getByTestId('bench-run')).toContainText(`Run ${small.id}`)
    await expect(section.getByTestId('bench-run')).toContainText('done')
    await expect(section.getByTestId('bench-machine')).toContainText('ONNX Runtime')
    await expect(section.getByTestId('bench-row-1-1')).toBeVisible()
    await expect(section.getByTestId('bench-row-4-1')).toBeVisible()
    // Latencies print like every latency figure: up to 3 decimals and the unit.
    await expect(section.getByTestId('bench-row-1-1').locator('td').nth(2)).toHaveText(
      /^\d[\d,]*(\.\d{1,3})? ms$/,
    )
    await expect(section.getByTestId('bench-curve')).toHaveAttribute('data-painted', 'true')

    // The sweet spot within the default 20 ms, then none within a limit nothing meets.
    const answer = section.getByTestId('bench-answer')
    await expect(answer).toHaveText(
      /^Best within 20 ms \(p90\): batch [14] · 1 thread — [\d,]+ images\/s$/,
    )
    const limit = section.getByTestId('bench-limit')
    await limit.fill('0.001')
    await expect(answer).toHaveText(
      /^None within 0\.001 ms \(p90\); the fastest is batch 1 · 1 thread at [\d.,]+ ms$/,
    )
    await limit.fill('0')
    await expect(section.getByTestId('bench-limit-error')).toHaveText(
      'A limit is a number of milliseconds above 0',
    )
    await expect(answer).toHaveCount(0)
    await expect(limit).toHaveAttribute('aria-invalid', 'true')
    await limit.fill('fast')
    await expect(section.getByTestId('bench-limit-error')).toBeVisible()
    await limit.fill('10000')
    await expect(answer).toContainText('Best within 10,000 ms (p90)')
    await section.getByTestId('bench-figure').selectOption('median')
    await expect(answer).toContainText('Best within 10,000 ms (median)')
    await section.getByTestId('bench-figure').selectOption('p90')
    await limit.fill('20')
    await section.getByTestId('bench-table').scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/bench-panel-1440.png' })
    await section.getByTestId('bench-curve').scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/bench-panel-curve-1440.png' })

    // From the button: the service's default sweep, cancelled after its first point.
    await section.getByTestId('bench-start').click()
    await expect(section.getByTestId('bench-error')).toHaveCount(0)
    await expect(progress).toContainText(/of 6/, { timeout: 15_000 })
    // The previous run's figures stay while the new one has none of its own.
    await expect(section.getByTestId('bench-row-4-1')).toBeVisible()
    await expect(section.getByTestId('bench-error')).toHaveCount(0)
    await page.screenshot({ path: 'test-results/bench-panel-running-1440.png' })
    await expect(progress).toContainText('Point 2 of 6', { timeout: 60_000 })
    await section.getByTestId('bench-cancel').click()
    await expect(section.getByTestId('bench-progress')).toHaveCount(0, { timeout: 60_000 })
    await expect(section.getByTestId('bench-run')).toContainText('cancelled')
    await expect(section.getByTestId('bench-earlier')).toContainText('1 earlier run')
    const [cancelled] = await invokeFromTest<Run[]>(app, 'bench.list', { catalogId: CATALOG_ID })
    expect(cancelled?.state).toBe('cancelled')
    expect(cancelled?.points.length).toBeGreaterThanOrEqual(1)
    await expect(section.locator('tbody tr')).toHaveCount(cancelled?.points.length ?? 0)

    // Chinese and dark, at the smaller size.
    try {
      await invokeFromTest(app, 'settings.update', { locale: 'zh-CN', theme: 'dark' })
      await page.setViewportSize({ width: 1024, height: 700 })
      const zh = await openPanel(page, app)
      await expect(zh.getByRole('heading', { name: '本机' })).toBeVisible()
      await expect(zh.getByTestId('bench-run')).toContainText('已取消')
      await expect(zh.getByTestId('bench-answer')).toContainText('20 ms（p90）以内最佳')
      await expect(zh.getByTestId('bench-curve')).toHaveAttribute('data-painted', 'true')
      await zh.getByTestId('bench-table').scrollIntoViewIfNeeded()
      await page.screenshot({ path: 'test-results/bench-panel-1024-zh-dark.png' })
      await zh.getByTestId('bench-curve').scrollIntoViewIfNeeded()
      await page.screenshot({ path: 'test-results/bench-panel-curve-1024-zh-dark.png' })
    } finally {
      await invokeFromTest(app, 'settings.update', { locale: null, theme: 'system' })
    }
  })
})
