/**
 * Batch jobs when the world changes under them: the folder being classified deleted (`rm -rf` by
 * another process) while the job runs, and the data folder (the journal) on a disk that fills
 * up. The job must stop as a whole with a clear error, keep every result recorded, leave the
 * journal consistent (integrity, counts, each file once), and finish when resumed after the
 * folder is back or space is freed.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { BatchJob } from '@shared/contract'
import { walkIntoJournal } from '../../../src/main/batch/walkIntoJournal'
import type { AppCore } from '../../../src/main/core/appCore'
import { valueOf } from '../helpers/results'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore, type TestCore } from '../helpers/testCore'
import { fillDisk, mountTmpfs, rmRf, unmountAll } from './helpers/faults'
import { colourModel, imageFolder } from './helpers/imageFolder'
import { jobSpec } from './helpers/journalFixtures'
import { openJournal } from './helpers/openJournal'

const ctx = { face: 'test' } as const

async function until(what: string, ready: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * What must hold of any job's journal, whatever stopped it: integrity, counts equal to its rows,
 * each file once, and an export with one row per file.
 */
async function expectConsistent(core: AppCore, job: BatchJob, dir: string): Promise<void> {
  expect(core.batch.journal.integrity()).toBe('ok')
  const page = core.batch.results({ id: job.id, limit: 1000 })
  expect(page.total).toBe(job.counts.total)
  expect(page.rows).toHaveLength(job.counts.total)
  expect(new Set(page.rows.map((row) => `${row.root}/${row.relPath}`)).size).toBe(page.rows.length)
  const byState = { pending: 0, done: 0, failed: 0 }
  for (const row of page.rows) byState[row.state]++
  expect(byState).toEqual({
    pending: job.counts.pending,
    done: job.counts.done,
    failed: job.counts.failed,
  })
  for (const row of page.rows.filter((r) => r.state === 'done'))
    expect(row.results, row.relPath).toHaveLength(job.spec.models.length)
  // Results only for done files: no half-recorded batch left behind.
  const db = new Database(join(core.dataDir, 'zoo.sqlite'), { readonly: true })
  try {
    const orphans = db
      .prepare(
        `SELECT count(*) FROM batch_results r JOIN batch_files f ON f.id = r.file_id
         WHERE f.state != 'done'`,
      )
      .pluck()
      .get()
    expect(orphans).toBe(0)
  } finally {
    db.close()
  }
  const out = join(dir, `export-${job.id}-${job.counts.done}.jsonl`)
  const exported = valueOf(await core.dispatch('batch.export', { id: job.id, out }, ctx))
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  expect(exported.rows).toBe(lines.length)
  expect(lines).toHaveLength(job.counts.total * job.spec.models.length)
  const ok = lines.filter((line) => (JSON.parse(line) as { status: string }).status === 'ok')
  expect(ok).toHaveLength(job.counts.done * job.spec.models.length)
}

