import type { Page } from '@playwright/test'
import {
  expect,
  failureFromTest,
  withSettings,
  forgetRememberedViews,
  invokeFromPage,
  invokeFromTest,
  test,
  type AppServer,
  type SettingsPatch,
} from './appServer'

/*
 * The parts of the API's answers this spec reads. Declared here rather than imported from
 * src/shared: the e2e type world (tsconfig.e2e.json) holds only the tests, like a real client.
 */
interface ListInput {
  search?: string
  series?: string[]
  sort?: { field: string; direction: 'asc' | 'desc' }
  limit?: number
  entryKinds?: string[]
}
interface ListResult {
  total: number
  rows: { id: string }[]
}
interface SourceRef {
  document: string
  section: string
  line: number
  raw: string
}
interface ModelDetail {
  model: { top1: { value: number; source: SourceRef } | null }
  platforms: { id: string; hardware: string }[]
}

const list = (page: Page, app: AppServer, input: ListInput) =>
  invokeFromPage<ListResult>(page, app, 'catalog.list', input)

/** Console errors and uncaught exceptions, which no view should produce. */
function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

test.describe('models view', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })

  test('remembers the view across restarts, but not an open detail panel', async ({
    page,
    app,
    browser,
  }) => {
    await page.goto(`${app.url}#/models?sort=top1&dir=desc&q=mobilenet&model=MobileNetV2`)
    await expect(page.getByTestId('model-detail')).toBeVisible()
    const count = page.getByTestId('models-count')
    await expect(count).toContainText('of')
    const shown = await count.textContent()
    // The view's state is written to the data folder shortly after it changes.
    await expect
      .poll(
        async () =>
          (await invokeFromTest<{ views: { models?: string } }>(app, 'settings.get', {})).views
            .models,
      )
      .toContain('q=mobilenet')

    // A new browser context has no page state at all: only the data folder remembers.
    const context = await browser.newContext()
    const fresh = await context.newPage()
    await fresh.goto(`${app.url}#/models`)
    await expect(fresh).toHaveURL(/q=mobilenet/)
    await expect(fresh.getByTestId('models-count')).toHaveText(shown!)
    await expect(fresh.getByTestId('models-search')).toHaveValue('mobilenet')
    await expect(fresh.getByTestId('model-detail')).toHaveCount(0)
    await context.close()
  })

  test('sorts, searches, filters, chooses columns, and keeps it all in the URL', async ({
    page,
    app,
  }) => {
    const errors = collectErrors(page)
    await page.goto(`${app.url}#/models`)
    const all = await list(page, app, {})
    expect(all.total).toBeGreaterThan(200)
    const count = page.getByTestId('models-count')
    await expect(count).toHaveText(`${all.total} of ${all.total} models`)
    await expect(page).toHaveURL(/#\/models$/)

    // Virtualised: only the rows near the viewport are in the DOM.
    const rendered = await page.locator('[data-testid="models-table"] tbody tr').count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(all.total / 4)
    await page.screenshot({ path: 'test-results/models-view.png' })

    // Top-1: the first click sorts best-first, the second reverses, the third restores.
    const top1 = page.getByTestId('header-top1')
    await top1.getByRole('button').click()
    await expect(top1).toHaveAttribute('aria-sort', 'descending')
    await top1.getByRole('button').click()
    await expect(top1).toHaveAttribute('aria-sort', 'ascending')
    await top1.getByRole('button').click()
    await expect(top1).toHaveAttribute('aria-sort', 'descending')
    await expect(page).toHaveURL(/sort=top1&dir=desc/)
    const best = await list(page, app, { sort: { field: 'top1', direction: 'desc' }, limit: 1 })
    const firstRow = page.locator('tr[data-index="0"]')
    await expect(firstRow).toHaveAttribute('data-model', best.rows[0]!.id)

    // Search, debounced, served by catalog.list's own search.
    await page.getByTestId('models-search').fill('res')
    const found = await list(page, app, { search: 'res' })
    expect(found.total).toBeGreaterThan(0)
    expect(found.total).toBeLessThan(all.total)
    await expect(count).toHaveText(`${found.total} of ${all.total} models`)
    await expect(page).toHaveURL(/q=res/)

    // Series filter (a popover of checkboxes; Escape closes it).
    await page.getByTestId('series-filter').click()
    await page.getByTestId('series-option-ResNet').check()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('series-panel')).toHaveCount(0)
    await expect(page.getByTestId('series-filter')).toHaveText('Series (1)')
    const resnet = await list(page, app, { search: 'res', series: ['ResNet'] })
    expect(resnet.total).toBeGreaterThan(0)
    await expect(count).toHaveText(`${resnet.total} of ${all.total} models`)
    await expect(firstRow).toHaveAttribute(
      'data-model',
      (
        await list(page, app, {
          search: 'res',
          series: ['ResNet'],
          sort: { field: 'top1', direction: 'desc' },
          limit: 1,
        })
      ).rows[0]!.id,
    )

    // Latency platform: the column follows the chosen platform and thread count.
    const latency = page.getByTestId('header-latency')
    await expect(latency).toContainText('V100')
    await expect(latency).toContainText('batch 1')
    await page.getByTestId('latency-select').selectOption('sd855-arm-fp32:1:4')
    await expect(latency).toContainText('SD855')
    await expect(latency).toContainText('4 threads')
    await expect(page).toHaveURL(/platform=sd855-arm-fp32&t=4/)

    // Column chooser.
    await expect(page.getByTestId('header-top5')).toHaveCount(1)
    await page.getByTestId('column-chooser').click()
    await page.getByTestId('column-option-top5').uncheck()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('header-top5')).toHaveCount(0)
    await expect(page).toHaveURL(/cols=/)

    // Detail panel: every figure with where it was read.
    const detail = await invokeFromPage<ModelDetail>(page, app, 'catalog.get', {
      id: 'ResNet50_vd',
    })
    const top1Figure = detail.model.top1!
    const decimals = (top1Figure.source.raw.split('.')[1] ?? '').length - 2
    const top1Text = `${(top1Figure.value * 100).toFixed(Math.max(0, decimals))} %`
    // Named as a person reads it; the file is the tooltip.
    const location = `Model list, line ${top1Figure.source.line}`

    const row = page.locator('tr[data-model="ResNet50_vd"]')
    await row.click()
    const panel = page.getByTestId('model-detail')
    await expect(panel).toBeVisible()
    await expect(page).toHaveURL(/model=ResNet50_vd/)
    await expect(panel.getByTestId('detail-title')).toHaveText('ResNet50_vd')
    const figure = panel.getByTestId('figure-top1')
    await expect(figure.getByTestId('figure-value')).toHaveText(top1Text)
    await expect(figure.getByTestId('source-location')).toHaveText(location)
    await expect(figure).toContainText(top1Figure.source.section)
    await expect(figure).toContainText(top1Figure.source.raw)
    await expect(panel.getByTestId('latency-v100-trt-fp32')).toContainText(
      detail.platforms.find((p) => p.id === 'v100-trt-fp32')!.hardware,
    )
    await expect(panel.getByTestId('detail-preprocess')).toContainText('256')
    await expect(panel.getByTestId('detail-downloads')).toContainText('ResNet50_vd_infer.tar')
    await page.screenshot({ path: 'test-results/models-detail.png' })

    await page.keyboard.press('Escape')
    await expect(panel).toHaveCount(0)
    await expect(page).not.toHaveURL(/model=/)
    await expect(row).toBeFocused()

    // Reload: the URL brings the whole view back.
    await row.click()
    await expect(panel).toBeVisible()
    const url = page.url()
    await page.reload()
    expect(page.url()).toBe(url)
    await expect(count).toHaveText(`${resnet.total} of ${all.total} models`)
    await expect(page.getByTestId('models-search')).toHaveValue('res')
    await expect(page.getByTestId('series-filter')).toHaveText('Series (1)')
    await expect(top1).toHaveAttribute('aria-sort', 'descending')
    await expect(page.getByTestId('header-top5')).toHaveCount(0)
    await expect(latency).toContainText('SD855')
    await expect(latency).toContainText('4 threads')
    await expect(page.getByTestId('model-detail').getByTestId('detail-title')).toHaveText(
      'ResNet50_vd',
    )

    // Away through the sidebar and back: the view (not the panel) is as it was left.
    await page.getByTestId('nav-settings').click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings')
    await page.getByTestId('nav-models').click()
    await expect(count).toHaveText(`${resnet.total} of ${all.total} models`)
    await expect(page).toHaveURL(/q=res/)
    await expect(page).not.toHaveURL(/model=/)

    expect(errors).toEqual([])
  })

  test('works from the keyboard: Tab to the rows, arrows, Enter opens, Escape closes', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models`)
    // The rows the view shows: the zoo's, and after them in each series the entries outside it.
    const all = await list(page, app, {
      sort: { field: 'series', direction: 'asc' },
      entryKinds: ['zoo', 'olderListOnly', 'surveyOnly'],
    })
    const zoo = await list(page, app, {})
    await expect(page.getByTestId('models-count')).toHaveText(`${zoo.total} of ${zoo.total} models`)

    // From the search box, Tab passes the filters and the sortable headers, then reaches the rows.
    await page.getByTestId('models-search').focus()
    const visited: string[] = []
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const where = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        return (
          el?.closest('th')?.dataset.testid ??
          el?.dataset.testid ??
          (el?.matches('tr.row') ? 'row' : el?.tagName)
        )
      })
      visited.push(where ?? '')
      if (where === 'row') break
    }
    expect(visited).toContain('series-filter')
    expect(visited).toContain('latency-select')
    expect(visited).toContain('header-top1')
    expect(visited.at(-1)).toBe('row')
    const focusedIndex = () =>
      page.evaluate(() => (document.activeElement as HTMLElement).dataset.index)
    expect(await focusedIndex()).toBe('0')

    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await focusedIndex()).toBe('2')
    await page.keyboard.press('End')
    await expect(page.locator(`tr[data-index="${all.total - 1}"]`)).toBeFocused()
    // Still virtualised at the bottom of the list.
    expect(await page.locator('[data-testid="models-table"] tbody tr').count()).toBeLessThan(
      all.total / 4,
    )
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowDown')
    await expect(page.locator('tr[data-index="1"]')).toBeFocused()

    await page.keyboard.press('Enter')
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('detail-title')).toHaveText(all.rows[1]!.id)
    await page.keyboard.press('Escape')
    await expect(panel).toHaveCount(0)
    await expect(page.locator('tr[data-index="1"]')).toBeFocused()
  })

  test('says when nothing matches, and clears the filters', async ({ page, app }) => {
    await page.goto(`${app.url}#/models?q=zzqqxxnothing&distilled=1`)
    await expect(page.getByTestId('models-no-match')).toContainText('No model matches')
    await page.getByRole('button', { name: 'Clear filters' }).click()
    const all = await list(page, app, {})
    await expect(page.getByTestId('models-count')).toHaveText(`${all.total} of ${all.total} models`)
    await expect(page.getByTestId('models-search')).toHaveValue('')
    await expect(page).toHaveURL(/#\/models$/)
  })

  test('shows the API’s message when the catalog cannot be read', async ({ page, app }) => {
    const message = 'The model catalog is not loaded: the app could not read its shipped catalog.'
    await page.route('**/api/invoke/catalog.list', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'UNAVAILABLE', message } }),
      }),
    )
    await page.goto(`${app.url}#/models`)
    await expect(page.getByRole('status').filter({ hasText: message })).toBeVisible()
    await page.unroute('**/api/invoke/catalog.list')
    await page.getByTestId('models-retry').click()
    await expect(page.getByTestId('models-count')).toContainText(' of ')
    await expect(page.locator('tr[data-index="0"]')).toBeVisible()
  })

  test('dark theme in Chinese', async ({ page, app }) => {
    // Not the Models view with an empty query: its remembered query, restored a moment later,
    // could replace the one this test opens next.
    await page.goto(`${app.url}#/settings`)
    const update = (patch: SettingsPatch) => invokeFromPage(page, app, 'settings.update', patch)
    try {
      await update({ locale: 'zh-CN', theme: 'dark' })
      await page.goto(
        `${app.url}#/models?sort=top1&dir=desc&platform=sd855-arm-fp32&t=4&model=SwinTransformer_base_patch4_window7_224_22kto1k`,
      )
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('模型')
      const all = await list(page, app, {})
      await expect(page.getByTestId('models-count')).toHaveText(
        `${all.total} / ${all.total} 个模型`,
      )
      await expect(page.getByTestId('header-latency')).toContainText('4 线程')
      const panel = page.getByTestId('model-detail')
      await expect(panel.getByTestId('detail-notes')).toBeVisible()
      await expect(panel.getByTestId('figure-top1')).toContainText('Top-1 精度')
      await page.screenshot({ path: 'test-results/models-dark-zh.png' })
      await page.keyboard.press('Escape')
      await expect(panel).toHaveCount(0)
      await page.screenshot({ path: 'test-results/models-dark-zh-table.png' })
    } finally {
      // The server is shared by the tests of this worker: back to the defaults.
      await update({ locale: null, theme: 'system' })
    }
  })

  test('a model the catalog does not have: the panel says why in Chinese', async ({
    page,
    app,
  }) => {
    const failure = await failureFromTest(app, 'catalog.get', { id: 'NoSuchModel' })
    expect(failure.code).toBe('NOT_FOUND')
    await withSettings(page, app, { locale: 'zh-CN' }, async () => {
      await page.goto(`${app.url}#/models?model=NoSuchModel`)
      // errors.codes.NOT_FOUND in Chinese, then the server's own English words.
      await expect(page.getByTestId('model-detail').getByRole('alert')).toHaveText(
        `无法加载此模型：未找到。（${failure.message}）`,
      )
    })
  })
})
