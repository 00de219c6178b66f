/**
 * Each model runs in its own host process: a host that dies mid-run fails only its request (with
 * MODEL_CRASHED, never a hang) and is replaced on the next call; the hosts kept are bounded
 * (LRU); closing the app leaves no host behind. Host processes are watched from outside with ps.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResult } from '@shared/contract'
import { openAppCore } from '../../../src/main/core/appCore'
import { InferenceService } from '../../../src/main/inference/inferenceService'
import { ModelStore } from '../../../src/main/inference/modelStore'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { valueOf } from '../helpers/results'
import { shippedLabels } from './helpers/catalogPlans'
import { gradient, sharpOf, solid, writePng } from './helpers/images'
import {
  call,
  errorOf,
  hostPids,
  isAlive,
  openFileCore,
  waitFor,
  type FileCore,
} from './helpers/inferenceCore'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'

let t: FileCore
let dir: string
let good: string
let big: string
/** Three different small models. */
const models: string[] = []

beforeAll(async () => {
  t = openFileCore()
  dir = makeTempDir('zoo-isolation')
  for (let i = 0; i < 3; i++) {
    const bias = [i, 0, 0.5 * i, 0]
    models.push(writeModel(dir, `model-${i}.onnx`, tinyClassifier({ bias }).bytes))
  }
  good = await writePng(join(dir, 'good.png'), solid(64, 48, [200, 30, 30]))
  // A 12-megapixel JPEG: a request of many of these keeps a host busy for seconds.
  big = join(dir, 'big.jpg')
  await sharpOf(gradient(4000, 3000)).jpeg({ quality: 90 }).toFile(big)
})
afterAll(() => {
  t?.close()
  if (dir) removeDir(dir)
})

function classify(model: string, images: string[], core = t.core) {
  return call(core, 'inference.classify', {
    model: { path: model },
    images: images.map((path) => ({ path })),
  })
}

/** Pids that are in `now` but were not in `before`. */
const added = (before: number[], now = hostPids()) => now.filter((pid) => !before.includes(pid))

