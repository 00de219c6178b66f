/**
 * `zoo batch merge`: a job split into shards on three "machines" (three data folders), each
 * exported as JSON Lines, merged back into one journal — every file once, results as the shards
 * recorded them, duplicates counted, conflicts reported, and a malformed or foreign export
 * refused before anything is written.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BatchJournal, ExportRow, FileOutcome } from '../../../src/main/batch/batchJournal'
import type { JobSpec } from '@shared/contract'
import { writeJsonl } from '../../../src/main/batch/exportResults'
import { importJsonl, readSidecar, specForMerge } from '../../../src/main/batch/importJsonl'
import { inShard, shardOf } from '../../../src/main/batch/shard'
import { tempDirForTest } from '../helpers/tempDir'
import { found, jobSpec, model, topOf } from './helpers/journalFixtures'
import { openJournal } from './helpers/openJournal'

const paths = Array.from(
  { length: 300 },
  (_, i) => `set${i % 4}/IMG_${String(i).padStart(4, '0')}.jpg`,
)

/** What a machine records for `path`: the same for the same path, whoever classifies it. */
function outcomeOf(fileId: number, path: string, models: number): FileOutcome {
  const seed = shardOf(path, 100_000)
  if (seed % 23 === 0)
    return {
      fileId,
      ok: false,
      error: { code: 'IMAGE_CORRUPT', message: `"${path}" is truncated` },
    }
  return {
    fileId,
    ok: true,
    results: Array.from({ length: models }, (_, m) => ({ model: m, top: topOf(seed + m, 5) })),
  }
}

function classifyAll(journal: BatchJournal, jobId: string, models: number, leave = 0): void {
  const pending = journal.pending(jobId, 100_000)
  const classified = pending.slice(0, pending.length - leave)
  journal.recordBatch(
    jobId,
    classified.map((file) => outcomeOf(file.id, file.relPath, models)),
  )
}

/** The job run as `count` shards, each on its own data folder, each exported; the export paths. */
async function shardExports(count: number, spec: JobSpec = jobSpec(['/data/photos'])) {
  const dir = tempDirForTest('zoo-merge')
  const exports: string[] = []
  for (let index = 0; index < count; index++) {
    const { journal } = openJournal()
    const job = journal.createJob({ ...spec, shard: { index, count } })
    journal.addFiles(
      job.id,
      paths.filter((path) => inShard(path, { index, count })).map((path) => found(path)),
    )
    classifyAll(journal, job.id, spec.models.length, index === 2 ? 3 : 0) // shard 2 left 3 pending
    const out = join(dir, `results-${index}.jsonl`)
    await writeJsonl(journal.iterateAll(job.id), out, { provenance: journal.provenance(job.id) })
    exports.push(out)
  }
  return { dir, exports }
}

const key = (row: ExportRow) => `${row.folder}/${row.path}/${row.modelIndex}`

