/**
 * The weights cache through the real app core (SQLite, events, catalog) against a real HTTP
 * server on 127.0.0.1 reached through ZOO_MIRROR: commits, shared and cancelled downloads, a
 * full disk, nothing half-written visible, imports, verify, gc, rm, and working offline.
 */
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Artifact } from '@shared/contract'
import { valueOf } from '../helpers/results'
import { zooProcess } from '../helpers/runZoo'
import { deadPid } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'
import { pdparams } from '../../support/paddle/modelFiles'
import { closedPort, sha256Hex } from './helpers/faultServer'
import {
  MODEL,
  OTHER_MODEL,
  THIRD_MODEL,
  fileSize,
  fullDiskAfter,
  inferenceArchive,
  listTree,
  openWeightsCore,
  pullNow,
  serveArchive,
  waitFor,
  type WeightsCore,
} from './helpers/weightsFixture'

const MB = 1024 * 1024
const HOUR = 60 * 60 * 1000

/** Sets a file's times `ms` into the past, as if it had been left there that long ago. */
function ageFile(path: string, ms: number): void {
  const then = new Date(Date.now() - ms)
  utimesSync(path, then, then)
}
const slow = { throttle: { bytes: 32 * 1024, everyMs: 15 } }

function states(weights: WeightsCore, id: string): string[] {
  const all = weights.events.filter((e) => e.id === id).map((e) => e.state)
  return all.filter((state, i) => state !== all[i - 1]) // each state once, in order
}

async function hasLocalWeights(weights: WeightsCore): Promise<Record<string, boolean>> {
  const list = valueOf(await weights.core.dispatch('catalog.list', {}, { face: 'cli' }))
  return Object.fromEntries(list.rows.map((row) => [row.id, row.hasLocalWeights]))
}

describe('pull', () => {
  it('commits the blob, extracts the archive, then writes the manifest row', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights)
    const sha = sha256Hex(body)

    const artifact = await pullNow(weights)

    expect(artifact).toMatchObject({
      id: `${MODEL}:inference`,
      modelId: MODEL,
      kind: 'inference',
      source: 'download',
      url: `${weights.server.url}${weights.pathOf(MODEL)}`,
      size: body.length,
      sha256: sha,
      contents: {
        format: 'paddle2',
        files: [
          `${MODEL}_infer/inference.pdiparams`,
          `${MODEL}_infer/inference.pdiparams.info`,
          `${MODEL}_infer/inference.pdmodel`,
        ],
      },
    })
    expect(sha256Hex(readFileSync(join(weights.dirs.blobs, sha)))).toBe(sha)
    // Only the archive: its program is not an image classifier, so nothing was converted.
    expect(listTree(weights.dirs.blobs)).toEqual([sha])
    expect(
      readFileSync(
        join(weights.dirs.extracted, sha, `${MODEL}_infer`, 'inference.pdiparams.info'),
        'utf8',
      ),
    ).toBe(`${MODEL}\n`)
    expect(listTree(weights.dirs.partials)).toEqual([]) // no partial, no sidecar left behind
    expect(weights.rows()).toEqual([{ id: `${MODEL}:inference`, sha256: sha, size: body.length }])
    expect(weights.core.weights.extractedPath(artifact.id)).toBe(join(weights.dirs.extracted, sha))
    expect(weights.core.catalog.get(MODEL).hasLocalWeights).toBe(true)
    expect(states(weights, artifact.id)).toEqual([
      'downloading',
      'verifying',
      'extracting',
      'converting',
      'done',
    ])
  })

  it('caches pretrained weights (.pdparams) as a blob without extracting anything', async () => {
    const weights = await openWeightsCore()
    const body = pdparams(300_000)
    weights.server.put(weights.pathOf(MODEL, 'pretrained'), body)
    const artifact = await pullNow(weights, MODEL, 'pretrained')
    expect(artifact).toMatchObject({
      id: `${MODEL}:pretrained`,
      sha256: sha256Hex(body),
      contents: null,
      extractedBytes: 0,
      verification: { digests: ['MD5 (ETag)'], structure: { format: 'pdparams' } },
    })
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect(readFileSync(join(weights.dirs.blobs, sha256Hex(body))).equals(body)).toBe(true)
  })

  it('resumes a connection dropped at 50 % within the same pull (≈ file size on the wire)', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL, 3 * MB)
    const path = weights.pathOf(MODEL)
    weights.server.fault(path, ({ attempt }) =>
      attempt === 1 ? { dropAfter: Math.floor(body.length / 2) } : {},
    )
    const artifact = await pullNow(weights)
    expect(artifact.sha256).toBe(sha256Hex(body))
    expect(weights.server.requestsFor(path).map((r) => r.status)).toEqual([200, 206])
    expect(weights.server.sentFor(path)).toBeLessThanOrEqual(1.1 * body.length)
  })

  it('reports progress events with bytes, total, rate and ETA while downloading', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL, MB)
    weights.server.fault(weights.pathOf(MODEL), slow)
    await pullNow(weights)
    const downloading = weights.events.filter((e) => e.state === 'downloading' && e.done > 0)
    expect(downloading.length).toBeGreaterThanOrEqual(2)
    for (const event of downloading) {
      expect(event.total).toBe(body.length)
      expect(event.rate).toBeGreaterThan(0)
      expect(event.eta).toBeGreaterThanOrEqual(0)
    }
    expect(weights.events.at(-1)).toMatchObject({
      state: 'done',
      done: body.length,
      total: body.length,
      error: null,
    })
  })

  it('answers NOT_FOUND for an unknown model, before any request', async () => {
    const weights = await openWeightsCore()
    expect(() => weights.core.weights.pull({ modelId: 'NoSuchNet' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    )
    expect(weights.server.log).toEqual([])
  })
})

