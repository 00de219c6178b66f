/**
 * Each model runs in its own host process. A host that dies mid-run is replaced and what it
 * had not finished is rerun, so every image still gets its result; an image that kills a fresh
 * host on its own gets MODEL_CRASHED; a model that keeps crashing ends the request promptly
 * (MODEL_CRASHED for what was not done, never a hang or an endless restart loop); a host found
 * dead when a request arrives is replaced unnoticed. The hosts kept are bounded (LRU); closing
 * the app leaves no host behind. Host processes are watched (and killed) from outside.
 */
import { existsSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResult, ImageClassification } from '@shared/contract'
import { openAppCore } from '../../../src/main/core/appCore'
import { InferenceService } from '../../../src/main/inference/inferenceService'
import { ModelStore } from '../../../src/main/inference/modelStore'
import { MAX_CRASHES_IN_A_ROW } from '../../../src/main/inference/runImages'
import { sparseFile } from '../helpers/specialFiles'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { valueOf } from '../helpers/results'
import { shippedLabels } from './helpers/catalogPlans'
import { COLOUR_MODEL, expectColourScores } from './helpers/expected'
import { gradient, sharpOf, solid, writePng, type Rgb } from './helpers/images'
import {
  call,
  errorOf,
  hasOpen,
  hostPids,
  isAlive,
  killHostsWhen,
  openFileCore,
  waitFor,
  type FileCore,
} from './helpers/inferenceCore'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'

type Colour = [number, number, number]
const RED: Colour = [230, 20, 20]
const GREEN: Colour = [15, 210, 40]
const BLUE: Colour = [30, 40, 220]

let t: FileCore
let dir: string
let good: string
let big: string
/** Three 12-megapixel JPEGs with different colour balances (so different scores). */
const bigs: string[] = []
/** Three different small models. */
const models: string[] = []
const colourModel = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
let colour: string

/** `image` with each channel scaled by its factor. */
function tinted(image: Rgb, factors: Colour): Rgb {
  const data = new Uint8Array(image.data.length)
  for (let i = 0; i < data.length; i++) data[i] = Math.round(image.data[i]! * factors[i % 3]!)
  return { ...image, data }
}

