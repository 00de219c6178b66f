/**
 * SHA-256 (and MD5 when asked) of a byte stream, computed on a worker thread: hashing both at
 * once costs more than receiving and writing, so on the main thread it caps a download's speed
 * and stalls the app's event loop for every block.
 */
import { Worker } from 'node:worker_threads'

export interface DigestResult {
  sha256: string
  md5: string | null
  size: number
}

// Inline so the worker needs no separate bundle entry; it only uses Node's own modules.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync, existsSync } = require('node:fs')
const sha = createHash('sha256')
const md5 = workerData.withMd5 ? createHash('md5') : null
let size = 0
const add = (bytes) => { sha.update(bytes); if (md5) md5.update(bytes); size += bytes.length }
parentPort.on('message', (message) => {
  try {
    if (message.op === 'block') {
      add(message.bytes)
      parentPort.postMessage({ op: 'ack' })
    } else if (message.op === 'file') {
      if (existsSync(message.path)) {
        const fd = openSync(message.path, 'r')
        const buffer = Buffer.allocUnsafe(1 << 20)
        try {
          for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) add(buffer.subarray(0, n))
        } finally {
          closeSync(fd)
        }
      }
      parentPort.postMessage({ op: 'reply', size })
    } else if (message.op === 'digest') {
      parentPort.postMessage({ op: 'reply', sha256: sha.digest('hex'), md5: md5 ? md5.digest('hex') : null, size })
    }
  } catch (error) {
    parentPort.postMessage({ op: 'error', message: error.message })
  }
})
`

/** Blocks posted but not yet hashed before `update` waits: bounds the memory a slow hash holds. */
const MAX_QUEUED_BLOCKS = 8

export class OffThreadDigest {
  /** Bytes handed over so far (hashed or queued). */
  size = 0
  private readonly worker: Worker
  private queued = 0
  private drained: (() => void) | null = null
  private readonly replies: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = []
  private failure: Error | null = null

  constructor(withMd5: boolean) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { withMd5 } })
    this.worker.on('message', (message: { op: string; message?: string }) => {
      if (message.op === 'ack') {
        this.queued--
        this.drained?.()
        this.drained = null
      } else if (message.op === 'error') {
        this.fail(new Error(`hashing failed: ${message.message}`))
      } else {
        this.replies.shift()?.resolve(message)
      }
    })
    this.worker.on('error', (error) => this.fail(error))
    this.worker.on('exit', () => this.fail(new Error('the hashing thread stopped')))
  }

  /** Hands a block over (copied); waits only while too many blocks are still unhashed. */
  async update(block: Buffer): Promise<void> {
    if (this.failure) throw this.failure
    this.size += block.length
    this.queued++
    this.worker.postMessage({ op: 'block', bytes: block })
    while (this.queued > MAX_QUEUED_BLOCKS && !this.failure) {
      await new Promise<void>((resolve) => (this.drained = resolve))
    }
    if (this.failure) throw this.failure
  }

  /** Hashes a file's bytes on the worker (a partial download being resumed). */
  async addFile(path: string): Promise<void> {
    const reply = (await this.request({ op: 'file', path })) as { size: number }
    this.size = reply.size
  }

  async result(): Promise<DigestResult> {
    const { sha256, md5, size } = (await this.request({ op: 'digest' })) as DigestResult
    return { sha256, md5, size }
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }

  private request(message: object): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.replies.push({ resolve, reject })
      this.worker.postMessage(message)
    })
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const reply of this.replies.splice(0)) reply.reject(error)
    this.drained?.()
    this.drained = null
  }
}
