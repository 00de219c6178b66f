/**
 * Weights download benchmark: a 200 MB file over loopback HTTP (served by a child process, as a
 * mirror on this machine would be) through
 *   - resumableDownload (SHA-256 + MD5 on a worker thread, 1 MB writes, fsync) and the commit (fsync, rename,
 *     fsync of the folder), and
 *   - the whole service (`weights.pull` of a .pdparams: download, commit, manifest row), and
 *   - the whole service on an inference archive of the same size (download, the tar checked and
 *     unpacked, the Paddle program and params file checked, commit), against two plain copies
 *     (what it writes: the archive and its unpacked files),
 * each with its peak RSS above the baseline (sampled every 50 ms; it should stay flat), compared
 * with a plain fs.copyFile of the same file measured in the same run. A breakdown says where the
 * time goes: hashing alone, receiving alone, and a bare receive-hash-write loop with the hashing on
 * the receiving thread (what the downloader did before it moved hashing to a worker), with 64 KB
 * writes awaited one by one, 1 MB writes with one in flight, and SHA-256 only.
 * Target: ≥ 200 MB/s.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { copyFile, open, rename, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { openAppCore } from '../src/main/core/appCore'
import { paddleModelFiles } from '../test/support/paddle/modelFiles'
import { modelArchive } from '../test/support/ustar'
import { resumableDownload } from '../src/main/weights/resumableDownload'

const MB = 1024 * 1024
const SIZE = 200 * MB
const RUNS = 5
const TARGET_MBPS = 200
/** A PaddleClas model whose pretrained weights (.pdparams: no extraction) the service pulls. */
const MODEL = 'ResNet50_vd'

/** Serves one file for every path, with an MD5 ETag as PaddleClas's host does. */
const SERVER_SOURCE = `
import http from 'node:http'
import fs from 'node:fs'
import { createHash } from 'node:crypto'
const file = process.argv[1]
const size = fs.statSync(file).size
const md5 = createHash('md5')
for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) md5.update(chunk)
const etag = '"' + md5.digest('hex') + '"'
const server = http.createServer((req, res) => {
  res.writeHead(200, {
    'content-length': String(size),
    etag,
    'last-modified': new Date(0).toUTCString(),
    'accept-ranges': 'bytes',
  })
  fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res)
})
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
`

function startServer(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER_SOURCE, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the file server exited (${code})`)))
    child.stdout!.once('data', (data: Buffer) =>
      resolve({ url: `http://127.0.0.1:${String(data).trim()}`, child }),
    )
  })
}

/** Random bytes framed as a pickle (protocol opcode first, STOP last): what the cache checks of a .pdparams. */
async function writeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < size; written += 8 * MB) {
      const block = randomBytes(Math.min(8 * MB, size - written))
      if (written === 0) block.set([0x80, 0x04])
      if (written + block.length === size) block[block.length - 1] = 0x2e
      await handle.write(block)
    }
  } finally {
    await handle.close()
  }
}

/** Peak RSS above the value when sampling started, sampled every 50 ms. */
function sampleRss(): () => number {
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  return () => {
    clearInterval(timer)
    peak = Math.max(peak, process.memoryUsage().rss)
    return peak - baseline
  }
}

interface Measure {
  seconds: number
  rssDelta: number
}

async function measure(run: () => Promise<unknown>, cleanup: () => Promise<unknown>, runs = RUNS) {
  const results: Measure[] = []
  for (let i = 0; i < runs; i++) {
    await cleanup()
    const stop = sampleRss()
    const start = performance.now()
    await run()
    const seconds = (performance.now() - start) / 1000
    results.push({ seconds, rssDelta: stop() })
  }
  await cleanup()
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds)
  return {
    median: sorted[Math.floor(sorted.length / 2)]!.seconds,
    best: sorted[0]!.seconds,
    rssPeak: Math.max(...results.map((r) => r.rssDelta)),
  }
}

/** The service's commit: fsync the file, rename it into place, fsync the folder. */
async function commit(from: string, to: string, dir: string): Promise<void> {
  const handle = await open(from, 'r')
  await handle.sync()
  await handle.close()
  await rename(from, to)
  const folder = await open(dir, 'r')
  await folder.sync().catch(() => {})
  await folder.close()
}

function get(url: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': 'identity' } }, resolve).on('error', reject)
  })
}

