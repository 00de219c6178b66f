import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Page } from '@playwright/test'
import { expect, invokeFromTest, test, type AppServer } from './appServer'

/*
 * The Batch view end to end, in browser mode against the real server: a folder of photos made
 * from the ImageNet val fixtures (crops and flips, two broken files), typed with the server's
 * path completion, classified by the real MobileNetV2; pause and resume, filters, thumbnails
 * served by the token-checked route, the table, the charts and a CSV export read back.
 */

const fixtures = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures')
const mobilenet = join(fixtures, 'models', 'mobilenetv2-12-int8.onnx')
const imagenet = join(fixtures, 'images', 'imagenet')
/** The val images and their ImageNet classes: the subfolders are named after them. */
const valImages = [
  ['ILSVRC2012_val_00000010.jpeg', 'Maltese dog'],
  ['ILSVRC2012_val_00010010.jpeg', 'pencil sharpener'],
  ['ILSVRC2012_val_00020010.jpeg', 'Weimaraner'],
  ['ILSVRC2012_val_00030010.jpeg', 'black grouse'],
] as const
/** Variants per val image, each written once and copied: a job long enough to pause by hand. */
const VARIANTS = 40
const COPIES = 10
const GOOD = valImages.length * VARIANTS * COPIES
const BAD = 2
/** A count as the view writes it in English (with a thousands separator). */
const shown = (count: number): string => count.toLocaleString('en')

interface LocalModel {
  id: string
}
interface BatchJob {
  id: string
  state: string
  counts: { total: number; done: number; failed: number; pending: number }
}

/**
 * A labelled tree: one subfolder per class (named after it), each val image cropped at several
 * places and sizes, some mirrored, each crop under several names (the native decoder runs a few
 * hundred of these a second, and the pause must land mid-job); two broken files at the top, with
 * no label.
 */
async function photoFolder(root: string): Promise<void> {
  for (const [v, [name, className]] of valImages.entries()) {
    const source = sharp(readFileSync(join(imagenet, name)))
    const { width = 0, height = 0 } = await source.metadata()
    for (let i = 0; i < VARIANTS; i++) {
      const scale = 0.6 + (0.4 * ((i * 7) % 10)) / 10
      const w = Math.round(width * scale)
      const h = Math.round(height * scale)
      const left = Math.round(((width - w) * (i % 5)) / 4)
      const top = Math.round(((height - h) * (i % 3)) / 2)
      let image = sharp(readFileSync(join(imagenet, name))).extract({
        left,
        top,
        width: w,
        height: h,
      })
      if (i % 2) image = image.flop()
      const folder = join(root, className)
      mkdirSync(folder, { recursive: true })
      const copyPath = (copy: number) =>
        join(folder, `photo-${v}-${String(i).padStart(2, '0')}-${copy}.jpg`)
      await image.jpeg({ quality: 90 }).toFile(copyPath(0))
      for (let copy = 1; copy < COPIES; copy++) copyFileSync(copyPath(0), copyPath(copy))
    }
  }
  writeFileSync(join(root, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))
  writeFileSync(join(root, 'notes.JPG'), 'not a picture')
}

async function detachAll(app: AppServer): Promise<void> {
  for (const model of await invokeFromTest<LocalModel[]>(app, 'inference.models', {})) {
    const ref = model.id.startsWith('custom:') ? { customId: model.id } : { catalogId: model.id }
    await invokeFromTest(app, 'inference.detach', { model: ref })
  }
}

async function shoot(page: Page, name: string, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height })
  // Let the grid re-measure and the thumbnails of the new layout load.
  await page.waitForTimeout(400)
  await page.screenshot({ path: `test-results/batch-${name}-${width}x${height}.png` })
}

