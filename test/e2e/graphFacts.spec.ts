import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, invokeFromTest, test } from './appServer'

/*
 * The model panel's "Measured from the graph": with the int8 MobileNetV2 attached to its catalog
 * entry, the graph's params and MACs beside the published 3.54 M and 327.84 M, the MACs' −6.2 %
 * marked as past 5 %, the input shape and opset; in Chinese too; and no block for a model
 * without ONNX weights.
 */

const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')

test.describe('measured from the graph', () => {
  test.skip(!existsSync(mobilenet), `the model fixture is not in ${fixtures}`)

  test.afterEach(async ({ app }) => {
    await invokeFromTest(app, 'inference.detach', { model: { catalogId: 'MobileNetV2' } })
    await invokeFromTest(app, 'settings.update', { locale: null })
  })

  test('beside the published figures, the gap past 5 % marked', async ({ page, app }) => {
    await page.goto(`${app.url}#/models?model=ResNet50`)
    await expect(page.getByTestId('model-detail')).toBeVisible()
    await expect(page.getByTestId('detail-figures')).toBeVisible()
    await expect(page.getByTestId('detail-graph-facts')).toHaveCount(0)

    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: 'MobileNetV2',
    })
    // A hash change alone keeps the page, and its list of local models, as it was.
    await page.goto(`${app.url}#/models?q=mobilenetv2&model=MobileNetV2`)
    await page.reload()
    const block = page.getByTestId('detail-graph-facts')
    await expect(block.getByRole('heading', { name: 'Measured from the graph' })).toBeVisible()
    const params = block.getByTestId('facts-params')
    await expect(params).toContainText('3.488 M')
    await expect(params).toContainText('3.54 M')
    await expect(params.getByTestId('facts-difference')).toHaveText('-1.5 %')
    await expect(params.locator('.flagged')).toHaveCount(0)
    const macs = block.getByTestId('facts-macs')
    await expect(macs).toContainText('307.52 M')
    await expect(macs).toContainText('327.84 M')
    await expect(macs.locator('.flagged')).toHaveText('-6.2 %')
    await expect(block.getByTestId('facts-meta')).toHaveText(
      'Input [1, 3, 224, 224] · opset 12 · onnx.quantize 0.1.0',
    )
    await expect(block).toContainText('Counted as paddle.flops counts them')
    await block.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/graph-facts.png' })

    await invokeFromTest(app, 'settings.update', { locale: 'zh-CN' })
    await page.reload()
    await expect(block.getByRole('heading', { name: '从计算图测得' })).toBeVisible()
    await expect(block.getByTestId('facts-macs').locator('.flagged')).toHaveText('-6.2 %')
    await block.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/graph-facts-zh.png' })
  })
})