describe('concurrent pulls', () => {
  it('two pulls of one artifact share one download and resolve to the same artifact', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL, MB)
    weights.server.fault(weights.pathOf(MODEL), slow)

    const first = weights.core.weights.pull({ modelId: MODEL })
    const second = weights.core.weights.pull({ modelId: MODEL, kind: 'inference' })
    const [a, b] = await Promise.all([first.done, second.done])

    expect(weights.server.requestsFor(weights.pathOf(MODEL))).toHaveLength(1)
    expect(a).toEqual(b)
    expect(a.sha256).toBe(sha256Hex(body))
    expect(weights.rows()).toHaveLength(1)
  })

  it('two waiting `weights.pull` calls through dispatch share one download too', async () => {
    const weights = await openWeightsCore()
    serveArchive(weights, MODEL, MB)
    weights.server.fault(weights.pathOf(MODEL), slow)
    const call = () =>
      weights.core.dispatch('weights.pull', { modelId: MODEL, wait: true }, { face: 'cli' })
    const [a, b] = await Promise.all([call(), call()])
    expect(valueOf(a).state).toBe('done')
    expect(valueOf(b).state).toBe('done')
    expect(weights.server.requestsFor(weights.pathOf(MODEL))).toHaveLength(1)
  })
})

describe('cancel', () => {
  it('cancelling mid-way gives CANCELLED and keeps the partial; pulling again resumes it', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL, 2 * MB)
    const path = weights.pathOf(MODEL)
    const id = `${MODEL}:inference`
    weights.server.fault(path, slow)
    const { done } = weights.core.weights.pull({ modelId: MODEL })
    await waitFor(() => fileSize(weights.partialOf(MODEL)) > body.length / 4, 'a quarter')

    expect(valueOf(await weights.core.dispatch('weights.cancel', { id }, { face: 'cli' }))).toEqual(
      { cancelled: true },
    )
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' })
    const download = weights.core.weights.list().downloads.find((d) => d.id === id)
    expect(download).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } })
    const kept = fileSize(weights.partialOf(MODEL))
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(body.length)
    expect(weights.rows()).toEqual([])
    expect(weights.core.weights.cancel(id)).toBe(false) // nothing running any more

    weights.server.fault(path, {})
    const artifact = await pullNow(weights)

    expect(artifact.sha256).toBe(sha256Hex(body))
    expect(weights.server.log.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 })
    expect(weights.core.weights.list().downloads.find((d) => d.id === id)).toMatchObject({
      state: 'done',
      resumedFrom: kept,
    })
  })
})

