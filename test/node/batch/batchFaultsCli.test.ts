/**
 * `zoo classify --dir` in its own process when the folder is deleted under it, or the disk of its
 * data folder fills up: it says why it stopped and exits 1; `zoo batch show` then reads the job
 * failed with that error; `zoo batch resume` finishes it once the folder is back or there is room.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BatchJob } from '@shared/contract'
import { spawnZoo, zoo, type CliRun } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { fillDisk, mountTmpfs, rmRf, unmountAll } from './helpers/faults'
import { colourModel, imageFolder } from './helpers/imageFolder'

interface Running {
  id: string
  exited: Promise<CliRun>
}

/** `zoo classify --dir` as a child process, once it has said which job it runs. */
async function classifyInChild(argv: string[], data: string): Promise<Running> {
  const child = spawnZoo(argv, { ZOO_DATA_DIR: data })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
  const exited = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? 128, out, err })),
  )
  const end = Date.now() + 30_000
  while (!/Batch job [0-9a-f]{10}/.test(err)) {
    if (Date.now() > end) throw new Error(`no job id from zoo: ${err}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { id: /Batch job ([0-9a-f]{10})/.exec(err)![1]!, exited }
}

async function shown(id: string, data: string): Promise<BatchJob> {
  const run = await zoo(['batch', 'show', id, '--json'], data)
  expect(run.code, run.err).toBe(0)
  return JSON.parse(run.out) as BatchJob
}

async function untilDone(id: string, data: string, atLeast: number): Promise<void> {
  const end = Date.now() + 30_000
  while ((await shown(id, data)).counts.done < atLeast) {
    if (Date.now() > end) throw new Error(`job ${id} did not get to ${atLeast} results`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('zoo classify --dir when the folder is deleted under it', () => {
  it('prints why it stopped and exits 1; batch show reads failed with the error; batch resume finishes', async () => {
    const dir = tempDirForTest('zoo-fault-cli')
    const data = join(dir, 'data')
    const count = 200
    const folder = await imageFolder(join(dir, 'photos'), count)
    cpSync(folder.root, join(dir, 'backup'), { recursive: true, preserveTimestamps: true })
    const model = colourModel(dir)
    const argv = ['classify', '--model', model, '--dir', folder.root, '--recursive']
    const running = await classifyInChild([...argv, '--batch-size', '1', '--workers', '1'], data)
    await untilDone(running.id, data, 10)
    await rmRf(folder.root)

    const run = await running.exited
    expect(run.code, run.err).toBe(1)
    expect(run.err).toContain(`Batch job ${running.id} failed: The folder "${folder.root}" is gone`)
    expect(run.err).toMatch(/results so far are kept.*\[NOT_FOUND\]/)
    expect(run.err).toMatch(/0 failed/)
    expect(run.err).toContain(
      `the same command again (or \`zoo batch resume ${running.id}\`) goes on where it stopped`,
    )

    const show = await zoo(['batch', 'show', running.id], data)
    expect(show.code, show.err).toBe(0)
    expect(show.out).toMatch(/failed/)
    expect(show.out).toContain(`The folder "${folder.root}" is gone`)
    expect(show.out).toMatch(/\[NOT_FOUND\]/)
    const job = await shown(running.id, data)
    expect(job).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' }, runner: null })
    expect(job.counts.failed).toBe(0)

    // The folder back, the same command again goes on with the job that failed.
    cpSync(join(dir, 'backup'), folder.root, { recursive: true, preserveTimestamps: true })
    const again = await zoo([...argv, '--workers', '1'], data)
    expect(again.code, again.err).toBe(0)
    expect(again.err).toContain(`Resuming batch job ${running.id}`)
    expect(again.err).toContain(`Batch job ${running.id} done. ${count} classified, 0 failed`)
  }, 120_000)
})

afterEach(unmountAll)

describe('zoo classify --dir when the disk of its data folder fills up', () => {
  it('prints DISK_FULL and exits 1; batch show (disk still full) reads failed with it; resume after freeing space finishes', async ({
    skip,
  }) => {
    const mount = mountTmpfs('24m')
    if (!mount) return skip('cannot mount a tmpfs')
    const data = join(mount, 'data')
    mkdirSync(data)
    const dir = tempDirForTest('zoo-fault-cli')
    const count = 200
    const folder = await imageFolder(join(dir, 'photos'), count)
    const model = colourModel(dir)
    const argv = ['classify', '--model', model, '--dir', folder.root, '--recursive']
    const running = await classifyInChild([...argv, '--batch-size', '1', '--workers', '1'], data)
    await untilDone(running.id, data, 10)
    const filler = fillDisk(mount)

    const run = await running.exited
    expect(run.code, run.err).toBe(1)
    expect(run.err).toContain(`Batch job ${running.id} failed: The disk is full`)
    expect(run.err).toContain(data)
    expect(run.err).toMatch(/kept.*\[DISK_FULL\]/)

    // Full to the last byte again (the room the job gave back taken too): reading still works.
    const more = fillDisk(mount, 'filler 2')
    const show = await zoo(['batch', 'show', running.id], data)
    expect(show.code, show.err).toBe(0)
    expect(show.out).toMatch(/The disk is full.*\[DISK_FULL\]/)
    const job = await shown(running.id, data)
    expect(job).toMatchObject({ state: 'failed', error: { code: 'DISK_FULL' }, runner: null })
    expect(job.counts.done).toBeGreaterThanOrEqual(10)

    // Resumed with the disk still full: the same clear word, and nothing changed.
    const early = await zoo(['batch', 'resume', running.id], data)
    expect(early.code).toBe(1)
    expect(early.err).toMatch(/The disk is full.*\[DISK_FULL\]/)
    expect((await shown(running.id, data)).counts).toEqual(job.counts)

    rmSync(filler)
    rmSync(more)
    const resumed = await zoo(['batch', 'resume', running.id], data)
    expect(resumed.code, resumed.err).toBe(0)
    expect(resumed.err).toContain(`Batch job ${running.id} done. ${count} classified, 0 failed`)
  }, 120_000)
})
