/**
 * The uploads folder is shared by every process on a data folder (the app, `zoo` commands in a
 * terminal): what one process is receiving survives another starting, abandoned partials and
 * long-unused uploads are cleared, and all uploads together stay under a cap that makes room by
 * evicting the least recently used and otherwise refuses with a clear error. Real files, real
 * processes, the real HTTP server.
 */
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { request } from 'node:http'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { UploadResult } from '@shared/contract'
import type { Failure, Result } from '@shared/errors'
import { startHttpServer } from '../../src/main/http/httpServer'
import { uploadLimits } from '../../src/main/files/inputLimits'
import {
  EVICTABLE_AFTER_MS,
  PARTIAL_IDLE_MS,
  UNUSED_MAX_AGE_MS,
  UploadStore,
} from '../../src/main/uploads/uploadStore'
import { waitFor } from './inference/helpers/inferenceCore'
import { zooProcess } from './helpers/runZoo'
import { tempDirForTest } from './helpers/tempDir'
import { openTestCore } from './helpers/testCore'
import { startTestServer } from './helpers/testServer'

const MINUTE = 60_000
/** The writer tag the store puts in a partial's name, worked out here from its documented form. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8)
const partialName = (pid: number, host = HOST) => `${randomUUID()}.${host}-${pid}.partial`

/** A pid that was just used and whose process has exited (one for the file: each costs a start). */
let exited: number | undefined
function deadPid(): number {
  exited ??= spawnSync(process.execPath, ['-e', '']).pid!
  return exited
}

function place(dir: string, name: string, size: number, ageMs = 0): string {
  const file = join(dir, name)
  writeFileSync(file, Buffer.alloc(size, 1))
  age(file, ageMs)
  return file
}

function age(file: string, ms: number): void {
  const when = new Date(Date.now() - ms)
  utimesSync(file, when, when)
}

const folderBytes = (dir: string) =>
  readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0)

function newStore(limits: ConstructorParameters<typeof UploadStore>[1] = {}) {
  return new UploadStore(tempDirForTest('zoo-uploads'), limits)
}

describe('an upload and a `zoo` command on the same data folder', () => {
  it('an upload streaming into the app completes intact while `zoo info` starts on its folder', async () => {
    const t = await startTestServer()
    onTestFinished(() => t.close())
    const uploads = join(t.core.dataDir, 'uploads')
    const bytes = randomBytes(3 * 1024 * 1024)
    const req = request({
      host: '127.0.0.1',
      port: t.server.port,
      method: 'POST',
      path: '/api/upload',
      headers: {
        authorization: `Bearer ${t.server.token}`,
        'content-length': String(bytes.length),
      },
      agent: false,
    })
    const answer = new Promise<Result<UploadResult>>((resolve, reject) => {
      req.on('response', (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
      })
      req.on('error', reject)
    })
    req.write(bytes.subarray(0, 1024 * 1024))
    const partials = () => readdirSync(uploads).filter((name) => name.endsWith('.partial'))
    await waitFor('the upload to be half written', () => partials().length === 1)
    const partial = join(uploads, partials()[0]!)
    await waitFor('the first MB on disk', () => statSync(partial).size === 1024 * 1024)

    // A second process opens a core on the same data folder, as a terminal next to the app does.
    const info = await zooProcess(['info', '--json', '--data-dir', t.core.dataDir])
    expect(info).toMatchObject({ code: 0, err: '' })
    expect(existsSync(partial)).toBe(true)

    req.end(bytes.subarray(1024 * 1024))
    const result = await answer
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.size).toBe(bytes.length)
    expect(readFileSync(join(uploads, result.value.uploadId)).equals(bytes)).toBe(true)
    expect(partials()).toEqual([])
  })

  it('a `zoo` command clears the partial of a writer that died, keeping a live one', async () => {
    const dataDir = tempDirForTest('zoo-uploads')
    const uploads = join(dataDir, 'uploads')
    mkdirSync(uploads)
    const dead = place(uploads, partialName(deadPid()), 100)
    const live = place(uploads, partialName(process.pid), 100)
    const info = await zooProcess(['info', '--data-dir', dataDir])
    expect(info.code).toBe(0)
    expect(existsSync(dead)).toBe(false)
    expect(existsSync(live)).toBe(true)
  })
})

