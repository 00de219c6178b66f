/**
 * Batch jobs through the real core: a generated folder (nested, mixed-case extensions, hidden
 * files, broken and non-image files, a FIFO, a symlink loop) classified by a tiny ONNX model the
 * test makes, in real host processes; every file gets exactly one row, the bad ones a reason.
 * Pause, resume, cancel, retry, two models, the same job started twice, exports.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BatchJob, ResultRow } from '@shared/contract'
import { valueOf } from '../helpers/results'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { colourModel, imageFolder } from './helpers/imageFolder'

const ctx = { face: 'test' } as const

async function finished(
  core: ReturnType<typeof openTestCore>['core'],
  id: string,
): Promise<BatchJob> {
  return core.batch.wait(id)
}

function rowsOf(core: ReturnType<typeof openTestCore>['core'], id: string): ResultRow[] {
  const page = core.batch.results({ id, limit: 1000 })
  expect(page.total).toBe(page.rows.length)
  return page.rows
}

describe('a batch job over a real folder', () => {
  it('classifies every image once; bad files are failed rows with a reason; hidden files and loops are left out', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-batch')
    const folder = await imageFolder(join(dir, 'photos'), 40, { hostile: true })
    const model = colourModel(dir)

    const started = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 4 },
        ctx,
      ),
    )
    expect(started.resumed).toBe(false)
    const job = await finished(core, started.job.id)

    expect(job.state).toBe('done')
    expect(job.counts).toEqual({
      total: folder.good.size + folder.bad.size,
      pending: 0,
      done: folder.good.size,
      failed: folder.bad.size,
    })
    const rows = rowsOf(core, job.id)
    const byPath = new Map(rows.map((row) => [row.relPath, row]))
    expect(byPath.size).toBe(rows.length) // each file once, the loop walked once
    for (const [rel, cls] of folder.good) {
      const row = byPath.get(rel)
      expect(row?.state, rel).toBe('done')
      expect(row!.results[0]!.top[0]!.index, rel).toBe(cls)
    }
    for (const [rel, code] of folder.bad) {
      expect(byPath.get(rel), rel).toMatchObject({ state: 'failed', error: { code } })
      expect(byPath.get(rel)!.error!.message.length).toBeGreaterThan(10)
    }
    for (const rel of folder.ignored) expect(byPath.has(rel), rel).toBe(false)
    expect(core.batch.journal.integrity()).toBe('ok')
  }, 60_000)

  it('two models in one job: each file has one result per model', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-batch')
    const folder = await imageFolder(join(dir, 'photos'), 12)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }, { path: model }], topk: 2 },
        ctx,
      ),
    )
    const done = await finished(core, job.id)
    expect(done.spec.models.map((m) => m.id)).toEqual([model, `${model}@2`])
    for (const row of rowsOf(core, job.id)) {
      expect(row.results.map((r) => r.model)).toEqual([0, 1])
      expect(row.results[0]!.top).toHaveLength(2)
      expect(row.results[1]!.top[0]!.index).toBe(row.results[0]!.top[0]!.index)
    }
  }, 60_000)

  it('pause, then resume: it finishes where it stopped, each file once', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-batch')
    const folder = await imageFolder(join(dir, 'photos'), 120)
    const model = colourModel(dir)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [{ path: model }], batchSize: 2 },
        ctx,
      ),
    )
    // Wait until some are done, then pause.
    for (let i = 0; i < 400 && core.batch.get(job.id).counts.done < 10; i++)
      await new Promise((resolve) => setTimeout(resolve, 25))
    valueOf(await core.dispatch('batch.pause', { id: job.id }, ctx))
    const paused = await finished(core, job.id)
    expect(paused.state).toBe('paused')
    expect(paused.counts.done).toBeGreaterThan(0)
    expect(paused.counts.pending).toBeGreaterThan(0)
    expect(paused.runner).toBeNull()

    valueOf(await core.dispatch('batch.resume', { id: job.id }, ctx))
    const done = await finished(core, job.id)
    expect(done).toMatchObject({ state: 'done', counts: { done: 120, failed: 0, pending: 0 } })
    expect(new Set(rowsOf(core, job.id).map((r) => r.relPath)).size).toBe(120)
  }, 60_000)

  it('the same job started again resumes it; --restart starts over; exports read back', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-batch')
    const folder = await imageFolder(join(dir, 'photos'), 8, { hostile: true })
    const model = colourModel(dir)
    const input = { folders: [folder.root], models: [{ path: model }] }
    const first = valueOf(await core.dispatch('batch.start', input, ctx))
    valueOf(await core.dispatch('batch.pause', { id: first.job.id }, ctx))
    await finished(core, first.job.id)
    const again = valueOf(await core.dispatch('batch.start', input, ctx))
    expect(again).toMatchObject({ resumed: true, job: { id: first.job.id } })
    await finished(core, first.job.id)
    const restarted = valueOf(await core.dispatch('batch.start', { ...input, restart: true }, ctx))
    expect(restarted.resumed).toBe(false)
    expect(restarted.job.id).not.toBe(first.job.id)
    await finished(core, restarted.job.id)

    const out = join(dir, 'results.jsonl')
    const exported = valueOf(
      await core.dispatch('batch.export', { id: restarted.job.id, out }, ctx),
    )
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; status: string })
    expect(exported.rows).toBe(lines.length)
    expect(lines).toHaveLength(folder.good.size + folder.bad.size)
    expect(
      lines
        .filter((l) => l.status === 'failed')
        .map((l) => l.path)
        .sort(),
    ).toEqual([...folder.bad.keys()].sort())
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8'))).toMatchObject({ job: restarted.job.id })
  }, 60_000)

  it('refuses a folder that is not there, or is a file, with its code', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-batch')
    const model = colourModel(dir)
    const missing = await core.dispatch(
      'batch.start',
      { folders: [join(dir, 'nope')], models: [{ path: model }] },
      ctx,
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const file = await core.dispatch(
      'batch.start',
      { folders: [model], models: [{ path: model }] },
      ctx,
    )
    expect(file).toMatchObject({ ok: false, error: { code: 'NOT_A_FILE' } })
  })
})
