import type { Locator, Page } from '@playwright/test'
import {
  expect,
  forgetRememberedViews,
  invokeFromPage,
  invokeFromTest,
  test,
  type AppServer,
  type SettingsPatch,
} from './appServer'

/*
 * The parts of the API's answers this spec reads, declared here like a real client would
 * (tsconfig.e2e.json holds only the tests).
 */
interface LatencyKey {
  platform: string
  batchSize: number
  threads: number | null
}
interface ListResult {
  total: number
  rows: { id: string; latencyMs: number | null }[]
}
interface ModelDetail {
  model: { latencies: (LatencyKey & { ms: number; source: { line: number } })[] }
}

const SD855_T1: LatencyKey = { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 }
const V100_B4: LatencyKey = { platform: 'v100-trt-fp32', batchSize: 4, threads: null }
/** What the Models view lists: the zoo and the entries outside it. */
const ALL_KINDS = ['zoo', 'olderListOnly', 'surveyOnly']

function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

/** The cell of `row` under the header with test id `header`, found by the header's position. */
async function cellUnder(page: Page, row: Locator, header: string): Promise<Locator> {
  const index = await page
    .locator('[data-testid="models-table"] thead th')
    .evaluateAll((ths, id) => ths.findIndex((th) => th.dataset.testid === id), header)
  expect(index).toBeGreaterThan(0)
  return row.locator(':scope > th, :scope > td').nth(index)
}

async function published(page: Page, app: AppServer, id: string, key: LatencyKey) {
  const detail = await invokeFromPage<ModelDetail>(page, app, 'catalog.get', { id })
  return detail.model.latencies.find(
    (l) =>
      l.platform === key.platform && l.batchSize === key.batchSize && l.threads === key.threads,
  )
}

