import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
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
 * Compare through the real UI in browser mode: from the Models table's checkboxes and tray to
 * Compare and its exports; a selection larger than the limit (as a chart brush sends it); and the
 * whole flow with the keyboard alone. Figures are checked against the API's own answers.
 */
interface ModelDetail {
  model: {
    id: string
    top1: { value: number } | null
    paramsM: { value: number } | null
  }
}

const detail = (page: Page, app: AppServer, id: string) =>
  invokeFromPage<ModelDetail>(page, app, 'catalog.get', { id })

function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

/** RFC 4180 fields of one CSV line (no newlines inside fields in these rows). */
function csvFields(line: string): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(field)
      field = ''
    } else field += ch
  }
  out.push(field)
  return out
}

test.describe('Compare', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })

  test('table → compare → export', async ({ page, app }) => {
    const errors = collectErrors(page)
    await page.goto(`${app.url}#/models`)
    await page.getByTestId('models-search').fill('ResNet50')
    const ids = ['ResNet50', 'ResNet50_vd']
    for (const id of ids) await page.getByTestId(`compare-check-${id}`).check()
    const tray = page.getByTestId('compare-tray')
    await expect(tray).toContainText('ResNet50_vd')
    // A third from the detail panel's "Add to compare".
    await page.getByTestId('models-search').fill('PPLCNet_x1_0')
    await page.locator('tr[data-model="PPLCNet_x1_0"]').click()
    await page.getByTestId('detail-compare').click()
    await expect(page.getByTestId('detail-compare')).toHaveAttribute('aria-pressed', 'true')
    await page.getByTestId('detail-close').click()
    await expect(page.getByTestId('compare-tray-open')).toHaveText('Compare 3 →')
    await page.screenshot({ path: 'test-results/compare-tray.png' })
    await page.getByTestId('compare-tray-open').click()

    await expect(page).toHaveURL(/#\/compare\?ids=ResNet50,ResNet50_vd,PPLCNet_x1_0/)
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(3)
    const [r50, vd, lcnet] = await Promise.all(
      ['ResNet50', 'ResNet50_vd', 'PPLCNet_x1_0'].map((id) => detail(page, app, id)),
    )
    const top1 = page.getByTestId('compare-row-top1')
    // One number format: the accuracy at its published precision, with its unit.
    await expect(top1.locator('td').first()).toHaveText(
      new RegExp(`^${(r50!.model.top1!.value * 100).toFixed(2)} %`),
    )
    const best = [r50, vd, lcnet].reduce((a, b) =>
      a!.model.top1!.value >= b!.model.top1!.value ? a : b,
    )
    await expect(top1.locator('td.best')).toHaveCount(1)
    await expect(top1.locator('td.best')).toContainText(
      `${(best!.model.top1!.value * 100).toFixed(2)} %`,
    )

    // A baseline gives deltas; the URL keeps it.
    await page.getByTestId('compare-baseline').selectOption('ResNet50')
    await expect(page).toHaveURL(/baseline=ResNet50(&|$)/)
    const params = page.getByTestId('compare-row-paramsM')
    const delta = lcnet!.model.paramsM!.value - r50!.model.paramsM!.value
    await expect(params.locator('td').nth(2).locator('.delta')).toContainText(
      `${delta.toFixed(2).replace(/0+$/, '').replace(/\.$/, '')} M`,
    )
    await expect(params.locator('td').first().locator('.delta')).toHaveCount(0)

    // Sorting by a row puts the best first (fewest parameters here) and keeps it in the URL.
    await page.getByTestId('compare-sort-paramsM').click()
    await expect(page).toHaveURL(/ids=PPLCNet_x1_0,/)
    await page.getByTestId('compare-sort-top1').click()
    await expect(page.locator('[data-testid^="compare-column-"]').first()).toHaveAttribute(
      'data-testid',
      `compare-column-${best!.model.id}`,
    )
    await page.goto(`${app.url}#/compare?ids=ResNet50,ResNet50_vd,PPLCNet_x1_0&baseline=ResNet50`)

    // Rows nobody has are "—" and said so; folding hides the identical ones.
    const gain = page.getByTestId('compare-row-ssldGain')
    await expect(gain.locator('td').first()).toHaveAttribute(
      'title',
      'No published figure for this model',
    )
    await page.getByTestId('compare-fold').check()
    await expect(gain).toHaveCount(0)
    await expect(page.getByTestId('compare-hidden-rows')).toBeVisible()
    await page.screenshot({ path: 'test-results/compare-1280.png', fullPage: true })

    const save = async (kind: 'csv' | 'md') => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`compare-export-${kind}`).click(),
      ])
      expect(download.suggestedFilename()).toBe(`comparison-3-models.${kind}`)
      return readFileSync((await download.path())!, 'utf8')
    }
    const csv = (await save('csv')).split('\r\n').filter(Boolean).map(csvFields)
    expect(csv[0]!.slice(4, 7)).toEqual(['ResNet50', 'ResNet50_vd', 'PPLCNet_x1_0'])
    const csvParams = csv.find((r) => r[1] === 'paramsM')!
    expect(Number(csvParams[6])).toBe(lcnet!.model.paramsM!.value)
    expect(Number(csvParams[9])).toBeCloseTo(delta, 6)
    const md = await save('md')
    expect(md.split('\n')[0]).toBe('| Figure | ResNet50 (baseline) | ResNet50_vd | PPLCNet_x1_0 |')
    expect(errors).toEqual([])

    // On Explore: the compared models are the chart's selection (highlighted), front drawn.
    await page.getByTestId('compare-on-explore').click()
    await expect(page).toHaveURL(/#\/explore\?.*sel=ResNet50(%2C|,)ResNet50_vd(%2C|,)PPLCNet_x1_0/)
    await expect(page.getByTestId('selection-count')).toHaveText('3')
    await page.screenshot({ path: 'test-results/compare-on-explore.png' })

    // Remembered: Compare without a query shows the same comparison.
    await page.goto(`${app.url}#/explore`)
    await page.goto(`${app.url}#/compare`)
    await expect(page).toHaveURL(/ids=ResNet50,ResNet50_vd,PPLCNet_x1_0/)
  })

  test('a selection larger than the limit (a chart brush of 16) shows the first 8 and says so', async ({
    page,
    app,
  }) => {
    const rows = await (async () => {
      await page.goto(`${app.url}#/models`)
      return (
        await invokeFromPage<{ rows: { id: string }[] }>(page, app, 'catalog.list', {
          search: 'MobileNet',
        })
      ).rows.map((r) => r.id)
    })()
    expect(rows.length).toBeGreaterThanOrEqual(16)
    const sixteen = rows.slice(0, 16)
    await page.goto(`${app.url}#/compare?ids=${sixteen.join(',')}`)
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(8)
    await expect(page.getByTestId('compare-limited')).toHaveText(
      '8 more models were chosen than fit: Compare shows the first 8.',
    )
    await expect(page).toHaveURL(new RegExp(`ids=${sixteen.slice(0, 8).join(',')}$`))
    // Full: the picker refuses a ninth.
    await expect(page.getByTestId('compare-picker')).toBeDisabled()
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.screenshot({ path: 'test-results/compare-8-1440.png' })
  })

  test('keyboard only: add with the picker, choose a baseline, remove', async ({ page, app }) => {
    await page.goto(`${app.url}#/compare?ids=ResNet50`)
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(1)
    await page.getByTestId('compare-picker').focus()
    await page.keyboard.type('ShuffleNetV2')
    await page.keyboard.press('Enter')
    // The older name resolves to its id.
    await expect(page.getByTestId('compare-column-ShuffleNetV2_x1_0')).toBeVisible()
    await page.keyboard.type('ResNet50')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('compare-picker-message')).toHaveText(
      'ResNet50 is already compared.',
    )
    await page.keyboard.press('Tab') // Add
    await page.keyboard.press('Tab') // baseline
    await expect(page.getByTestId('compare-baseline')).toBeFocused()
    await page.keyboard.press('ArrowDown')
    await expect(page).toHaveURL(/baseline=ResNet50/)
    await page.getByTestId('compare-remove-ShuffleNetV2_x1_0').focus()
    await page.keyboard.press('Enter')
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(1)
    await expect(page.getByText('Add at least one more model to compare.')).toBeVisible()
  })

  test('keyboard only from the Models table: a row, its checkbox, the tray', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models`)
    await page.getByTestId('models-search').fill('ResNet50')
    // The search is debounced: wait for its rows before moving through them.
    await expect(page.getByTestId('models-count')).toContainText('5 of')
    const first = page.locator('tr[data-index="0"]')
    const [id0, id1] = await Promise.all(
      [0, 1].map((i) => page.locator(`tr[data-index="${i}"]`).getAttribute('data-model')),
    )
    await first.focus()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Space')
    await first.focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Space')
    await expect(page.getByTestId(`compare-check-${id0}`)).toBeChecked()
    await expect(page.getByTestId(`compare-check-${id1}`)).toBeChecked()
    await expect(page.getByTestId('compare-tray-open')).toHaveText('Compare 2 →')
    await page.getByTestId('compare-tray-open').focus()
    await page.keyboard.press('Enter')
    await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(2)
  })

  test('charts: bars (normalised, raw) and radar, exported as SVG and PNG', async ({
    page,
    app,
  }) => {
    const errors = collectErrors(page)
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(
      `${app.url}#/compare?ids=ResNet50,MobileNetV3_large_x1_0,PPLCNet_x1_0,ViT_base_patch16_224`,
    )
    await page.getByTestId('compare-charts-toggle').locator('summary').click()
    const canvas = page.getByTestId('compare-chart-canvas')
    await expect(canvas).toHaveAttribute('data-painted', 'true')
    await page.screenshot({ path: 'test-results/compare-chart-bars.png' })
    await page.getByTestId('compare-chart-mode').selectOption('raw')
    // Past the transition between the two options.
    await page.waitForTimeout(1200)
    await page.screenshot({ path: 'test-results/compare-chart-raw.png' })
    await page.getByTestId('compare-chart-radar').check()
    await page.waitForTimeout(1200)
    await page.screenshot({ path: 'test-results/compare-chart-radar.png' })
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.waitForTimeout(600)
    await page.screenshot({ path: 'test-results/compare-chart-radar-1024.png' })
    await page.setViewportSize({ width: 1440, height: 900 })

    for (const format of ['svg', 'png'] as const) {
      await page.getByTestId('export-menu').click()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`export-${format}`).click(),
      ])
      expect(download.suggestedFilename()).toBe(`zoo-compare-4-models-radar.${format}`)
      const bytes = readFileSync((await download.path())!)
      if (format === 'svg') expect(bytes.toString('utf8')).toContain('ViT_base_patch16_224')
      else expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    }
    expect(errors).toEqual([])
  })

  test('screenshot: the Models tray in Chinese, dark, 1024', async ({ page, app }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.goto(`${app.url}#/models`)
    const update = (p: SettingsPatch) => invokeFromPage(page, app, 'settings.update', p)
    try {
      await update({ locale: 'zh-CN', theme: 'dark' })
      await page.goto(`${app.url}#/models`)
      await page.getByTestId('models-search').fill('PPLCNet')
      await expect(page.getByTestId('compare-check-PPLCNet_x1_0')).toBeVisible()
      await page.getByTestId('compare-check-PPLCNet_x1_0').check()
      await page.getByTestId('compare-check-PPLCNet_x0_5').check()
      await expect(page.getByTestId('compare-tray-open')).toHaveText('对比 2 个 →')
      await page.screenshot({ path: 'test-results/compare-tray-zh-dark-1024.png' })
    } finally {
      await update({ locale: null, theme: 'system' })
    }
  })

  test('a model that does not load says why in the reader’s language, and follows a switch', async ({
    page,
    app,
  }) => {
    const failure = await failureFromTest(app, 'catalog.get', { id: 'NoSuchModel' })
    expect(failure.code).toBe('NOT_FOUND')
    await withSettings(page, app, { locale: 'zh-CN' }, async () => {
      await page.goto(`${app.url}#/compare?ids=ResNet50,NoSuchModel`)
      const alert = page.getByTestId('compare-column-NoSuchModel').getByRole('alert')
      // errors.codes.NOT_FOUND in Chinese, then the server's own English words.
      await expect(alert).toHaveText(`无法加载 NoSuchModel：未找到。（${failure.message}）`)
      await expect(page.getByTestId('compare-column-ResNet50').getByRole('alert')).toHaveCount(0)
      // The column keeps the error, not a sentence: switching language rewrites it in place.
      await invokeFromPage(page, app, 'settings.update', { locale: 'en' })
      await expect(alert).toHaveText(`Could not load NoSuchModel: ${failure.message}`)
    })
  })

  for (const [name, size, patch] of [
    ['1440-en-light', { width: 1440, height: 900 }, { locale: 'en', theme: 'light' }],
    ['1024-zh-dark', { width: 1024, height: 700 }, { locale: 'zh-CN', theme: 'dark' }],
    ['1440-zh-light', { width: 1440, height: 900 }, { locale: 'zh-CN', theme: 'light' }],
    ['1024-en-dark', { width: 1024, height: 700 }, { locale: 'en', theme: 'dark' }],
  ] as const) {
    test(`screenshot ${name}`, async ({ page, app }) => {
      await page.setViewportSize(size)
      await page.goto(`${app.url}#/compare`)
      const update = (p: SettingsPatch) => invokeFromPage(page, app, 'settings.update', p)
      try {
        await update(patch)
        await page.goto(
          `${app.url}#/compare?ids=ResNet50,MobileNetV3_large_x1_0,PPLCNetV2_base,PPLCNet_x1_0,ViT_base_patch16_224&baseline=ResNet50`,
        )
        await expect(page.locator('[data-testid^="compare-column-"]')).toHaveCount(5)
        await expect(page.getByTestId('compare-conditions')).toBeVisible()
        await page.screenshot({ path: `test-results/compare-${name}.png` })
      } finally {
        await update({ locale: null, theme: 'system' })
      }
    })
  }
})
