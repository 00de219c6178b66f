/**
 * The batch journal on real SQLite: jobs found again by "the same command", files added
 * idempotently (changed files redone, unchanged ones left alone), outcomes recorded a batch per
 * transaction and never twice, failed files retried, a paged results grid, a streaming export
 * that lets the runner write between pages, 100,000 files end to end, and a writer killed with
 * SIGKILL at random moments whose job then finishes with every file classified exactly once.
 */
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FileOutcome } from '../../../src/main/batch/batchJournal'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'
import {
  countedStates,
  failedFor,
  found,
  jobSpec,
  model,
  okFor,
  skippedEntry,
  topOf,
} from './helpers/journalFixtures'
import { openJournal } from './helpers/openJournal'

describe('jobs', () => {
  it('are created with their spec (folders resolved), found by id and listed newest first', () => {
    let clock = Date.parse('2026-03-01T10:00:00Z')
    const { db } = openJournal()
    const { BatchJournal } = journalClass
    const journal = new BatchJournal(db, () => new Date((clock += 1000)))
    const first = journal.createJob(jobSpec(['photos/2024']))
    const second = journal.createJob(jobSpec(['/data/b'], { shard: { index: 1, count: 4 } }))
    expect(first.id).toMatch(/^[0-9a-f]{10}$/)
    expect(first).toEqual({
      id: first.id,
      spec: { ...jobSpec([resolve('photos/2024')]), labelsFrom: null },
      state: 'enumerating',
      enumerated: false,
      counts: { total: 0, pending: 0, done: 0, failed: 0 },
      error: null,
      createdAt: '2026-03-01T10:00:01.000Z',
      updatedAt: '2026-03-01T10:00:01.000Z',
      finishedAt: null,
    })
    expect(journal.jobs().map((job) => job.id)).toEqual([second.id, first.id])
    expect(journal.job('nope')).toBeNull()
    expect(() => journal.pending('nope', 1)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))

    journal.setState(first.id, 'failed', { code: 'MODEL_CRASHED', message: 'host died' })
    expect(journal.job(first.id)).toMatchObject({
      state: 'failed',
      error: { code: 'MODEL_CRASHED', message: 'host died' },
      finishedAt: expect.any(String),
    })
    journal.setState(first.id, 'running')
    expect(journal.job(first.id)).toMatchObject({ state: 'running', error: null, finishedAt: null })
  })

  it('the same folders, recursion, models (by SHA-256) and shard find the unfinished job again', () => {
    const { journal } = openJournal()
    const spec = jobSpec([join(process.cwd(), 'photos')], { shard: { index: 2, count: 8 } })
    const job = journal.createJob(spec)
    const same = {
      ...spec,
      folders: ['photos'],
      models: spec.models.map((m) => ({ sha256: m.sha256.toUpperCase() })),
    }
    expect(journal.findUnfinished(same)?.id).toBe(job.id)
    for (const differs of [
      { ...spec, shard: { index: 3, count: 8 } },
      { ...spec, shard: null },
      { ...spec, recursive: false },
      { ...spec, folders: ['other'] },
      { ...spec, models: [spec.models[1]!, spec.models[0]!] },
      { ...spec, models: [spec.models[0]!, model('MobileNetV3_small_x1_0', 'c')] },
    ])
      expect(journal.findUnfinished(differs)).toBeNull()
    for (const state of ['running', 'paused', 'interrupted', 'failed'] as const) {
      journal.setState(job.id, state)
      expect(journal.findUnfinished(spec)?.id).toBe(job.id)
    }
    for (const state of ['done', 'cancelled'] as const) {
      journal.setState(job.id, state)
      expect(journal.findUnfinished(spec)).toBeNull()
    }
  })
})

// The class itself, for the test that gives it a clock.
const journalClass = await import('../../../src/main/batch/batchJournal')