describe('a host that dies', () => {
  it('mid-run: the pending request fails with MODEL_CRASHED, and the next call gets a new host', async () => {
    const before = hostPids()
    valueOf(await classify(models[0]!, [good]))
    const [pid] = added(before)
    expect(pid).toBeDefined()

    // 200 × 12 MP take many seconds; kill the host while it decodes them.
    const pending = classify(
      models[0]!,
      Array.from({ length: 200 }, () => big),
    )
    await new Promise((resolve) => setTimeout(resolve, 400))
    const killedAt = performance.now()
    process.kill(pid!, 'SIGKILL')
    const error = errorOf(await pending)
    expect(performance.now() - killedAt).toBeLessThan(3000)
    expect(error.code).toBe('MODEL_CRASHED')
    expect(error.message).toMatch(/SIGKILL/)
    await waitFor('the killed host to be reaped', () => !isAlive(pid!))

    const next = valueOf<ClassifyResult>(await classify(models[0]!, [good]))
    expect(next.loadMs).not.toBeNull()
    expect(next.results[0]!.ok).toBe(true)
    const replacement = added(before)
    expect(replacement).toHaveLength(1)
    expect(replacement[0]).not.toBe(pid)
  })

  it('between calls: the next call starts a new host and succeeds', async () => {
    const before = hostPids()
    valueOf(await classify(models[1]!, [good]))
    const [pid] = added(before)
    const warm = valueOf<ClassifyResult>(await classify(models[1]!, [good]))
    expect(warm.loadMs).toBeNull() // reused while it lives

    process.kill(pid!, 'SIGKILL')
    await waitFor('the killed host to be reaped', () => !isAlive(pid!))
    const next = valueOf<ClassifyResult>(await classify(models[1]!, [good]))
    expect(next.loadMs).not.toBeNull()
    expect(next.results[0]!.ok).toBe(true)
  })

  it('unloading a model while it runs cancels its request instead of leaving it hanging', async () => {
    valueOf(await classify(models[2]!, [good]))
    const pending = classify(
      models[2]!,
      Array.from({ length: 200 }, () => big),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    const pids = hostPids()
    t.core.inference.dispose()
    expect(errorOf(await pending).code).toBe('CANCELLED')
    await waitFor('every host to exit', () => pids.every((pid) => !isAlive(pid)))
    // The service still works afterwards.
    expect(valueOf<ClassifyResult>(await classify(models[2]!, [good])).results[0]!.ok).toBe(true)
  })
})

describe('sharing hosts', () => {
  it('concurrent first calls for one model start a single host', async () => {
    const before = hostPids()
    const fresh = writeModel(dir, 'fresh.onnx', tinyClassifier({ bias: [3, 2, 1, 0] }).bytes)
    const results = await Promise.all(
      Array.from({ length: 3 }, () => classify(fresh, [good, good])),
    )
    for (const result of results) {
      expect(valueOf<ClassifyResult>(result).results.every((r) => r.ok)).toBe(true)
    }
    expect(added(before)).toHaveLength(1)
  })
})

describe('the LRU of hosts', () => {
  function service(maxHosts: number) {
    return new InferenceService({
      dataDir: t.dataDir,
      catalog: t.core.catalog,
      uploads: t.core.uploads,
      store: new ModelStore(t.dataDir, t.core.db, () => null),
      imagenetLabels: shippedLabels,
      maxHosts,
      intraOpThreads: 1,
    })
  }

  async function loadMs(s: InferenceService, model: string): Promise<number | null> {
    const result = await s.classify({ model: { path: model }, images: [{ path: good }] })
    expect(result.results[0]!.ok).toBe(true)
    return result.loadMs
  }

  it('keeps at most one host with maxHosts 1', async () => {
    const before = hostPids()
    const s = service(1)
    try {
      expect(await loadMs(s, models[0]!)).not.toBeNull()
      expect(await loadMs(s, models[0]!)).toBeNull()
      expect(await loadMs(s, models[1]!)).not.toBeNull()
      await waitFor('one host', () => added(before).length === 1)
      expect(await loadMs(s, models[0]!)).not.toBeNull() // evicted, so loaded again
      await waitFor('one host', () => added(before).length === 1)
    } finally {
      s.dispose()
    }
    await waitFor('no host', () => added(before).length === 0)
  })

  it('with maxHosts 2 stops the least recently used', async () => {
    const before = hostPids()
    const s = service(2)
    try {
      for (const model of models) expect(await loadMs(s, model)).not.toBeNull()
      await waitFor('two hosts', () => added(before).length === 2)
      // models[0] was the least recently used: gone. 1 and 2 are still loaded.
      expect(await loadMs(s, models[1]!)).toBeNull()
      expect(await loadMs(s, models[2]!)).toBeNull()
      expect(await loadMs(s, models[0]!)).not.toBeNull()
      // Now models[1] was the least recently used.
      expect(await loadMs(s, models[2]!)).toBeNull()
      expect(await loadMs(s, models[1]!)).not.toBeNull()
      await waitFor('two hosts', () => added(before).length === 2)
    } finally {
      s.dispose()
    }
  })
})

describe('the LRU and work in progress', () => {
  it('making room for another model does not cancel a request still running on the evicted one', async () => {
    const s = new InferenceService({
      dataDir: t.dataDir,
      catalog: t.core.catalog,
      uploads: t.core.uploads,
      store: new ModelStore(t.dataDir, t.core.db, () => null),
      imagenetLabels: shippedLabels,
      maxHosts: 1,
      intraOpThreads: 1,
    })
    try {
      await s.classify({ model: { path: models[0]! }, images: [{ path: good }] })
      // A batch of 60 × 12 MP on one model (a couple of seconds)...
      const batch = s.classify({
        model: { path: models[0]! },
        images: Array.from({ length: 60 }, () => ({ path: big })),
      })
      await new Promise((resolve) => setTimeout(resolve, 100))
      // ...while the user tries another model.
      const other = await s.classify({ model: { path: models[1]! }, images: [{ path: good }] })
      expect(other.results[0]!.ok).toBe(true)
      const outcome = await batch.then(
        (result) => result.results.filter((r) => r.ok).length,
        (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
      )
      expect(outcome).toBe(60)
    } finally {
      s.dispose()
    }
  })
})

describe('closing the app', () => {
  it('leaves no host process behind', async () => {
    const dataDir = makeTempDir('zoo-close')
    const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
    const before = hostPids()
    try {
      for (const model of models.slice(0, 2)) valueOf(await classify(model, [good], core))
      const hosts = added(before)
      expect(hosts).toHaveLength(2)
      core.close()
      await waitFor('the hosts to exit', () => hosts.every((pid) => !isAlive(pid)))
    } finally {
      core.close()
      removeDir(dataDir)
    }
  })
})
