import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { tinyClassifier, writeModel } from '../node/inference/helpers/onnxBuilder'
import { expect, forgetRememberedViews, invokeFromTest, test, type AppServer } from './appServer'

/*
 * Compare's "try them on my images" through the real UI and the real onnxruntime: the MobileNetV2
 * fixture linked to two catalog entries (they must agree), a generated 1000-class model that
 * always answers class 7 linked to a third (it must disagree on every image), and a fourth entry
 * without weights (named, not run). Agreement is read from the marks the user sees.
 */
const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const imagenet = join(fixtures, 'images', 'imagenet')

const images = [
  { file: 'ILSVRC2012_val_00000010.jpeg', index: 153, label: 'Maltese dog' },
  { file: 'ILSVRC2012_val_00020010.jpeg', index: 178, label: 'Weimaraner' },
  { file: 'ILSVRC2012_val_00030010.jpeg', index: 80, label: 'black grouse' },
] as const
const ALWAYS = 7

interface LocalModel {
  id: string
}

async function detachAll(app: AppServer): Promise<void> {
  for (const model of await invokeFromTest<LocalModel[]>(app, 'inference.models', {})) {
    const ref = model.id.startsWith('custom:') ? { customId: model.id } : { catalogId: model.id }
    await invokeFromTest(app, 'inference.detach', { model: ref })
  }
}

const cell = (page: Page, file: string, model: string) =>
  page
    .locator(`[data-testid="compare-trial-row"][data-image="${file}"]`)
    .locator(`[data-testid="compare-trial-cell"][data-model="${model}"]`)

async function settled(page: Page, rows: number): Promise<void> {
  await expect(page.getByTestId('compare-trial-row')).toHaveCount(rows)
  await expect(page.getByTestId('compare-trial-running')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.locator('[data-testid="compare-trial-cell"] [role="status"]')).toHaveCount(0)
}

test.describe('Compare: try them on my images', () => {
  test.skip(!existsSync(fixtures), `the model and image fixtures are not in ${fixtures}`)

  let scratch = ''
  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
    await detachAll(app)
    scratch = mkdtempSync(join(tmpdir(), 'zoo-trial-'))
  })
  test.afterEach(async ({ app }) => {
    await detachAll(app)
    rmSync(scratch, { recursive: true, force: true })
  })

  test('top-5 side by side, the consensus marked, a model without weights named', async ({
    page,
    app,
  }) => {
    const always = tinyClassifier({
      channels: 3,
      inputSize: 224,
      weights: Array.from({ length: 3 }, () => Array<number>(1000).fill(0)),
      bias: Array.from({ length: 1000 }, (_, c) => (c === ALWAYS ? 10 : 0)),
    })
    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: 'MobileNetV2',
    })
    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: 'MobileNetV2_x0_5',
    })
    await invokeFromTest(app, 'inference.attach', {
      source: { path: writeModel(scratch, 'always7.onnx', always.bytes) },
      catalogId: 'ResNet50',
    })

    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${app.url}#/compare?ids=MobileNetV2,MobileNetV2_x0_5,ResNet50,PPLCNet_x1_0`)
    await page.getByTestId('compare-trial-toggle').locator('summary').click()
    await expect(page.getByTestId('compare-trial-missing')).toContainText('PPLCNet_x1_0')

    await page
      .getByTestId('compare-trial')
      .getByTestId('image-input')
      .setInputFiles(images.map(({ file }) => join(imagenet, file)))
    await settled(page, images.length)

    for (const { file, index, label } of images) {
      const row = page.locator(`[data-testid="compare-trial-row"][data-image="${file}"]`)
      await expect(row.getByTestId('compare-trial-consensus')).toHaveText(
        new RegExp(`^2 of 3 say ${label}`),
      )
      for (const model of ['MobileNetV2', 'MobileNetV2_x0_5']) {
        await expect(cell(page, file, model)).toHaveAttribute('data-agrees', 'true')
        await expect(cell(page, file, model).locator('li').first()).toHaveAttribute(
          'data-class-index',
          String(index),
        )
        await expect(cell(page, file, model).locator('li')).toHaveCount(5)
      }
      const odd = cell(page, file, 'ResNet50')
      await expect(odd).toHaveAttribute('data-agrees', 'false')
      await expect(odd.locator('li').first()).toHaveAttribute('data-class-index', String(ALWAYS))
      await expect(odd).toContainText('≠')
    }
    await expect(page.getByTestId('compare-trial-summary')).toHaveText(
      'All models agree on 0 of 3 images.',
    )
    await expect(page.getByTestId('compare-trial-agreed-MobileNetV2')).toHaveText(
      'agrees on 3 of 3',
    )
    await expect(page.getByTestId('compare-trial-agreed-ResNet50')).toHaveText('agrees on 0 of 3')
    await page.getByTestId('compare-trial').scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/compare-trial-1440.png', fullPage: true })

    // Taking the odd model out of the comparison leaves two that agree everywhere, with no rerun.
    await page.getByTestId('compare-remove-ResNet50').click()
    await expect(page.getByTestId('compare-trial-summary')).toHaveText(
      'All models agree on 3 of 3 images.',
    )
    await expect(
      page.locator('[data-testid="compare-trial-row"][data-unanimous="true"]'),
    ).toHaveCount(3)

    // Adding it back runs it on the images already there, and the marks come back.
    await page.getByTestId('compare-picker').fill('ResNet50')
    await page.getByTestId('compare-add').click()
    await settled(page, images.length)
    await expect(cell(page, images[0].file, 'ResNet50')).toHaveAttribute('data-agrees', 'false')

    // A removed image takes its answers with it; the others stay.
    await page
      .locator(`[data-testid="compare-trial-row"][data-image="${images[0].file}"]`)
      .getByRole('button', { name: `Remove ${images[0].file}` })
      .click()
    await expect(page.getByTestId('compare-trial-row')).toHaveCount(2)
    await expect(page.getByTestId('compare-trial-agreed-MobileNetV2')).toHaveText(
      'agrees on 2 of 2',
    )
  })

  test('a broken image gets its own error; the other images keep their answers', async ({
    page,
    app,
  }) => {
    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: 'MobileNetV2',
    })
    const broken = join(scratch, 'broken.jpg')
    writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))
    await page.goto(`${app.url}#/compare?ids=MobileNetV2,ResNet50`)
    await page.getByTestId('compare-trial-toggle').locator('summary').click()
    await expect(page.getByTestId('compare-trial-missing')).toContainText('ResNet50')
    await page
      .getByTestId('compare-trial')
      .getByTestId('image-input')
      .setInputFiles([join(imagenet, images[1].file), broken])
    await settled(page, 2)
    await expect(cell(page, 'broken.jpg', 'MobileNetV2').getByRole('alert')).toContainText('IMAGE_')
    await expect(cell(page, images[1].file, 'MobileNetV2').locator('li').first()).toHaveAttribute(
      'data-class-index',
      String(images[1].index),
    )
    // One model alone is no vote: no agreement marks.
    await expect(page.getByTestId('compare-trial-consensus')).toHaveCount(0)
  })
})
