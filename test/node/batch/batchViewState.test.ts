import { describe, expect, it } from 'vitest'
import { isRunningState, jobEndWatcher } from '../../../src/shared/batch/jobStates'
import type { BatchJob, BatchProgress, JobState } from '../../../src/shared/contract'
import { jobFraction, jobTitle } from '../../../src/renderer/src/batch/batchFormat'
import {
  defaultFilters,
  isFiltered,
  toResultsQuery,
} from '../../../src/renderer/src/batch/resultFilters'

function job(patch: Partial<BatchJob> = {}): BatchJob {
  return {
    id: '0123456789',
    spec: {
      folders: ['/home/me/Pictures/Holiday/', '/mnt/b/Scans'],
      recursive: true,
      models: [],
      topk: 5,
      batchSize: 8,
      workers: 1,
      shard: null,
      ortVersion: '1.0',
    },
    state: 'running',
    enumerated: true,
    counts: { total: 200, pending: 150, done: 40, failed: 10 },
    error: null,
    createdAt: '2026-12-03T00:00:00Z',
    updatedAt: '2026-12-03T00:00:00Z',
    finishedAt: null,
    runner: null,
    ...patch,
  }
}

function progress(patch: Partial<BatchProgress>): BatchProgress {
  return {
    id: '0123456789',
    job: 'batch',
    state: 'running',
    done: 0,
    total: null,
    unit: 'files',
    rate: 0,
    eta: null,
    startedAt: '2026-12-03T00:00:00Z',
    error: null,
    failed: 0,
    found: 0,
    stages: null,
    runner: null,
    ...patch,
  }
}

describe('batch job states', () => {
  it('announces a job once, when it stops running, and not one first seen stopped', () => {
    const ended = jobEndWatcher()
    const seen: (JobState | null)[] = []
    for (const state of ['running', 'running', 'done', 'done'] as JobState[])
      seen.push(ended('a', state))
    expect(seen).toEqual([null, null, 'done', null])
    expect(ended('b', 'done')).toBeNull()
    expect(ended('c', 'enumerating')).toBeNull()
    expect(ended('c', 'interrupted')).toBe('interrupted')
    expect(ended('c', 'running')).toBeNull()
    expect(ended('c', 'paused')).toBeNull()
  })

  it('counts enumerating and running as work under way, nothing else', () => {
    const running = (
      ['enumerating', 'running', 'paused', 'interrupted', 'done', 'cancelled', 'failed'] as const
    ).filter(isRunningState)
    expect(running).toEqual(['enumerating', 'running'])
  })
})

describe('batch job figures', () => {
  it('takes the live progress while running, the journal counts otherwise', () => {
    expect(jobFraction(job(), undefined)).toBeCloseTo(50 / 200)
    expect(jobFraction(job(), progress({ done: 150, total: 300 }))).toBeCloseTo(0.5)
    // A paused job's last event does not count: the journal does.
    expect(jobFraction(job({ state: 'paused' }), progress({ done: 1, total: 300 }))).toBeCloseTo(
      0.25,
    )
    expect(jobFraction(job({ state: 'done' }), undefined)).toBe(1)
  })

  it('has no fraction while the folders are still being walked', () => {
    expect(jobFraction(job({ enumerated: false, state: 'enumerating' }), undefined)).toBeNull()
    expect(
      jobFraction(job({ state: 'enumerating' }), progress({ state: 'enumerating', total: null })),
    ).toBeNull()
  })

  it('is titled by its folders’ last names', () => {
    expect(jobTitle(job())).toBe('Holiday, Scans')
    expect(jobTitle(job({ spec: { ...job().spec, folders: ['C:\\Users\\me\\Photos\\'] } }))).toBe(
      'Photos',
    )
  })
})

describe('result filters', () => {
  it('asks for everything in file order by default', () => {
    expect(toResultsQuery(defaultFilters())).toEqual({ model: 0, sort: 'id' })
    expect(isFiltered(defaultFilters())).toBe(false)
  })

  it('turns percent into fractions, clamped, and a class or score into classified files only', () => {
    const query = toResultsQuery({
      ...defaultFilters(),
      classIndex: 7,
      minPercent: 50,
      maxPercent: 140,
    })
    expect(query).toEqual({
      model: 0,
      sort: 'id',
      state: 'done',
      classIndex: 7,
      minScore: 0.5,
      maxScore: 1,
    })
    expect(toResultsQuery({ ...defaultFilters(), minPercent: 0 })).toMatchObject({
      state: 'done',
      minScore: 0,
    })
  })

  it('keeps the failed files when asked, and the disagree flag only when set', () => {
    expect(toResultsQuery({ ...defaultFilters(), show: 'failed' })).toEqual({
      model: 0,
      sort: 'id',
      state: 'failed',
    })
    expect(toResultsQuery({ ...defaultFilters(), disagree: true, model: 1 })).toEqual({
      model: 1,
      sort: 'id',
      disagree: true,
    })
    expect(isFiltered({ ...defaultFilters(), sort: 'score-asc', model: 2 })).toBe(false)
    expect(isFiltered({ ...defaultFilters(), maxPercent: 20 })).toBe(true)
  })

  it('ignores a bound that is not a number', () => {
    expect(toResultsQuery({ ...defaultFilters(), minPercent: Number.NaN })).toEqual({
      model: 0,
      sort: 'id',
    })
  })
})
