import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import {
  expect,
  forgetRememberedViews,
  invokeFromTest,
  test,
  type AppServer,
  type SettingsPatch,
} from './appServer'

/*
 * The Classify view end to end: attach real ONNX models through the dialog, classify the ImageNet
 * val fixtures, and see bad input (a truncated JPEG, a garbage .onnx, a 3-class model linked to a
 * 1000-class entry) refused with its code while everything else keeps working.
 */

const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const threeClass = join(fixtures, 'models', 'paddle-mobilenetv3-small-3class', 'model.onnx')
const imagenet = join(fixtures, 'images', 'imagenet')

/**
 * The four val images and their ImageNet top-1 (index, start of the class name). The int8 model's
 * first class for the ambiguous `00010010` depends on the CPU's int8 kernels: there, 710 need only
 * be among the five bars.
 */
const expected = [
  { file: 'ILSVRC2012_val_00000010.jpeg', index: 153, label: 'Maltese dog', ambiguous: false },
  { file: 'ILSVRC2012_val_00010010.jpeg', index: 710, label: 'pencil sharpener', ambiguous: true },
  { file: 'ILSVRC2012_val_00020010.jpeg', index: 178, label: 'Weimaraner', ambiguous: false },
  { file: 'ILSVRC2012_val_00030010.jpeg', index: 80, label: 'black grouse', ambiguous: false },
] as const

interface LocalModel {
  id: string
}