interface LoopOptions {
  /** Hashes computed on this thread as chunks arrive. */
  hashes: string[]
  /** Write each chunk as it comes (awaited), or gather blocks of this size. */
  block: 'chunk' | number
  /** Keep one write in flight while the next block is received and hashed. */
  overlap: boolean
  /** Skip the disk altogether. */
  discard?: boolean
}

/** A bare receive-hash-write loop, hashing on this thread, with its parts varied. */
async function loop(url: string, path: string, options: LoopOptions): Promise<number> {
  const response = await get(url)
  const hashes = options.hashes.map((name) => createHash(name))
  const file = options.discard ? null : await open(path, 'w')
  let chunks = 0
  let pending: Promise<unknown> = Promise.resolve()
  let gathered: Buffer[] = []
  let gatheredBytes = 0
  const write = async (data: Buffer) => {
    if (!file) return
    if (options.overlap) {
      await pending
      pending = file.write(data)
    } else await file.write(data)
  }
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks++
    for (const hash of hashes) hash.update(chunk)
    if (options.block === 'chunk') {
      await write(chunk)
      continue
    }
    gathered.push(chunk)
    gatheredBytes += chunk.length
    if (gatheredBytes >= options.block) {
      const data = Buffer.concat(gathered, gatheredBytes)
      gathered = []
      gatheredBytes = 0
      await write(data)
    }
  }
  if (gatheredBytes) await write(Buffer.concat(gathered, gatheredBytes))
  await pending
  for (const hash of hashes) hash.digest()
  if (file) {
    await file.sync()
    await file.close()
  }
  return chunks
}

function hashRate(algorithms: string[], chunkSize: number): number {
  const chunk = randomBytes(chunkSize)
  const hashes = algorithms.map((a) => createHash(a))
  const start = performance.now()
  for (let done = 0; done < SIZE; done += chunkSize) for (const h of hashes) h.update(chunk)
  for (const h of hashes) h.digest()
  return SIZE / MB / ((performance.now() - start) / 1000)
}