describe('files found', () => {
  it('new paths are pending; the same chunk again changes nothing; counts follow the rows', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    const chunk = [found('a.jpg'), found('b/c.JPG'), found('b/d.png')]
    expect(journal.addFiles(job.id, chunk, [skippedEntry('pipe.jpg')])).toEqual({
      added: 4,
      changed: 0,
    })
    expect(journal.addFiles(job.id, chunk, [skippedEntry('pipe.jpg')])).toEqual({
      added: 0,
      changed: 0,
    })
    expect(journal.job(job.id)!.counts).toEqual({ total: 4, pending: 3, done: 0, failed: 1 })
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
    expect(journal.pending(job.id, 10)).toEqual([
      {
        id: expect.any(Number),
        root: 0,
        relPath: 'a.jpg',
        absPath: '/photos/a.jpg',
        size: 100,
        mtimeMs: 1_700_000_000_000.5,
      },
      {
        id: expect.any(Number),
        root: 0,
        relPath: 'b/c.JPG',
        absPath: '/photos/b/c.JPG',
        size: 100,
        mtimeMs: 1_700_000_000_000.5,
      },
      {
        id: expect.any(Number),
        root: 0,
        relPath: 'b/d.png',
        absPath: '/photos/b/d.png',
        size: 100,
        mtimeMs: 1_700_000_000_000.5,
      },
    ])
  })

  it('a done file that changed (size or mtime) is pending again with its results dropped; unchanged ones stay done', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(job.id, [
      found('same.jpg'),
      found('resized.jpg'),
      found('touched.jpg'),
      found('broken.jpg'),
    ])
    const [same, resized, touched, broken] = journal.pending(job.id, 10)
    journal.recordBatch(job.id, [
      okFor(same!, 2),
      okFor(resized!, 2),
      okFor(touched!, 2),
      failedFor(broken!),
    ])
    expect(journal.job(job.id)!.counts).toEqual({ total: 4, pending: 0, done: 3, failed: 1 })

    const again = journal.addFiles(job.id, [
      found('same.jpg'),
      found('resized.jpg', 101),
      found('touched.jpg', 100, 1_700_000_000_001.5),
      found('broken.jpg'),
    ])
    expect(again).toEqual({ added: 0, changed: 2 })
    expect(journal.pending(job.id, 10).map((f) => f.relPath)).toEqual([
      'resized.jpg',
      'touched.jpg',
    ])
    expect(journal.job(job.id)!.counts).toEqual({ total: 4, pending: 2, done: 1, failed: 1 })
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
    const results = db
      .prepare('SELECT file_id FROM batch_results ORDER BY file_id, model')
      .pluck()
      .all()
    expect(results).toEqual([same!.id, same!.id])
    // Redone later, it records cleanly (no leftover results in the way).
    journal.recordBatch(job.id, [okFor(resized!, 2), okFor(touched!, 2)])
    expect(journal.job(job.id)!.counts).toEqual({ total: 4, pending: 0, done: 3, failed: 1 })
  })

  it('an entry skipped, then a file (and back): failed → pending → failed, results dropped', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(job.id, [], [skippedEntry('x.jpg')])
    expect(journal.addFiles(job.id, [found('x.jpg')])).toEqual({ added: 0, changed: 1 })
    const [x] = journal.pending(job.id, 1)
    journal.recordBatch(job.id, [okFor(x!, 2)])
    expect(journal.addFiles(job.id, [], [skippedEntry('x.jpg')])).toEqual({ added: 0, changed: 1 })
    expect(journal.job(job.id)!.counts).toEqual({ total: 1, pending: 0, done: 0, failed: 1 })
    expect(db.prepare('SELECT count(*) FROM batch_results').pluck().get()).toBe(0)
    expect(journal.results(job.id, { limit: 5 })[0]).toMatchObject({
      relPath: 'x.jpg',
      state: 'failed',
      size: null,
      error: { code: 'NOT_A_FILE', message: expect.stringMatching(/FIFO/) },
    })
  })

  it('a finished pass drops skipped entries it did not see again; a pass killed half way drops nothing', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(job.id, [found('a.jpg')], [skippedEntry('gone.jpg'), skippedEntry('locked')])
    journal.markEnumerated(job.id)
    expect(journal.job(job.id)).toMatchObject({ enumerated: true, counts: { total: 3, failed: 2 } })
    // The next pass sees "locked" again but not "gone.jpg"; killed before its end, nothing is dropped.
    journal.addFiles(job.id, [found('a.jpg')], [skippedEntry('locked')])
    expect(journal.job(job.id)!.counts.total).toBe(3)
    // Run again to the end: now it is.
    journal.addFiles(job.id, [found('a.jpg')], [skippedEntry('locked')])
    journal.markEnumerated(job.id)
    expect(journal.job(job.id)!.counts).toEqual({ total: 2, pending: 1, done: 0, failed: 1 })
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
    expect(journal.results(job.id, { state: 'failed', limit: 5 }).map((r) => r.relPath)).toEqual([
      'locked',
    ])
  })

  it('pending pages in file-id order after a given id', () => {
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/a', '/b']))
    journal.addFiles(
      job.id,
      Array.from({ length: 10 }, (_, i) => found(`f${i}.jpg`, 1, 1, i % 2)),
    )
    const first = journal.pending(job.id, 4)
    const next = journal.pending(job.id, 4, first.at(-1)!.id)
    expect(first.map((f) => f.relPath)).toEqual(['f0.jpg', 'f1.jpg', 'f2.jpg', 'f3.jpg'])
    expect(next.map((f) => f.relPath)).toEqual(['f4.jpg', 'f5.jpg', 'f6.jpg', 'f7.jpg'])
    expect(first.map((f) => f.absPath)).toEqual([
      '/a/f0.jpg',
      '/b/f1.jpg',
      '/a/f2.jpg',
      '/b/f3.jpg',
    ])
  })
})