describe('UploadStore.gc', () => {
  const otherHost = HOST === '00000000' ? '11111111' : '00000000'
  // [what, name (given a dead pid), age, kept]
  const cases: [string, (dead: number) => string, number, boolean][] = [
    ['a partial of a process that is gone', (dead) => partialName(dead), 0, false],
    ['a partial of a live process', () => partialName(process.ppid), 0, true],
    [
      'a partial of a live process not written for longer than the grace',
      () => partialName(process.ppid),
      PARTIAL_IDLE_MS + MINUTE,
      false,
    ],
    [
      'a partial of a live process written just within the grace',
      () => partialName(process.ppid),
      PARTIAL_IDLE_MS - MINUTE,
      true,
    ],
    [
      'a fresh partial from another host (its pid means nothing here)',
      (dead) => partialName(dead, otherHost),
      0,
      true,
    ],
    [
      'an idle partial from another host',
      (dead) => partialName(dead, otherHost),
      PARTIAL_IDLE_MS + MINUTE,
      false,
    ],
    [
      'a fresh partial of an older version (no writer named)',
      () => `${randomUUID()}.partial`,
      0,
      true,
    ],
    [
      'an idle partial of an older version',
      () => `${randomUUID()}.partial`,
      PARTIAL_IDLE_MS + MINUTE,
      false,
    ],
    ['a fresh completed upload', () => randomUUID(), 0, true],
    ['a completed upload unused for 23 hours', () => randomUUID(), 23 * 60 * MINUTE, true],
    [
      'a completed upload unused for 25 hours',
      () => randomUUID(),
      UNUSED_MAX_AGE_MS + MINUTE,
      false,
    ],
    ['a stray file unused for 25 hours', () => 'notes.txt', UNUSED_MAX_AGE_MS + MINUTE, false],
    ['a fresh stray file', () => 'notes.txt', 0, true],
  ]

  it.each(cases.map(([what, name, ageMs, kept]) => [what, kept, name, ageMs] as const))(
    '%s → kept: %s',
    (_what, kept, name, ageMs) => {
      const store = newStore()
      const file = place(store.dir, name(deadPid()), 123, ageMs)
      const keep = place(store.dir, randomUUID(), 7)
      expect(store.gc()).toEqual(
        kept ? { removed: 0, freedBytes: 0 } : { removed: 1, freedBytes: 123 },
      )
      expect(existsSync(file)).toBe(kept)
      expect(existsSync(keep)).toBe(true)
    },
  )

  it('clears a partial with our own pid that this process is not writing (a reused pid)', () => {
    const store = newStore()
    const leftover = place(store.dir, partialName(process.pid), 10)
    expect(store.gc()).toEqual({ removed: 1, freedBytes: 10 })
    expect(existsSync(leftover)).toBe(false)
  })

  it('runs when a store opens (every process opening the data folder does)', () => {
    const store = newStore()
    const dead = place(store.dir, partialName(deadPid()), 10)
    const old = place(store.dir, randomUUID(), 10, UNUSED_MAX_AGE_MS + MINUTE)
    const fresh = place(store.dir, randomUUID(), 10)
    new UploadStore(join(store.dir, '..'))
    expect([dead, old, fresh].map(existsSync)).toEqual([false, false, true])
  })

  it('leaves a folder alone', () => {
    const store = newStore()
    mkdirSync(join(store.dir, 'keep-me'))
    expect(store.gc()).toEqual({ removed: 0, freedBytes: 0 })
    expect(existsSync(join(store.dir, 'keep-me'))).toBe(true)
  })

  it('counts a used upload as fresh: path() refreshes it', async () => {
    const store = newStore()
    const { uploadId } = await store.fromBytes(new Uint8Array(10))
    const file = join(store.dir, uploadId)
    age(file, 23 * 60 * MINUTE)
    expect(store.path(uploadId)).toBe(file)
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(MINUTE)
    expect(store.gc().removed).toBe(0)
  })

  it('trims a folder over its cap (two processes overshooting it), oldest first', () => {
    const store = newStore({ folderMaxBytes: 1000 })
    const files = [40, 30, 20, 10].map((minutes) =>
      place(store.dir, randomUUID(), 300, minutes * MINUTE),
    )
    expect(store.gc()).toEqual({ removed: 1, freedBytes: 300 })
    expect(files.map(existsSync)).toEqual([false, true, true, true])
  })
})

