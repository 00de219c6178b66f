/**
 * Cancelling: a request whose signal aborts ends at once with CANCELLED, its chunks not yet run
 * are dropped by the host (so the next request does not wait behind them), the host stays alive;
 * over HTTP a caller that goes away cancels its request the same way. Hosts are kept per (model,
 * threads, slot), and runImages streams every result exactly once.
 */
import { getEventListeners } from 'node:events'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResult } from '@shared/contract'
import { nodeHostLauncher } from '../../../src/main/inference/host/hostLauncher'
import { HostPool } from '../../../src/main/inference/hostPool'
import { runImages } from '../../../src/main/inference/runImages'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import type { HostImageResult } from '../../../src/main/inference/host/hostProtocol'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { startTestServer } from '../helpers/testServer'
import { valueOf } from '../helpers/results'
import { gradient, sharpOf, solid, writePng } from './helpers/images'
import { hostPids, isAlive, openFileCore, type FileCore } from './helpers/inferenceCore'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'

let t: FileCore
let dir: string
let model: string
let good: string
let big: string

beforeAll(async () => {
  t = openFileCore()
  dir = makeTempDir('zoo-cancel')
  model = writeModel(dir, 'model.onnx', tinyClassifier({}).bytes)
  good = await writePng(join(dir, 'good.png'), solid(64, 48, [200, 30, 30]))
  // 12-megapixel JPEGs: 200 of them keep a host busy for many seconds.
  big = join(dir, 'big.jpg')
  await sharpOf(gradient(4000, 3000)).jpeg({ quality: 90 }).toFile(big)
})
afterAll(() => {
  t?.close()
  if (dir) removeDir(dir)
})

const request = (images: string[]) => ({
  model: { path: model },
  images: images.map((path) => ({ path })),
})
const many = () => Array.from({ length: 200 }, () => big)

describe('cancelling a request', () => {
  it('through its signal: CANCELLED at once; the host keeps running and drops the rest', async () => {
    valueOf(await t.core.dispatch('inference.classify', request([good]), { face: 'test' }))
    const [pid] = hostPids()
    const controller = new AbortController()
    const pending = t.core.dispatch('inference.classify', request(many()), {
      face: 'test',
      signal: controller.signal,
    })
    await new Promise((resolve) => setTimeout(resolve, 400))
    const abortedAt = performance.now()
    controller.abort()
    const result = await pending
    expect(performance.now() - abortedAt).toBeLessThan(500)
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })

    // The same host answers the next request without working through the 200 images first.
    const started = performance.now()
    const next = valueOf<ClassifyResult>(
      await t.core.dispatch('inference.classify', request([good]), { face: 'test' }),
    )
    expect(next.results[0]!.ok).toBe(true)
    expect(next.loadMs).toBeNull() // no restart: the same process
    expect(performance.now() - started).toBeLessThan(2500)
    expect(hostPids()).toEqual([pid])
    expect(isAlive(pid!)).toBe(true)
  }, 30_000)

  it('leaves no listener on a signal that outlives its requests (a batch job keeps one for hours)', async () => {
    const controller = new AbortController()
    for (let i = 0; i < 15; i++) {
      const result = await t.core.dispatch('inference.classify', request([good, good]), {
        face: 'test',
        signal: controller.signal,
      })
      expect(result.ok).toBe(true)
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  }, 30_000)

  it('over HTTP: a caller that goes away cancels its request', async () => {
    const test = await startTestServer()
    const { origin, token } = test.server
    const controller = new AbortController()
    const call = (input: object, signal?: AbortSignal) =>
      fetch(`${origin}/api/invoke/inference.classify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
        ...(signal ? { signal } : {}),
      })
    try {
      expect((await (await call(request([good]))).json()) as { ok: boolean }).toMatchObject({
        ok: true,
      }) // the host is loaded
      const abandoned = call(request(many()), controller.signal).catch(() => null)
      await new Promise((resolve) => setTimeout(resolve, 400))
      controller.abort()
      await abandoned
      const started = performance.now()
      const next = (await (await call(request([good]))).json()) as { ok: boolean }
      expect(next.ok).toBe(true)
      // Had the abandoned request gone on, this one would wait behind ~200 12 MP decodes.
      expect(performance.now() - started).toBeLessThan(2500)
    } finally {
      await test.close()
    }
  }, 30_000)
})

describe('hosts kept per (model, threads, slot)', () => {
  it('gives one host per shape and stops them all when the model is dropped', async () => {
    const pool = new HostPool({ launcher: nodeHostLauncher, maxHosts: 4, intraOpThreads: 2 })
    const target = { key: 'm', path: model, label: 'model.onnx' }
    try {
      const before = hostPids()
      const a = await pool.get(target, { threads: 1, slot: 0 })
      const b = await pool.get(target, { threads: 1, slot: 1 })
      const c = await pool.get(target)
      const again = await pool.get(target, { threads: 1, slot: 1 })
      const pids = [a, b, c].map((x) => x.loaded.host.pid)
      expect(new Set(pids).size).toBe(3)
      expect(again.loaded.host.pid).toBe(b.loaded.host.pid)
      expect(again.loadMs).toBeNull()
      expect(hostPids().filter((p) => !before.includes(p))).toHaveLength(3)
      pool.drop('m')
      expect([a, b, c].every((x) => !x.loaded.host.running)).toBe(true)
    } finally {
      pool.dispose()
    }
  })
})

describe('runImages streams its results', () => {
  it('each image once, in chunks as they come, failures included', async () => {
    const pool = new HostPool({ launcher: nodeHostLauncher, maxHosts: 1, intraOpThreads: 1 })
    const target = { key: 'stream', path: model, label: 'model.onnx' }
    try {
      const images = Array.from({ length: 21 }, (_, i) => ({
        key: String(i),
        path: i === 7 ? join(dir, 'missing.png') : good,
      }))
      const chunks: HostImageResult[][] = []
      const results = await runImages({
        images,
        plan: planFromInputSize(32),
        batchSize: 4,
        host: async () => (await pool.get(target)).loaded.host,
        onResults: (chunk) => chunks.push(chunk),
      })
      expect(chunks.map((chunk) => chunk.length)).toEqual([4, 4, 4, 4, 4, 1])
      const keys = chunks.flat().map((r) => r.key)
      expect(keys.sort()).toEqual(images.map((i) => i.key).sort())
      expect(results.get('7')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      expect([...results.values()].filter((r) => r.ok)).toHaveLength(20)
    } finally {
      pool.dispose()
    }
  })
})