describe('the folder being classified is deleted while the job runs', () => {
  it('rm -rf mid-run: the job fails as a whole naming the folder, keeps its results; resume after restoring finishes', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-fault')
    const count = 300
    const folder = await imageFolder(join(dir, 'photos'), count)
    cpSync(folder.root, join(dir, 'backup'), { recursive: true, preserveTimestamps: true })
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 1, workers: 1 },
        ctx,
      ),
    )
    await until('some results', () => core.batch.get(job.id).counts.done >= 20)
    await rmRf(folder.root)
    const stopped = await core.batch.wait(job.id)

    expect(stopped.state).toBe('failed')
    expect(stopped.error?.code).toBe('NOT_FOUND')
    expect(stopped.error?.message).toContain(folder.root)
    expect(stopped.error?.message).toMatch(/kept/)
    expect(stopped.error?.message).toMatch(/resume/)
    expect(stopped.runner).toBeNull()
    // Not a failed row per vanished file: those are still to do.
    expect(stopped.counts.failed).toBe(0)
    expect(stopped.counts.done).toBeGreaterThanOrEqual(20)
    expect(stopped.counts.done).toBeLessThan(count)
    expect(stopped.counts.pending).toBe(count - stopped.counts.done)
    await expectConsistent(core, stopped, dir)
    const doneBefore = new Set(
      core.batch
        .results({ id: job.id, limit: 1000 })
        .rows.filter((row) => row.state === 'done')
        .map((row) => row.relPath),
    )

    // Resuming while the folder is still gone stops again, at once, with the same error.
    core.batch.resume(job.id)
    const again = await core.batch.wait(job.id)
    expect(again).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } })
    expect(again.counts).toEqual(stopped.counts)

    cpSync(join(dir, 'backup'), folder.root, { recursive: true, preserveTimestamps: true })
    core.batch.resume(job.id)
    const done = await core.batch.wait(job.id)
    expect(done).toMatchObject({
      state: 'done',
      error: null,
      counts: { total: count, done: count, failed: 0, pending: 0 },
    })
    await expectConsistent(core, done, dir)
    const rows = core.batch.results({ id: job.id, limit: 1000 }).rows
    for (const row of rows) {
      expect(row.results[0]!.top[0]!.index, row.relPath).toBe(folder.good.get(row.relPath))
      // The results recorded before the folder went are kept, not redone.
      if (doneBefore.has(row.relPath)) expect(row.state).toBe('done')
    }
  }, 120_000)

  it('paused, the folder deleted, resumed: it stops at once without a failed row per file', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-fault')
    const folder = await imageFolder(join(dir, 'photos'), 200)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 2 },
        ctx,
      ),
    )
    await until('some results', () => core.batch.get(job.id).counts.done >= 10)
    core.batch.pause(job.id)
    const paused = await core.batch.wait(job.id)
    expect(paused.state).toBe('paused')
    await rmRf(folder.root)

    core.batch.resume(job.id)
    const stopped = await core.batch.wait(job.id)
    expect(stopped.state).toBe('failed')
    expect(stopped.error?.code).toBe('NOT_FOUND')
    expect(stopped.error?.message).toContain(folder.root)
    expect(stopped.counts).toEqual(paused.counts)
    await expectConsistent(core, stopped, dir)
  }, 60_000)

  it('files gone first, then their whole folder (as rm -rf empties it): those failures are pending again', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-fault')
    const count = 240
    const folder = await imageFolder(join(dir, 'photos'), count)
    cpSync(folder.root, join(dir, 'backup'), { recursive: true, preserveTimestamps: true })
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 1, workers: 1 },
        ctx,
      ),
    )
    await until('some results', () => core.batch.get(job.id).counts.done >= 5)
    core.batch.pause(job.id)
    await core.batch.wait(job.id)
    // The walk lists the root's first images, then trip/ whole: these fail as not found first.
    await rmRf(join(folder.root, 'trip', 'day 1'))
    core.batch.resume(job.id)
    await until('files not found', () => core.batch.get(job.id).counts.failed > 0)
    await rmRf(folder.root)
    const stopped = await core.batch.wait(job.id)
    expect(stopped).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } })
    expect(stopped.counts.failed).toBe(0)
    expect(stopped.counts.pending).toBe(count - stopped.counts.done)
    await expectConsistent(core, stopped, dir)

    cpSync(join(dir, 'backup'), folder.root, { recursive: true, preserveTimestamps: true })
    core.batch.resume(job.id)
    const done = await core.batch.wait(job.id)
    expect(done).toMatchObject({ state: 'done', counts: { done: count, failed: 0 } })
    await expectConsistent(core, done, dir)
  }, 120_000)

  it('deleted while it is walked: the walk is not taken as complete (a resume walks it again)', async () => {
    const { journal } = openJournal()
    const dir = tempDirForTest('zoo-fault')
    const folder = await imageFolder(join(dir, 'photos'), 150)
    const job = journal.createJob(jobSpec([folder.root]))
    let seen = 0
    const walk = walkIntoJournal(journal, job, {
      // Asked before each entry is taken: the folder goes half way through the walk.
      stopping: () => {
        if (++seen === 40) rmSync(folder.root, { recursive: true })
        return false
      },
    })
    await expect(walk).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(walk).rejects.toThrow(folder.root)
    expect(seen).toBeGreaterThanOrEqual(40)
    expect(journal.job(job.id)!.enumerated).toBe(false)
    expect(journal.integrity()).toBe('ok')
  })

  it('one of two folders deleted: the job stops (naming that one) and keeps both folders’ results', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-fault')
    const first = await imageFolder(join(dir, 'first'), 150)
    const second = await imageFolder(join(dir, 'second'), 150)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [first.root, second.root], models: [{ path: model }], batchSize: 1 },
        ctx,
      ),
    )
    await until('some results', () => core.batch.get(job.id).counts.done >= 20)
    await rmRf(second.root)
    const stopped = await core.batch.wait(job.id)
    expect(stopped.state).toBe('failed')
    expect(stopped.error?.message).toContain(second.root)
    expect(stopped.error?.message).not.toContain(first.root)
    expect(stopped.counts.failed).toBe(0)
    await expectConsistent(core, stopped, dir)
    expect(readdirSync(first.root).length).toBeGreaterThan(0)
    expect(existsSync(second.root)).toBe(false)
  }, 60_000)
})

const cores: TestCore[] = []

afterEach(() => {
  // The core first (its files are on the mount), then the mount, even when the test failed.
  for (const { core } of cores.splice(0)) core.close()
  unmountAll()
})

