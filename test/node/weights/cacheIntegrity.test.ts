/**
 * The cache never holds a wrong blob, and archives cannot hurt the machine: each case an
 * independent check found, against the real parts — two real `zoo` processes on one data folder, a
 * real throttled server on 127.0.0.1 that swaps files and ignores If-Range, gzip bombs, setuid and
 * truncated tars, a full disk while unpacking, `kill -9` in the middle of an import.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it, onTestFinished } from 'vitest'
import { mirrorWarning } from '../../../src/main/weights/mirror'
import { spawnZoo, zooProcess } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { sha256Hex, startFaultServer } from './helpers/faultServer'
import { paddleModelFiles } from '../../support/paddle/modelFiles'
import { modelArchive, tarOf } from '../../support/ustar'
import {
  MODEL,
  cacheDirs,
  fileSize,
  fullDiskAfter,
  inferenceArchive,
  listTree,
  openWeightsCore,
  pullNow,
  serveArchive,
  waitFor,
} from './helpers/weightsFixture'

const MB = 1024 * 1024
const ID = `${MODEL}:inference`

/** Every blob in the cache is named after the SHA-256 of its bytes. */
function expectBlobsNamedByHash(dataDir: string): void {
  const { blobs } = cacheDirs(dataDir)
  for (const name of readdirSync(blobs)) {
    expect(name).toMatch(/^[0-9a-f]{64}$/)
    expect(sha256Hex(readFileSync(join(blobs, name))), name).toBe(name)
  }
}

describe('two processes pulling one artifact at once', () => {
  it('one downloads, the other follows it; every blob is named by its hash; one file on the wire', async () => {
    const server = await startFaultServer()
    // Round 0 holds the first download at half way until the second process says it follows it;
    // round 1 starts both at the same instant, racing for the artifact.
    for (let round = 0; round < 2; round++) {
      const dataDir = tempDirForTest('zoo-two-pulls')
      const archive = inferenceArchive(MODEL, 2 * MB)
      const path = `/dygraph/inference/${MODEL}_infer.tar`
      server.put(path, archive)
      let following!: () => void
      const followed = new Promise<void>((resolve) => (following = resolve))
      server.fault(path, ({ attempt }) =>
        round === 0 && attempt === 1
          ? { pauseAfter: { bytes: archive.length / 2, until: followed } }
          : { throttle: { bytes: 64 * 1024, everyMs: 10 } },
      )
      const sentBefore = server.sentFor(path)
      const env = { ZOO_MIRROR: server.url }
      const argv = ['pull', MODEL, '--data-dir', dataDir]

      const first = zooProcess(argv, { env, timeoutMs: 30_000 })
      if (round === 0) {
        const partial = join(cacheDirs(dataDir).partials, `${MODEL}_inference.partial`)
        await waitFor(() => fileSize(partial) > 0, 'the first pull to be downloading', 20_000)
      }
      const second = spawnZoo(argv, env)
      let secondErr = ''
      second.stderr.on('data', (chunk: Buffer) => {
        secondErr += chunk.toString()
        if (/in another process/.test(secondErr)) following()
      })
      if (round === 1) following()
      const secondOut: Buffer[] = []
      second.stdout.on('data', (chunk: Buffer) => secondOut.push(chunk))
      const [a, bCode] = await Promise.all([
        first,
        new Promise<number | null>((resolve) => second.on('close', resolve)),
      ])

      expect([a.code, bCode], `${a.err}\n${secondErr}`).toEqual([0, 0])
      expect(a.out).toContain(`Cached ${ID}`)
      expect(Buffer.concat(secondOut).toString()).toContain(`Cached ${ID}`)
      if (round === 0) {
        // The second followed the first's download, with its progress, instead of writing it too.
        expect(secondErr).toMatch(
          new RegExp(
            `${ID}: downloading in another process \\(pid \\d+\\), [\\d.]+ [KM]B of 2\\.0 MB`,
          ),
        )
      }
      expect(server.sentFor(path) - sentBefore).toBeLessThanOrEqual(archive.length * 1.1)
      expectBlobsNamedByHash(dataDir)
      expect(readdirSync(cacheDirs(dataDir).blobs)).toEqual([sha256Hex(archive)])
      expect(listTree(cacheDirs(dataDir).partials)).toEqual([])
      const verify = await zooProcess(['cache', 'verify', '--data-dir', dataDir])
      expect(verify.code, verify.out).toBe(0)
    }
  }, 90_000)

  it('pulling a cached artifact again asks the server and fetches nothing when it is unchanged', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL)
    const first = await pullNow(weights)
    const again = await pullNow(weights)
    expect(again.sha256).toBe(first.sha256)
    expect(
      weights.server.requestsFor(weights.pathOf(MODEL)).map((r) => [r.status, r.sent]),
    ).toEqual([
      [200, body.length],
      [304, 0],
    ])
  })

  it('an existing blob with the right name but wrong bytes is replaced, not trusted', async () => {
    const weights = await openWeightsCore()
    const body = serveArchive(weights, MODEL)
    const blob = join(weights.dirs.blobs, sha256Hex(body))
    // As a crashed writer of an older version could leave it: the name of the hash, other bytes.
    writeFileSync(join(weights.dirs.root, '..', 'x'), '') // the data folder exists
    await open(join(weights.dirs.blobs, '..'), 'r').catch(() => null)
    const { mkdirSync } = await import('node:fs')
    mkdirSync(weights.dirs.blobs, { recursive: true })
    writeFileSync(blob, Buffer.concat([body.subarray(0, 1000), Buffer.alloc(body.length - 1000)]))

    await pullNow(weights)

    expect(sha256Hex(readFileSync(blob))).toBe(sha256Hex(body))
    expect((await weights.core.weights.verify()).checked).toEqual([
      expect.objectContaining({ id: ID, ok: true }),
    ])
  })
})

