/**
 * Weights in the UI: downloads from a model's detail panel (progress, cancel, resume), the
 * Downloads view's cache (size, SHA-256, verify, remove, budget, trim), importing an archive, and
 * a mirror that does not answer. The app downloads from a tiny mirror this spec starts on
 * 127.0.0.1 (ETag, Range, and a slow mode that trickles bytes so progress can be watched).
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { paddleModelFiles, pdparams } from '../support/paddle/modelFiles'
import { tarOf, type TarEntry } from '../support/ustar'
import { formatBytes } from '../../src/shared/format/formatBytes'
import { startZooServer } from '../support/zooServer'
import { expect, forgetRememberedViews, invokeFromTest, test, type AppServer } from './appServer'

/*
 * The parts of the API's answers this spec reads (the e2e type world holds only the tests).
 */
interface DownloadState {
  id: string
  state: string
}
interface WeightsOverview {
  artifacts: { id: string; sha256: string; size: number; extractedBytes: number }[]
  downloads: DownloadState[]
  settings: { mirror: string | null; mirrorFromEnv: boolean; budgetBytes: number }
}

const DEFAULT_BUDGET = 20 * 1024 ** 3
const zooBin = join(import.meta.dirname, '..', '..', 'bin', 'zoo.js')
const INFERENCE_PATH = (id: string) => `/dygraph/inference/${id}_infer.tar`

// --- fixtures: archives and a mirror ----------------------------------------------------------

/**
 * A PaddleClas-shaped `<id>_infer.tar`: `<id>_infer/inference.pdmodel` + `.pdiparams`, a real
 * (tiny) Paddle program with about `paramsBytes` of random weights, so the cache's structural
 * check passes; `extra` entries are added inside the folder.
 */
function inferenceArchive(id: string, paramsBytes: number, extra: TarEntry[] = []): Buffer {
  const folder = `${id}_infer`
  return tarOf([
    { name: `${folder}/`, type: 'dir' },
    ...Object.entries(paddleModelFiles(paramsBytes)).map(([name, body]) => ({
      name: `${folder}/${name}`,
      body,
    })),
    ...extra.map((entry) => ({ ...entry, name: `${folder}/${entry.name}` })),
  ])
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

interface MirrorRequest {
  path: string
  range: string | undefined
  status: number
}

interface Mirror {
  origin: string
  /** Trickle bytes (16 KB every 50 ms) so that a download can be watched and cancelled. */
  slow: boolean
  requests: MirrorRequest[]
  close(): Promise<void>
}

/** A static file server with ETag (the MD5, as PaddleClas's host sends it) and Range support. */
async function startMirror(files: Map<string, Buffer>): Promise<Mirror> {
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const mirror: Mirror = { origin: '', slow: false, requests: [], close: async () => {} }

  function trickle(res: ServerResponse, body: Buffer): void {
    let offset = 0
    const step = () => {
      if (res.destroyed) return
      if (offset >= body.length) {
        res.end()
        return
      }
      const end = Math.min(body.length, offset + 16 * 1024)
      res.write(body.subarray(offset, end))
      offset = end
      const timer = setTimeout(() => {
        timers.delete(timer)
        step()
      }, 50)
      timers.add(timer)
    }
    step()
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const body = files.get(path)
    const range = req.headers.range
    const record = (status: number) => mirror.requests.push({ path, range, status })
    if (!body) {
      record(404)
      res.writeHead(404).end('not here')
      return
    }
    const etag = `"${createHash('md5').update(body).digest('hex')}"`
    const headers = {
      etag,
      'last-modified': 'Tue, 02 Jan 2024 10:00:00 GMT',
      'accept-ranges': 'bytes',
      'content-type': 'application/x-tar',
    }
    const match = /^bytes=(\d+)-$/.exec(range ?? '')
    const ifRange = req.headers['if-range']
    const start = match && (!ifRange || ifRange === etag) ? Number(match[1]) : 0
    if (start >= body.length && match) {
      record(416)
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
      return
    }
    const part = body.subarray(start)
    const status = start > 0 ? 206 : 200
    record(status)
    res.writeHead(status, {
      ...headers,
      'content-length': part.length,
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    })
    if (mirror.slow) trickle(res, part)
    else res.end(part)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the mirror has no port')
  mirror.origin = `http://127.0.0.1:${address.port}`
  mirror.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return mirror
}

/** A port nothing listens on: the mirror that does not answer. */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

/**
 * Console errors and uncaught exceptions, which no view should produce. A refusal the test asks
 * for comes back with its HTTP status (422 for ARCHIVE_UNSAFE), which Chromium logs: not an error.
 */
function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' && !/status of 4\d\d/.test(text)) errors.push(text)
  })
  return errors
}

