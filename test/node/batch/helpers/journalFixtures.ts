/**
 * The job specs, files and outcomes the batch tests feed a journal. No vitest here: the kill
 * test's worker process imports it too.
 */
import type { Database } from 'better-sqlite3'
import type { FileOutcome, FileRow } from '../../../../src/main/batch/batchJournal'
import type { JobModel, JobSpec } from '@shared/contract'
import type { FoundFile, SkippedEntry } from '../../../../src/main/batch/enumerateImages'

export function model(id: string, sha: string, classes = 1000): JobModel {
  return {
    ref: { catalogId: id },
    id,
    name: `${id} (test)`,
    sha256: sha.repeat(64).slice(0, 64),
    plan: { resizeShort: 256, crop: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    classes,
  }
}

export function jobSpec(folders: string[], overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    folders,
    recursive: true,
    models: [model('ResNet50_vd', 'a'), model('MobileNetV3_small_x1_0', 'b')],
    topk: 5,
    batchSize: 16,
    workers: 2,
    shard: null,
    ortVersion: '1.30.0',
    ...overrides,
  }
}

export function found(
  relPath: string,
  size = 100,
  mtimeMs = 1_700_000_000_000.5,
  root = 0,
): FoundFile {
  return { root, relPath, absPath: `/photos/${relPath}`, size, mtimeMs }
}

export function skippedEntry(relPath: string, root = 0): SkippedEntry {
  return {
    root,
    relPath,
    absPath: `/photos/${relPath}`,
    error: {
      code: 'NOT_A_FILE',
      message: `"/photos/${relPath}" is a FIFO (named pipe), not an image file; it was left out.`,
    },
  }
}

/** Scores that differ per file and model, best first, like a softmax's top-k. */
export function topOf(seed: number, k = 5, labels = true) {
  return Array.from({ length: k }, (_, rank) => {
    const index = (seed * 37 + rank * 101) % 1000
    return {
      index,
      label: labels ? `class ${index}` : null,
      score: 0.9 / 2 ** rank / (1 + (seed % 7)),
    }
  })
}

export function okFor(file: Pick<FileRow, 'id'>, models: number, k = 5): FileOutcome {
  return {
    fileId: file.id,
    ok: true,
    results: Array.from({ length: models }, (_, model) => ({
      model,
      top: topOf(file.id * 3 + model, k),
    })),
  }
}

export function failedFor(file: Pick<FileRow, 'id'>): FileOutcome {
  return { fileId: file.id, ok: false, error: { code: 'IMAGE_CORRUPT', message: 'truncated JPEG' } }
}

/** The counts as the rows say, to hold the job's kept counts against. */
export function countedStates(db: Database, jobId: string) {
  const rows = db
    .prepare(
      `SELECT f.state, count(*) AS n FROM batch_files f JOIN batch_jobs j ON j.seq = f.job
       WHERE j.id = ? GROUP BY f.state`,
    )
    .all(jobId) as { state: 'pending' | 'done' | 'failed'; n: number }[]
  const counts = { total: 0, pending: 0, done: 0, failed: 0 }
  for (const row of rows) {
    counts[row.state] = row.n
    counts.total += row.n
  }
  return counts
}