describe('nothing half-written is visible as complete', () => {
  it('a running download is listed under downloads, not artifacts, and has no blob', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL, 2 * MB)
    weights.server.fault(weights.pathOf(MODEL), slow)
    const { done } = weights.core.weights.pull({ modelId: MODEL })
    await waitFor(() => fileSize(weights.partialOf(MODEL)) > body.length / 3, 'a third')

    const overview = valueOf(await weights.core.dispatch('weights.list', {}, { face: 'cli' }))
    expect(overview.artifacts).toEqual([])
    expect(overview.totalBytes).toBe(0)
    expect(overview.downloads).toEqual([
      expect.objectContaining({ id: `${MODEL}:inference`, state: 'downloading' }),
    ])
    expect(listTree(weights.dirs.blobs)).toEqual([])
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect((await hasLocalWeights(weights))[MODEL]).toBe(false)
    expect(weights.core.weights.get(`${MODEL}:inference`)).toBeNull()

    await done
    expect(weights.core.weights.list().artifacts.map((a) => a.id)).toEqual([`${MODEL}:inference`])
    expect((await hasLocalWeights(weights))[MODEL]).toBe(true)
  })
})

describe('failures leave no manifest row and no blob', () => {
  it('a full disk gives DISK_FULL with the partial kept; the next pull resumes from it', async () => {
    const disk = fullDiskAfter(MB)
    let diskFull = true
    const weights = await openWeightsCore({
      download: {
        openFile: (path, flags, mode) =>
          diskFull ? disk.openFile(path, flags, mode) : open(path, flags, mode),
      },
    })
    const body = serveArchive(weights, MODEL, 2 * MB)
    const { done } = weights.core.weights.pull({ modelId: MODEL })

    await expect(done).rejects.toMatchObject({ code: 'DISK_FULL' })
    await expect(done).rejects.toThrow(/disk is full/i)
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.blobs)).toEqual([])
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect(fileSize(weights.partialOf(MODEL))).toBe(MB)
    expect(weights.core.weights.list().downloads).toEqual([
      expect.objectContaining({
        state: 'failed',
        error: expect.objectContaining({ code: 'DISK_FULL' }),
      }),
    ])

    diskFull = false
    const artifact = await pullNow(weights)
    expect(artifact.sha256).toBe(sha256Hex(body))
    expect(weights.server.log.at(-1)).toMatchObject({ range: `bytes=${MB}-`, status: 206 })
  })

  it('wrong bytes give DOWNLOAD_CORRUPT and delete the partial', async () => {
    const weights = await openWeightsCore()
    serveArchive(weights)
    weights.server.fault(weights.pathOf(MODEL), {
      replaceBody: (body) =>
        Buffer.concat([body.subarray(0, 1000), Buffer.alloc(body.length - 1000)]),
    })
    await expect(pullNow(weights)).rejects.toMatchObject({ code: 'DOWNLOAD_CORRUPT' })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.blobs)).toEqual([])
    expect(listTree(weights.dirs.partials)).toEqual([])
  })
})

describe('import', () => {
  it('an archive file becomes the same artifact a download gives', async () => {
    const downloaded = await openWeightsCore()
    const body = serveArchive(downloaded)
    const viaDownload = await pullNow(downloaded)

    const imported = await openWeightsCore({ server: downloaded.server })
    const file = join(tempDirForTest('zoo-import'), `${MODEL}_infer.tar`)
    writeFileSync(file, body)
    const viaImport = await imported.core.weights.import({ source: { path: file }, modelId: MODEL })

    const comparable = ({ id, modelId, kind, size, sha256, contents }: Artifact) => ({
      id,
      modelId,
      kind,
      size,
      sha256,
      contents,
    })
    expect(comparable(viaImport)).toEqual(comparable(viaDownload))
    expect(viaImport).toMatchObject({ source: 'import', url: null })
    expect(readFileSync(file).equals(body)).toBe(true) // the user's file is copied, not moved
    expect(listTree(imported.dirs.extracted)).toEqual(listTree(downloaded.dirs.extracted))
    expect(imported.server.requestsFor(imported.pathOf(MODEL))).toHaveLength(1) // no download
  })

  it('imports pretrained weights (.pdparams) as a blob', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), 'ResNet50_vd_pretrained.pdparams')
    const body = pdparams(50_000)
    writeFileSync(file, body)
    const artifact = await weights.core.weights.import({
      source: { path: file },
      modelId: MODEL,
      kind: 'pretrained',
    })
    expect(artifact).toMatchObject({ kind: 'pretrained', sha256: sha256Hex(body), contents: null })
    expect(existsSync(join(weights.dirs.blobs, sha256Hex(body)))).toBe(true)
  })

  it('refuses a folder without a model and a file of the wrong kind with INVALID_INPUT, a missing file with NOT_FOUND', async () => {
    const weights = await openWeightsCore()
    const dir = tempDirForTest('zoo-import')
    const folder = join(dir, `${MODEL}_infer`)
    mkdirSync(folder)
    writeFileSync(join(folder, 'inference.pdmodel'), 'm')
    const onnx = join(dir, 'model.onnx')
    writeFileSync(onnx, randomBytes(100))
    const importing = (path: string) =>
      weights.core.dispatch('weights.import', { source: { path }, modelId: MODEL }, { face: 'cli' })

    expect(await importing(folder)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await importing(onnx)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await importing(join(dir, 'missing.tar'))).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.blobs)).toEqual([])
  })
})