describe('the data folder (the journal) on a disk that fills up', () => {
  it('the job stops with DISK_FULL, keeps what was committed; after freeing space it is intact and resume finishes each file once', async ({
    skip,
  }) => {
    const mount = mountTmpfs('24m')
    if (!mount) return skip('cannot mount a tmpfs')
    const dataDir = join(mount, 'data')
    mkdirSync(dataDir)
    const opened = openTestCore({ dataDir })
    cores.push(opened)
    const { core } = opened
    const dir = tempDirForTest('zoo-fault')
    const count = 300
    const folder = await imageFolder(join(dir, 'photos'), count)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 1, workers: 1 },
        ctx,
      ),
    )
    await until('some results', () => core.batch.get(job.id).counts.done >= 20)
    const filler = fillDisk(mount)
    const stopped = await core.batch.wait(job.id)

    expect(stopped.state).toBe('failed')
    expect(stopped.error?.code).toBe('DISK_FULL')
    expect(stopped.error?.message).toMatch(/kept/)
    expect(stopped.error?.message).toMatch(/free/)
    expect(stopped.counts.done).toBeGreaterThanOrEqual(20)
    expect(stopped.counts.done).toBeLessThan(count)
    expect(stopped.counts.failed).toBe(0)
    await expectConsistent(core, stopped, dir)

    // An export to the full disk (what the job gave back is taken too): a clear error, and
    // nothing under the name asked for.
    const more = fillDisk(mount, 'filler 2')
    const out = join(mount, 'results.csv')
    const exported = await core.dispatch('batch.export', { id: job.id, out }, ctx)
    expect(exported).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } })
    if (!exported.ok) expect(exported.error.message).toContain(out)
    expect(readdirSync(mount).sort()).toEqual(['data', 'filler', 'filler 2'])

    rmSync(filler)
    rmSync(more)
    expect(core.batch.journal.integrity()).toBe('ok')
    core.batch.resume(job.id)
    const done = await core.batch.wait(job.id)
    expect(done).toMatchObject({
      state: 'done',
      error: null,
      counts: { total: count, done: count, failed: 0, pending: 0 },
    })
    await expectConsistent(core, done, dir)
    for (const row of core.batch.results({ id: job.id, limit: 1000 }).rows)
      expect(row.results[0]!.top[0]!.index, row.relPath).toBe(folder.good.get(row.relPath))
    // The room the runner kept for its last writes is given back once the job ends.
    expect(readdirSync(dataDir).filter((name) => name.includes('.reserve-'))).toEqual([])

    // An export over an earlier one, on a full disk: the earlier one stays as it was.
    valueOf(await core.dispatch('batch.export', { id: job.id, out }, ctx))
    const before = readFileSync(out, 'utf8')
    const last = fillDisk(mount, 'filler 3')
    const over = await core.dispatch('batch.export', { id: job.id, out }, ctx)
    expect(over).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } })
    expect(readFileSync(out, 'utf8')).toBe(before)
    expect(readdirSync(mount).sort()).toEqual([
      'data',
      'filler 3',
      'results.csv',
      'results.csv.json',
    ])
    rmSync(last)
  }, 120_000)

  it('an export with room for its table but not its sidecar: neither is put in place, an earlier pair stays as it was', async ({
    skip,
  }) => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-fault')
    const folder = await imageFolder(join(dir, 'photos'), 120)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }] },
        ctx,
      ),
    )
    expect((await core.batch.wait(job.id)).state).toBe('done')
    const sized = join(dir, 'sized.csv')
    valueOf(await core.dispatch('batch.export', { id: job.id, out: sized }, ctx))
    const pages = Math.ceil(statSync(sized).size / 4096)

    const mount = mountTmpfs('4m')
    if (!mount) return skip('cannot mount a tmpfs')
    const out = join(mount, 'results.csv')
    /** Full but for the table's own pages: its sidecar then finds no room. */
    const roomForTableOnly = () => {
      const filler = fillDisk(mount)
      truncateSync(filler, statSync(filler).size - pages * 4096)
      return filler
    }
    const filler = roomForTableOnly()
    const first = await core.dispatch('batch.export', { id: job.id, out }, ctx)
    expect(first).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } })
    expect(readdirSync(mount)).toEqual(['filler'])

    rmSync(filler)
    valueOf(await core.dispatch('batch.export', { id: job.id, out }, ctx))
    const before = [readFileSync(out, 'utf8'), readFileSync(`${out}.json`, 'utf8')]
    roomForTableOnly()
    const again = await core.dispatch('batch.export', { id: job.id, out }, ctx)
    expect(again).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } })
    expect([readFileSync(out, 'utf8'), readFileSync(`${out}.json`, 'utf8')]).toEqual(before)
    expect(readdirSync(mount).sort()).toEqual(['filler', 'results.csv', 'results.csv.json'])
  }, 60_000)
})