describe('outcomes', () => {
  it('a batch stores results and states together; a file done already refuses the whole batch', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(job.id, [found('a.jpg'), found('b.jpg'), found('c.jpg')])
    const [a, b, c] = journal.pending(job.id, 3)
    journal.recordBatch(job.id, [okFor(a!, 2), failedFor(b!)])
    expect(journal.job(job.id)!.counts).toEqual({ total: 3, pending: 1, done: 1, failed: 1 })

    const twice = () => journal.recordBatch(job.id, [okFor(c!, 2), okFor(a!, 2)])
    expect(twice).toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        message: expect.stringMatching(/"a\.jpg" is done already/),
      }),
    )
    // c's result in the refused batch was rolled back with it.
    expect(journal.pending(job.id, 5).map((f) => f.relPath)).toEqual(['c.jpg'])
    expect(db.prepare('SELECT count(*) FROM batch_results').pluck().get()).toBe(2)
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
  })

  it('refuses outcomes for another job’s file and results that miss a model', () => {
    const { journal } = openJournal()
    const one = journal.createJob(jobSpec(['/one']))
    const two = journal.createJob(jobSpec(['/two']))
    journal.addFiles(one.id, [found('a.jpg')])
    journal.addFiles(two.id, [found('a.jpg')])
    const [mine] = journal.pending(one.id, 1)
    const [theirs] = journal.pending(two.id, 1)
    expect(() => journal.recordBatch(one.id, [okFor(theirs!, 2)])).toThrow(/is not a file of job/)
    expect(() => journal.recordBatch(one.id, [okFor(mine!, 1)])).toThrow(/the job has 2/)
    const noClasses: FileOutcome = {
      fileId: mine!.id,
      ok: true,
      results: [
        { model: 0, top: [] },
        { model: 1, top: [] },
      ],
    }
    expect(() => journal.recordBatch(one.id, [noClasses])).toThrow(/no classes/)
    expect(journal.job(one.id)!.counts.pending).toBe(1)
  })

  it('retry failed: files that failed are pending again; entries the walk skipped are not', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(
      job.id,
      [found('a.jpg'), found('b.jpg'), found('c.jpg')],
      [skippedEntry('fifo.jpg')],
    )
    const [a, b, c] = journal.pending(job.id, 3)
    journal.recordBatch(job.id, [failedFor(a!), okFor(b!, 2), failedFor(c!)])
    journal.setState(job.id, 'done')
    expect(journal.retryFailed(job.id)).toBe(2)
    expect(journal.job(job.id)!.counts).toEqual({ total: 4, pending: 2, done: 1, failed: 1 })
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
    expect(journal.pending(job.id, 5).map((f) => [f.relPath, f.size])).toEqual([
      ['a.jpg', 100],
      ['c.jpg', 100],
    ])
    expect(journal.retryFailed(job.id)).toBe(0)
  })
})

