/**
 * The journal under fire: a real `zoo classify --dir` process group (the CLI and its model host)
 * is SIGKILLed at random moments — while starting, walking the folder, in the middle of a block's
 * transaction — again and again, and started again each time. It must resume the same job, never
 * lose what was committed, and end with every file exactly once, every result right, the job's
 * counts equal to its rows, and a database SQLite itself calls intact.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../../src/main/core/appCore'
import { projectRoot } from '../helpers/paths'
import { zooProcess } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { colourModel, imageFolder } from './helpers/imageFolder'

const KILLS = 22

/** Reproducible random delays: the seed is printed, and ZOO_CRASH_SEED replays a run. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface JournalState {
  integrity: string
  jobs: number
  counts: { total: number; pending: number; done: number; failed: number }
  rows: { total: number; pending: number; done: number; failed: number }
  duplicatePaths: number
  resultsPerDoneFile: { min: number; max: number } | null
  resultsOfUnfinishedFiles: number
}

function readJournal(dataDir: string): JournalState | null {
  let db: BetterSqlite3.Database
  try {
    db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { fileMustExist: true })
  } catch {
    return null // killed before the data folder existed
  }
  try {
    const hasJournal = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batch_jobs'")
      .get()
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? ''
    if (!hasJournal) return null
    const jobs = (db.prepare('SELECT count(*) AS n FROM batch_jobs').get() as { n: number }).n
    const counts = (db
      .prepare('SELECT total, pending, done, failed FROM batch_jobs ORDER BY seq LIMIT 1')
      .get() as JournalState['counts'] | undefined) ?? { total: 0, pending: 0, done: 0, failed: 0 }
    const rows = db
      .prepare(
        `SELECT count(*) AS total,
                coalesce(sum(state = 'pending'), 0) AS pending,
                coalesce(sum(state = 'done'), 0) AS done,
                coalesce(sum(state = 'failed'), 0) AS failed
           FROM batch_files`,
      )
      .get() as JournalState['rows']
    const duplicatePaths = (
      db
        .prepare(
          `SELECT count(*) AS n FROM (SELECT job, root, rel_path FROM batch_files
             GROUP BY job, root, rel_path HAVING count(*) > 1)`,
        )
        .get() as { n: number }
    ).n
    const perDone = db
      .prepare(
        `SELECT min(n) AS min, max(n) AS max FROM (
           SELECT f.id, count(r.file_id) AS n FROM batch_files f
             LEFT JOIN batch_results r ON r.file_id = f.id
            WHERE f.state = 'done' GROUP BY f.id)`,
      )
      .get() as { min: number | null; max: number | null }
    const resultsOfUnfinishedFiles = (
      db
        .prepare(
          `SELECT count(*) AS n FROM batch_results r JOIN batch_files f ON f.id = r.file_id
            WHERE f.state <> 'done'`,
        )
        .get() as { n: number }
    ).n
    return {
      integrity,
      jobs,
      counts,
      rows,
      duplicatePaths,
      resultsPerDoneFile:
        perDone.min === null ? null : { min: perDone.min, max: perDone.max ?? perDone.min },
      resultsOfUnfinishedFiles,
    }
  } finally {
    db.close()
  }
}

describe('a batch job killed again and again', () => {
  it(`resumes after ${KILLS} SIGKILLs of the whole process group and ends with every file exactly once`, async () => {
    const seed = Number(process.env.ZOO_CRASH_SEED ?? Date.now() % 1_000_000)
    console.log(`batchCrash: seed ${seed} (ZOO_CRASH_SEED=${seed} replays these kill times)`)
    const next = random(seed)
    const dir = tempDirForTest('zoo-batch-crash')
    const dataDir = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 3200, { hostile: true })
    const model = colourModel(dir)
    const argv = [
      'classify',
      '--model',
      model,
      '--dir',
      folder.root,
      '--recursive',
      '--batch-size',
      '2',
      '--workers',
      '1',
    ]
    const env = { ...process.env, ZOO_DATA_DIR: dataDir }

    let kills = 0
    let lastDone = 0
    let resumedRuns = 0
    for (let round = 0; kills < KILLS && round < KILLS * 2; round++) {
      const child = spawn(process.execPath, [join(projectRoot, 'bin', 'zoo.js'), ...argv], {
        cwd: projectRoot,
        env,
        detached: true, // its own process group: the model host is killed with it
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
      const pgid = child.pid!
      // Half the kills land early (start-up, the walk), half once classification runs.
      const early = next() < 0.4
      if (!early)
        await waitFor(
          () => /Batch job|Resuming/.test(stderr) || child.exitCode !== null,
          'the job to start',
        )
      await new Promise((resolve) => setTimeout(resolve, next() * (early ? 1200 : 400)))
      const finishedAlone = child.exitCode !== null
      if (!finishedAlone) {
        process.kill(-pgid, 'SIGKILL')
        kills++
      }
      await exited
      await waitFor(() => !groupAlive(pgid), 'the killed process group to be gone')
      if (/Resuming batch job/.test(stderr)) resumedRuns++

      const journal = readJournal(dataDir)
      if (!journal) continue
      expect(journal.integrity).toBe('ok')
      expect(journal.jobs).toBeLessThanOrEqual(1)
      expect(journal.duplicatePaths).toBe(0)
      expect(journal.resultsOfUnfinishedFiles).toBe(0)
      if (journal.resultsPerDoneFile) expect(journal.resultsPerDoneFile).toEqual({ min: 1, max: 1 })
      // What a transaction committed stays committed; the kept counts are the rows' counts.
      expect(journal.counts).toEqual(journal.rows)
      expect(journal.counts.done).toBeGreaterThanOrEqual(lastDone)
      lastDone = journal.counts.done
      if (finishedAlone) break
    }
    expect(kills).toBeGreaterThanOrEqual(20)
    console.log(
      `batchCrash: ${kills} kills, ${resumedRuns} runs said they resumed, ${lastDone} files done before the last run`,
    )
    expect(resumedRuns).toBeGreaterThan(0)

    const last = await zooProcess(argv, { env: { ZOO_DATA_DIR: dataDir }, timeoutMs: 180_000 })
    expect(last.err).toMatch(/Resuming batch job [0-9a-f]{10}|Batch job [0-9a-f]{10}/)
    expect(last.code, last.err).toBe(3) // done, with the broken files failed

    const journal = readJournal(dataDir)!
    expect(journal.integrity).toBe('ok')
    expect(journal.jobs).toBe(1)
    const expected = { total: folder.good.size + folder.bad.size, pending: 0 }
    expect(journal.counts).toEqual({
      ...expected,
      done: folder.good.size,
      failed: folder.bad.size,
    })
    expect(journal.rows).toEqual(journal.counts)
    expect(journal.duplicatePaths).toBe(0)
    expect(journal.resultsPerDoneFile).toEqual({ min: 1, max: 1 })

    // And each file's recorded class is the right one.
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true })
    try {
      const rows = db
        .prepare(
          `SELECT f.rel_path AS rel, f.state, f.error_code AS code, r.top1_index AS top1
             FROM batch_files f LEFT JOIN batch_results r ON r.file_id = f.id`,
        )
        .all() as { rel: string; state: string; code: string | null; top1: number | null }[]
      const wrong = rows.filter((row) =>
        folder.good.has(row.rel)
          ? row.state !== 'done' || row.top1 !== folder.good.get(row.rel)
          : row.state !== 'failed' || row.code !== folder.bad.get(row.rel),
      )
      expect(wrong).toEqual([])
    } finally {
      db.close()
    }
  }, 600_000)
})