test.describe('batch view', () => {
  test.skip(!existsSync(fixtures), `the model and image fixtures are not in ${fixtures}`)
  test.setTimeout(180_000)

  let scratch: string

  test.beforeEach(async ({ app }) => {
    await detachAll(app)
    await invokeFromTest(app, 'settings.update', { locale: 'en', theme: 'light' })
    scratch = mkdtempSync(join(tmpdir(), 'zoo-batch-e2e-'))
  })

  test.afterEach(async ({ app }) => {
    await detachAll(app)
    await invokeFromTest(app, 'settings.update', { locale: null, theme: 'system' })
    rmSync(scratch, { recursive: true, force: true })
  })

  test('start a job, pause and resume, filter, thumbnails, table, charts, export', async ({
    page,
    app,
  }) => {
    const photos = join(scratch, 'Holiday photos')
    await photoFolder(photos)
    // Linked to its catalog entry: ImageNet's class names, and the published accuracy to compare.
    await invokeFromTest(app, 'inference.attach', {
      source: { path: mobilenet },
      catalogId: 'MobileNetV2',
    })

    await page.goto(`${app.url}#/batch`)
    await expect(page.getByRole('heading', { name: 'Batch', level: 1 })).toBeVisible()
    await expect(page.getByText('No batch jobs yet')).toBeVisible()

    // The new-job form: the path typed with completion from the server.
    await page.getByTestId('batch-new').click()
    const path = page.getByTestId('batch-new-path')
    await path.fill(`${scratch}/Hol`)
    const option = page.getByTestId('path-option')
    await expect(option).toHaveText(['Holiday photos/'])
    await shoot(page, 'new-job', 1440, 900)
    await path.press('Tab')
    await expect(path).toHaveValue(`${photos}/`)
    await page.getByTestId('batch-new-add').click()
    await expect(page.getByTestId('batch-new-folders')).toContainText(photos)
    await page.getByTestId('batch-new-start').click()

    // Progress, then pause: the counts stop short of the total and stay there.
    const row = page.locator('[data-testid^="batch-job-"]').first()
    await expect(row.getByTestId('batch-pause')).toBeVisible()
    await row.getByTestId('batch-pause').click()
    await expect(row.getByTestId('batch-job-state')).toHaveText('Paused', { timeout: 30_000 })
    const paused = (await invokeFromTest<BatchJob[]>(app, 'batch.list', {}))[0]!
    expect(paused.state).toBe('paused')
    expect(paused.counts.done + paused.counts.failed).toBeLessThan(GOOD + BAD)
    await shoot(page, 'paused', 1024, 700)

    // Resume and let it finish.
    await row.getByTestId('batch-resume').click()
    await expect(row.getByTestId('batch-job-state')).toHaveText('Done', { timeout: 120_000 })
    await expect(row.getByTestId('batch-job-figures')).toContainText(
      `${shown(GOOD + BAD)} of ${shown(GOOD + BAD)} files`,
    )
    await expect(row.getByTestId('batch-job-figures')).toContainText('2 failed')
    const job = (await invokeFromTest<BatchJob[]>(app, 'batch.list', {}))[0]!
    expect(job.counts).toMatchObject({ total: GOOD + BAD, done: GOOD, failed: BAD, pending: 0 })

    // The grid with thumbnails that really load (the token-checked route).
    const count = page.getByTestId('batch-results-count')
    await expect(count).toHaveText(`${shown(GOOD + BAD)} files`)
    const thumbs = page.getByTestId('batch-thumb')
    await expect(thumbs.first()).toBeVisible()
    await expect
      .poll(() => thumbs.first().evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0)
    await shoot(page, 'grid', 1440, 900)
    await shoot(page, 'grid', 1024, 700)

    // Filters: the failed files, with their codes.
    await page.getByTestId('batch-filter-state').selectOption('failed')
    await expect(count).toHaveText(`${BAD} files match`)
    await expect(page.getByTestId('batch-card')).toHaveCount(BAD)
    await expect(page.getByTestId('batch-card').first()).toContainText('IMAGE_')
    await page.getByTestId('batch-filter-state').selectOption('all')

    // One class: every card shown carries it; a confidence floor narrows further.
    const classSelect = page.getByTestId('batch-filter-class')
    const firstClass = await classSelect.locator('option').nth(1).getAttribute('value')
    const firstLabel = (await classSelect.locator('option').nth(1).textContent())!
      .trim()
      .replace(/\s*\(\d+\)$/, '')
    await classSelect.selectOption(firstClass!)
    const matching = Number((await count.textContent())!.match(/\d+/)![0])
    expect(matching).toBeGreaterThan(0)
    expect(matching).toBeLessThan(GOOD)
    await expect(page.getByTestId('batch-card').first()).toContainText(firstLabel)
    await page.getByTestId('batch-filter-min').fill('90')
    await page.getByTestId('batch-filter-min').press('Tab')
    await expect
      .poll(async () => Number((await count.textContent())!.match(/\d+/)?.[0] ?? 0))
      .toBeLessThanOrEqual(matching)
    await page.getByTestId('batch-filter-min').fill('')
    await page.getByTestId('batch-filter-min').press('Tab')
    await classSelect.selectOption('')

    // The table, most confident first, its first row's score is the highest.
    await page.getByTestId('batch-sort').selectOption('score-desc')
    await page.getByTestId('batch-layout-table').click()
    await expect(page.getByTestId('batch-row').first()).toBeVisible()
    await shoot(page, 'table', 1440, 900)
    // Keyboard: the focused row moves down.
    await page.getByTestId('batch-row').first().focus()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByTestId('batch-row').nth(1)).toBeFocused()

    // Charts, drawn, and exported as SVG through the same engine as the CLI's.
    await page.getByTestId('batch-tab-charts').click()
    await expect(page.getByTestId('batch-chart-classes').locator('canvas')).toBeVisible()
    await expect(page.getByTestId('batch-chart-confidence').locator('canvas')).toBeVisible()
    await page.waitForTimeout(600)
    await shoot(page, 'charts', 1440, 900)
    const downloadPromise = page.waitForEvent('download')
    await page.getByTestId('batch-chart-classes').getByTestId('export-menu').click()
    await page.getByTestId('batch-chart-classes').getByTestId('export-svg').click()
    const download = await downloadPromise
    expect(download.suggestedFilename()).toMatch(/\.svg$/)
    const svg = readFileSync((await download.path())!, 'utf8')
    expect(svg).toContain('<svg')

    // The folders are class names: the accuracy on them, per class and confused pairs.
    await page.getByTestId('batch-tab-accuracy').click()
    await expect(page.getByTestId('batch-accuracy')).toContainText('class-named subfolders')
    const top1 = await page.getByTestId('batch-accuracy-top1').first().textContent()
    expect(Number(top1!.replace('%', ''))).toBeGreaterThan(30)
    await shoot(page, 'accuracy', 1440, 900)

    // Export the results as CSV and read it back.
    await page.getByTestId('batch-export-open').click()
    const out = join(scratch, 'results.csv')
    await page.getByTestId('batch-export-path').fill(out)
    await page.getByTestId('batch-export-write').click()
    await expect(page.getByTestId('batch-export-written')).toContainText(
      `${shown(GOOD + BAD)} rows`,
    )
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/)
    expect(lines).toHaveLength(GOOD + BAD + 1)
    expect(lines[0]).toMatch(/^folder,path,model,status,top1_index,/)
    await page.getByTestId('batch-export-write').click()

    // Dark theme: the same view legible.
    await invokeFromTest(app, 'settings.update', { theme: 'dark' })
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await expect(page.getByTestId('batch-thumb').first()).toBeVisible()
    await shoot(page, 'dark', 1440, 900)
    await shoot(page, 'dark', 1024, 700)
  })

  test('a bad folder is refused with the reason, nothing starts', async ({ page, app }) => {
    await invokeFromTest(app, 'inference.attach', { source: { path: mobilenet } })
    const before = (await invokeFromTest<BatchJob[]>(app, 'batch.list', {})).length
    await page.goto(`${app.url}#/batch`)
    await page.getByTestId('batch-new').click()
    await page.getByTestId('batch-new-path').fill(join(scratch, 'no such folder'))
    await page.getByTestId('batch-new-start').click()
    await expect(page.getByTestId('batch-new-problem')).toContainText('no such folder')
    expect(await invokeFromTest<BatchJob[]>(app, 'batch.list', {})).toHaveLength(before)
  })
})