describe('a file that changed on a server that ignores If-Range', () => {
  it('is downloaded anew, never spliced: the blob is the new file whole', async () => {
    const weights = await openWeightsCore()
    const path = weights.pathOf(MODEL)
    const v1 = inferenceArchive(MODEL, 2 * MB)
    const v2 = inferenceArchive(MODEL, 2 * MB)
    expect(v2.length).toBe(v1.length) // same size: only the validators tell them apart
    weights.server.put(path, v1, { etag: 'opaque' })
    weights.server.fault(path, ({ attempt }) => {
      if (attempt === 1) return { dropAfter: v1.length / 2, ignoreIfRange: true }
      if (attempt === 2) weights.server.put(path, v2, { etag: 'opaque' })
      return { ignoreIfRange: true }
    })

    const artifact = await pullNow(weights)

    expect(artifact.sha256).toBe(sha256Hex(v2))
    expectBlobsNamedByHash(weights.dataDir)
    expect(artifact.etag).toMatch(/^"v\d+-x"$/)
    expect(artifact.lastModified).toBe(new Date(0).toUTCString())
  })

  it('a byte flipped in a tar header is caught by the structural check; the digest names it when stated', async () => {
    const weights = await openWeightsCore()
    const path = weights.pathOf(MODEL)
    const body = inferenceArchive(MODEL)
    weights.server.put(path, body, { etag: 'opaque' })
    weights.server.fault(path, {
      replaceBody: (whole) => {
        const bad = Buffer.from(whole)
        bad[512 + 100]! ^= 0x04 // in the second header's mode field: its checksum no longer holds
        return bad
      },
    })
    await expect(pullNow(weights)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.partials)).toEqual([])

    weights.server.fault(path, {
      headers: (whole) => ({
        'repr-digest': `sha-256=:${Buffer.from(sha256Hex(whole), 'hex').toString('base64')}:`,
      }),
    })
    const artifact = await pullNow(weights)
    expect(artifact.verification).toMatchObject({
      digests: ['SHA-256 (Repr-Digest)'],
      structure: { format: 'paddle2', params: 1 },
    })
  })
})

