/**
 * The bench service on real model hosts and real onnxruntime: a small generated model (and the
 * MobileNetV2 fixture when ../shared is there) swept over batch sizes and threads, each run
 * stored and never replaced, cancel keeping the points finished, a CPU hog beside the run
 * flagged as busy, and bad requests refused with their codes before any run is recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchProgress, BenchRun } from '@shared/contract'
import { passImages } from '../../../src/main/bench/benchRunner'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { canMakeFifos, makeFifo } from '../helpers/specialFiles'
import {
  call,
  errorOf,
  hostPidsNow,
  openFileCore,
  waitFor,
  type FileCore,
} from '../inference/helpers/inferenceCore'
import { encodeModel, FLOAT, tinyClassifier, writeModel } from '../inference/helpers/onnxBuilder'
import { writePng, noise } from '../inference/helpers/images'
import { haveShared, mobileNetV2 } from '../inference/helpers/sharedFixtures'

let files: FileCore
let dir: string
let tiny: string

/** Short points: enough to exercise every part, not to measure anything. */
const quick = { minRuns: 5, minDurationMs: 40 }

beforeAll(() => {
  files = openFileCore()
  dir = makeTempDir('zoo-bench')
  tiny = writeModel(dir, 'tiny.onnx', tinyClassifier({ classes: 10, inputSize: 32 }).bytes)
})
afterAll(() => {
  files?.close()
  if (dir) removeDir(dir)
})

async function started(input: Parameters<typeof call<'bench.start'>>[2]): Promise<BenchRun> {
  const result = await call(files.core, 'bench.start', input)
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}

async function finished(input: Parameters<typeof call<'bench.start'>>[2]): Promise<BenchRun> {
  return files.core.bench.wait((await started(input)).id)
}