const card = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="result-card"][data-image="${name}"]`)

/** Waits until no card is uploading or running. */
async function settled(page: Page, count: number): Promise<void> {
  const cards = page.getByTestId('result-card')
  await expect(cards).toHaveCount(count)
  await expect(page.locator('[data-testid="result-card"][data-status="uploading"]')).toHaveCount(0)
  await expect(page.locator('[data-testid="result-card"][data-status="running"]')).toHaveCount(0, {
    timeout: 30_000,
  })
}

async function expectImagenetTop1(page: Page): Promise<void> {
  for (const { file, index, label, ambiguous } of expected) {
    const top = ambiguous
      ? card(page, file).locator(`[data-class-index="${index}"]`)
      : card(page, file).getByTestId('top-class')
    await expect(top).toHaveAttribute('data-class-index', String(index))
    await expect(top).toContainText(label)
  }
}

/** The view scrolls inside the window: make the window tall enough to show all of it. */
async function fitViewport(page: Page): Promise<void> {
  const height = await page.locator('main.content').evaluate((main) => main.scrollHeight)
  await page.setViewportSize({ width: 1280, height: Math.max(800, Math.ceil(height)) })
}

/** Drops files on `target` the way a file manager does: dragenter, dragover, drop. */
async function dropFiles(
  page: Page,
  target: Locator,
  files: { name: string; type: string; bytes: Buffer }[],
): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer()
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))
        transfer.items.add(new File([bytes], file.name, { type: file.type }))
      }
      return transfer
    },
    files.map(({ name, type, bytes }) => ({ name, type, base64: bytes.toString('base64') })),
  )
  for (const type of ['dragenter', 'dragover', 'drop'])
    await target.dispatchEvent(type, { dataTransfer })
}

async function detachAll(app: AppServer): Promise<void> {
  for (const model of await invokeFromTest<LocalModel[]>(app, 'inference.models', {})) {
    const ref = model.id.startsWith('custom:') ? { customId: model.id } : { catalogId: model.id }
    await invokeFromTest(app, 'inference.detach', { model: ref })
  }
}

test.describe('classify view', () => {
  test.skip(!existsSync(fixtures), `the model and image fixtures are not in ${fixtures}`)

  let scratch: string

  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
    await detachAll(app)
    await invokeFromTest(app, 'settings.update', { locale: 'en', theme: 'light' })
    scratch = mkdtempSync(join(tmpdir(), 'zoo-classify-e2e-'))
  })

  test.afterEach(async ({ app }) => {
    // The server is shared by the tests of this worker: no models left behind, default settings.
    await detachAll(app)
    await invokeFromTest(app, 'settings.update', { locale: null, theme: 'system' })
    rmSync(scratch, { recursive: true, force: true })
  })

  test('attach a model, classify the val images, refuse bad input', async ({ page, app }) => {
    test.setTimeout(120_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.setViewportSize({ width: 1280, height: 960 })

    // A truncated JPEG (the first half of a val image) and a garbage .onnx.
    const whole = readFileSync(join(imagenet, expected[0].file))
    const truncated = join(scratch, 'truncated.jpeg')
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1))
    const garbage = join(scratch, 'garbage.onnx')
    writeFileSync(
      garbage,
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
    )

    // Empty state first: no local model, the explanation and the attach button.
    await page.goto(`${app.url}#/classify`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Classify')
    const empty = page.getByTestId('classify-empty')
    await expect(empty).toBeVisible()
    await expect(empty).toContainText('_infer.tar')
    await expect(empty).toContainText('ONNX')
    await expect(page.getByTestId('image-drop')).toHaveCount(0)
    await page.screenshot({ path: 'test-results/classify-empty.png' })

    // Attach the MobileNetV2 fixture: the dialog suggests the catalog entry from the file name.
    await page.getByTestId('empty-attach').click()
    const dialog = page.getByTestId('attach-dialog')
    await expect(dialog).toBeVisible()
    await dialog.getByTestId('onnx-input').setInputFiles(mobilenet)
    await expect(dialog.getByTestId('onnx-file')).toHaveText('mobilenetv2-12-int8.onnx')
    const suggestion = dialog.getByTestId('catalog-entry-MobileNetV2')
    await expect(suggestion).toHaveAttribute('aria-selected', 'true')
    await expect(suggestion).toContainText('matches the file name')
    await page.screenshot({ path: 'test-results/classify-attach.png' })
    // Slow the upload down, to see the progress while the file is sent.
    await page.route('**/api/upload', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await route.continue()
    })
    await dialog.getByTestId('attach-submit').click()
    await expect(dialog.getByTestId('attach-progress')).toContainText('Sending 3.5 MB')
    await expect(dialog.getByTestId('attach-submit')).toBeDisabled()
    await expect(dialog).toHaveCount(0, { timeout: 20_000 })
    await page.unroute('**/api/upload')
    await expect(page).toHaveURL(/#\/classify\?model=MobileNetV2$/)
    await expect(empty).toHaveCount(0)
    await expect(page.getByTestId('model-picker')).toContainText('MobileNetV2')
    await expect(page.getByTestId('model-facts')).toContainText('224 px')
    await expect(page.getByTestId('model-facts')).toContainText('1,000 classes')

    // The four val images picked with the file input; the truncated one and a text file dropped
    // on the window (the text file is skipped, and said so).
    await expect(page.getByTestId('image-drop')).toBeFocused()
    await page
      .getByTestId('image-input')
      .setInputFiles(expected.map(({ file }) => join(imagenet, file)))
    await settled(page, 4)
    await dropFiles(page, page.getByTestId('classify-results'), [
      { name: 'truncated.jpeg', type: 'image/jpeg', bytes: readFileSync(truncated) },
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('not an image') },
    ])
    await expect(page.getByTestId('skipped-files')).toContainText('notes.txt')
    await settled(page, 5)
    await expectImagenetTop1(page)
    const first = card(page, expected[0].file)
    await expect(
      first.locator('[data-testid="top-class"], [data-testid="class-score"]'),
    ).toHaveCount(5)
    for (const stage of ['decode', 'preprocess', 'inference'])
      await expect(first.getByTestId(`timing-${stage}`)).toContainText(/\d ms$/)
    await expect(first).toContainText('500 × 375 JPEG')
    // MobileNetV2's resize is the bilinear one reproduced exactly: no "approximated" note.
    await expect(first.getByTestId('result-approx')).toHaveCount(0)

    // The truncated file shows its error with the code; the others still have results.
    const broken = card(page, 'truncated.jpeg')
    await expect(broken).toHaveAttribute('data-status', 'failed')
    await expect(broken.getByTestId('error-code')).toHaveText('IMAGE_CORRUPT')
    await expect(page.locator('[data-testid="result-card"][data-status="done"]')).toHaveCount(4)
    await fitViewport(page)
    await page.screenshot({ path: 'test-results/classify.png' })

    // "What the model sees": the input as a picture, the steps of MobileNetV2's plan, the planes,
    // and the zoo command that writes the exact tensor.
    await first.getByTestId('result-inspect').click()
    const input = page.getByTestId('model-input-dialog')
    await expect(input.getByTestId('model-input-steps')).toContainText(
      'Resize short side to 256 (bilinear, OpenCV’s, reproduced to the bit) → 341 × 256',
    )
    await expect(input.getByTestId('model-input-steps')).toContainText(
      'Centre crop 224 × 224 at x 58, y 16',
    )
    await expect(input.getByTestId('model-input-planes').locator('tbody tr')).toHaveCount(3)
    await expect
      .poll(() =>
        input
          .getByTestId('model-input-picture')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(224)
    await expect(input.getByTestId('model-input-command')).toHaveText(
      `zoo preprocess --model MobileNetV2 "${expected[0].file}" --out "${expected[0].file.replace(/\.jpeg$/, '')}.npy"`,
    )
    await page.screenshot({ path: 'test-results/classify-model-input.png' })
    await page.keyboard.press('Escape')
    await expect(input).toHaveCount(0)

    // The link opens the model's detail panel, and the URL says so.
    await page.getByTestId('model-details').click()
    await expect(page.getByTestId('model-detail')).toBeVisible()
    await expect(page.getByTestId('detail-title')).toHaveText('MobileNetV2')
    await expect(page).toHaveURL(/detail=MobileNetV2/)
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('model-detail')).toHaveCount(0)

    // Dark theme in Chinese, same results.
    await invokeFromTest(app, 'settings.update', {
      locale: 'zh-CN',
      theme: 'dark',
    } satisfies SettingsPatch)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('识别')
    await expect(broken).toContainText('未能识别')
    // The server's English message keeps its place; the code's sentence leads in Chinese.
    await expect(broken).toContainText('图片已损坏或不完整。')
    await expect(broken).toContainText(
      '应用的原始信息（英文）： "truncated.jpeg" could not be decoded',
    )
    await fitViewport(page)
    await page.screenshot({ path: 'test-results/classify-dark-zh.png' })
    await invokeFromTest(app, 'settings.update', { locale: 'en', theme: 'light' })
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Classify')

    // A garbage .onnx dropped on the window opens "Attach model" with it; the app refuses it with
    // a clear message and its code, and nothing is added.
    await dropFiles(page, page.getByTestId('classify-results'), [
      { name: 'garbage.onnx', type: '', bytes: readFileSync(garbage) },
    ])
    await expect(dialog.getByTestId('onnx-file')).toHaveText('garbage.onnx')
    await dialog.getByTestId('attach-mode-custom').check()
    await dialog.getByTestId('attach-submit').click()
    await expect(dialog.getByTestId('attach-error-code')).toHaveText('MODEL_INVALID', {
      timeout: 20_000,
    })
    await expect(dialog.getByTestId('attach-error')).toContainText('garbage.onnx')
    await page.screenshot({ path: 'test-results/classify-attach-error.png' })
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    expect(await invokeFromTest<LocalModel[]>(app, 'inference.models', {})).toHaveLength(1)

    // A 3-class model linked to the 1000-class MobileNetV2 entry: refused (class count)…
    await page.getByTestId('attach-open').click()
    await dialog.getByTestId('onnx-input').setInputFiles(threeClass)
    await dialog.getByTestId('catalog-search').fill('mobilenetv2')
    await dialog.getByTestId('catalog-entry-MobileNetV2').click()
    await dialog.getByTestId('attach-submit').click()
    await expect(dialog.getByTestId('attach-error-code')).toHaveText('MODEL_INVALID', {
      timeout: 20_000,
    })
    await expect(dialog.getByTestId('attach-error')).toContainText('3 classes')
    expect(await invokeFromTest<LocalModel[]>(app, 'inference.models', {})).toHaveLength(1)
    // …then added as a custom model instead: it becomes the chosen model and the images run again.
    await dialog.getByTestId('attach-mode-custom').check()
    await dialog.getByTestId('attach-name').fill('Three classes')
    await dialog.getByTestId('attach-submit').click()
    await expect(dialog).toHaveCount(0, { timeout: 20_000 })
    await expect(page).toHaveURL(/model=custom%3A[0-9a-f]{12}|model=custom:[0-9a-f]{12}/)
    await settled(page, 5)
    const custom = card(page, expected[0].file)
    await expect(
      custom.locator('[data-testid="top-class"], [data-testid="class-score"]'),
    ).toHaveCount(3)
    await expect(custom.getByTestId('top-class')).toContainText('class ')
    await expect(page.getByTestId('model-details')).toHaveCount(0)

    // Back to MobileNetV2 with the picker (keyboard): the ImageNet results come back.
    await page.getByTestId('model-picker').click()
    await page.getByTestId('model-option-MobileNetV2').focus()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/model=MobileNetV2/)
    await settled(page, 5)
    await expectImagenetTop1(page)

    // Remove the custom model; MobileNetV2 stays.
    await page.getByTestId('model-picker').click()
    await page.locator('[data-testid^="model-option-custom"]').click()
    await expect(page).toHaveURL(/model=custom/)
    await page.getByTestId('model-remove').click()
    await page.getByTestId('model-remove-confirm').click()
    await expect(page).toHaveURL(/model=MobileNetV2/)
    expect(await invokeFromTest<LocalModel[]>(app, 'inference.models', {})).toEqual([
      expect.objectContaining({ id: 'MobileNetV2' }),
    ])
    await settled(page, 5)
    await expectImagenetTop1(page)

    // Removing the last model: back to the empty state; the images wait for a model.
    await page.getByTestId('model-remove').click()
    await page.getByTestId('model-remove-confirm').click()
    await expect(page).toHaveURL(/#\/classify$/)
    await expect(empty).toBeVisible()
    await expect(page.locator('[data-testid="result-card"][data-status="waiting"]')).toHaveCount(5)
    expect(await invokeFromTest<LocalModel[]>(app, 'inference.models', {})).toEqual([])

    // Images can go one by one, or all at once.
    await broken.getByTestId('result-remove').click()
    await expect(page.getByTestId('result-card')).toHaveCount(4)
    await page.getByTestId('results-clear').click()
    await expect(page.getByTestId('result-card')).toHaveCount(0)
    expect(errors).toEqual([])
  })
})