describe('the uploads folder cap', () => {
  it(`is ${uploadLimits.folderMaxBytes / 1024 ** 3} GiB by default, one upload at most ${uploadLimits.fileMaxBytes / 1024 ** 3} GiB`, () => {
    expect(newStore().limits).toEqual({
      fileMaxBytes: 4 * 1024 ** 3,
      folderMaxBytes: 8 * 1024 ** 3,
    })
  })

  it('makes room by removing the least recently used uploads', async () => {
    const store = newStore({ folderMaxBytes: 1000 })
    const [oldest, middle, newer] = [30, 20, 10].map((minutes) =>
      place(store.dir, randomUUID(), 300, minutes * MINUTE),
    )
    const { uploadId } = await store.fromBytes(new Uint8Array(300))
    expect([oldest, middle, newer].map((f) => existsSync(f!))).toEqual([false, true, true])
    expect(existsSync(join(store.dir, uploadId))).toBe(true)
    expect(folderBytes(store.dir)).toBe(900)
  })

  it('makes room as a stream of unknown size grows', async () => {
    const store = newStore({ folderMaxBytes: 1000 })
    const [oldest, newer] = [30, 10].map((minutes) =>
      place(store.dir, randomUUID(), 400, minutes * MINUTE),
    )
    const chunks = [0, 1, 2, 3].map(() => Buffer.alloc(100, 2))
    const { size } = await store.fromStream(Readable.from(chunks))
    expect(size).toBe(400)
    expect([oldest, newer].map((f) => existsSync(f!))).toEqual([false, true])
  })

  it.each([
    ['all uploads are recent', EVICTABLE_AFTER_MS - MINUTE],
    ['there is nothing left to remove', null],
  ])(
    'refuses with DISK_FULL when %s, removing nothing and leaving no partial',
    async (_label, ageMs) => {
      const store = newStore({ folderMaxBytes: 1000 })
      const existing =
        ageMs === null
          ? [place(store.dir, partialName(process.ppid), 900)] // another process's, in progress
          : [place(store.dir, randomUUID(), 450, ageMs), place(store.dir, randomUUID(), 450, ageMs)]
      const error = await store.fromBytes(new Uint8Array(300)).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'DISK_FULL',
        details: { folder: store.dir, folderBytes: 900, folderMaxBytes: 1000, neededBytes: 300 },
      })
      const message = (error as Error).message
      expect(message).toContain(store.dir)
      expect(message).toMatch(/holds 900 B of its 1,?000 B limit/)
      expect(message).toMatch(/try again in a few minutes/i)
      expect(existing.map(existsSync)).toEqual(existing.map(() => true))
      expect(readdirSync(store.dir)).toHaveLength(existing.length)
    },
  )

  it('refuses a stream of unknown size once it outgrows the room, leaving nothing of it', async () => {
    const store = newStore({ folderMaxBytes: 1000 })
    place(store.dir, randomUUID(), 800, 1000 * MINUTE)
    place(store.dir, randomUUID(), 100)
    const chunks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => Buffer.alloc(100, 3))
    const error = await store.fromStream(Readable.from(chunks)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'DISK_FULL', details: { neededBytes: 1000 } })
    expect(readdirSync(store.dir).filter((name) => name.endsWith('.partial'))).toEqual([])
    expect(folderBytes(store.dir)).toBe(100) // the old one went to make room, then it still did not fit
  })

  it('refuses one upload over fileMaxBytes with FILE_TOO_LARGE, before reading it when its size is known', async () => {
    const store = newStore({ fileMaxBytes: 1000 })
    let read = false
    const stream = new Readable({
      read() {
        read = true
        this.push(null)
      },
    })
    await expect(store.fromStream(stream, 1001)).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      details: { maxBytes: 1000 },
    })
    expect(read).toBe(false)
    await expect(store.fromBytes(new Uint8Array(1001))).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    })
    expect(readdirSync(store.dir)).toEqual([])
  })
})

describe('every face reports an upload failure the same way', () => {
  async function serverWith(store: UploadStore) {
    const { core } = openTestCore()
    const rendererDir = tempDirForTest('zoo-renderer')
    const server = await startHttpServer({
      core: {
        dispatchUntyped: core.dispatchUntyped,
        events: core.events,
        uploads: store,
        thumbnails: core.thumbnails,
      },
      rendererDir,
    })
    onTestFinished(() => server.close())
    return server
  }

  async function post(server: { origin: string; token: string }, bytes: Uint8Array) {
    const response = await fetch(`${server.origin}/api/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: bytes,
    })
    return { status: response.status, body: (await response.json()) as Result<UploadResult> }
  }

  it('a full folder: 507 DISK_FULL over HTTP with its details, the same result receive() gives the IPC face', async () => {
    const store = newStore({ folderMaxBytes: 1000 })
    place(store.dir, randomUUID(), 900)
    const server = await serverWith(store)
    const http = await post(server, new Uint8Array(300))
    expect(http.status).toBe(507)
    const ipc = await store.receive(new Uint8Array(300))
    expect(ipc).toEqual(http.body)
    expect((ipc as Failure).error).toMatchObject({
      code: 'DISK_FULL',
      details: { folderBytes: 900, folderMaxBytes: 1000, neededBytes: 300 },
    })
  })

  it('one upload too large: 413 FILE_TOO_LARGE with its details, over HTTP and through receive()', async () => {
    const store = newStore({ fileMaxBytes: 1000 })
    const server = await serverWith(store)
    const http = await post(server, new Uint8Array(5000))
    expect(http.status).toBe(413)
    expect(http.body).toEqual(await store.receive(new Uint8Array(5000)))
    expect((http.body as Failure).error).toMatchObject({
      code: 'FILE_TOO_LARGE',
      details: { maxBytes: 1000 },
    })
    // The refused upload left nothing, and the server still answers.
    expect(readdirSync(store.dir)).toEqual([])
    expect((await post(server, new Uint8Array(10))).status).toBe(200)
  })
})
