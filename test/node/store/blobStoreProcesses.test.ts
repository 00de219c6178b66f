/**
 * The blob store shared by real processes on one data folder (helpers/blobWorker.ts, run with
 * tsx): attaches and a converter's commits of the same bytes in three processes at once end as
 * one intact blob that every record resolves to; and a gc looping in another process while this
 * one attaches, removes and re-attaches the same bytes never deletes a blob a record uses.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { sha256File } from '../../../src/main/files/sha256File'
import { ModelStore } from '../../../src/main/inference/modelStore'
import { Leases } from '../../../src/main/locks/leases'
import { blobLease, ORPHAN_GRACE_MS } from '../../../src/main/store/blobStore'
import { blobFiles, blobPath } from '../helpers/blobFiles'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { sha256Hex } from '../weights/helpers/faultServer'

const worker = join(import.meta.dirname, 'helpers', 'blobWorker.ts')
/** Large enough that a copy, a hash and a re-hash take a while: the processes overlap. */
const SIZE = 16 * 1024 * 1024

interface Worker {
  child: ChildProcess
  /** Resolves with the first line that starts with `prefix`; rejects if the worker exits first. */
  line(prefix: string): Promise<string>
}

function run(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  let text = ''
  const waiting: { prefix: string; resolve: (line: string) => void }[] = []
  const settle = () => {
    for (const wait of [...waiting]) {
      const found = text.split('\n').find((line) => line.startsWith(wait.prefix))
      if (found === undefined) continue
      waiting.splice(waiting.indexOf(wait), 1)
      wait.resolve(found)
    }
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString()
    settle()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return {
    child,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve })
        settle()
        void exited.then((code) =>
          reject(new Error(`worker ${args[0]} exited with ${code} before "${prefix}"`)),
        )
      }),
  }
}

function openShared() {
  const t = openTestCore()
  const models = new ModelStore(t.core.blobs, t.core.db, (id) => ({
    name: id,
    inputSize: 32,
    classes: 4,
  }))
  const bytes = randomBytes(SIZE)
  const source = join(tempDirForTest('zoo-blob-race'), 'model.onnx')
  writeFileSync(source, bytes)
  return { ...t, models, source, sha: sha256Hex(bytes) }
}

describe('two processes on one blob store', () => {
  it('attaching and committing the same bytes in three processes at once: one intact blob for every record', async () => {
    const s = openShared()
    const rounds = 8
    const attaching = run(['attach', s.dataDir, s.source, 'W', String(rounds)])
    const committing = run(['commit', s.dataDir, s.source, 'C', String(rounds)])
    await Promise.all([attaching.line('ready'), committing.line('ready')])

    for (let i = 0; i < rounds; i++) await s.models.attachCatalog(`T-${i}`, s.source)
    await Promise.all([attaching.line('done'), committing.line('done')])

    const blob = blobPath(s.dataDir, s.sha)
    const rows = s.core.db.prepare('SELECT model_id, sha256, path FROM model_files').all() as {
      model_id: string
      sha256: string
      path: string
    }[]
    expect(rows).toHaveLength(2 * rounds)
    expect(new Set(rows.map((row) => `${row.sha256} ${row.path}`))).toEqual(
      new Set([`${s.sha} ${blob}`]),
    )
    const conversions = s.core.conversions.all()
    expect(conversions).toHaveLength(rounds)
    expect(new Set(conversions.map((c) => c.onnxSha256))).toEqual(new Set([s.sha]))
    expect(blobFiles(s.dataDir)).toEqual([s.sha]) // no temporary of anyone's left
    expect(await sha256File(blob)).toBe(s.sha)
    expect(s.models.get('W-0')).toMatchObject({ path: blob, sizeBytes: SIZE })
  }, 60_000)

  it('a gc looping in another process never deletes a blob while this one attaches, removes and re-attaches it', async () => {
    const s = openShared()
    const blob = blobPath(s.dataDir, s.sha)
    const leases = new Leases(s.core.db)
    const age = () => {
      const old = new Date(Date.now() - 2 * ORPHAN_GRACE_MS)
      utimesSync(blob, old, old)
    }
    const stop = join(tempDirForTest('zoo-blob-stop'), 'stop')
    const gc = run(['gc', s.dataDir, stop])
    await gc.line('ready')
    const rounds = 16
    for (let i = 0; i < rounds; i++) {
      const attaching = s.models.attachCatalog(`T-${i}`, s.source)
      if (i % 2 === 0 && i > 0) {
        // The last round left a young orphan. It turns old once the commit holds the blob's
        // lease, so the other gc finds it unused and old while the commit re-hashes and keeps
        // it, before its row exists: the moment only the lease protects it.
        while (!leases.holder(blobLease(s.sha)))
          await new Promise((resolve) => setTimeout(resolve, 1))
        age()
      }
      await attaching
      // Recorded: whatever the other process's gc does now, the blob is there and whole.
      expect(existsSync(blob), `round ${i}`).toBe(true)
      expect(await sha256File(blob), `round ${i}`).toBe(s.sha)
      s.models.remove(`T-${i}`)
      if (i % 2 === 1) continue // a young orphan for the next round
      // An unused orphan past its grace: the other process's gc takes it at any moment.
      age()
      const deadline = Date.now() + 5_000
      while (existsSync(blob) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      expect(existsSync(blob), `the other process's gc took the orphan (round ${i})`).toBe(false)
    }
    await s.models.attachCatalog('last', s.source)
    writeFileSync(stop, '')
    const removed = Number((await gc.line('done')).split(' ')[1])
    expect(removed).toBeGreaterThanOrEqual(rounds / 2)
    expect(await sha256File(blob)).toBe(s.sha)
    expect(blobFiles(s.dataDir)).toEqual([s.sha])
  }, 60_000)
})
