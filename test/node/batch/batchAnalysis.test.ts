/**
 * Looking at a batch job's results: top-1 class counts, score histograms, failures by code and
 * stage times (batch.summary); pairwise agreement and the files where models disagree
 * (batch.agreement, batch.results { disagree }); accuracy against class-named subfolders or a
 * `path,label` CSV (batch.accuracy). First on a journal fed by hand (edges: a score of exactly 1,
 * three models where pairs and "all agree" differ), then on real jobs of tiny colour models over
 * generated folders, every expected figure worked out from the colours the test put there.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResultRow } from '@shared/contract'
import { BatchAnalysis } from '../../../src/main/batch/batchAnalysis'
import type { FileOutcome } from '../../../src/main/batch/batchJournal'
import { readLabels } from '../../../src/main/catalog/catalogBundle'
import { projectRoot } from '../helpers/paths'
import { valueOf } from '../helpers/results'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import {
  imagenetColourModel,
  layOut,
  swappedClass,
  swappedColourModel,
  type LaidOutFile,
} from './helpers/analysisFixtures'
import { colourClass, colourModel, imageFolder, type Colour } from './helpers/imageFolder'
import { found, jobSpec, model } from './helpers/journalFixtures'
import { openJournal } from './helpers/openJournal'

const ctx = { face: 'test' } as const
const imagenet = readLabels(join(projectRoot, 'resources'))

type Core = ReturnType<typeof openTestCore>['core']

function allRows(core: Core, id: string, query: { state?: 'done' } = {}): ResultRow[] {
  return core.batch.results({ id, limit: 1000, ...query }).rows
}

async function runJob(
  core: Core,
  folder: string,
  models: string[],
  extra: Record<string, unknown> = {},
) {
  const { job } = valueOf(
    await core.dispatch(
      'batch.start',
      { folders: [folder], models: models.map((path) => ({ path })), batchSize: 4, ...extra },
      ctx,
    ),
  )
  const done = await core.batch.wait(job.id)
  expect(done.state).toBe('done')
  return done
}

describe('the analysis queries on a journal fed by hand', () => {
  // top-1 (index, score) of models 0, 1, 2 for five done files.
  const tops: [number, number][][] = [
    [
      [7, 1],
      [7, 0.9],
      [7, 0.8],
    ],
    [
      [7, 0.5],
      [3, 0.5],
      [7, 0.5],
    ],
    [
      [3, 0.05],
      [3, 0.3],
      [8, 0.3],
    ],
    [
      [7, 0],
      [9, 0.999],
      [7, 0.1],
    ],
    [
      [2, 0.999],
      [2, 0.6],
      [2, 0.6],
    ],
  ]
  const names: Record<number, string> = { 2: 'two', 3: 'three', 7: 'seven', 8: 'eight' }

  function fedJournal() {
    const { db, journal } = openJournal()
    const spec = jobSpec(['/photos'], {
      models: [model('m0', 'a'), model('m1', 'b'), model('m2', 'c')],
    })
    const job = journal.createJob(spec)
    journal.addFiles(
      job.id,
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name) => found(`${name}.jpg`)),
    )
    const files = journal.pending(job.id, 100)
    const outcomes: FileOutcome[] = tops.map((byModel, i) => ({
      fileId: files[i]!.id,
      ok: true,
      results: byModel.map(([index, score], m) => ({
        model: m,
        // Model 1 has no class names.
        top: [{ index, label: m === 1 ? null : (names[index] ?? null), score }],
      })),
      // The last done file recorded no timings.
      ...(i < 4
        ? { timings: { decodeMs: i + 1, preprocessMs: 2 * (i + 1), inferenceMs: 10 } }
        : {}),
    }))
    const failure = (i: number, code: 'IMAGE_CORRUPT' | 'NOT_A_FILE'): FileOutcome => ({
      fileId: files[i]!.id,
      ok: false,
      error: { code, message: 'bad' },
    })
    journal.recordBatch(job.id, [
      ...outcomes,
      failure(5, 'NOT_A_FILE'),
      failure(6, 'IMAGE_CORRUPT'),
      failure(7, 'IMAGE_CORRUPT'),
    ])
    const analysis = new BatchAnalysis(db, journal, () => imagenet)
    return { journal, analysis, jobId: job.id, files }
  }

  it('summary: class counts most frequent first with the names stored, bins with 1 in the last, failures by code, mean stages', () => {
    const { analysis, jobId } = fedJournal()
    const m0 = analysis.summary(jobId, 0, 20)
    expect(m0.classes).toEqual([
      { index: 7, label: 'seven', count: 3 },
      { index: 2, label: 'two', count: 1 },
      { index: 3, label: 'three', count: 1 },
    ])
    const bins = new Array<number>(20).fill(0)
    bins[0] = 1 // 0
    bins[1] = 1 // 0.05
    bins[10] = 1 // 0.5
    bins[19] = 2 // 0.999 and 1
    expect(m0.histogram).toEqual(bins)
    expect(analysis.summary(jobId, 0, 2).histogram).toEqual([2, 3])
    expect(m0.failures).toEqual([
      { code: 'IMAGE_CORRUPT', count: 2 },
      { code: 'NOT_A_FILE', count: 1 },
    ])
    // Over the four files that recorded timings: decode 1..4, preprocess 2..8.
    expect(m0.stages).toEqual({ decodeMs: 2.5, preprocessMs: 5, inferenceMs: 10 })

    const m1 = analysis.summary(jobId, 1, 5)
    expect(m1.model).toBe(1)
    expect(m1.classes).toEqual([
      { index: 3, label: null, count: 2 },
      { index: 2, label: null, count: 1 },
      { index: 7, label: null, count: 1 },
      { index: 9, label: null, count: 1 },
    ])
    expect(m1.histogram).toEqual([0, 1, 1, 1, 2])
    expect(() => analysis.summary(jobId, 3, 20)).toThrow(/no model 3/)
    expect(() => analysis.summary('0123456789', 0, 20)).toThrow(/no batch job/)
  })

  it('agreement: pairs over the files both classified; "not all equal" is more than any pair says', () => {
    const { analysis, jobId } = fedJournal()
    expect(analysis.agreement(jobId)).toEqual({
      models: ['m0', 'm1', 'm2'],
      pairs: [
        { a: 0, b: 1, compared: 5, agree: 3 },
        { a: 0, b: 2, compared: 5, agree: 4 },
        { a: 1, b: 2, compared: 5, agree: 2 },
      ],
      compared: 5,
      disagreeing: 3,
    })
  })

  it('the disagree filter pages through the files whose top-1 classes are not all equal', () => {
    const { journal, jobId, files } = fedJournal()
    const ids = (rows: ResultRow[]) => rows.map((row) => row.fileId)
    const disagreeing = [files[1]!.id, files[2]!.id, files[3]!.id]
    expect(ids(journal.results(jobId, { disagree: true, limit: 10 }))).toEqual(disagreeing)
    expect(journal.resultCount(jobId, { disagree: true })).toBe(3)
    expect(ids(journal.results(jobId, { disagree: true, limit: 2, offset: 2 }))).toEqual([
      files[3]!.id,
    ])
    // With a filter on model 0's top-1 the query is driven from the results.
    expect(ids(journal.results(jobId, { disagree: true, classIndex: 7, limit: 10 }))).toEqual([
      files[1]!.id,
      files[3]!.id,
    ])
    expect(
      ids(journal.results(jobId, { disagree: true, sort: 'score-desc', model: 1, limit: 10 })),
    ).toEqual([files[3]!.id, files[1]!.id, files[2]!.id])
    expect(journal.resultCount(jobId, { disagree: true, minScore: 0.4 })).toBe(1)
    // Every row carries every model's results.
    for (const row of journal.results(jobId, { disagree: true, limit: 10 }))
      expect(row.results.map((r) => r.model)).toEqual([0, 1, 2])
  })
})

describe('a job of two models that disagree on blue and black', () => {
  it('summary per model, histogram over every done file, failures by code, agreement and the disagreeing files page by page', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-analysis')
    const folder = await imageFolder(join(dir, 'photos'), 31, { hostile: true })
    const job = await runJob(core, folder.root, [colourModel(dir), swappedColourModel(dir)], {
      topk: 3,
    })
    const good = [...folder.good.values()]
    const swap = (cls: number) => (cls === 2 ? 3 : cls === 3 ? 2 : cls)
    expect(job.counts.done).toBe(good.length)

    for (const [m, classOf] of [
      [0, (cls: number) => cls],
      [1, swap],
    ] as const) {
      const summary = valueOf(await core.dispatch('batch.summary', { id: job.id, model: m }, ctx))
      const expected = new Map<number, number>()
      for (const cls of good) expected.set(classOf(cls), (expected.get(classOf(cls)) ?? 0) + 1)
      expect(summary.classes.map((c) => [c.index, c.count])).toEqual(
        [...expected].sort((a, b) => b[1] - a[1] || a[0] - b[0]),
      )
      expect(summary.classes.every((c) => c.label === null)).toBe(true) // a model without names
      // Binned here from the scores the rows carry, against SQLite's binning.
      const scores = allRows(core, job.id, { state: 'done' }).map(
        (r) => r.results[m]!.top[0]!.score,
      )
      for (const bins of [20, 7]) {
        const { histogram } = valueOf(
          await core.dispatch('batch.summary', { id: job.id, model: m, bins }, ctx),
        )
        const byHand = new Array<number>(bins).fill(0)
        for (const score of scores) byHand[Math.min(bins - 1, Math.floor(score * bins))]!++
        expect(histogram).toEqual(byHand)
        expect(histogram.reduce((a, b) => a + b, 0)).toBe(job.counts.done)
      }
    }
    // 31 images cycle red, green, blue, black (8, 8, 8, 7) and one more green inside album.jpg/.
    const summary = valueOf(await core.dispatch('batch.summary', { id: job.id }, ctx))
    expect(summary.classes.map((c) => [c.index, c.count])).toEqual([
      [1, 9],
      [0, 8],
      [2, 8],
      [3, 7],
    ])
    const codes = new Map<string, number>()
    for (const code of folder.bad.values()) codes.set(code, (codes.get(code) ?? 0) + 1)
    expect(summary.failures.map((f) => [f.code, f.count]).sort()).toEqual([...codes].sort())
    // The stage means are those of the timings the rows carry.
    const rows = allRows(core, job.id, { state: 'done' })
    const mean = (key: string) => rows.reduce((sum, r) => sum + r.timings![key]!, 0) / rows.length
    expect(summary.stages!.decodeMs).toBeCloseTo(mean('decodeMs'), 9)
    expect(summary.stages!.preprocessMs).toBeCloseTo(mean('preprocessMs'), 9)
    expect(summary.stages!.inferenceMs).toBeCloseTo(mean('inferenceMs'), 9)
    expect(summary.stages!.decodeMs).toBeGreaterThan(0)

    // Red and green: the same class from both; blue and black: not.
    const agreeing = good.filter((cls) => cls === swap(cls)).length
    expect(agreeing).toBe(17)
    const agreement = valueOf(await core.dispatch('batch.agreement', { id: job.id }, ctx))
    expect(agreement).toEqual({
      models: job.spec.models.map((m) => m.id),
      pairs: [{ a: 0, b: 1, compared: good.length, agree: agreeing }],
      compared: good.length,
      disagreeing: good.length - agreeing,
    })

    const paged: ResultRow[] = []
    for (let offset = 0; ; offset += 4) {
      const page = valueOf(
        await core.dispatch('batch.results', { id: job.id, disagree: true, offset, limit: 4 }, ctx),
      )
      expect(page.total).toBe(15)
      paged.push(...page.rows)
      if (page.rows.length < 4) break
    }
    const expectedPaths = [...folder.good].filter(([, cls]) => cls >= 2).map(([rel]) => rel)
    expect(paged.map((r) => r.relPath).sort()).toEqual(expectedPaths.sort())
    for (const row of paged) {
      const [a, b] = row.results
      expect(a!.top).toHaveLength(3)
      expect(b!.top).toHaveLength(3)
      expect(b!.top[0]!.index).toBe(swap(a!.top[0]!.index))
      expect(a!.top[0]!.index).toBe(folder.good.get(row.relPath))
    }
    // Its folders ("trip", "album.jpg") name no class: no accuracy.
    expect(valueOf(await core.dispatch('batch.accuracy', { id: job.id }, ctx))).toBeNull()
  }, 90_000)
})

/** Accuracy worked out here: per model, hits over the files with a label. */
function expectedTop1(
  files: readonly LaidOutFile[],
  labelOf: (file: LaidOutFile) => number | null,
  predicted: (colour: Colour) => number,
): number {
  const labelled = files.filter((file) => labelOf(file) !== null)
  return (
    labelled.filter((file) => predicted(file.colour) === labelOf(file)).length / labelled.length
  )
}