const mbps = (seconds: number) => SIZE / MB / seconds
const f1 = (value: number) => value.toFixed(1)
const line = (label: string, text: string) => console.log(`  ${label.padEnd(44)} ${text}`)

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-bench-weights-'))
  let server: ChildProcess | null = null
  try {
    const source = join(dir, 'source.bin')
    await writeRandomFile(source, SIZE)
    const started = await startServer(source)
    server = started.child
    const url = `${started.url}/dygraph/file.pdparams`
    console.log(
      `Weights download: ${SIZE / MB} MB over loopback HTTP (server in a child process), ` +
        `${availableParallelism()} cores, median of ${RUNS} runs`,
    )

    // 1. The reference: a plain copy of the same file (and one made durable, for fairness).
    const copy = join(dir, 'copy.bin')
    const plain = await measure(
      () => copyFile(source, copy),
      () => rm(copy, { force: true }),
    )
    const durable = await measure(
      async () => {
        await copyFile(source, copy)
        const handle = await open(copy, 'r')
        await handle.sync()
        await handle.close()
      },
      () => rm(copy, { force: true }),
    )

    // 2. The downloader + commit.
    const partial = join(dir, 'file.partial')
    const committed = join(dir, 'blob')
    const downloaded = await measure(
      async () => {
        const result = await resumableDownload({ url, partialPath: partial, retries: 0 })
        if (result.size !== SIZE) throw new Error(`downloaded ${result.size} bytes`)
        await commit(partial, committed, dir)
        await rm(`${partial}.json`, { force: true })
      },
      async () => {
        await rm(committed, { force: true })
        await rm(partial, { force: true })
      },
    )

    // 3. The whole service: weights.pull of a .pdparams, manifest row included.
    const dataDir = join(dir, 'data')
    const core = openAppCore({
      dataDir,
      host: 'cli',
      env: { ZOO_MIRROR: started.url },
      log: () => {},
    })
    let pulled
    try {
      const pretrained = core.catalog.get(MODEL).model.downloads.pretrained!
      const path = new URL(pretrained).pathname
      const pullUrl = `${started.url}${path}`
      pulled = await measure(
        async () => {
          const artifact = await core.weights.pull({ modelId: MODEL, kind: 'pretrained' }).done
          if (artifact.size !== SIZE || artifact.url !== pullUrl) throw new Error('wrong artifact')
        },
        () => core.weights.remove(`${MODEL}:pretrained`),
      )
    } finally {
      core.close()
    }

    // 4. The whole service on an inference archive: download, check, unpack, commit.
    const archiveFile = join(dir, 'archive.tar')
    await writeFile(archiveFile, modelArchive(`${MODEL}_infer`, paddleModelFiles(SIZE)))
    const archiveServer = await startServer(archiveFile)
    const archiveSize = statSync(archiveFile).size
    let unpacked
    let twoCopies
    try {
      const archiveCore = openAppCore({
        dataDir: join(dir, 'data-archive'),
        host: 'cli',
        env: { ZOO_MIRROR: archiveServer.url },
        log: () => {},
      })
      try {
        unpacked = await measure(
          async () => {
            const artifact = await archiveCore.weights.pull({ modelId: MODEL }).done
            if (artifact.size !== archiveSize || artifact.verification.structure?.params !== 1)
              throw new Error('wrong artifact')
          },
          () => archiveCore.weights.remove(`${MODEL}:inference`),
        )
      } finally {
        archiveCore.close()
      }
      const second = join(dir, 'copy2.bin')
      twoCopies = await measure(
        async () => {
          await copyFile(archiveFile, copy)
          await copyFile(archiveFile, second)
        },
        async () => {
          await rm(copy, { force: true })
          await rm(second, { force: true })
        },
      )
    } finally {
      archiveServer.child.kill()
    }

    // 5. Where the time goes.
    const sink = join(dir, 'sink.bin')
    let chunkCount = 0
    const variant = async (options: LoopOptions) => {
      const result = await measure(
        async () => {
          chunkCount = await loop(url, sink, options)
        },
        () => rm(sink, { force: true }),
        3,
      )
      return f1(mbps(result.median))
    }
    const both = ['sha256', 'md5']
    const receiveOnly = await variant({ hashes: [], block: 'chunk', overlap: false, discard: true })
    const receiveWrite = await variant({ hashes: [], block: 'chunk', overlap: false })
    const asToday = await variant({ hashes: both, block: 'chunk', overlap: false })
    const blocks = await variant({ hashes: both, block: MB, overlap: true })
    const shaOnly = await variant({ hashes: ['sha256'], block: MB, overlap: true })
    const chunkKb = SIZE / chunkCount / 1024

    const ratio = (seconds: number) => (plain.median / seconds).toFixed(2)
    line('fs.copyFile', `${f1(mbps(plain.median))} MB/s  (best ${f1(mbps(plain.best))})`)
    line('fs.copyFile + fsync', `${f1(mbps(durable.median))} MB/s`)
    line(
      'resumableDownload + commit (fsync, rename)',
      `${f1(mbps(downloaded.median))} MB/s  (best ${f1(mbps(downloaded.best))})  ` +
        `peak RSS +${f1(downloaded.rssPeak / MB)} MB  ratio to copyFile ${ratio(downloaded.median)}`,
    )
    line(
      'weights.pull (service, .pdparams)',
      `${f1(mbps(pulled.median))} MB/s  (best ${f1(mbps(pulled.best))})  ` +
        `peak RSS +${f1(pulled.rssPeak / MB)} MB  ratio to copyFile ${ratio(pulled.median)}`,
    )
    const archiveMbps = (seconds: number) => archiveSize / MB / seconds
    line(
      'weights.pull (service, inference .tar)',
      `${f1(archiveMbps(unpacked.median))} MB/s  (best ${f1(archiveMbps(unpacked.best))})  ` +
        `peak RSS +${f1(unpacked.rssPeak / MB)} MB  ratio to two copyFiles ` +
        `(${f1(archiveMbps(twoCopies.median))} MB/s) ${(twoCopies.median / unpacked.median).toFixed(2)}`,
    )
    const verdict = mbps(pulled.median) >= TARGET_MBPS ? 'met' : 'NOT met'
    console.log(`  target ≥ ${TARGET_MBPS} MB/s (service, median): ${verdict}`)
    console.log('  breakdown, this thread:')
    line(
      '  hashing 64 KB chunks: SHA-256 | MD5 | both',
      `${f1(hashRate(['sha256'], 64 * 1024))} | ${f1(hashRate(['md5'], 64 * 1024))} | ` +
        `${f1(hashRate(['sha256', 'md5'], 64 * 1024))} MB/s`,
    )
    line(
      '  HTTP receive: discard | + await each write',
      `${receiveOnly} | ${receiveWrite} MB/s  (mean chunk ${f1(chunkKb)} KB)`,
    )
    line('  + SHA-256 + MD5 on this thread', `${asToday} MB/s`)
    line('  same, 1 MB writes, one in flight', `${blocks} MB/s`)
    line('  same, SHA-256 only', `${shaOnly} MB/s`)
  } finally {
    server?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