describe('verify, rm and gc', () => {
  it('verify finds a modified blob and a missing one', async () => {
    const weights = await openWeightsCore()
    serveArchive(weights, MODEL)
    serveArchive(weights, OTHER_MODEL)
    serveArchive(weights, THIRD_MODEL)
    const a = await pullNow(weights, MODEL)
    const b = await pullNow(weights, OTHER_MODEL)
    await pullNow(weights, THIRD_MODEL)
    expect((await weights.core.weights.verify()).checked.every((c) => c.ok)).toBe(true)

    const blob = join(weights.dirs.blobs, a.sha256)
    const bytes = readFileSync(blob)
    bytes[100]! ^= 1
    writeFileSync(blob, bytes)
    await rm(join(weights.dirs.blobs, b.sha256))

    const report = await weights.core.weights.verify()
    expect(report.checked).toEqual([
      { id: `${OTHER_MODEL}:inference`, ok: false, message: expect.stringMatching(/missing/) },
      {
        id: `${THIRD_MODEL}:inference`,
        ok: true,
        message: expect.stringMatching(/^intact \(Paddle program with 3 ops, 1 parameter tensor/),
      },
      { id: a.id, ok: false, message: expect.stringMatching(/changed/) },
    ])
    expect((await weights.core.weights.verify(a.id)).checked).toHaveLength(1)
    await expect(weights.core.weights.verify('NoSuch:inference')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('rm removes the blob and extracted folder unless another artifact shares them', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), 'shared_infer.tar')
    writeFileSync(file, inferenceArchive('Shared'))
    const sha = sha256Hex(readFileSync(file))
    await weights.core.weights.import({ source: { path: file }, modelId: MODEL })
    await weights.core.weights.import({ source: { path: file }, modelId: OTHER_MODEL })
    expect(weights.rows().map((r) => r.sha256)).toEqual([sha, sha])

    expect(await weights.core.weights.remove(`${MODEL}:inference`)).toBe(true)
    expect(existsSync(join(weights.dirs.blobs, sha))).toBe(true)
    expect(existsSync(join(weights.dirs.extracted, sha))).toBe(true)

    expect(await weights.core.weights.remove(`${OTHER_MODEL}:inference`)).toBe(true)
    expect(existsSync(join(weights.dirs.blobs, sha))).toBe(false)
    expect(existsSync(join(weights.dirs.extracted, sha))).toBe(false)
    expect(weights.rows()).toEqual([])
    expect(await weights.core.weights.remove(`${OTHER_MODEL}:inference`)).toBe(false)
  })

  it('gc trims to the budget, least recently used first, and clears orphan blobs', async () => {
    const weights = await openWeightsCore()
    for (const model of [MODEL, OTHER_MODEL, THIRD_MODEL]) {
      serveArchive(weights, model, 100_000 + model.length)
      await pullNow(weights, model)
      await new Promise((resolve) => setTimeout(resolve, 5)) // distinct timestamps
    }
    // Using the oldest makes it the most recently used.
    weights.core.weights.extractedPath(`${MODEL}:inference`)
    const orphan = join(weights.dirs.blobs, 'f'.repeat(64))
    writeFileSync(orphan, 'nobody points at me')
    ageFile(orphan, HOUR)
    // The budget counts each archive and its extracted folder.
    const sizes = Object.fromEntries(
      weights.core.weights.list().artifacts.map((a) => [a.id, a.size + a.extractedBytes]),
    )
    expect(Object.values(sizes).every((bytes) => bytes > 200_000)).toBe(true)
    weights.core.weights.configure({
      budgetBytes: sizes[`${MODEL}:inference`]! + sizes[`${THIRD_MODEL}:inference`]!,
    })

    const report = await weights.core.weights.gc()

    expect(report.removed).toEqual([`${OTHER_MODEL}:inference`])
    expect(report.leftovers).toBe(1)
    expect(report.freedBytes).toBe(
      sizes[`${OTHER_MODEL}:inference`]! + 'nobody points at me'.length,
    )
    expect(weights.rows().map((r) => r.id)).toEqual([
      `${THIRD_MODEL}:inference`,
      `${MODEL}:inference`,
    ])
    expect(existsSync(orphan)).toBe(false)
    expect(listTree(weights.dirs.blobs).sort()).toEqual(
      weights
        .rows()
        .map((r) => r.sha256)
        .sort(),
    )
  })

  it('gc clears a gone writer’s temporaries at once, a live one’s never, orphans after a grace', async () => {
    const weights = await openWeightsCore()
    serveArchive(weights, MODEL, 10_000)
    await pullNow(weights, MODEL)
    const entry = (dir: string, name: string, age: number, folder = false) => {
      const path = join(dir, name)
      if (folder) mkdirSync(path, { recursive: true })
      writeFileSync(folder ? join(path, 'f') : path, name)
      ageFile(path, age)
      return path
    }
    const dead = await deadPid()
    const { blobs, extracted } = weights.dirs
    const kept = [
      // Another process's work in progress: a blob committed before its row, a copy, a staging folder.
      entry(blobs, 'a'.repeat(64), 0),
      entry(blobs, `import.${process.ppid}.0123abcd.tmp`, HOUR), // its writer is alive
      entry(extracted, `${'c'.repeat(64)}.staging-${process.ppid}-0123abcd`, HOUR, true),
      entry(blobs, 'import-1.partial', 0), // an older version's name: no pid, so by age
    ]
    const cleared = [
      entry(blobs, 'b'.repeat(64), HOUR),
      entry(blobs, `import.${dead}.0123abcd.tmp`, 0), // its writer is gone: at once
      entry(extracted, `${'d'.repeat(64)}.staging-${dead}-0123abcd`, 0, true),
      entry(extracted, 'e'.repeat(64), HOUR, true), // an extracted folder nothing uses
      entry(blobs, 'import-2.partial', HOUR),
    ]

    const report = await weights.core.weights.gc()

    expect(kept.map((path) => existsSync(path))).toEqual(kept.map(() => true))
    expect(cleared.map((path) => existsSync(path))).toEqual(cleared.map(() => false))
    expect(report).toMatchObject({ removed: [], leftovers: cleared.length })
    expect(report.freedBytes).toBe(cleared.reduce((sum, path) => sum + basename(path).length, 0))
    expect(weights.rows().map((r) => r.id)).toEqual([`${MODEL}:inference`])
  })

  it('gc in another process leaves alone an import that is still unpacking', async () => {
    // The import is held at its first unpacked file until the other process's gc has run.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const weights = await openWeightsCore({
      download: {
        openFile: async (path, flags, mode) => {
          if (flags === 'wx') await held
          return open(path, flags, mode)
        },
      },
    })
    const file = join(tempDirForTest('zoo-import'), `${MODEL}_infer.tar`)
    writeFileSync(file, inferenceArchive(MODEL))

    const importing = weights.core.weights.import({ source: { path: file }, modelId: MODEL })
    const unpacking = () =>
      existsSync(weights.dirs.extracted) &&
      readdirSync(weights.dirs.extracted).some((n) => n.includes('.staging-'))
    await waitFor(unpacking, 'the archive to be unpacking')
    expect(weights.rows()).toEqual([]) // unpacking: no manifest row yet
    const leftBefore = listTree(weights.dataDir).filter((p) => /\.tmp$|\.staging-[^/]+$/.test(p))
    expect(leftBefore).toHaveLength(2) // the copy of the archive and the staging folder
    const gc = await zooProcess(['cache', 'gc', '--json', '--data-dir', weights.dataDir])
    expect(gc.code, gc.err).toBe(0)
    expect(JSON.parse(gc.out)).toMatchObject({ removed: [], leftovers: 0 })
    expect(leftBefore.every((p) => existsSync(join(weights.dataDir, p)))).toBe(true)
    release()
    const artifact = await importing

    expect(await weights.core.weights.verify(artifact.id)).toEqual({
      checked: [expect.objectContaining({ id: artifact.id, ok: true })],
    })
  })

  it('gc never removes an artifact that is being downloaded', async () => {
    const weights = await openWeightsCore()
    const v1 = serveArchive(weights, MODEL, 100_000)
    await pullNow(weights, MODEL)
    serveArchive(weights, OTHER_MODEL, 100_000)
    await pullNow(weights, OTHER_MODEL)
    // MODEL is pulled again (a new version on the server) and is still arriving.
    const v2 = serveArchive(weights, MODEL, 2 * MB)
    weights.server.fault(weights.pathOf(MODEL), slow)
    const { done } = weights.core.weights.pull({ modelId: MODEL })
    await waitFor(() => fileSize(weights.partialOf(MODEL)) > 0, 'the download to start')
    const partialBefore = fileSize(weights.partialOf(MODEL))
    weights.core.weights.configure({ budgetBytes: 0 })

    const report = await weights.core.weights.gc()

    expect(report.removed).toEqual([`${OTHER_MODEL}:inference`])
    expect(weights.rows().map((r) => r.id)).toEqual([`${MODEL}:inference`])
    expect(existsSync(join(weights.dirs.blobs, sha256Hex(v1)))).toBe(true)
    expect(fileSize(weights.partialOf(MODEL))).toBeGreaterThanOrEqual(partialBefore)
    weights.core.weights.configure({ budgetBytes: 10 * MB })
    expect((await done).sha256).toBe(sha256Hex(v2))
  })
})