test.describe('models view: several latency columns', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })

  test('adds latency columns, sorts by one, removes one, and keeps them', async ({
    page,
    app,
    browser,
  }) => {
    const errors = collectErrors(page)
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${app.url}#/models`)
    await expect(page.getByTestId('models-count')).toContainText(' of ')

    // Add V100 batch 4, then SD855 1 thread: a key already shown is no longer offered.
    const add = page.getByTestId('add-latency-column')
    await add.click()
    await expect(page.getByTestId('add-latency-v100-trt-fp32:1')).toHaveCount(0)
    await page.getByTestId('add-latency-v100-trt-fp32:4').click()
    const v100b4 = page.getByTestId('header-lat-v100-trt-fp32:4')
    await expect(v100b4.locator('.name')).toHaveText('V100')
    await expect(v100b4.locator('.unit')).toHaveText('ms · batch 4')
    await expect(v100b4).toHaveAttribute('title', 'V100 · batch 4')
    await add.click()
    await expect(page.getByTestId('add-latency-v100-trt-fp32:4')).toHaveCount(0)
    await page.getByTestId('add-latency-sd855-arm-fp32:t1').click()
    const sd855t1 = page.getByTestId('header-lat-sd855-arm-fp32:t1')
    await expect(sd855t1).toHaveAttribute('title', 'SD855 · 1 thread')
    await expect(sd855t1.locator('.unit')).toHaveText('ms · 1 thread')
    await expect(page).toHaveURL(/lat=v100-trt-fp32:4,sd855-arm-fp32:t1/)
    // "Latency on" is still V100 batch 1.
    await expect(page.getByTestId('header-latency')).toContainText('V100 · batch 1')

    // Known values, as the API publishes them; a model without the figure shows the "no figure" mark.
    const search = page.getByTestId('models-search')
    await search.fill('MobileNetV3_large_x1_0')
    const mobile = page.locator('tr[data-model="MobileNetV3_large_x1_0"]')
    await expect(page.locator('tr[data-index="0"]')).toHaveAttribute(
      'data-model',
      'MobileNetV3_large_x1_0',
    )
    const mobileT1 = (await published(page, app, 'MobileNetV3_large_x1_0', SD855_T1))!
    const mobileCell = await cellUnder(page, mobile, 'header-lat-sd855-arm-fp32:t1')
    await expect(mobileCell).toHaveText(mobileT1.ms.toFixed(2))
    await expect(mobileCell).toHaveAttribute('title', `Model list, line ${mobileT1.source.line}`)
    expect(await published(page, app, 'MobileNetV3_large_x1_0', V100_B4)).toBeUndefined()
    await expect(await cellUnder(page, mobile, 'header-lat-v100-trt-fp32:4')).toHaveText('—')

    await search.fill('ResNet50_vd')
    const resnet = page.locator('tr[data-model="ResNet50_vd"]')
    await expect(page.locator('tr[data-index="0"]')).toHaveAttribute('data-model', 'ResNet50_vd')
    const resnetB4 = (await published(page, app, 'ResNet50_vd', V100_B4))!
    await expect(await cellUnder(page, resnet, 'header-lat-v100-trt-fp32:4')).toHaveText(
      resnetB4.ms.toFixed(2),
    )
    await search.fill('')
    await expect(page).not.toHaveURL(/q=/)

    // Sorting by an added column: the service orders by that key (checked against the order it
    // gives when the key is "Latency on"); the "Latency on" column is no longer the sorted one.
    await sd855t1.locator('button.sort').click()
    await expect(sd855t1).toHaveAttribute('aria-sort', 'ascending')
    await expect(page.getByTestId('header-latency')).not.toHaveAttribute('aria-sort', /.+/)
    await expect(page).toHaveURL(/sort=latency&dir=asc&slat=sd855-arm-fp32:t1/)
    const fastest = await invokeFromPage<ListResult>(page, app, 'catalog.list', {
      latency: SD855_T1,
      sort: { field: 'latency', direction: 'asc' },
      entryKinds: ALL_KINDS,
      limit: 8,
    })
    for (const [index, row] of fastest.rows.slice(0, 5).entries()) {
      const shown = page.locator(`tr[data-index="${index}"]`)
      await expect(shown).toHaveAttribute('data-model', row.id)
      await expect(await cellUnder(page, shown, 'header-lat-sd855-arm-fp32:t1')).toHaveText(
        row.latencyMs!.toFixed(2),
      )
    }
    await sd855t1.locator('button.sort').click()
    await expect(sd855t1).toHaveAttribute('aria-sort', 'descending')
    const slowest = await invokeFromPage<ListResult>(page, app, 'catalog.list', {
      latency: SD855_T1,
      sort: { field: 'latency', direction: 'desc' },
      entryKinds: ALL_KINDS,
      limit: 1,
    })
    await expect(page.locator('tr[data-index="0"]')).toHaveAttribute(
      'data-model',
      slowest.rows[0]!.id,
    )
    await sd855t1.locator('button.sort').click()
    await expect(sd855t1).toHaveAttribute('aria-sort', 'ascending')
    await page.screenshot({ path: 'test-results/models-latency-columns-1440.png' })

    // Remove V100 batch 4 from the keyboard: focus comes back to "Add latency column".
    const remove = v100b4.getByRole('button', { name: 'Remove the V100 · batch 4 column' })
    await remove.focus()
    await page.keyboard.press('Enter')
    await expect(v100b4).toHaveCount(0)
    await expect(add).toBeFocused()
    await expect(page).toHaveURL(/lat=sd855-arm-fp32:t1(&|$)/)

    // Reload: the columns and the sort come back from the URL.
    await page.reload()
    await expect(sd855t1).toHaveAttribute('aria-sort', 'ascending')
    await expect(v100b4).toHaveCount(0)
    await expect(page.locator('tr[data-index="0"]')).toHaveAttribute(
      'data-model',
      fastest.rows[0]!.id,
    )
    // And from the data folder, in a browser context that has no page state at all.
    await expect
      .poll(
        async () =>
          (await invokeFromTest<{ views: { models?: string } }>(app, 'settings.get', {})).views
            .models ?? '',
      )
      .toContain('slat=sd855-arm-fp32')
    const context = await browser.newContext()
    const fresh = await context.newPage()
    await fresh.goto(`${app.url}#/models`)
    await expect(fresh).toHaveURL(/lat=sd855-arm-fp32:t1/)
    await expect(fresh.getByTestId('header-lat-sd855-arm-fp32:t1')).toHaveAttribute(
      'aria-sort',
      'ascending',
    )
    await context.close()

    // Removing the column sorted by goes back to the default order.
    await sd855t1.getByRole('button', { name: /^Remove/ }).click()
    await expect(sd855t1).toHaveCount(0)
    await expect(page).toHaveURL(/#\/models$/)
    expect(errors).toEqual([])
  })

  test('four at most; at 1024 × 700 the table scrolls sideways under a sticky model column', async ({
    page,
    app,
  }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.goto(
      `${app.url}#/models?lat=v100-trt-fp32:4,sd855-arm-fp32:t1,xeon6271c-openvino-fp32:1`,
    )
    for (const key of ['v100-trt-fp32:4', 'sd855-arm-fp32:t1', 'xeon6271c-openvino-fp32:1']) {
      await expect(page.getByTestId(`header-lat-${key}`)).toBeVisible()
    }
    await page.getByTestId('add-latency-column').click()
    await expect(page.getByTestId('add-latency-full')).toContainText('Up to 4 latency columns')
    await page.screenshot({ path: 'test-results/models-latency-columns-1024-full.png' })
    await page.keyboard.press('Escape')

    // "Latency on" set to an added column's key swaps the two columns.
    await page.getByTestId('latency-select').selectOption('v100-trt-fp32:4:')
    await expect(page.getByTestId('header-latency')).toContainText('V100 · batch 4')
    await expect(page.getByTestId('header-lat-v100-trt-fp32:4')).toHaveCount(0)
    await expect(page.getByTestId('header-lat-v100-trt-fp32:1')).toBeVisible()
    await expect(page).toHaveURL(/lat=v100-trt-fp32:1,sd855-arm-fp32:t1,xeon6271c-openvino-fp32:1/)

    // Every header's name fits or says itself in full on hover; none overlaps the next.
    const boxes = await page
      .locator('[data-testid="models-table"] thead th')
      .evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().toJSON() as DOMRect))
    for (let i = 1; i < boxes.length; i++) {
      expect(boxes[i]!.left).toBeGreaterThanOrEqual(boxes[i - 1]!.right - 1)
    }

    const scroller = page.getByTestId('models-scroller')
    const model = page.locator('tr[data-index="0"] th.model')
    const before = (await model.boundingBox())!
    expect(
      await scroller.evaluate((el) => el.scrollWidth > el.clientWidth),
      'the table is wider than its scroller',
    ).toBe(true)
    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth
    })
    await expect
      .poll(async () => (await model.boundingBox())!.x, 'the model column stays put')
      .toBe(before.x)
    await expect(page.getByTestId('header-lat-xeon6271c-openvino-fp32:1')).toBeInViewport()
    await page.screenshot({ path: 'test-results/models-latency-columns-1024-scrolled.png' })
  })

  test('screenshot: added latency columns in Chinese, dark, 1024', async ({ page, app }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    // A query from the start: an empty one would restore whatever a previous test left behind.
    await page.goto(
      `${app.url}#/models?lat=sd855-arm-fp32:t4,xeon6148-paddle-fp32:1&sort=latency&dir=asc&slat=sd855-arm-fp32:t4`,
    )
    const update = (patch: SettingsPatch) => invokeFromPage(page, app, 'settings.update', patch)
    try {
      await update({ locale: 'zh-CN', theme: 'dark' })
      await page.reload()
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
      const sd855 = page.getByTestId('header-lat-sd855-arm-fp32:t4')
      await expect(sd855.locator('.name')).toHaveText('骁龙 855')
      await expect(sd855.locator('.unit')).toHaveText('ms · 4 线程')
      await expect(sd855).toHaveAttribute('aria-sort', 'ascending')
      await expect(
        page.getByTestId('header-lat-xeon6148-paddle-fp32:1').getByRole('button', {
          name: '移除“Xeon 6148 · 批大小 1”列',
        }),
      ).toBeVisible()
      await page.getByTestId('models-scroller').evaluate((el) => {
        el.scrollLeft = el.scrollWidth
      })
      await page.screenshot({ path: 'test-results/models-latency-columns-zh-dark-1024.png' })
    } finally {
      // The server is shared by the tests of this worker: back to the defaults.
      await update({ locale: null, theme: 'system' })
    }
  })
})