describe('what an outcome carries', () => {
  it('the runner’s timings come back with the file; a job of two models with one id is refused', () => {
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(job.id, [found('a.jpg')])
    const [a] = journal.pending(job.id, 1)
    const ok = okFor(a!, 2) as Extract<FileOutcome, { ok: true }>
    journal.recordBatch(job.id, [{ ...ok, timings: { decodeMs: 5.5, inferenceMs: 2.25 } }])
    expect(journal.results(job.id, { limit: 1 })[0]!.timings).toEqual({
      decodeMs: 5.5,
      inferenceMs: 2.25,
    })
    const same = model('ResNet50_vd', 'a')
    expect(() =>
      journal.createJob(jobSpec(['/photos'], { models: [same, { ...same, plan: { crop: 256 } }] })),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/"ResNet50_vd" twice/),
      }),
    )
  })
})

describe('the results grid', () => {
  function gridJob() {
    const opened = openJournal()
    const { journal } = opened
    const job = journal.createJob(jobSpec(['/photos']))
    journal.addFiles(
      job.id,
      Array.from({ length: 40 }, (_, i) => found(`p${String(39 - i).padStart(2, '0')}.jpg`)),
    )
    const files = journal.pending(job.id, 40)
    journal.recordBatch(
      job.id,
      files.map((file, i): FileOutcome =>
        i % 10 === 9
          ? failedFor(file)
          : {
              fileId: file.id,
              ok: true,
              results: [0, 1].map((m) => ({
                model: m,
                top: [
                  { index: i % 3, label: `class ${i % 3}`, score: (i + 1) / 100 + m / 1000 },
                  { index: 999, label: null, score: 0.001 },
                ],
              })),
            },
      ),
    )
    return { ...opened, job, files }
  }

  it('pages by offset and limit, in file order by default, with every model’s results', () => {
    const { journal, job, files } = gridJob()
    const page = journal.results(job.id, { offset: 5, limit: 3 })
    expect(page.map((r) => r.fileId)).toEqual(files.slice(5, 8).map((f) => f.id))
    expect(page[0]).toEqual({
      fileId: files[5]!.id,
      root: 0,
      relPath: 'p34.jpg',
      size: 100,
      state: 'done',
      error: null,
      timings: null,
      results: [
        {
          model: 0,
          top: [
            { index: 2, label: 'class 2', score: 0.06 },
            { index: 999, label: null, score: 0.001 },
          ],
        },
        {
          model: 1,
          top: [
            { index: 2, label: 'class 2', score: 0.061 },
            { index: 999, label: null, score: 0.001 },
          ],
        },
      ],
    })
    expect(journal.resultCount(job.id, {})).toBe(40)
    expect(journal.results(job.id, { limit: 5000 })).toHaveLength(40)
  })

  it('filters by state, top-1 class and score of a chosen model, and sorts by path or score', () => {
    const { journal, job } = gridJob()
    expect(journal.resultCount(job.id, { state: 'failed' })).toBe(4)
    expect(journal.resultCount(job.id, { classIndex: 1 })).toBe(12)
    const confident = journal.results(job.id, {
      minScore: 0.3,
      maxScore: 0.35,
      sort: 'score-desc',
      limit: 10,
    })
    expect(confident.map((r) => r.results[0]!.top[0]!.score)).toEqual([
      0.35, 0.34, 0.33, 0.32, 0.31,
    ])
    expect(
      journal.results(job.id, { model: 1, minScore: 0.3505, limit: 1, sort: 'score-asc' })[0]!
        .results[1]!.top[0]!.score,
    ).toBe(0.351)
    const byPath = journal.results(job.id, { sort: 'path', limit: 3 }).map((r) => r.relPath)
    expect(byPath).toEqual(['p00.jpg', 'p01.jpg', 'p02.jpg'])
    // A score sort lists the files that have a score: the 36 done, not the 4 failed.
    expect(journal.resultCount(job.id, { sort: 'score-asc' })).toBe(36)
    const lowest = journal.results(job.id, { sort: 'score-asc', offset: 32, limit: 8 })
    expect(lowest.map((r) => r.results[0]!.top[0]!.score)).toEqual([0.36, 0.37, 0.38, 0.39])
    // The best: i = 38 (p01); i = 39 (p00) failed.
    expect(journal.results(job.id, { sort: 'score-desc', limit: 2 }).map((r) => r.relPath)).toEqual(
      ['p01.jpg', 'p02.jpg'],
    )
    expect(() => journal.results(job.id, { model: 2, limit: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })
})

describe('the export stream', () => {
  it('one row per file and model in (folder, path, model) order, with names, errors and pending files', () => {
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/a', '/b']))
    journal.addFiles(
      job.id,
      [found('z.jpg', 1, 1, 0), found('m.jpg', 1, 1, 1), found('a.jpg', 1, 1, 1)],
      [skippedEntry('fifo.jpg', 0)],
    )
    const [z, m] = journal.pending(job.id, 2)
    journal.recordBatch(job.id, [okFor(z!, 2, 2), failedFor(m!)])
    const rows = [...journal.iterateAll(job.id)]
    expect(rows.map((r) => `${r.folder}/${r.path} ${r.model} ${r.status}`)).toEqual([
      '0/fifo.jpg ResNet50_vd failed',
      '0/fifo.jpg MobileNetV3_small_x1_0 failed',
      '0/z.jpg ResNet50_vd ok',
      '0/z.jpg MobileNetV3_small_x1_0 ok',
      '1/a.jpg ResNet50_vd pending',
      '1/a.jpg MobileNetV3_small_x1_0 pending',
      '1/m.jpg ResNet50_vd failed',
      '1/m.jpg MobileNetV3_small_x1_0 failed',
    ])
    expect(rows[2]).toEqual({
      folder: 0,
      path: 'z.jpg',
      model: 'ResNet50_vd',
      modelIndex: 0,
      status: 'ok',
      top: topOf(z!.id * 3, 2),
      error: null,
    })
    expect(rows[6]!.error).toEqual({ code: 'IMAGE_CORRUPT', message: 'truncated JPEG' })
  })

  it('pages through thousands of files while the runner records outcomes between pages', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos'], { models: [model('ResNet50_vd', 'a')] }))
    journal.addFiles(
      job.id,
      Array.from({ length: 1200 }, (_, i) => found(`f${String(i).padStart(4, '0')}.jpg`)),
    )
    let seen = 0
    let last = ''
    for (const row of journal.iterateAll(job.id)) {
      expect(row.path > last).toBe(true)
      last = row.path
      // A write between rows: an open statement would make better-sqlite3 refuse it.
      if (seen++ % 400 === 0) {
        const batch = journal.pending(job.id, 50)
        journal.recordBatch(
          job.id,
          batch.map((file) => okFor(file, 1)),
        )
      }
    }
    expect(seen).toBe(1200)
    expect(journal.job(job.id)!.counts.done).toBe(150)
    expect(journal.integrity()).toBe('ok')
    expect(countedStates(db, job.id)).toEqual(journal.job(job.id)!.counts)
  })
})

describe('at scale', () => {
  it('100,000 files: added in chunks of 1,000, classified in batches, counted right', () => {
    const { db, journal } = openJournal()
    const job = journal.createJob(jobSpec(['/photos']))
    const total = 100_000
    let started = performance.now()
    for (let start = 0; start < total; start += 1000) {
      const chunk = Array.from({ length: 1000 }, (_, i) =>
        found(`d${(start + i) % 300}/IMG_${start + i}.JPG`, start + i),
      )
      expect(journal.addFiles(job.id, chunk).added).toBe(1000)
    }
    const addMs = performance.now() - started
    journal.markEnumerated(job.id)
    // Batches of 32 (what the runner writes) for a while, to time them; the rest in larger ones.
    let after = 0
    let batches = 0
    let recordMs = 0
    for (;;) {
      const batch = journal.pending(job.id, batches < 100 ? 32 : 2000, after)
      if (batch.length === 0) break
      after = batch.at(-1)!.id
      const outcomes = batch.map((file) => (file.id % 97 === 0 ? failedFor(file) : okFor(file, 2)))
      started = performance.now()
      journal.recordBatch(job.id, outcomes)
      if (batches++ < 100) recordMs += performance.now() - started
    }
    console.log(
      `journal: 100,000 files added in chunks of 1,000 in ${addMs.toFixed(0)} ms ` +
        `(${((addMs / total) * 1000).toFixed(1)} µs/file); a batch of 32 files × 2 models ` +
        `recorded in ${(recordMs / 100).toFixed(2)} ms (mean of 100)`,
    )
    const counts = journal.job(job.id)!.counts
    expect(counts.total).toBe(total)
    expect(counts.pending).toBe(0)
    expect(counts.done + counts.failed).toBe(total)
    expect(counts.failed).toBeGreaterThan(1000)
    expect(countedStates(db, job.id)).toEqual(counts)
    expect(db.prepare('SELECT count(*) FROM batch_results').pluck().get()).toBe(counts.done * 2)
    expect(journal.resultCount(job.id, { state: 'done' })).toBe(counts.done)
  }, 90_000)
})

describe('killed at any moment', () => {
  const worker = join(projectRoot, 'test/node/batch/helpers/journalWorker.ts')

  function runWorker(dbFile: string, count: number, killAfterMs: number | null) {
    return new Promise<{ code: number | null; signal: string | null; out: string; err: string }>(
      (resolveRun) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', worker, dbFile, String(count), '8'],
          {
            cwd: projectRoot,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        let out = ''
        let err = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          // Counted from the job's start, so the kill lands inside the enumeration or the batches.
          if (
            killAfterMs !== null &&
            out.startsWith('job ') &&
            out.indexOf('\n') === out.length - 1
          )
            setTimeout(() => child.kill('SIGKILL'), killAfterMs)
        })
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
        child.on('exit', (code, signal) => resolveRun({ code, signal, out, err }))
      },
    )
  }

  it('SIGKILL during enumeration and during batches: the job resumes and every file is classified once', async () => {
    const dbFile = join(tempDirForTest('zoo-journal-kill'), 'zoo.sqlite')
    const count = 5000
    // Early (inside the enumeration of a fresh job), then inside the batches of resumed runs.
    for (const ms of [40, 150, 300, 450]) {
      const run = await runWorker(dbFile, count, ms)
      expect(run.err).toBe('')
      const lines = run.out.trim().split('\n')
      console.log(
        `killed after ${ms} ms (${run.signal ?? 'not killed'}); last line: ${lines.at(-1)}`,
      )
      if (run.signal !== 'SIGKILL') break // it finished before the kill: the checks below still hold
    }
    const { db, journal } = openJournal(dbFile)
    expect(journal.integrity()).toBe('ok')
    const [job] = journal.jobs()
    expect(journal.jobs()).toHaveLength(1) // every restart resumed the same job
    const counts = journal.job(job!.id)!.counts
    expect(countedStates(db, job!.id)).toEqual(counts)
    // Whole transactions only: a done file has a result for each model, nothing else has any.
    const orphans = db
      .prepare(
        `SELECT count(*) FROM batch_files f WHERE f.state = 'done'
           AND (SELECT count(*) FROM batch_results r WHERE r.file_id = f.id) <> 2`,
      )
      .pluck()
      .get()
    const strays = db
      .prepare(
        `SELECT count(*) FROM batch_results r JOIN batch_files f ON f.id = r.file_id WHERE f.state <> 'done'`,
      )
      .pluck()
      .get()
    expect(orphans).toBe(0)
    expect(strays).toBe(0)
    // A run that finished before its kill left the job done: the same command again would be a
    // new job, so the last run is only for a job the kills left unfinished.
    const finished = journal.job(job!.id)!.state === 'done'
    db.close()

    const last = finished ? { code: 0, err: '', out: '' } : await runWorker(dbFile, count, null)
    expect(last.code, last.err).toBe(0)
    const { db: after, journal: resumed } = openJournal(dbFile)
    expect(resumed.jobs()).toHaveLength(1)
    expect(resumed.job(job!.id)).toMatchObject({
      state: 'done',
      counts: { total: count, pending: 0, done: count, failed: 0 },
    })
    expect(after.prepare('SELECT count(*) FROM batch_results').pluck().get()).toBe(count * 2)
    // Files done before the kills were not redone: the last run recorded only what was left.
    const recordedLast = last.out
      .split('\n')
      .filter((line) => line.startsWith('recorded '))
      .reduce((sum, line) => sum + Number(line.slice(9)), 0)
    expect(recordedLast).toBe(counts.pending)
  }, 60_000)
})
