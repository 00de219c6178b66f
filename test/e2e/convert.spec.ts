/**
 * A catalog model made runnable from its Paddle archive, in the browser: an inference folder
 * (a classifier-shaped Paddle program written here) imported under ResNet50_vd is converted to
 * ONNX by the app; the Models table marks it runnable, its detail panel shows the self-check on
 * the sample images with "Classify with this" and "Batch with this", and both lead to views set
 * up for it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Artifact } from '../../src/shared/contract'
import { paddleClassifierFiles } from '../support/paddle/modelFiles'
import { expect, forgetRememberedViews, invokeFromTest, test } from './appServer'

const MODEL = 'ResNet50_vd'

test.describe('a converted Paddle model', () => {
  let scratch: string

  test.beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'zoo-convert-e2e-'))
  })

  test.afterEach(async ({ app }) => {
    await invokeFromTest(app, 'weights.remove', { id: `${MODEL}:inference` })
    await forgetRememberedViews(app)
    rmSync(scratch, { recursive: true, force: true })
  })

  test('is marked runnable and leads to Classify and Batch', async ({ page, app }) => {
    const folder = join(scratch, `${MODEL}_infer`)
    mkdirSync(folder)
    for (const [name, body] of Object.entries(paddleClassifierFiles({ size: 224 })))
      writeFileSync(join(folder, name), body)
    const artifact = await invokeFromTest<Artifact>(app, 'weights.import', {
      modelId: MODEL,
      kind: 'inference',
      source: { path: folder },
    })
    expect(artifact.contents?.format).toBe('paddle2')

    await page.goto(`${app.url}#/models?q=${MODEL}`)
    const row = page.getByRole('row').filter({ has: page.getByText(MODEL, { exact: true }) })
    await expect(row.getByTestId('model-runnable')).toBeVisible()
    await row.getByText(MODEL, { exact: true }).click()
    const run = page.getByTestId('detail-run')
    await expect(run).toContainText('Converted to ONNX')
    await expect(run.getByTestId('detail-self-check')).toContainText('ILSVRC2012_val_00000010.jpeg')
    await run.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/convert-detail.png' })

    await run.getByTestId('detail-batch-with').click()
    await expect(page).toHaveURL(/#\/batch/)
    await expect(page.getByTestId(`batch-new-model-${MODEL}`)).toBeChecked()
    await page.keyboard.press('Escape')

    await page.goto(`${app.url}#/models?q=${MODEL}`)
    const detail = page.getByTestId('detail-classify-with')
    // The panel stays open when the view remembers it; open it when it does not.
    if (!(await detail.isVisible())) await row.getByText(MODEL, { exact: true }).click()
    await detail.click()
    await expect(page).toHaveURL(new RegExp(`#/classify\\?.*model=${MODEL}`))
  })
})