/** Leaves the shared server as it was: no running download, an empty cache, default settings. */
async function cleanWeights(app: AppServer): Promise<void> {
  const overview = await invokeFromTest<WeightsOverview>(app, 'weights.list', {})
  for (const download of overview.downloads) {
    if (!['done', 'failed', 'cancelled'].includes(download.state))
      await invokeFromTest(app, 'weights.cancel', { id: download.id })
  }
  for (const artifact of overview.artifacts)
    await invokeFromTest(app, 'weights.remove', { id: artifact.id })
  await invokeFromTest(app, 'weights.configure', { mirror: null, budgetBytes: DEFAULT_BUDGET })
}

// --- the tests ----------------------------------------------------------------------------------

test.describe('downloads', () => {
  let mirror: Mirror
  let archive: Buffer
  let otherArchive: Buffer

  test.beforeAll(async () => {
    // About 3 MB: some 10 s in slow mode, time enough to watch the bar and cancel.
    archive = inferenceArchive('MobileNetV2', 3 * 1024 * 1024)
    otherArchive = inferenceArchive('MobileNetV2_x0_5', 3 * 1024 * 1024)
    mirror = await startMirror(
      new Map([
        [INFERENCE_PATH('MobileNetV2'), archive],
        [INFERENCE_PATH('MobileNetV2_x0_5'), otherArchive],
      ]),
    )
  })
  test.afterAll(async () => {
    await mirror.close()
  })

  test.beforeEach(async ({ app }) => {
    await forgetRememberedViews(app)
    mirror.slow = false
    mirror.requests.length = 0
  })
  test.afterEach(async ({ app }) => {
    mirror.slow = false
    await cleanWeights(app)
  })

  test('downloads from the model, shows progress, cancels, resumes, then verifies and removes', async ({
    page,
    app,
    context,
  }) => {
    test.setTimeout(60_000)
    const errors = collectErrors(page)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin })

    // The mirror, through the settings field: checked before it is saved.
    await page.goto(`${app.url}#/downloads`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Downloads')
    await expect(page.getByTestId('downloads-empty')).toBeVisible()
    await expect(page.getByTestId('cache')).toContainText('The cache is empty')
    const mirrorInput = page.getByTestId('mirror-input')
    await mirrorInput.fill('ftp://example.org/paddle')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('mirror-problem')).toHaveText(
      'The mirror must be an http:// or https:// URL.',
    )
    // Plain http to another machine is allowed, but said to be unsafe; loopback is not warned.
    await mirrorInput.fill('http://mirror.example.org/paddle')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('mirror-insecure')).toContainText('Prefer an https mirror.')
    await mirrorInput.fill(`${mirror.origin}/`)
    await expect(page.getByTestId('mirror-problem')).toHaveCount(0)
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-saved')).toHaveText('Saved')
    await expect(page.getByTestId('mirror-insecure')).toHaveCount(0)
    const saved = await invokeFromTest<WeightsOverview>(app, 'weights.list', {})
    expect(saved.settings).toMatchObject({ mirror: mirror.origin, mirrorFromEnv: false })

    // Start from the model's detail panel, slowly: the bar and the figures move.
    mirror.slow = true
    await page.goto(`${app.url}#/models?q=MobileNetV2&model=MobileNetV2`)
    const panel = page.getByTestId('model-detail')
    const action = panel.getByTestId('model-download-inference')
    const start = action.getByTestId('model-download-start')
    await expect(start).toHaveText('Download inference model')
    await expect(panel.getByTestId('model-download-pretrained')).toContainText(
      'Download pretrained weights',
    )
    await start.click()
    const bar = action.getByRole('progressbar')
    const percent = async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0)
    await expect.poll(percent).toBeGreaterThan(3)
    const first = await percent()
    await expect.poll(percent).toBeGreaterThan(first)
    await expect(action.getByTestId('download-phase')).toHaveText('Downloading')
    await expect(action.getByTestId('download-figures')).toContainText(
      `of ${formatBytes(archive.length)}`,
    )
    await expect(action.getByTestId('download-figures')).toContainText('/s')
    await expect(action.getByTestId('download-figures')).toContainText('left')
    // The table shows it too: a ring in the Download column of the model's row.
    const ring = page.locator('tr[data-model="MobileNetV2"] [data-testid="progress-ring"]')
    await expect(ring).toHaveCount(1)
    await page.screenshot({ path: 'test-results/model-download.png' })

    // Cancel: the bytes so far stay, and the button offers to resume.
    await action.getByTestId('model-download-cancel').click()
    await expect(action.getByTestId('model-download-cancelled')).toContainText('Cancelled at')
    await expect(start).toHaveText('Resume downloading the inference model')
    await expect(ring).toHaveCount(0)
    const cancelledAt = mirror.requests.length

    // Again: it continues with a Range request, and finishes.
    mirror.slow = false
    await start.click()
    await expect(action.getByTestId('model-download-cached')).toContainText(
      `Cached ✓ · ${formatBytes(archive.length)}`,
      { timeout: 15_000 },
    )
    const resumed = mirror.requests.slice(cancelledAt)
    expect(resumed).toHaveLength(1)
    expect(resumed[0]).toMatchObject({ status: 206, range: expect.stringMatching(/^bytes=\d+-$/) })
    await expect(
      page.locator('tr[data-model="MobileNetV2"] [data-testid="download-cached"]'),
    ).toHaveCount(1)

    // The Downloads view: the finished download says it resumed; the cache lists the archive.
    await page.getByTestId('nav-downloads').click()
    const item = page.getByTestId('download-MobileNetV2:inference')
    await expect(item.getByTestId('download-summary')).toContainText(
      `Downloaded and verified · ${formatBytes(archive.length)}`,
    )
    await expect(item.getByTestId('download-resumed')).toContainText(/Resumed from \d/)
    const row = page.getByTestId('artifact-MobileNetV2:inference')
    const cached = await invokeFromTest<WeightsOverview>(app, 'weights.list', {})
    const unpacked = cached.artifacts[0]!.extractedBytes
    expect(unpacked).toBeGreaterThan(archive.length * 0.9) // the archive's files, once more
    await expect(row.getByTestId('artifact-size')).toHaveText(
      `${formatBytes(archive.length)} + ${formatBytes(unpacked)} unpacked`,
    )
    await expect(row.getByTestId('artifact-checked')).toHaveText(
      'Checked: MD5 (ETag) from the server · Paddle program of 3 operators, its one weight tensor consumed exactly',
    )
    await expect(row.getByTestId('artifact-sha')).toHaveText(sha256(archive).slice(0, 12))
    await expect(row.getByTestId('artifact-sha')).toHaveAttribute('title', sha256(archive))
    await expect(row.getByTestId('artifact-source')).toHaveText('downloaded')
    await expect(row.getByTestId('artifact-contents')).toHaveText('Paddle 2 inference model')
    await expect(page.getByTestId('cache-total')).toHaveText(
      `${formatBytes(archive.length + unpacked)} of 20.0 GB`,
    )
    await row.getByTestId('artifact-sha-copy').click()
    await expect(row).toContainText('Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(sha256(archive))

    // Verify one, then all.
    await row.getByTestId('artifact-verify').click()
    await expect(row.getByTestId('artifact-verify-result')).toContainText('Intact')
    await page.getByTestId('verify-all').click()
    await expect(page.getByTestId('verify-all-result')).toHaveText('Verified 1 artifact: intact.')

    // A download a `zoo pull` in a terminal is running on the same data folder: the app's pull of
    // it follows that one (its progress, its pid) instead of writing the same file.
    mirror.slow = true
    const terminal = spawn(
      process.execPath,
      [zooBin, 'pull', 'MobileNetV2_x0_5', '--data-dir', app.dataDir],
      { stdio: 'ignore' },
    )
    try {
      await expect
        .poll(() => mirror.requests.some((r) => r.path === INFERENCE_PATH('MobileNetV2_x0_5')))
        .toBe(true)
      await invokeFromTest(app, 'weights.pull', { modelId: 'MobileNetV2_x0_5', kind: 'inference' })
      const running = page.getByTestId('download-MobileNetV2_x0_5:inference')
      await expect(running.getByTestId('download-other-process')).toHaveText(
        `Another Zoo Explorer process (pid ${terminal.pid}) is downloading this file; its progress is shown here and it is cached for both.`,
      )
      await expect(running.getByTestId('download-figures')).toContainText('/s')
      await page.screenshot({ path: 'test-results/downloads.png', fullPage: true })
      // Cancelling here stops following; the terminal's download goes on.
      await running.getByTestId('download-cancel').click()
      await expect(running.getByTestId('download-summary')).toContainText('Cancelled at')
      await expect(running.getByTestId('download-retry')).toHaveText('Resume')
      expect(terminal.exitCode).toBeNull()
    } finally {
      terminal.kill('SIGKILL')
    }

    // Remove, after a confirmation.
    await row.getByTestId('artifact-remove').click()
    const confirm = row.getByTestId('artifact-remove-confirm')
    await expect(confirm).toContainText('Remove the inference model of MobileNetV2')
    await expect(row.getByTestId('artifact-remove-yes')).toBeFocused()
    await row.getByTestId('artifact-remove-yes').click()
    await expect(row).toHaveCount(0)
    await expect(page.getByTestId('cache')).toContainText('The cache is empty')
    const after = await invokeFromTest<WeightsOverview>(app, 'weights.list', {})
    expect(after.artifacts).toEqual([])
    expect(errors).toEqual([])
  })

  test('imports an archive, refuses a hostile one, and trims the cache to its budget', async ({
    page,
    app,
  }) => {
    const errors = collectErrors(page)
    const hostile = inferenceArchive('MobileNetV2', 1024, [
      { name: 'evil', type: 'symlink', linkname: '/etc/passwd' },
    ])
    await page.goto(`${app.url}#/downloads`)
    await page.getByTestId('import-open').click()
    const dialog = page.getByTestId('import-dialog')
    await expect(dialog).toBeVisible()
    const input = dialog.getByTestId('import-input')

    await input.setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('x'),
    })
    await expect(dialog.getByTestId('import-problem')).toHaveText(
      'notes.txt is neither a .tar archive nor a .pdparams file.',
    )

    // A symlink in the archive: refused, with its code, and nothing is cached.
    await input.setInputFiles({
      name: 'MobileNetV2_infer.tar',
      mimeType: 'application/x-tar',
      buffer: hostile,
    })
    await expect(dialog.getByTestId('import-file')).toHaveText('MobileNetV2_infer.tar')
    await expect(dialog.getByTestId('catalog-entry-MobileNetV2')).toHaveAttribute(
      'aria-selected',
      'true',
    )
    await expect(dialog.getByTestId('import-kind-inference')).toBeChecked()
    await dialog.getByTestId('import-submit').click()
    await expect(dialog.getByTestId('download-error-code')).toHaveText('ARCHIVE_UNSAFE')
    await expect(dialog.getByTestId('import-error')).toContainText('evil')

    // The real archive: hashed, extracted, cached as an import.
    await input.setInputFiles({
      name: 'MobileNetV2_infer.tar',
      mimeType: 'application/x-tar',
      buffer: archive,
    })
    await dialog.getByTestId('import-submit').click()
    await expect(dialog).toHaveCount(0)
    await expect(page.getByTestId('import-done')).toHaveText(
      'Imported the inference model of MobileNetV2.',
    )
    await expect(page.getByTestId('import-open')).toBeFocused()
    const row = page.getByTestId('artifact-MobileNetV2:inference')
    await expect(row.getByTestId('artifact-source')).toHaveText('imported')
    await expect(row.getByTestId('artifact-sha')).toHaveAttribute('title', sha256(archive))
    await expect(row.getByTestId('artifact-contents')).toHaveText('Paddle 2 inference model')

    // A budget smaller than the cache: the meter says so, and Trim removes the archive.
    const budget = page.getByTestId('budget-input')
    await expect(budget).toHaveValue('20')
    await budget.fill('lots')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('budget-problem')).toContainText('Enter a number of GB')
    await budget.fill('0.001')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-saved')).toBeVisible()
    await expect(page.getByTestId('cache-meter')).toContainText('over budget')
    await page.getByTestId('cache-gc').click()
    await expect(page.getByTestId('cache-gc-result')).toContainText('Removed 1 artifact')
    await expect(page.getByTestId('cache')).toContainText('The cache is empty')
    await page.getByTestId('cache-gc').click()
    await expect(page.getByTestId('cache-gc-result')).toHaveText(
      'Nothing to remove: the cache fits its budget.',
    )
    expect(errors).toEqual([])
  })

  test('a mirror that does not answer: says so plainly, keeps what is cached, and tries again', async ({
    page,
    app,
  }) => {
    // The downloader retries a server that does not answer with backoff (about 30 s in all).
    test.setTimeout(120_000)
    const errors = collectErrors(page)
    const port = await closedPort()
    // Something already cached: the pretrained weights, imported from a file.
    const dir = mkdtempSync(join(tmpdir(), 'zoo-e2e-weights-'))
    const weights = join(dir, 'MobileNetV2_pretrained.pdparams')
    writeFileSync(weights, pdparams(200 * 1024))
    await invokeFromTest(app, 'weights.import', {
      source: { path: weights },
      modelId: 'MobileNetV2',
      kind: 'pretrained',
    })
    rmSync(dir, { recursive: true, force: true })
    await invokeFromTest(app, 'weights.configure', { mirror: `http://127.0.0.1:${port}` })

    await page.goto(`${app.url}#/models?q=MobileNetV2&model=MobileNetV2`)
    const panel = page.getByTestId('model-detail')
    await expect(panel.getByTestId('model-download-pretrained')).toContainText('Cached ✓')
    const action = panel.getByTestId('model-download-inference')
    await action.getByTestId('model-download-start').click()
    await expect(action.getByTestId('download-phase')).toHaveText(
      `Connecting to 127.0.0.1:${port}…`,
    )
    const offline = action.getByTestId('download-offline')
    await expect(offline).toContainText(`Could not reach 127.0.0.1:${port}`, { timeout: 60_000 })
    await expect(offline).toContainText('Everything already in the cache keeps working')
    await expect(action.getByTestId('download-error-code')).toHaveText('DOWNLOAD_FAILED')
    await expect(action.getByTestId('download-error-message')).toContainText('ECONNREFUSED')
    await expect(panel.getByTestId('model-download-pretrained')).toContainText('Cached ✓')

    // The Downloads view says the same, and the cache is still there.
    await page.getByTestId('nav-downloads').click()
    const item = page.getByTestId('download-MobileNetV2:inference')
    await expect(item.getByTestId('download-offline')).toContainText('offline')
    await expect(page.getByTestId('artifact-MobileNetV2:pretrained')).toBeVisible()
    await expect(page.getByTestId('artifact-MobileNetV2:pretrained')).toContainText(
      'Pretrained weights (.pdparams)',
    )
    await page.screenshot({ path: 'test-results/downloads-offline.png', fullPage: true })

    // Back online (a mirror that answers): Try again downloads it.
    await invokeFromTest(app, 'weights.configure', { mirror: mirror.origin })
    await expect(item.getByTestId('download-retry')).toHaveText('Try again')
    await item.getByTestId('download-retry').click()
    await expect(item.getByTestId('download-summary')).toContainText('Downloaded and verified', {
      timeout: 15_000,
    })
    await expect(page.getByTestId('artifact-MobileNetV2:inference')).toBeVisible()
    expect(errors).toEqual([])
  })

  test('says when ZOO_MIRROR overrides the mirror setting', async ({ page }) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoo-e2e-env-'))
    const server = await startZooServer(dataDir, { ZOO_MIRROR: 'http://127.0.0.1:9/zoo-mirror' })
    try {
      await page.goto(`${server.url}#/downloads`)
      const note = page.getByTestId('mirror-env')
      await expect(note).toContainText('ZOO_MIRROR')
      await expect(note).toContainText('http://127.0.0.1:9/zoo-mirror')
      const input = page.getByTestId('mirror-input')
      await expect(input).toHaveValue('http://127.0.0.1:9/zoo-mirror')
      await expect(input).toHaveAttribute('readonly', '')
    } finally {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
