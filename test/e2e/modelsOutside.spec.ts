import type { Page } from '@playwright/test'
import {
  expect,
  forgetRememberedViews,
  invokeFromPage,
  test,
  type AppServer,
  type SettingsPatch,
} from './appServer'

/*
 * Issue 14's data in the Models view: names other than ids open their model, entries outside the
 * zoo are listed with a mark (behind a chip that is on by default) without changing the zoo's
 * count, and the detail panel shows the sources' notes, the second source and the survey caveat.
 */

interface ListResult {
  total: number
  rows: { id: string; entryKind: string }[]
}

const list = (page: Page, app: AppServer, input: object) =>
  invokeFromPage<ListResult>(page, app, 'catalog.list', input)

test.describe('models view: aliases, older-list-only and survey-only entries', () => {
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
  })

  test('lists entries outside the zoo with a mark, counted apart; the chip hides them', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models?q=ResNet50_vd`)
    const zoo = await list(page, app, { search: 'ResNet50_vd' })
    const all = await list(page, app, {})
    await expect(page.getByTestId('models-count')).toHaveText(`${zoo.total} of ${all.total} models`)
    await expect(page.getByTestId('models-count-outside')).toHaveText('+ 3 outside the zoo')
    const older = page.locator('tr[data-model="ResNet50_vd_v2"]')
    await expect(older.getByTestId('badge-olderListOnly')).toHaveText('older list only')
    // The zoo's own rows carry no such mark.
    await expect(page.locator('tr[data-model="ResNet50_vd"] [data-testid^="badge-"]')).toHaveCount(
      0,
    )

    await page.getByTestId('quick-outside').uncheck()
    await expect(page).toHaveURL(/outside=0/)
    await expect(older).toHaveCount(0)
    await expect(page.getByTestId('models-count-outside')).toHaveCount(0)
    await expect(page.getByTestId('models-count')).toHaveText(`${zoo.total} of ${all.total} models`)
  })

  test('opens a model by a display name or older name, and says which id it is', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models?model=ShuffleNetV2`)
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('detail-title')).toHaveText('ShuffleNetV2_x1_0')
    await expect(panel.getByTestId('detail-resolved')).toHaveText(
      '“ShuffleNetV2” is an older name: showing ShuffleNetV2_x1_0',
    )
  })

  test('shows an older-list-only entry with the documents that list it, and no zoo sections', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models?model=MobileNetV3_large_x1_0_ssld_int8`)
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('badge-olderListOnly')).toBeVisible()
    const outside = panel.getByTestId('detail-outside')
    await expect(outside).toContainText('Older list only')
    await expect(outside.getByTestId('source-location')).toHaveText([
      'Older model list 1, line 23',
      'Older model list 3, line 73',
    ])
    await expect(panel.getByTestId('detail-source-notes')).toContainText('coming soon')
    await expect(panel.getByRole('heading', { name: 'Latency' })).toHaveCount(0)
    await page.screenshot({ path: 'test-results/models-older-list-only.png' })
  })

  test('shows a survey-only entry with the survey’s figures and its 224 px caveat', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/models?q=EdgeViT&model=EdgeViTs_S`)
    const row = page.locator('tr[data-model="EdgeViTs_S"]')
    await expect(row.getByTestId('badge-surveyOnly')).toHaveText('survey only')
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('detail-outside')).toContainText('Survey only')
    await expect(panel.getByTestId('figure-paramsM')).toContainText('11.1 M')
    await expect(panel.getByTestId('survey-caveat')).toContainText('PyTorch at 224 px')
    await page.screenshot({ path: 'test-results/models-survey-only.png' })
  })

  test('detail panel: source notes, the second source and the survey caveat side by side', async ({
    page,
    app,
  }) => {
    await page.setViewportSize({ width: 1400, height: 1800 })
    await page.goto(`${app.url}#/models?model=SwinTransformer_base_patch4_window7_224`)
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('detail-second-source')).toContainText('ImageNet_models.en.md')
    await expect(panel.getByTestId('second-source-mark').first()).toHaveText('disagree')
    await page.screenshot({ path: 'test-results/models-second-source.png' })

    await page.goto(`${app.url}#/models?model=EfficientNetB7`)
    await expect(panel.getByTestId('detail-title')).toHaveText('EfficientNetB7')
    await expect(panel.getByTestId('survey-caveat')).toContainText(
      'The survey counts with PyTorch at 224 px',
    )
    await expect(panel.getByTestId('survey-caveat')).toContainText('38.45 G')
    await expect(panel.getByTestId('detail-source-notes')).toContainText(
      'converted from the PyTorch',
    )
    await page.screenshot({ path: 'test-results/models-survey-caveat.png' })

    await page.goto(`${app.url}#/models?model=HRNet_W18_C`)
    await expect(panel.getByTestId('survey-doubt')).toContainText('9.641 M params')

    await page.goto(`${app.url}#/models?model=pcpvt_small`)
    await expect(panel.getByTestId('detail-source-notes')).toContainText(
      'the data preprocessing differs',
    )
    await expect(panel.getByTestId('detail-second-source')).toBeVisible()
    await page.screenshot({ path: 'test-results/models-notes-twins.png' })
  })

  test('in Chinese, the notes read as the sources wrote them', async ({ page, app }) => {
    await page.goto(`${app.url}#/models`)
    const update = (patch: SettingsPatch) => invokeFromPage(page, app, 'settings.update', patch)
    try {
      await update({ locale: 'zh-CN' })
      await page.setViewportSize({ width: 1400, height: 1400 })
      await page.goto(`${app.url}#/models?q=alt_gvt&model=alt_gvt_small`)
      const panel = page.getByTestId('model-detail')
      await expect(panel.getByTestId('detail-source-notes')).toContainText(
        '与 Reference 的精度差异源于数据预处理不同。',
      )
      await expect(panel.getByTestId('second-source-mark').first()).toHaveText('不一致')
      await expect(page.getByTestId('quick-outside').locator('..')).toContainText('旧列表与调研')
      await page.screenshot({ path: 'test-results/models-notes-zh.png' })
    } finally {
      await update({ locale: null })
    }
  })
})