describe('offline', () => {
  it('a mirror nobody answers fails quickly with a clear code; the catalog keeps working', async () => {
    const port = await closedPort()
    // The app's own retry settings: nothing listening must not wait through the whole backoff.
    const weights = await openWeightsCore({
      env: { ZOO_MIRROR: `http://127.0.0.1:${port}` },
      download: { retries: 5, retryDelayMs: 1000 },
    })
    const file = join(tempDirForTest('zoo-import'), `${OTHER_MODEL}_infer.tar`)
    writeFileSync(file, inferenceArchive(OTHER_MODEL))
    await weights.core.weights.import({ source: { path: file }, modelId: OTHER_MODEL })

    const start = performance.now()
    const failure = pullNow(weights, MODEL)
    await expect(failure).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      details: { reason: 'unreachable' },
      message: expect.stringMatching(/^Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    })
    expect(performance.now() - start).toBeLessThan(3_000)
    const state = weights.core.weights.list().downloads.find((d) => d.modelId === MODEL)
    expect(state).toMatchObject({ state: 'failed', error: { details: { reason: 'unreachable' } } })

    const local = await hasLocalWeights(weights)
    expect(Object.keys(local).length).toBeGreaterThan(200)
    expect(Object.entries(local).filter(([, has]) => has)).toEqual([[OTHER_MODEL, true]])
    expect(weights.core.catalog.get(MODEL).hasLocalWeights).toBe(false)
    expect(weights.core.catalog.get(OTHER_MODEL).hasLocalWeights).toBe(true)
    for (const channel of ['catalog.series', 'catalog.platforms', 'weights.list'] as const)
      expect(await weights.core.dispatch(channel, {}, { face: 'cli' })).toMatchObject({ ok: true })
    const filtered = valueOf(
      await weights.core.dispatch('catalog.list', { hasLocalWeights: true }, { face: 'cli' }),
    )
    expect(filtered.rows.map((r) => r.id)).toEqual([OTHER_MODEL])
  })
})