describe('archives that would hurt the machine', () => {
  it('a gzip-compressed tar named *_infer.tar is refused at once; nothing is cached or left behind', async () => {
    const weights = await openWeightsCore()
    // 64 MB of zeros behind a tar header gzip to about 64 KB; unpacked without a limit it grows on.
    const bomb = gzipSync(
      Buffer.concat([tarOf([{ name: 'M_infer/big', body: '' }]), Buffer.alloc(64 * MB)]),
    )
    weights.server.put(weights.pathOf(MODEL), bomb)
    const started = performance.now()

    await expect(pullNow(weights)).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: expect.stringMatching(/gzip-compressed/),
    })

    expect(performance.now() - started).toBeLessThan(3000)
    expect(
      listTree(weights.dirs.root).filter((p) => !['blobs', 'partial', 'extracted'].includes(p)),
    ).toEqual([])
    expect(weights.core.weights.list()).toMatchObject({ artifacts: [], totalBytes: 0 })
  })

  it('setuid, setgid and sticky bits never survive unpacking', async () => {
    const weights = await openWeightsCore()
    const files = paddleModelFiles()
    const body = tarOf([
      { name: `${MODEL}_infer/`, type: 'dir', mode: 0o7755 },
      { name: `${MODEL}_infer/inference.pdmodel`, body: files['inference.pdmodel'], mode: 0o6755 },
      {
        name: `${MODEL}_infer/inference.pdiparams`,
        body: files['inference.pdiparams'],
        mode: 0o4644,
      },
      { name: `${MODEL}_infer/tool`, body: '#!/bin/sh\n', mode: 0o7777 },
    ])
    weights.server.put(weights.pathOf(MODEL), body)
    const artifact = await pullNow(weights)
    const root = weights.core.weights.extractedPath(artifact.id)!
    for (const rel of ['', `${MODEL}_infer`, ...artifact.contents!.files]) {
      expect(statSync(join(root, rel)).mode & 0o7000, rel || '.').toBe(0)
    }
  })

  it('a tar without its end marker (truncated) is refused whole, not cached with what arrived', async () => {
    const weights = await openWeightsCore()
    const whole = modelArchive(`${MODEL}_infer`, {
      ...paddleModelFiles(),
      ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra-${i}.txt`, 'x'])),
    })
    weights.server.put(weights.pathOf(MODEL), whole.subarray(0, whole.length - 1024 - 512 * 60))
    await expect(pullNow(weights)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect(listTree(weights.dirs.partials)).toEqual([]) // no .partial, no .partial.json
  })

  it('a params file one byte short (a download cut at a file boundary) is ARCHIVE_CORRUPT', async () => {
    const weights = await openWeightsCore()
    const files = paddleModelFiles()
    const params = files['inference.pdiparams']!
    weights.server.put(
      weights.pathOf(MODEL),
      modelArchive(`${MODEL}_infer`, { ...files, 'inference.pdiparams': params.subarray(0, -1) }),
    )
    await expect(pullNow(weights)).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/inference\.pdiparams ends 1 byte early/),
    })
  })
})

describe('leaks and wrong codes', () => {
  it('a full disk while unpacking is DISK_FULL; the download is kept and the next pull does not fetch it again', async () => {
    let full = true
    const disk = fullDiskAfter(0)
    const weights = await openWeightsCore({
      download: {
        // The download itself has room; the unpacked files do not.
        openFile: (path, flags, mode) =>
          full && flags === 'wx' ? disk.openFile(path, flags, mode) : open(path, flags, mode),
      },
    })
    const body = serveArchive(weights, MODEL, MB)

    const failure = pullNow(weights)
    await expect(failure).rejects.toMatchObject({ code: 'DISK_FULL' })
    await expect(failure).rejects.toThrow(/download itself is complete and kept/)
    expect(fileSize(weights.partialOf(MODEL))).toBe(body.length)
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect(weights.rows()).toEqual([])

    full = false
    const sentBefore = weights.server.sentFor(weights.pathOf(MODEL))
    const artifact = await pullNow(weights)
    expect(artifact.sha256).toBe(sha256Hex(body))
    expect(weights.server.sentFor(weights.pathOf(MODEL))).toBe(sentBefore) // not one byte again
  })

  it('kill -9 during `zoo import` leaves leftovers that the next gc clears at once', async () => {
    const dataDir = tempDirForTest('zoo-killed-import')
    const archive = join(tempDirForTest('zoo-import'), `${MODEL}_infer.tar`)
    writeFileSync(
      archive,
      modelArchive(`${MODEL}_infer`, {
        ...paddleModelFiles(4096),
        ...Object.fromEntries(
          Array.from({ length: 128 }, (_, i) => [`part-${i}.bin`, randomBytes(256 * 1024)]),
        ),
      }),
    )
    const { extracted } = cacheDirs(dataDir)
    const leftovers = () =>
      listTree(dataDir).filter((p) =>
        /^cache\/(blobs|extracted)\/[^/]+(\.tmp|\.staging-[^/]+)$/.test(p),
      )
    for (let kill = 0; kill < 2; kill++) {
      const child = spawnZoo(['import', archive, '--model', MODEL, '--data-dir', dataDir])
      const exited = new Promise((resolve) => child.on('exit', resolve))
      onTestFinished(() => {
        child.kill('SIGKILL')
      })
      await waitFor(
        () =>
          existsSync(extracted) &&
          readdirSync(extracted).some((n) => n.includes(`.staging-${child.pid}-`)),
        'this import to be unpacking',
        20_000,
      )
      child.kill('SIGKILL')
      await exited
    }
    // Each killed import left its copy of the archive and its half-unpacked folder.
    expect(leftovers()).toHaveLength(4)

    const { core } = openTestCore({ dataDir })
    const report = await core.weights.gc()
    expect(report.leftovers).toBe(4)
    expect(leftovers()).toEqual([])
    expect(readdirSync(extracted)).toEqual([])
    // And the import then works.
    const artifact = await core.weights.import({ source: { path: archive }, modelId: MODEL })
    expect(artifact.contents?.format).toBe('paddle2')
  }, 60_000)

  it('a failed pull says how much of it is saved, not "0 B"', async () => {
    const weights = await openWeightsCore({ download: { retries: 1, retryDelayMs: 10 } })
    const body = serveArchive(weights, MODEL, 2 * MB)
    weights.server.fault(weights.pathOf(MODEL), { dropAfter: body.length / 4, ignoreRange: false })
    const { done } = weights.core.weights.pull({ modelId: MODEL })
    await expect(done).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' })
    const state = weights.core.weights.list().downloads[0]!
    expect(state.state).toBe('failed')
    expect(state.done).toBe(fileSize(weights.partialOf(MODEL)))
    expect(state.done).toBeGreaterThanOrEqual(body.length / 4)
  })
})

describe('plain-http mirrors', () => {
  it.each<[string, boolean]>([
    ['http://mirror.example.org/paddle', true],
    ['http://10.0.0.7:8080/', true],
    ['https://mirror.example.org/paddle', false],
    ['http://127.0.0.1:9999/', false],
    ['http://localhost:9999/', false],
    ['http://[::1]:9999/', false],
  ])('%s → warned: %s', (url, warned) => {
    expect(mirrorWarning(url) !== null).toBe(warned)
  })

  it('the settings and every download from such a mirror carry the warning', async () => {
    const weights = await openWeightsCore({ env: { ZOO_MIRROR: 'http://mirror.invalid/p' } })
    expect(weights.core.weights.settings().mirrorWarning).toMatch(/plain http.*https mirror/)
    const { state, done } = weights.core.weights.pull({ modelId: MODEL })
    expect(state.warning).toMatch(/mirror\.invalid is reached over plain http/)
    weights.core.weights.cancel(state.id)
    await done.catch(() => {})
  })
})