describe('accuracy against class-named subfolders', () => {
  it('subfolders named by class index: top-1 per model, per class, the confused pairs; unmatched folders said', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-analysis')
    const root = join(dir, 'labelled')
    const files = await layOut(root, {
      '0': ['red', 'red', 'red'],
      '1': ['green', 'green', 'green'],
      '2': ['blue', 'blue', 'blue', 'red'],
      '3': ['black', 'black'],
      holiday: ['green'],
      '': ['blue'],
    })
    // A labelled file that cannot be read: it counts as failed, not as a miss.
    writeFileSync(join(root, '0', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))
    const job = await runJob(core, root, [colourModel(dir), swappedColourModel(dir)])
    const accuracy = valueOf(await core.dispatch('batch.accuracy', { id: job.id }, ctx))
    expect(accuracy?.source).toEqual({
      kind: 'folders',
      scheme: 'index',
      unmatched: ['holiday'],
      ambiguous: [],
    })
    const report = accuracy!.report
    expect(report).toMatchObject({ labelled: 13, unlabelled: 2 })
    const folderLabel = (file: LaidOutFile) => {
      const top = file.relPath.split('/')[0]!
      return /^[0-3]$/.test(top) && file.relPath.includes('/') ? Number(top) : null
    }
    const [a, b] = report.models
    expect(a!.top1).toBeCloseTo(
      expectedTop1(files, folderLabel, (c) => colourClass[c]),
      12,
    )
    expect(a!.top1).toBeCloseTo(11 / 12, 12)
    expect(b!.top1).toBeCloseTo(
      expectedTop1(files, folderLabel, (c) => swappedClass[c]),
      12,
    )
    expect(b!.top1).toBeCloseTo(6 / 12, 12)
    // Four classes kept per file: no top-5.
    expect(a!.top5).toBeNull()
    expect(a).toMatchObject({ model: job.spec.models[0]!.id, evaluated: 12, failed: 1, pending: 0 })
    expect(b).toMatchObject({ evaluated: 12, failed: 1 })
    expect(a!.perClass.find((c) => c.index === 2)).toEqual({
      index: 2,
      name: 'class 2',
      count: 4,
      top1: 0.75,
      top5: null,
    })
    expect(a!.confused).toEqual([
      { actual: 2, actualName: 'class 2', predicted: 0, predictedName: 'class 0', count: 1 },
    ])
    expect(b!.confused.map((p) => [p.actual, p.predicted, p.count])).toEqual([
      [2, 3, 3],
      [3, 2, 2],
      [2, 0, 1],
    ])
  }, 60_000)

  it('subfolders named by ImageNet class: names from the list the app ships, top-5 when the job keeps five', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-analysis')
    const root = join(dir, 'named')
    await layOut(root, {
      tench: ['red', 'red'],
      goldfish: ['green', 'green'],
      Great_White_Shark: ['blue', 'green'],
      'tiger shark': ['black'],
    })
    const job = await runJob(core, root, [imagenetColourModel(dir)])
    const summary = valueOf(await core.dispatch('batch.summary', { id: job.id }, ctx))
    expect(summary.classes).toEqual([
      { index: 1, label: imagenet[1], count: 3 },
      { index: 0, label: imagenet[0], count: 2 },
      { index: 2, label: imagenet[2], count: 1 },
      { index: 3, label: imagenet[3], count: 1 },
    ])
    const accuracy = valueOf(await core.dispatch('batch.accuracy', { id: job.id }, ctx))
    expect(accuracy?.source).toMatchObject({ kind: 'folders', scheme: 'name', unmatched: [] })
    const [m] = accuracy!.report.models
    expect(m).toMatchObject({ evaluated: 7, top5: 1 })
    expect(m!.top1).toBeCloseTo(6 / 7, 12)
    expect(m!.confused).toEqual([
      { actual: 2, actualName: imagenet[2], predicted: 1, predictedName: imagenet[1], count: 1 },
    ])
  }, 60_000)
})