describe('merging shard outputs', () => {
  it('three shards back into one job: every file once, as the shards recorded it', async () => {
    const { exports } = await shardExports(3)
    const { db, journal } = openJournal()
    const job = journal.createJob(specForMerge(exports.map((file) => readSidecar(`${file}.json`))))
    expect(job.spec.shard).toBeNull()
    const report = await importJsonl(journal, job.id, exports)
    expect(report).toMatchObject({
      files: 300,
      lines: 600,
      added: 300,
      updated: 0,
      duplicates: 0,
      kept: 0,
      conflicts: [],
      conflictCount: 0,
      unchecked: [],
    })
    const counts = journal.job(job.id)!.counts
    expect(counts.total).toBe(300)
    expect(counts.pending).toBe(3)
    expect(counts.failed).toBeGreaterThan(0)
    expect(counts.done + counts.failed + counts.pending).toBe(300)
    // The merged rows are what a single machine would have recorded.
    const { journal: single } = openJournal()
    const whole = single.createJob(jobSpec(['/data/photos']))
    single.addFiles(
      whole.id,
      paths.map((path) => found(path)),
    )
    classifyAll(single, whole.id, 2)
    const merged = [...journal.iterateAll(job.id)]
    const expected = new Map([...single.iterateAll(whole.id)].map((row) => [key(row), row]))
    expect(merged).toHaveLength(600)
    for (const row of merged) {
      if (row.status === 'pending') continue
      expect(row).toEqual(expected.get(key(row)))
    }
    expect(db.prepare('SELECT count(*) FROM batch_results').pluck().get()).toBe(counts.done * 2)
  })

  it('the same export twice: duplicates, nothing added; a pending file is taken from a later export', async () => {
    const { exports } = await shardExports(3)
    const { journal } = openJournal()
    const job = journal.createJob(specForMerge([readSidecar(`${exports[0]}.json`)]))
    await importJsonl(journal, job.id, exports)
    const again = await importJsonl(journal, job.id, [exports[0]!])
    expect(again).toMatchObject({ added: 0, updated: 0, conflicts: [] })
    expect(again.duplicates).toBe(again.files)

    // Shard 2's three pending files, classified by a rerun and exported again, are taken.
    const { journal: rerun } = openJournal()
    const shardJob = rerun.createJob({
      ...jobSpec(['/data/photos']),
      shard: { index: 2, count: 3 },
    })
    rerun.addFiles(
      shardJob.id,
      paths.filter((path) => inShard(path, { index: 2, count: 3 })).map((path) => found(path)),
    )
    classifyAll(rerun, shardJob.id, 2)
    const out = join(tempDirForTest('zoo-merge'), 'results-2-rerun.jsonl')
    await writeJsonl(rerun.iterateAll(shardJob.id), out, {
      provenance: rerun.provenance(shardJob.id),
    })
    const taken = await importJsonl(journal, job.id, [out])
    expect(taken.updated).toBe(3)
    expect(journal.job(job.id)!.counts.pending).toBe(0)
  })

  it('a path two exports classified differently is reported; the first result is kept', async () => {
    const { dir, exports } = await shardExports(1)
    const lines = readFileSync(exports[0]!, 'utf8').trimEnd().split('\n')
    const index = lines.findIndex(
      (line) => (JSON.parse(line) as { status: string }).status === 'ok',
    )
    const changed = JSON.parse(lines[index]!) as Record<string, unknown>
    const other = join(dir, 'other.jsonl')
    writeFileSync(
      other,
      lines
        .map((line, i) => (i === index ? JSON.stringify({ ...changed, top1_index: 7 }) : line))
        .join('\n') + '\n',
    )
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/data/photos']))
    await importJsonl(journal, job.id, exports)
    const report = await importJsonl(journal, job.id, [other])
    expect(report.unchecked).toEqual([other])
    expect(report.conflictCount).toBe(1)
    expect(report.conflicts).toEqual([
      {
        folder: 0,
        path: changed.path,
        kept: {
          model: changed.model === 'ResNet50_vd' ? 0 : 1,
          index: changed.top1_index,
          score: changed.top1_score,
        },
        offered: {
          model: changed.model === 'ResNet50_vd' ? 0 : 1,
          index: 7,
          score: changed.top1_score,
        },
      },
    ])
    const row = [...journal.iterateAll(job.id)].find(
      (r) => r.path === changed.path && r.model === changed.model,
    )
    expect(row!.top[0]!.index).toBe(changed.top1_index)
  })

  it('a malformed line anywhere stops the merge before anything is written', async () => {
    const { dir, exports } = await shardExports(2)
    const broken = join(dir, 'broken.jsonl')
    const lines = readFileSync(exports[1]!, 'utf8').split('\n')
    lines[4] = '{"folder": 0, "path": "x.jpg", "model": "ResNet50_vd", "status": "ok"'
    writeFileSync(broken, lines.join('\n'))
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/data/photos']))
    await expect(importJsonl(journal, job.id, [exports[0]!, broken])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${broken}:5: not a JSON object`),
    })
    expect(journal.job(job.id)!.counts.total).toBe(0)
  })

  it.each<[string, (record: Record<string, unknown>) => Record<string, unknown>, RegExp]>([
    [
      'an unknown model',
      (r) => ({ ...r, model: 'ViT_huge' }),
      /model "ViT_huge" is not one of this job's models/,
    ],
    ['a folder the job lacks', (r) => ({ ...r, folder: 3 }), /"folder" must be 0\.\.0, not 3/],
    [
      'an unknown status',
      (r) => ({ ...r, status: 'maybe' }),
      /"status" must be ok, failed or pending/,
    ],
    [
      'an unknown error code',
      (r) => ({ ...r, status: 'failed', error_code: 'OOPS' }),
      /unknown error code "OOPS"/,
    ],
    [
      'a score that is text',
      (r) => ({ ...r, status: 'ok', top1_index: 1, top1_score: '0.5' }),
      /top1 needs an integer index and a score/,
    ],
  ])('refuses %s, naming the line', async (_label, change, message) => {
    const { dir, exports } = await shardExports(1)
    const lines = readFileSync(exports[0]!, 'utf8').trimEnd().split('\n')
    lines[2] = JSON.stringify(change(JSON.parse(lines[2]!) as Record<string, unknown>))
    const file = join(dir, 'edited.jsonl')
    writeFileSync(file, lines.join('\n') + '\n')
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/data/photos']))
    await expect(importJsonl(journal, job.id, [file])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    })
  })

  it('an export of other models (by its sidecar) is refused; so are sidecars that are not shards of one job', async () => {
    const { exports } = await shardExports(1)
    const { journal } = openJournal()
    const job = journal.createJob(
      jobSpec(['/data/photos'], {
        models: [model('ResNet50_vd', 'f'), model('MobileNetV3_small_x1_0', 'b')],
      }),
    )
    await expect(importJsonl(journal, job.id, exports)).rejects.toThrow(
      /holds results of other models/,
    )
    const sidecar = readSidecar(`${exports[0]}.json`)
    expect(() =>
      specForMerge([sidecar, { ...sidecar, job: 'x', models: sidecar.models.slice(1) }]),
    ).toThrow(/differ in their models/)
    expect(() => readSidecar(exports[0]!)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })

  it('a merged job enumerated again keeps its results: size and mtime are adopted, nothing redone', async () => {
    const { exports } = await shardExports(3)
    const { journal } = openJournal()
    const job = journal.createJob(jobSpec(['/data/photos']))
    await importJsonl(journal, job.id, exports)
    const before = journal.job(job.id)!.counts
    const again = journal.addFiles(
      job.id,
      paths.map((path) => found(path, 555, 123)),
    )
    expect(again.added).toBe(0)
    const after = journal.job(job.id)!.counts
    expect(after.done).toBe(before.done)
    // Failed files, having no size or mtime either, are redone: pending with the others left.
    expect(after.pending).toBe(before.pending + before.failed)
    expect(
      journal.addFiles(
        job.id,
        paths.map((path) => found(path, 555, 123)),
      ),
    ).toEqual({ added: 0, changed: 0 })
  })
})
