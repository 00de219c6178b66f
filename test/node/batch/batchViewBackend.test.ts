/**
 * What the Batch view asks of the main side: thumbnails through the token-checked HTTP route
 * (EXIF orientation, the disk cache and its bound, FIFOs and broken files refused quickly), path
 * completion for browser mode and the desktop-only channels (the job's charts as files are
 * batchChartExport.test.ts's). Real jobs of the tiny colour model on generated folders.
 */
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { BatchJob } from '@shared/contract'
import { startHttpServer } from '../../../src/main/http/httpServer'
import { ThumbnailService, snapThumbSize } from '../../../src/main/batch/thumbnails'
import { writeBmp } from '../inference/helpers/bmpWriter'
import { solid } from '../inference/helpers/images'
import type { Desktop } from '../../../src/main/core/appCore'
import { valueOf } from '../helpers/results'
import { canMakeFifos, makeFifo } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { colourModel, imageFolder, writeImage } from './helpers/imageFolder'

const ctx = { face: 'test' } as const
type Core = ReturnType<typeof openTestCore>['core']

async function finishedJob(core: Core, folder: string, model: string): Promise<BatchJob> {
  const { job } = valueOf(
    await core.dispatch('batch.start', { folders: [folder], models: [{ path: model }] }, ctx),
  )
  return core.batch.wait(job.id)
}

function fileId(core: Core, job: BatchJob, relPath: string): number {
  const row = core.batch
    .results({ id: job.id, limit: 1000 })
    .rows.find((r) => r.relPath === relPath)
  if (!row) throw new Error(`no row for ${relPath}`)
  return row.fileId
}

async function serve(core: Core) {
  const server = await startHttpServer({ core, rendererDir: tempDirForTest('zoo-renderer') })
  onTestFinished(() => server.close())
  const get = (path: string, token: string | null = server.token) =>
    fetch(`${server.origin}/thumbs/${path}${token === null ? '' : `&token=${token}`}`)
  return { server, get }
}