beforeAll(async () => {
  t = openFileCore()
  dir = makeTempDir('zoo-isolation')
  for (let i = 0; i < 3; i++) {
    const bias = [i, 0, 0.5 * i, 0]
    models.push(writeModel(dir, `model-${i}.onnx`, tinyClassifier({ bias }).bytes))
  }
  colour = writeModel(dir, 'colour.onnx', colourModel.bytes)
  good = await writePng(join(dir, 'good.png'), solid(64, 48, [200, 30, 30]))
  // A 12-megapixel JPEG: a request of many of these keeps a host busy for seconds.
  const ramp = gradient(4000, 3000)
  big = join(dir, 'big.jpg')
  await sharpOf(ramp).jpeg({ quality: 90 }).toFile(big)
  const tints: Colour[] = [
    [1, 1, 1],
    [0.3, 1, 1],
    [1, 1, 0.2],
  ]
  for (const [i, factors] of tints.entries()) {
    const path = join(dir, `big-${i}.jpg`)
    await sharpOf(tinted(ramp, factors)).jpeg({ quality: 90 }).toFile(path)
    bigs.push(path)
  }
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The same top classes and probabilities (batched and single runs may differ in the last bits). */
function expectSameScores(actual: ImageClassification | undefined, expected: ImageClassification) {
  if (!actual?.ok || !expected.ok)
    throw new Error(`expected two results, got ${JSON.stringify(actual?.ok ? 'ok' : actual)}`)
  expect(actual.top.map((s) => s.index)).toEqual(expected.top.map((s) => s.index))
  actual.top.forEach((s, i) => expect(s.probability).toBeCloseTo(expected.top[i]!.probability, 5))
}

describe('a host that dies', () => {
  it('mid-run: a new host takes over and every image still gets its correct result', async () => {
    const before = hostPids()
    const reference = valueOf(await classify(models[0]!, bigs)).results
    const [pid] = added(before)
    expect(pid).toBeDefined()

    const images = Array.from({ length: 16 }, (_, i) => bigs[i % 3]!)
    let settled = false
    const pending = classify(models[0]!, images).finally(() => (settled = true))
    await sleep(400)
    expect(settled).toBe(false) // still running when its host is killed
    process.kill(pid!, 'SIGKILL')
    const result = valueOf(await pending)
    expect(result.results).toHaveLength(16)
    result.results.forEach((r, i) => {
      expect(r.image).toBe(images[i])
      expectSameScores(r, reference[i % 3]!)
    })
    await waitFor('the killed host to be reaped', () => !isAlive(pid!))
    const replacement = added(before)
    expect(replacement).toHaveLength(1)
    expect(replacement[0]).not.toBe(pid)
  })

  it('while idle: a classify right after the kill gets a new host and succeeds', async () => {
    const before = hostPids()
    valueOf(await classify(models[1]!, [good]))
    const [pid] = added(before)
    const warm = valueOf(await classify(models[1]!, [good]))
    expect(warm.loadMs).toBeNull() // reused while it lives

    process.kill(pid!, 'SIGKILL')
    // At once: the app may not have noticed the exit yet.
    const next = valueOf(await classify(models[1]!, [good]))
    expect(next.loadMs).not.toBeNull()
    expect(next.results[0]!.ok).toBe(true)
    await waitFor('the killed host to be reaped', () => !isAlive(pid!))
    const replacement = added(before)
    expect(replacement).toHaveLength(1)
    expect(replacement[0]).not.toBe(pid)
  })

  it.skipIf(!existsSync('/proc/self/fd'))(
    'an image that kills a fresh host on its own gets MODEL_CRASHED; the others get their results',
    async () => {
      // Whichever host opens the poison file is killed: what a decoder crash on it would do.
      // (A sparse 250 MB file: under the image cap, read long enough to be seen open.)
      const poison = sparseFile(join(dir, 'poison.jpg'), 250 * 1024 ** 2)
      const colours = [RED, GREEN, BLUE]
      const files = await Promise.all(
        colours.map((c, i) => writePng(join(dir, `colour-${i}.png`), solid(40, 30, c))),
      )
      const images = [files[0]!, files[1]!, poison, files[2]!, files[0]!, files[1]!]
      const opened = realpathSync(poison)
      const killer = killHostsWhen((pid) => hasOpen(pid, opened))
      try {
        const result = valueOf(await classify(colour, images))
        result.results.forEach((r, i) => {
          if (i === 2) {
            expect(r).toMatchObject({ ok: false, error: { code: 'MODEL_CRASHED' } })
            if (!r.ok) expect(r.error.message).toMatch(/poison\.jpg" crashed the model process/)
          } else {
            expectColourScores(r, colourModel.spec, colours[[0, 1, -1, 2, 0, 1][i]!]!)
          }
        })
        // Killed twice: in its batch, then on its own.
        expect(killer.killed).toHaveLength(2)
      } finally {
        killer.stop()
      }
    },
  )

  it('every time it starts: the request ends promptly, keeps what was done, leaves no host', async () => {
    const before = hostPids()
    valueOf(await classify(models[2]!, [good]))
    const goods = Array.from({ length: 16 }, () => good)
    const images = [...goods, ...Array.from({ length: 40 }, (_, i) => bigs[i % 3]!)]
    const pending = classify(models[2]!, images)
    await sleep(600)
    // From now on every host of this model dies as soon as it is seen.
    const killer = killHostsWhen((pid) => !before.includes(pid), 5)
    const killedAt = performance.now()
    let result: ClassifyResult
    try {
      result = valueOf(await pending)
    } finally {
      killer.stop()
    }
    expect(performance.now() - killedAt).toBeLessThan(8000)
    expect(killer.killed.length).toBeGreaterThanOrEqual(MAX_CRASHES_IN_A_ROW)
    // The small images were done before the first kill: kept.
    expect(result.results.slice(0, 16).every((r) => r.ok)).toBe(true)
    const crashed = result.results.filter((r) => !r.ok)
    expect(crashed.length).toBeGreaterThan(0)
    for (const r of crashed) expect(!r.ok && r.error.code).toBe('MODEL_CRASHED')
    const last = result.results.at(-1)!
    expect(!last.ok && last.error.message).toMatch(/keeps crashing/)
    await waitFor('no host of this model', () => added(before).length === 0)
    // Once the crashing stops, the model works again.
    expect(valueOf(await classify(models[2]!, [good])).results[0]!.ok).toBe(true)
  })

  it('unloading a model while it runs cancels its request instead of leaving it hanging', async () => {
    valueOf(await classify(models[2]!, [good]))
    const pending = classify(
      models[2]!,
      Array.from({ length: 200 }, () => big),
    )
    await sleep(300)
    const pids = hostPids()
    t.core.inference.dispose()
    expect(errorOf(await pending).code).toBe('CANCELLED')
    await waitFor('every host to exit', () => pids.every((pid) => !isAlive(pid)))
    // The service still works afterwards.
    expect(valueOf(await classify(models[2]!, [good])).results[0]!.ok).toBe(true)
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
      expect(valueOf(result).results.every((r) => r.ok)).toBe(true)
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
      store: new ModelStore(t.core.blobs, t.core.db, () => null),
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
      store: new ModelStore(t.core.blobs, t.core.db, () => null),
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