describe('a benchmark run', () => {
  it('is stored with every point and its figures, and a second run adds one', async () => {
    const progress: BenchProgress[] = []
    const off = files.core.events.on('jobs.progress', (p) => {
      if (p.job === 'bench') progress.push(p)
    })
    const first = await finished({ model: { path: tiny }, batches: [2, 1], threads: [1], ...quick })
    off()
    expect(first.state).toBe('done')
    expect(first.spec).toMatchObject({
      batches: [1, 2],
      threads: [1],
      images: { source: 'samples', folder: null, count: 4 },
      minRuns: 5,
      minDurationMs: 40,
    })
    expect(first.points.map((p) => [p.batch, p.threads])).toEqual([
      [1, 1],
      [2, 1],
    ])
    for (const p of first.points) {
      expect(p.minMs).toBeGreaterThan(0)
      expect(p.minMs).toBeLessThanOrEqual(p.medianMs)
      expect(p.medianMs).toBeLessThanOrEqual(p.p90Ms)
      expect(p.p90Ms).toBeLessThanOrEqual(p.p99Ms)
      expect(p.p99Ms).toBeLessThanOrEqual(p.maxMs)
      expect(p.imagesPerSecond).toBeCloseTo((p.batch * 1000) / p.medianMs, 6)
      expect(p.runs).toBeGreaterThanOrEqual(5)
      expect(p.durationMs).toBeGreaterThanOrEqual(40)
      expect(p).toMatchObject({ minRunsMet: true, minDurationMet: true })
      expect(p.warmup.runs).toBeGreaterThanOrEqual(1)
      // A Node process with onnxruntime loaded is tens of MB at least.
      expect(p.peakRssBytes).toBeGreaterThan(20 * 2 ** 20)
      expect(p.load.ownCores).toBeGreaterThan(0)
      expect(p.load.otherCores).toBeGreaterThanOrEqual(0)
      // The four sample images, repeated to two full batches at least.
      expect(p.split).toMatchObject({ images: passImages(['a', 'b', 'c', 'd'], p.batch).length })
      expect(p.split!.failed).toBe(0)
      expect(p.split!.decodeMs).toBeGreaterThan(0)
      expect(p.split!.inferenceMs).toBeGreaterThan(0)
      expect(p.split!.postprocessMs).toBeGreaterThan(0)
      expect(p.timesMs).toHaveLength(p.runs)
    }
    expect(first.fingerprint).toMatchObject({
      cores: availableParallelism(),
      onnxRuntime: ort.env.versions.common,
      executionProvider: 'cpu',
      node: process.versions.node,
    })
    expect(first.fingerprint.cpuModel.length).toBeGreaterThan(0)
    expect(first.fingerprint.memoryBytes).toBeGreaterThan(0)
    expect(first.load.before.loadAverage).toBeGreaterThanOrEqual(0)
    expect(first.load.during).not.toBeNull()
    expect(first.load.busy).toBe(first.points.some((p) => p.busy))
    expect(first.model).toMatchObject({ ref: { path: tiny }, id: tiny, catalogId: null })
    expect(first.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    // Progress: kind 'bench' counted in points, the two points as they finished, the end.
    expect(progress.every((p) => p.id === first.id && p.unit === 'points' && p.total === 2)).toBe(
      true,
    )
    expect(progress.filter((p) => p.point).map((p) => [p.done, p.point!.batch])).toEqual([
      [1, 1],
      [2, 2],
    ])
    expect(progress.at(-1)).toMatchObject({ state: 'done', done: 2, current: null })
    // The bench hosts are stopped when the run ends.
    await waitFor('the bench hosts to stop', () => hostPidsNow().length === 0)

    const second = await finished({ model: { path: tiny }, batches: [1], threads: [1], ...quick })
    expect(second.id).not.toBe(first.id)
    const listed = await call(files.core, 'bench.list', { modelId: tiny })
    expect(listed.ok && listed.value.map((r) => r.id)).toEqual([second.id, first.id])
    // The first run is as it was; lists leave the per-run timings out.
    const again = await call(files.core, 'bench.get', { id: first.id })
    expect(again.ok && again.value).toEqual(first)
    expect(listed.ok && listed.value[1]!.points.every((p) => p.timesMs === undefined)).toBe(true)
    const count = files.core.db
      .prepare(
        'SELECT count(*) FROM bench_points p JOIN bench_runs r ON r.seq = p.run WHERE r.model_id = ?',
      )
      .pluck()
      .get(tiny)
    expect(count).toBe(3)
  })

  it('sweeps every thread count asked for, each batch size within it', async () => {
    const threads = availableParallelism() > 1 ? [2, 1] : [1]
    const run = await finished({ model: { path: tiny }, batches: [4, 1], threads, ...quick })
    expect(run.points.map((p) => [p.threads, p.batch])).toEqual(
      [...threads].sort().flatMap((t) => [
        [t, 1],
        [t, 4],
      ]),
    )
  })

  it('stops when cancelled and keeps the points finished before', async () => {
    const run = await started({
      model: { path: tiny },
      batches: [1, 2, 4, 8],
      threads: [1],
      minRuns: 5,
      minDurationMs: 400,
    })
    await new Promise<void>((resolve) => {
      const off = files.core.events.on('jobs.progress', (p) => {
        if (p.job !== 'bench' || p.id !== run.id || !p.point) return
        off()
        resolve()
      })
    })
    const cancelled = await call(files.core, 'bench.cancel', { id: run.id })
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled')
    const stored = files.core.bench.get(run.id)
    expect(stored.state).toBe('cancelled')
    expect(stored.points.length).toBeGreaterThanOrEqual(1)
    expect(stored.points.length).toBeLessThan(4)
    expect(stored.points[0]).toMatchObject({ batch: 1, minRunsMet: true })
    expect(stored.finishedAt).not.toBeNull()
    await waitFor('the bench host to stop', () => hostPidsNow().length === 0)
  })

  it('is one at a time: a second start is refused while it runs, and it goes on unharmed', async () => {
    const first = await started({
      model: { path: tiny },
      batches: [1, 2],
      threads: [1],
      minRuns: 5,
      minDurationMs: 300,
    })
    const second = errorOf(
      await call(files.core, 'bench.start', { model: { path: tiny }, threads: [1], ...quick }),
    )
    expect(second.code).toBe('UNAVAILABLE')
    expect(second.message).toContain(`Benchmark ${first.id} is running (pid ${process.pid})`)
    const ended = await files.core.bench.wait(first.id)
    expect(ended.state).toBe('done')
    expect(ended.points).toHaveLength(2)
    // Free again once it ended.
    expect(
      (await finished({ model: { path: tiny }, batches: [1], threads: [1], ...quick })).state,
    ).toBe('done')
  })

  it('is flagged busy when a CPU hog runs beside it on every core', async () => {
    const hogs: ChildProcess[] = []
    try {
      for (let i = 0; i < availableParallelism(); i++)
        hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
      await new Promise((resolve) => setTimeout(resolve, 200))
      const run = await finished({
        model: { path: tiny },
        batches: [1],
        threads: [1],
        minRuns: 5,
        minDurationMs: 1000,
      })
      expect(run.state).toBe('done')
      const [point] = run.points
      console.info(
        `with ${hogs.length} hogs: other processes used ${point!.load.otherCores.toFixed(2)} cores during the point, ${run.load.before.otherCores.toFixed(2)} before; the host ${point!.load.ownCores.toFixed(2)}`,
      )
      expect(point!.busy).toBe(true)
      expect(point!.load.otherCores).toBeGreaterThan(run.load.thresholdCores)
      expect(run.load).toMatchObject({ busy: true })
      expect(run.load.during!.maxOtherCores).toBe(point!.load.otherCores)
      expect(run.load.before.otherCores).toBeGreaterThan(run.load.thresholdCores)
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL')
    }
  })
})

describe('a benchmark of a fixed-batch model', () => {
  it('defaults to its batch size and refuses others', async () => {
    const fixed = writeModel(
      dir,
      'fixed2.onnx',
      encodeModel({
        nodes: [
          { opType: 'GlobalAveragePool', inputs: ['input'], outputs: ['pooled'] },
          {
            opType: 'Flatten',
            inputs: ['pooled'],
            outputs: ['logits'],
            attributes: [{ name: 'axis', i: 1 }],
          },
        ],
        inputs: [{ name: 'input', elemType: FLOAT, shape: [2, 3, 32, 32] }],
        outputs: [{ name: 'logits', elemType: FLOAT, shape: [2, 3] }],
      }),
    )
    const refused = errorOf(
      await call(files.core, 'bench.start', { model: { path: fixed }, batches: [1, 4], ...quick }),
    )
    expect(refused.code).toBe('INVALID_INPUT')
    expect(refused.message).toMatch(/batches of 2 only/)
    const run = await finished({ model: { path: fixed }, threads: [1], ...quick })
    expect(run.spec.batches).toEqual([2])
    expect(run.points).toHaveLength(1)
  })
})

describe.skipIf(!haveShared('the MobileNetV2 benchmark', [mobileNetV2.path]))(
  'a benchmark of the MobileNetV2 fixture attached to its catalog entry',
  () => {
    it('is listed under the catalog id by any of its names, with its SHA-256', async () => {
      const attached = await call(files.core, 'inference.attach', {
        source: { path: mobileNetV2.path },
        catalogId: 'MobileNetV2',
      })
      expect(attached.ok).toBe(true)
      const run = await finished({
        model: { catalogId: 'mobilenetv2' },
        batches: [1],
        threads: [1],
        minRuns: 5,
        minDurationMs: 200,
      })
      expect(run.state).toBe('done')
      expect(run.model).toMatchObject({
        id: 'MobileNetV2',
        catalogId: 'MobileNetV2',
        sha256: mobileNetV2.sha256,
        inputSize: 224,
      })
      // A real model: milliseconds per image, not microseconds.
      expect(run.points[0]!.medianMs).toBeGreaterThan(0.5)
      expect(run.points[0]!.split!.failed).toBe(0)
      const listed = await call(files.core, 'bench.list', { catalogId: 'MobileNetV2' })
      expect(listed.ok && listed.value.map((r) => r.id)).toEqual([run.id])
      const byName = await call(files.core, 'bench.list', { catalogId: 'mobilenetv2' })
      expect(byName.ok && byName.value.map((r) => r.id)).toEqual([run.id])
    })
  },
)

describe('bad requests', () => {
  const runsNow = () => files.core.bench.list({ limit: 500 }).length

  it.each([
    [
      'an unknown catalog model',
      { model: { catalogId: 'NoSuchNet_x9' } },
      'NOT_FOUND',
      /NoSuchNet/,
    ],
    [
      'a catalog model without local weights',
      { model: { catalogId: 'ResNet50' } },
      'MODEL_NOT_AVAILABLE',
      /no runnable weights/,
    ],
    ['batch 0', { model: { path: 'x.onnx' }, batches: [0] }, 'INVALID_INPUT', /at least 1/],
    ['batch 1.5', { model: { path: 'x.onnx' }, batches: [1.5] }, 'INVALID_INPUT', /whole/],
    [
      'threads 1000',
      { model: { path: 'x.onnx' }, threads: [1, 1000] },
      'INVALID_INPUT',
      new RegExp(`threads 1000: this machine has ${availableParallelism()} CPU`),
    ],
    ['a missing model file', { model: { path: '/nonexistent/m.onnx' } }, 'NOT_FOUND', /m\.onnx/],
    ['no batches', { model: { path: 'x.onnx' }, batches: [] }, 'INVALID_INPUT', /batches/],
  ])('%s: %s', async (_what, input, code, message) => {
    const before = runsNow()
    const error = errorOf(await call(files.core, 'bench.start', input as never))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(runsNow()).toBe(before)
  })

  it('an images folder that is missing, a file, empty of images', async () => {
    const file = join(dir, 'not-a-folder.txt')
    writeModel(dir, 'not-a-folder.txt', new Uint8Array([1]))
    const empty = join(dir, 'empty')
    mkdirSync(empty, { recursive: true })
    for (const [images, code, message] of [
      [join(dir, 'nope'), 'NOT_FOUND', /There is no folder/],
      [file, 'NOT_A_FILE', /is a file: give a folder/],
      [empty, 'INVALID_INPUT', /no images/],
    ] as const) {
      const error = errorOf(
        await call(files.core, 'bench.start', { model: { path: tiny }, images }),
      )
      expect(error.code).toBe(code)
      expect(error.message).toMatch(message)
    }
  })

  it.skipIf(!canMakeFifos('the FIFO images folder test'))(
    'a FIFO as the images folder is NOT_A_FILE at once',
    async () => {
      const fifo = makeFifo(dir, 'images.fifo')
      const started = performance.now()
      const error = errorOf(
        await call(files.core, 'bench.start', { model: { path: tiny }, images: fifo }),
      )
      expect(error.code).toBe('NOT_A_FILE')
      expect(error.message).toMatch(/FIFO/)
      expect(performance.now() - started).toBeLessThan(2000)
    },
  )

  it('an images folder of real images runs them', async () => {
    const photos = join(dir, 'photos')
    mkdirSync(photos, { recursive: true })
    for (let i = 0; i < 3; i++) await writePng(join(photos, `p${i}.png`), noise(60, 40, i + 1))
    const run = await finished({
      model: { path: tiny },
      images: photos,
      batches: [1],
      threads: [1],
      ...quick,
    })
    expect(run.spec.images).toEqual({ source: 'folder', folder: photos, count: 3 })
    expect(run.points[0]!.split).toMatchObject({ images: 3, failed: 0 })
  })

  it('an unknown or malformed run id', async () => {
    expect(errorOf(await call(files.core, 'bench.get', { id: '0123456789' })).code).toBe(
      'NOT_FOUND',
    )
    expect(errorOf(await call(files.core, 'bench.get', { id: 'nope' })).code).toBe('INVALID_INPUT')
    expect(errorOf(await call(files.core, 'bench.cancel', { id: '0123456789' })).code).toBe(
      'NOT_FOUND',
    )
    expect(errorOf(await call(files.core, 'bench.list', { catalogId: 'NoSuchNet_x9' })).code).toBe(
      'NOT_FOUND',
    )
  })
})

describe('a run whose process died', () => {
  it('reads as interrupted, with the points it finished', () => {
    const { store } = files.core.bench
    store.create({
      id: 'dead00dead',
      model: {
        ref: { path: tiny },
        id: tiny,
        name: 'tiny.onnx',
        catalogId: null,
        sha256: '0'.repeat(64),
        inputSize: 32,
      },
      spec: files.core.bench.list({ limit: 1 })[0]!.spec,
      fingerprint: files.core.bench.list({ limit: 1 })[0]!.fingerprint,
      before: { otherCores: 0, ownCores: 0, loadAverage: 0 },
      thresholdCores: 0.25,
      startedAt: new Date().toISOString(),
    })
    // No process holds its lease: it was never taken here, as after a kill -9.
    expect(files.core.bench.get('dead00dead')).toMatchObject({ state: 'interrupted', runner: null })
  })
})
