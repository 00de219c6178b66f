/**
 * Leases between real processes on one database: one holder at a time (checked by a log both
 * processes write while holding), a dead holder's lease taken over at once, a silent one after the
 * stale time, and release deleting only the holder's own row.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../../src/main/db/openDatabase'
import { isProcessAlive } from '../../../src/main/app/processAlive'
import { Leases } from '../../../src/main/locks/leases'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'

const worker = join(import.meta.dirname, 'helpers', 'leaseWorker.ts')

function database() {
  const file = join(tempDirForTest('zoo-lease'), 'zoo.sqlite')
  const { db } = openDatabase(file)
  onTestFinished(() => {
    db.close()
  })
  return { file, db }
}

function run(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  return child
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(text.split('\n')[0]!)
    })
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before a line`)))
  })
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

describe('leases across processes', () => {
  it('another process holds it: tryAcquire says who, and gets it once that process is killed', async () => {
    const { file, db } = database()
    const holder = run(['hold', file, 'artifact:X'])
    expect(await firstLine(holder)).toBe('held')
    const leases = new Leases(db)
    const busy = leases.tryAcquire('artifact:X', 'download')
    expect(busy).toEqual({ heldBy: expect.objectContaining({ pid: holder.pid, purpose: 'test' }) })
    expect(leases.holder('artifact:X')?.pid).toBe(holder.pid)

    holder.kill('SIGKILL')
    await exited(holder)
    // A dead process of this machine holds nothing: taken over at once, no stale wait.
    const lease = leases.tryAcquire('artifact:X', 'download')
    expect('release' in lease).toBe(true)
    expect(leases.holder('artifact:X')).toMatchObject({ pid: process.pid, purpose: 'download' })
  })

  it('two processes taking it 200 times each are never inside it at the same time', async () => {
    const { file } = database()
    const log = join(tempDirForTest('zoo-lease'), 'log')
    const a = run(['race', file, 'artifact:Y', log, '200'])
    const b = run(['race', file, 'artifact:Y', log, '200'])
    expect(await Promise.all([exited(a), exited(b)])).toEqual([0, 0])
    const lines = readFileSync(log, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(800)
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]!.startsWith('+')).toBe(true)
      expect(lines[i + 1]).toBe(`-${lines[i]!.slice(1)}`)
    }
    // Both really ran: each process holds it 200 times.
    expect(new Set(lines.map((line) => line.slice(1))).size).toBe(2)
  }, 60_000)

  it('a live holder that stopped beating goes stale after staleAfterMs; release is the holder’s own', async () => {
    const { db } = database()
    const mine = new Leases(db, { staleAfterMs: 200, heartbeatMs: 10_000 })
    const lease = mine.tryAcquire('artifact:Z', 'import')
    if ('heldBy' in lease) throw new Error('expected the lease')
    // Pretend a live process of this machine (pid 1) holds it and went silent.
    db.prepare('UPDATE leases SET pid = 1, owner = ? WHERE name = ?').run('someone', 'artifact:Z')
    expect(isProcessAlive(1)).toBe(true)
    const other = new Leases(db, { staleAfterMs: 200 })
    expect('heldBy' in other.tryAcquire('artifact:Z', 'download')).toBe(true)
    // Releasing a lease that was taken over must not delete the new holder's row.
    lease.release()
    expect(other.holder('artifact:Z')?.pid).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 250))
    const taken = other.tryAcquire('artifact:Z', 'download')
    expect('release' in taken).toBe(true)
    expect(other.holder('artifact:Z')?.pid).toBe(process.pid)
  })

  it('acquire waits, reporting the holder, and stops with CANCELLED when aborted', async () => {
    const { file, db } = database()
    const holder = run(['hold', file, 'artifact:W'])
    expect(await firstLine(holder)).toBe('held')
    const leases = new Leases(db, { pollMs: 20 })
    const seen: number[] = []
    const controller = new AbortController()
    const waiting = leases.acquire('artifact:W', 'download', {
      signal: controller.signal,
      onWait: (h) => seen.push(h.pid),
    })
    await new Promise((resolve) => setTimeout(resolve, 150))
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen.length).toBeGreaterThan(2)
    expect(new Set(seen)).toEqual(new Set([holder.pid]))
  })
})