describe('thumbnails', () => {
  it('a BMP, which libvips cannot read, is classified and gets its thumbnail', async () => {
    const { core } = openTestCore()
    const root = tempDirForTest('zoo-thumb-bmp')
    const model = colourModel(tempDirForTest('zoo-thumb-model'))
    const red = solid(48, 30, [220, 30, 20])
    writeFileSync(join(root, 'red.bmp'), writeBmp({ bpp: 24, width: 48, height: 30, image: red }))
    const job = await finishedJob(core, root, model)
    expect(job.counts).toMatchObject({ total: 1, done: 1, failed: 0 })
    const thumb = await core.thumbnails.get(job.id, fileId(core, job, 'red.bmp'), 128)
    const { data, info } = await sharp(thumb.bytes).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([48, 30])
    expect(data[0]).toBeGreaterThan(180)
    expect(data[2]).toBeLessThan(70)
  })

  it('are served behind the token, oriented as the photo is seen, cached, redone when changed', async () => {
    const { core, dataDir } = openTestCore()
    const root = tempDirForTest('zoo-thumb-photos')
    const model = colourModel(tempDirForTest('zoo-thumb-model'))
    // 60×20 stored, EXIF 6 (rotate 90° clockwise): seen 20 wide and 60 tall.
    await sharp({ create: { width: 60, height: 20, channels: 3, background: '#c03030' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(join(root, 'rotated.jpg'))
    await writeImage(join(root, 'plain.png'), 'blue', 'png')
    writeFileSync(join(root, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))
    const job = await finishedJob(core, root, model)
    const rotated = fileId(core, job, 'rotated.jpg')
    const { get } = await serve(core)

    expect((await get(`${job.id}/${rotated}?size=128`, null)).status).toBe(401)
    expect((await get(`${job.id}/${rotated}?size=128`, 'wrong')).status).toBe(401)
    expect((await get(`ffffffffff/${rotated}?size=128`)).status).toBe(404)
    expect((await get(`${job.id}/999999?size=128`)).status).toBe(404)
    expect((await get(`${job.id}/${rotated}?size=nine`)).status).toBe(400)
    expect((await get(`nine/1?size=128`)).status).toBe(400)

    const first = await get(`${job.id}/${rotated}?size=100`)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('image/webp')
    expect(first.headers.get('x-content-type-options')).toBe('nosniff')
    const meta = await sharp(Buffer.from(await first.arrayBuffer())).metadata()
    expect([meta.width, meta.height]).toEqual([20, 60])

    const cacheFiles = () =>
      readdirSync(join(dataDir, 'thumbs'), { recursive: true, withFileTypes: true }).filter((e) =>
        e.isFile(),
      )
    expect(cacheFiles()).toHaveLength(1)
    const again = await core.thumbnails.get(job.id, rotated, 100)
    expect(again.cached).toBe(true)

    // The photo replaced by a wider one: a new thumbnail, not the cached one.
    await sharp({ create: { width: 90, height: 30, channels: 3, background: '#30c030' } })
      .jpeg()
      .toFile(join(root, 'rotated.jpg'))
    utimesSync(join(root, 'rotated.jpg'), new Date(), new Date(Date.now() + 5000))
    const changed = await core.thumbnails.get(job.id, rotated, 100)
    expect(changed.cached).toBe(false)
    const changedMeta = await sharp(changed.bytes).metadata()
    expect([changedMeta.width, changedMeta.height]).toEqual([90, 30])

    const broken = await get(`${job.id}/${fileId(core, job, 'broken.jpg')}?size=128`)
    expect(broken.status).toBe(422)
    expect(await broken.text()).toContain('broken.jpg')
  })

  it('refuse a FIFO that took a photo’s place at once, without hanging', async () => {
    if (!canMakeFifos('the FIFO thumbnail test')) return
    const { core } = openTestCore()
    const root = tempDirForTest('zoo-thumb-fifo')
    await writeImage(join(root, 'a.png'), 'red', 'png')
    const job = await finishedJob(core, root, colourModel(tempDirForTest('zoo-thumb-model')))
    const id = fileId(core, job, 'a.png')
    rmSync(join(root, 'a.png'))
    makeFifo(root, 'a.png')
    const started = Date.now()
    await expect(core.thumbnails.get(job.id, id, 128)).rejects.toMatchObject({ code: 'NOT_A_FILE' })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('keep the cache folder under its bound, dropping the least recently used', async () => {
    const { core } = openTestCore()
    const root = tempDirForTest('zoo-thumb-many')
    const folder = await imageFolder(root, 12)
    const job = await finishedJob(core, root, colourModel(tempDirForTest('zoo-thumb-model')))
    const dir = tempDirForTest('zoo-thumb-cache')
    const ids = [...folder.good.keys()].map((rel) => fileId(core, job, rel))
    const probe = new ThumbnailService({
      dir: tempDirForTest('zoo-probe'),
      journal: core.batch.journal,
    })
    const one = (await probe.get(job.id, ids[0]!, 512)).bytes.length
    const bound = one * 4
    const service = new ThumbnailService({ dir, journal: core.batch.journal, maxBytes: bound })
    for (const id of ids) await service.get(job.id, id, 512)
    await service.trim()
    const sizes = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(join(e.parentPath, e.name)).size)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(bound)
    expect(sizes.length).toBeGreaterThan(0)
    // The newest stayed.
    expect((await service.get(job.id, ids.at(-1)!, 512)).cached).toBe(true)
    expect(snapThumbSize(1)).toBe(128)
    expect(snapThumbSize(160)).toBe(256)
    expect(snapThumbSize(5000)).toBe(512)
  })
})

describe('path completion', () => {
  it('lists folders first, case-insensitively, hidden ones only when asked, within the limit', async () => {
    const { core } = openTestCore()
    const root = tempDirForTest('zoo-complete')
    for (const name of ['Photos', 'photos-2024', 'Pets', '.cache', 'notes'])
      mkdirSync(join(root, name))
    writeFileSync(join(root, 'pic.JPG'), 'x')
    writeFileSync(join(root, 'plan.txt'), 'x')
    const complete = async (prefix: string, extra: object = {}) =>
      valueOf(await core.dispatch('fs.completePath', { prefix, ...extra }, ctx))

    const p = await complete(`${root}/p`)
    expect(p.dir).toBe(`${root}/`)
    expect(p.entries.map((e) => e.name)).toEqual(['Pets', 'Photos', 'photos-2024'])
    expect(p.entries[0]!.path).toBe(join(root, 'Pets') + '/')
    expect((await complete(`${root}/p`, { files: true })).entries.map((e) => e.name)).toEqual([
      'Pets',
      'Photos',
      'photos-2024',
      'pic.JPG',
    ])
    expect((await complete(`${root}/`)).entries.map((e) => e.name)).not.toContain('.cache')
    expect((await complete(`${root}/.`)).entries.map((e) => e.name)).toEqual(['.cache'])
    const limited = await complete(`${root}/`, { limit: 2 })
    expect(limited.entries).toHaveLength(2)
    expect(limited.truncated).toBe(true)
    expect(await complete(`${root}/missing/x`)).toEqual({
      dir: `${root}/missing/`,
      entries: [],
      truncated: false,
    })
    expect((await complete('~/')).dir).toBe(`${homedir()}/`)
    const relative = await core.dispatch('fs.completePath', { prefix: 'photos/' }, ctx)
    expect(relative.ok ? null : relative.error.code).toBe('INVALID_INPUT')
  })

  it('never offers a FIFO', async () => {
    if (!canMakeFifos('the FIFO completion test')) return
    const { core } = openTestCore()
    const root = tempDirForTest('zoo-complete-fifo')
    makeFifo(root, 'pipe.jpg')
    mkdirSync(join(root, 'pics'))
    const result = valueOf(
      await core.dispatch('fs.completePath', { prefix: `${root}/p`, files: true }, ctx),
    )
    expect(result.entries.map((e) => e.name)).toEqual(['pics'])
  })
})

describe('desktop-only channels', () => {
  it('say they need the desktop app when there is none', async () => {
    const { core } = openTestCore()
    const picked = await core.dispatch('desktop.pickFolders', {}, ctx)
    expect(picked.ok ? null : picked.error).toMatchObject({ code: 'UNAVAILABLE' })
    expect(picked.ok ? '' : picked.error.message).toMatch(/desktop app.*type the folder's path/)
  })

  it('open or reveal the job file the row names, and refuse one gone since', async () => {
    // The OS shell cannot be driven from a test: this records what the app asks of it.
    const calls: string[] = []
    const desktop: Desktop = {
      pickFolders: () => Promise.resolve(['/a', '/b']),
      openPath: (path) => {
        calls.push(`open ${path}`)
        return Promise.resolve()
      },
      revealPath: (path) => void calls.push(`reveal ${path}`),
    }
    const { core } = openTestCore({ desktop })
    const root = tempDirForTest('zoo-open')
    await writeImage(join(root, 'sub', 'a.png'), 'red', 'png')
    await writeImage(join(root, 'b.png'), 'blue', 'png')
    const job = await finishedJob(core, root, colourModel(tempDirForTest('zoo-open-model')))
    valueOf(
      await core.dispatch(
        'batch.openFile',
        { id: job.id, fileId: fileId(core, job, 'sub/a.png') },
        ctx,
      ),
    )
    valueOf(
      await core.dispatch(
        'batch.openFile',
        { id: job.id, fileId: fileId(core, job, 'b.png'), reveal: true },
        ctx,
      ),
    )
    expect(calls).toEqual([`open ${join(root, 'sub', 'a.png')}`, `reveal ${join(root, 'b.png')}`])
    expect(valueOf(await core.dispatch('desktop.pickFolders', { title: 'x' }, ctx))).toEqual({
      paths: ['/a', '/b'],
    })
    rmSync(join(root, 'b.png'))
    const gone = await core.dispatch(
      'batch.openFile',
      { id: job.id, fileId: fileId(core, job, 'b.png') },
      ctx,
    )
    expect(gone.ok ? null : gone.error.code).toBe('NOT_FOUND')
    expect(calls).toHaveLength(2)
  })
})
