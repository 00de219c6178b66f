/**
 * Batch jobs from the terminal, as a user runs them: `zoo classify --dir` with its exports and
 * exit statuses, the `zoo batch` actions (also from a second process while the first runs),
 * shards that split a folder between machines and `zoo batch merge` that brings them back.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BatchJob } from '@shared/contract'
import { spawnZoo, zoo } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { colourModel, imageFolder } from './helpers/imageFolder'

interface JsonlRow {
  path: string
  model: string
  status: string
  top1_index: number | null
  error_code: string | null
}

function readJsonl(path: string): JsonlRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as JsonlRow)
}

function jobIdIn(text: string): string {
  const id = /Batch job ([0-9a-f]{10})/.exec(text)?.[1]
  if (!id) throw new Error(`no job id in: ${text}`)
  return id
}

describe('zoo classify --dir', () => {
  it('classifies a folder into the journal, writes the export, and says what failed (exit 3)', async () => {
    const dir = tempDirForTest('zoo-batch-cli')
    const data = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 30, { hostile: true })
    const model = colourModel(dir)
    const out = join(dir, 'results.jsonl')

    const run = await zoo(
      ['classify', '--model', model, '--dir', folder.root, '--recursive', '--out', out],
      data,
    )
    expect(run.code, run.err).toBe(3)
    expect(run.err).toMatch(/done\. 31 classified, \d failed/)
    expect(run.err).toContain(`Wrote ${out}`)
    const rows = readJsonl(out)
    expect(rows).toHaveLength(folder.good.size + folder.bad.size)
    for (const row of rows) {
      if (folder.good.has(row.path)) {
        expect(row.status, row.path).toBe('ok')
        expect(row.top1_index, row.path).toBe(folder.good.get(row.path))
      } else {
        expect(row.status, row.path).toBe('failed')
        expect(row.error_code, row.path).toBe(folder.bad.get(row.path))
      }
    }
    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { job: string }
    expect(sidecar.job).toBe(jobIdIn(run.err))

    const listed = await zoo(['batch', 'ls', '--json'], data)
    expect(listed.code).toBe(0)
    const jobs = JSON.parse(listed.out) as BatchJob[]
    expect(jobs.map((job) => [job.id, job.state])).toEqual([[jobIdIn(run.err), 'done']])

    const shown = await zoo(['batch', 'show', jobIdIn(run.err)], data)
    expect(shown.code).toBe(0)
    expect(shown.out).toMatch(/files\s+\d+: 31 classified/)
  })

  it('refuses what it cannot do with a usage error or the error code, and exits accordingly', async () => {
    const dir = tempDirForTest('zoo-batch-cli')
    const data = join(dir, 'data')
    const model = colourModel(dir)
    const missing = await zoo(['classify', '--model', model, '--dir', join(dir, 'nowhere')], data)
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/\[(NOT_FOUND|FILE_UNREADABLE)\]$/m)

    const badShard = await zoo(['classify', '--model', model, '--dir', dir, '--shard', '3/3'], data)
    expect(badShard.code).toBe(2)
    expect(badShard.err).toMatch(/shard/i)

    const badOut = await zoo(['classify', '--model', model, '--dir', dir, '--out', 'x.txt'], data)
    expect(badOut.code).toBe(2)
    expect(badOut.err).toMatch(/\.csv or \.jsonl/)

    const unknown = await zoo(['batch', 'show', '0123456789'], data)
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/\[NOT_FOUND\]$/m)

    const notAnId = await zoo(['batch', 'pause', 'latest'], data)
    expect(notAnId.code).toBe(2)
    expect(notAnId.err).toMatch(/10 hex digits/)

    const noAction = await zoo(['batch', 'frobnicate'], data)
    expect(noAction.code).toBe(2)
  })

  it('is paused from a second process, says so with exit 4, and the same command resumes it', async () => {
    const dir = tempDirForTest('zoo-batch-cli')
    const data = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 600)
    const model = colourModel(dir)
    const argv = [
      'classify',
      ...['--model', model, '--dir', folder.root, '--recursive'],
      ...['--batch-size', '1', '--workers', '1'],
    ]
    const child = spawnZoo(argv, { ZOO_DATA_DIR: data })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    const until = Date.now() + 30_000
    while (!/Batch job [0-9a-f]{10}/.test(stderr) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 25))
    const id = jobIdIn(stderr)

    const paused = await zoo(['batch', 'pause', id], data)
    expect(paused.code, paused.err).toBe(0)
    expect(await exited).toBe(4)
    expect(stderr).toMatch(new RegExp(`Batch job ${id} paused: run the same command again`))

    const resumed = await zoo(argv, data)
    expect(resumed.code, resumed.err).toBe(0)
    expect(resumed.err).toMatch(
      new RegExp(
        `Resuming batch job ${id} \\(\\d+ of \\d+ files done so far; --restart starts over\\)`,
      ),
    )
    expect(resumed.err).toMatch(
      new RegExp(`Batch job ${id} done\\. ${folder.good.size} classified`),
    )

    const restarted = await zoo([...argv, '--restart'], data)
    expect(restarted.code).toBe(0)
    expect(jobIdIn(restarted.err)).not.toBe(id)
  }, 120_000)
})

describe('zoo classify --shard and zoo batch merge', () => {
  it('splits a folder into shards whose union is the folder and whose overlap is empty, and merges them back', async () => {
    const dir = tempDirForTest('zoo-batch-shards')
    const folder = await imageFolder(join(dir, 'photos'), 60, { hostile: true })
    const model = colourModel(dir)
    const shards = 3
    const outs: string[] = []
    for (let i = 0; i < shards; i++) {
      // One data folder per "machine".
      const out = join(dir, `results-${i}.jsonl`)
      const run = await zoo(
        [
          'classify',
          ...['--model', model, '--dir', folder.root, '--recursive'],
          ...['--shard', `${i}/${shards}`, '--out', out],
        ],
        join(dir, `machine-${i}`),
      )
      expect([0, 3], run.err).toContain(run.code)
      outs.push(out)
    }
    const pathsOf = outs.map((out) => readJsonl(out).map((row) => row.path))
    const all = pathsOf.flat()
    expect(new Set(all).size).toBe(all.length) // no file in two shards
    expect(new Set(all)).toEqual(new Set([...folder.good.keys(), ...folder.bad.keys()]))
    for (const paths of pathsOf) expect(paths.length).toBeGreaterThan(0)

    const data = join(dir, 'office')
    const merged = await zoo(['batch', 'merge', ...outs, '--json'], data)
    expect(merged.code, merged.err).toBe(0)
    const { job, report } = JSON.parse(merged.out) as {
      job: BatchJob
      report: { added: number; duplicates: number; conflictCount: number }
    }
    expect(job.state).toBe('done')
    expect(job.spec.shard).toBeNull()
    expect(job.counts).toEqual({
      total: all.length,
      pending: 0,
      done: folder.good.size,
      failed: folder.bad.size,
    })
    expect(report).toMatchObject({ added: all.length, duplicates: 0, conflictCount: 0 })

    // Merging the same shard twice adds nothing new.
    const again = await zoo(['batch', 'merge', outs[0]!, outs[0]!, '--json'], data)
    expect(again.code).toBe(0)
    expect(JSON.parse(again.out).report.duplicates).toBe(pathsOf[0]!.length)

    // A merged job exports like any other.
    const exported = join(dir, 'all.jsonl')
    const exportRun = await zoo(['batch', 'export', job.id, '--out', exported], data)
    expect(exportRun.code, exportRun.err).toBe(0)
    expect(
      readJsonl(exported)
        .map((row) => row.path)
        .sort(),
    ).toEqual([...all].sort())
  }, 120_000)
})