describe('accuracy against a label CSV', () => {
  async function flatFolder(dir: string) {
    return layOut(join(dir, 'flat'), {
      '': ['red', 'red', 'green', 'green', 'blue', 'blue', 'black'],
    })
  }

  it('batch.start takes the CSV into the job; labels by relative or absolute path; lines that label nothing are counted', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-analysis')
    const files = await flatFolder(dir)
    const root = join(dir, 'flat')
    // Every file by its colour's class, except: the first red said to be 2; the black one by
    // absolute path; the last blue not listed; one line naming no class.
    const label = new Map<string, number>()
    const lines = ['path,label']
    files.forEach((file, i) => {
      if (i === 5) return
      const cls = i === 0 ? 2 : colourClass[file.colour]
      label.set(file.relPath, cls)
      lines.push(`${file.colour === 'black' ? join(root, file.relPath) : file.relPath},${cls}`)
    })
    lines.push('ghost.jpg,zebra')
    const csv = join(dir, 'labels.csv')
    writeFileSync(csv, `${lines.join('\r\n')}\r\n`)

    const job = await runJob(core, root, [colourModel(dir)], { labels: csv })
    expect(job.spec.labelsFrom).toEqual({ kind: 'csv', path: csv })
    const accuracy = valueOf(await core.dispatch('batch.accuracy', { id: job.id }, ctx))
    expect(accuracy?.source).toEqual({ kind: 'csv', path: csv, problems: 1 })
    expect(accuracy!.report).toMatchObject({ labelled: 6, unlabelled: 1 })
    const m = accuracy!.report.models[0]!
    const byHand = expectedTop1(
      files,
      (f) => label.get(f.relPath) ?? null,
      (c) => colourClass[c],
    )
    expect(m.top1).toBeCloseTo(byHand, 12)
    expect(m.top1).toBeCloseTo(5 / 6, 12)
    expect(m.confused).toEqual([
      { actual: 2, actualName: 'class 2', predicted: 0, predictedName: 'class 0', count: 1 },
    ])
  }, 60_000)

  it('refuses a CSV it cannot read or that labels nothing, before any job starts; a resumed job takes the CSV given', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-analysis')
    const files = await flatFolder(dir)
    const root = join(dir, 'flat')
    const input = { folders: [root], models: [{ path: colourModel(dir) }] }

    const missing = await core.dispatch(
      'batch.start',
      { ...input, labels: join(dir, 'no.csv') },
      ctx,
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(!missing.ok && missing.error.message).toContain('no.csv')
    const folderGiven = await core.dispatch('batch.start', { ...input, labels: root }, ctx)
    expect(folderGiven).toMatchObject({ ok: false, error: { code: 'NOT_A_FILE' } })
    const useless = join(dir, 'useless.csv')
    writeFileSync(useless, 'path,label\nred-0.png,zebra\n')
    const refused = await core.dispatch('batch.start', { ...input, labels: useless }, ctx)
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(!refused.ok && refused.error.message).toMatch(
      /labels no file \(line 2: "zebra" is no class\)/,
    )
    expect(core.batch.list()).toEqual([])

    const first = valueOf(await core.dispatch('batch.start', input, ctx))
    valueOf(await core.dispatch('batch.pause', { id: first.job.id }, ctx))
    await core.batch.wait(first.job.id)
    const csv = join(dir, 'labels.csv')
    writeFileSync(csv, files.map((f) => `${f.relPath},${colourClass[f.colour]}`).join('\n'))
    const again = valueOf(await core.dispatch('batch.start', { ...input, labels: csv }, ctx))
    expect(again).toMatchObject({ resumed: true, job: { id: first.job.id } })
    expect(again.job.spec.labelsFrom).toEqual({ kind: 'csv', path: csv })
    await core.batch.wait(first.job.id)
    const accuracy = valueOf(await core.dispatch('batch.accuracy', { id: first.job.id }, ctx))
    expect(accuracy?.report.models[0]).toMatchObject({ evaluated: 7, top1: 1 })
  }, 60_000)
})
