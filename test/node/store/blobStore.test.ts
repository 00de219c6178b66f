/**
 * The one blob store with every kind of record on it (real SQLite, real files, the app's own gc):
 * attached models are content-addressed blobs beside the artifacts, a removal deletes rows only,
 * gc clears what no record uses once it is past its grace (never what a model_files or
 * conversions row uses, never what someone is committing), and a dead writer's temporaries.
 * The copy-in keeps the model checks (a regular file under the model cap, not empty).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ModelStore } from '../../../src/main/inference/modelStore'
import { planFromInputSize } from '../../../src/main/inference/preprocess/preprocessPlan'
import { Leases } from '../../../src/main/locks/leases'
import { blobLease, ORPHAN_GRACE_MS } from '../../../src/main/store/blobStore'
import { blobFiles, blobPath } from '../helpers/blobFiles'
import { canMakeFifos, deadPid, makeFifo, sparseFile } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { pdparams } from '../../support/paddle/modelFiles'
import { sha256Hex } from '../weights/helpers/faultServer'

const haveFifos = canMakeFifos('the FIFO copy-in test')

function openStore() {
  const t = openTestCore()
  // Any id is a catalog entry here: the records, not the catalog, are under test.
  const models = new ModelStore(t.core.blobs, t.core.db, (id) => ({
    name: id,
    inputSize: 32,
    classes: 4,
  }))
  const dir = tempDirForTest('zoo-blob-src')
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  const paths = () =>
    t.core.db.prepare('SELECT model_id, sha256, path FROM model_files ORDER BY model_id').all()
  return { ...t, models, dir, file, paths }
}

/** Sets a file's times `ms` into the past, as if it had been left there that long ago. */
function age(path: string, ms = 2 * ORPHAN_GRACE_MS): void {
  const then = new Date(Date.now() - ms)
  utimesSync(path, then, then)
}

const plan = planFromInputSize(32)

describe('attached models in the blob store', () => {
  it('the same bytes attached twice are one blob that both records point at', async () => {
    const s = openStore()
    const bytes = randomBytes(300_000)
    const sha = sha256Hex(bytes)
    await s.models.attachCatalog('MobileNetV2', s.file('a.onnx', bytes))
    const custom = await s.models.attachCustom(
      { name: 'Mine', classes: 4, labels: null, plan },
      s.file('b.onnx', bytes),
    )
    expect(custom).toBe(`custom:${sha.slice(0, 12)}`)
    const blob = blobPath(s.dataDir, sha)
    expect(s.paths()).toEqual([
      { model_id: 'MobileNetV2', sha256: sha, path: blob },
      { model_id: custom, sha256: sha, path: blob },
    ])
    expect(blobFiles(s.dataDir)).toEqual([sha]) // no temporary left either
    expect(readFileSync(blob).equals(bytes)).toBe(true)
    expect(s.models.get('MobileNetV2')).toMatchObject({ path: blob, sizeBytes: bytes.length })
    expect(existsSync(join(s.dataDir, 'models'))).toBe(false)
  })

  it('removing one of two records keeps the blob; the last one leaves an orphan that gc clears past its grace', async () => {
    const s = openStore()
    const bytes = randomBytes(10_000)
    const blob = blobPath(s.dataDir, sha256Hex(bytes))
    await s.models.attachCatalog('A', s.file('m.onnx', bytes))
    await s.models.attachCatalog('B', s.file('m.onnx', bytes))

    expect(s.models.remove('A')).toBe(true)
    expect(s.models.remove('A')).toBe(false)
    expect(existsSync(blob)).toBe(true)
    age(blob)
    expect((await s.core.weights.gc()).leftovers).toBe(0) // B still uses it
    expect(existsSync(blob)).toBe(true)

    expect(s.models.remove('B')).toBe(true)
    expect(existsSync(blob)).toBe(true) // rows only
    age(blob, ORPHAN_GRACE_MS / 2)
    expect((await s.core.weights.gc()).leftovers).toBe(0) // within its grace
    expect(existsSync(blob)).toBe(true)
    age(blob)
    expect(await s.core.weights.gc()).toMatchObject({ leftovers: 1, freedBytes: bytes.length })
    expect(existsSync(blob)).toBe(false)
  })

  it('attaching bytes whose orphan blob is old makes it young again (a gc in between keeps it)', async () => {
    const s = openStore()
    const bytes = randomBytes(10_000)
    const blob = blobPath(s.dataDir, sha256Hex(bytes))
    await s.models.attachCatalog('A', s.file('m.onnx', bytes))
    s.models.remove('A')
    age(blob)
    await s.models.attachCatalog('B', s.file('m.onnx', bytes))
    s.models.remove('B')
    // Unused again at once, but committed a moment ago: another process may be recording it.
    expect((await s.core.weights.gc()).leftovers).toBe(0)
    expect(existsSync(blob)).toBe(true)
  })

  it('gc never removes an old blob that a model_files or a conversions row uses', async () => {
    const s = openStore()
    const attached = randomBytes(5_000)
    const converted = randomBytes(6_000)
    const orphan = randomBytes(7_000)
    await s.models.attachCatalog('A', s.file('a.onnx', attached))
    await s.core.blobs.ensure()
    for (const bytes of [converted, orphan]) {
      const temporary = s.core.blobs.temporary('onnx')
      writeFileSync(temporary, bytes)
      await s.core.blobs.commit(temporary, (blob) => {
        if (bytes !== converted) return
        s.core.conversions.record({
          sourceSha256: 'a'.repeat(64),
          converterVersion: '1',
          opset: 13,
          onnxSha256: blob.sha256,
          ops: { Gemm: 1 },
          durationMs: 5,
          convertedAt: new Date().toISOString(),
        })
      })
    }
    const blobs = [attached, converted, orphan].map((b) => blobPath(s.dataDir, sha256Hex(b)))
    for (const blob of blobs) age(blob, 30 * 24 * 3600_000)
    // The budget of artifacts does not reach model blobs: 0 evicts artifacts only.
    s.core.weights.configure({ budgetBytes: 0 })

    const report = await s.core.weights.gc()

    expect(report).toMatchObject({ removed: [], leftovers: 1, freedBytes: orphan.length })
    expect(blobs.map((blob) => existsSync(blob))).toEqual([true, true, false])
  })

  it('removing an artifact keeps its blob while an attached model has the same bytes', async () => {
    const s = openStore()
    const body = pdparams(20_000)
    const file = s.file('ResNet50_vd_pretrained.pdparams', body)
    const artifact = await s.core.weights.import({
      source: { path: file },
      modelId: 'ResNet50_vd',
      kind: 'pretrained',
    })
    await s.models.attachCatalog('ResNet50_vd', file)
    expect(await s.core.weights.remove(artifact.id)).toBe(true)
    expect(existsSync(blobPath(s.dataDir, artifact.sha256))).toBe(true)
    s.models.remove('ResNet50_vd')
    await s.core.weights.import({
      source: { path: file },
      modelId: 'ResNet50_vd',
      kind: 'pretrained',
    })
    expect(await s.core.weights.remove(artifact.id)).toBe(true)
    expect(existsSync(blobPath(s.dataDir, artifact.sha256))).toBe(false) // nothing else used it
  })

  it('gc leaves an old unused blob alone while its lease is held (a commit about to record it)', async () => {
    const s = openStore()
    const bytes = randomBytes(4_000)
    const blob = blobPath(s.dataDir, sha256Hex(bytes))
    await s.models.attachCatalog('A', s.file('m.onnx', bytes))
    s.models.remove('A')
    age(blob)
    // Another holder of the lease: what a committer in another process looks like.
    const other = new Leases(s.core.db)
    const lease = other.tryAcquire(blobLease(sha256Hex(bytes)), 'commit')
    expect('release' in lease).toBe(true)
    expect((await s.core.weights.gc()).leftovers).toBe(0)
    expect(existsSync(blob)).toBe(true)
    if ('release' in lease) lease.release()
    expect((await s.core.weights.gc()).leftovers).toBe(1)
    expect(existsSync(blob)).toBe(false)
  })

  it('a crashed writer’s temporary goes at the next gc; a live writer’s and this process’s stay', async () => {
    const s = openStore()
    await s.core.blobs.ensure()
    const dead = await deadPid()
    const temporary = (pid: number) => {
      const path = join(s.core.blobs.blobs, `model.${pid}.0123abcd.tmp`)
      writeFileSync(path, 'half a model')
      return path
    }
    const crashed = temporary(dead)
    const live = temporary(process.ppid)
    const own = temporary(process.pid)
    expect(await s.core.weights.gc()).toMatchObject({ leftovers: 1, freedBytes: 12 })
    expect([crashed, live, own].map((path) => existsSync(path))).toEqual([false, true, true])
  })
})

describe('committing a converter’s output', () => {
  it('hashes the temporary, commits it once, writes its row under the lease, and returns the blob', async () => {
    const s = openStore()
    await s.core.blobs.ensure()
    const bytes = randomBytes(50_000)
    const sha = sha256Hex(bytes)
    for (let round = 0; round < 2; round++) {
      const temporary = s.core.blobs.temporary('onnx')
      writeFileSync(temporary, bytes)
      const stored = await s.core.blobs.commit(temporary, (blob) => {
        // The row is written while the blob's lease is held by this commit.
        expect(new Leases(s.core.db).holder(blobLease(blob.sha256))?.pid).toBe(process.pid)
        return blob
      })
      expect(stored).toEqual({ sha256: sha, size: bytes.length, path: blobPath(s.dataDir, sha) })
      expect(existsSync(temporary)).toBe(false)
    }
    expect(blobFiles(s.dataDir)).toEqual([sha])
    expect(readFileSync(blobPath(s.dataDir, sha)).equals(bytes)).toBe(true)
    expect(new Leases(s.core.db).holder(blobLease(sha))).toBeNull()
  })

  it('refuses a file outside the blobs folder (it could be on another drive, or the user’s own)', async () => {
    const s = openStore()
    const outside = s.file('model.onnx', randomBytes(100))
    await expect(s.core.blobs.commit(outside, () => null)).rejects.toThrow(/not a temporary/)
    expect(existsSync(outside)).toBe(true)
  })
})

describe('what the copy-in of a model refuses', () => {
  it('an empty file → MODEL_INVALID, nothing left behind', async () => {
    const s = openStore()
    await expect(
      s.models.attachCatalog('A', s.file('empty.onnx', new Uint8Array())),
    ).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/empty\.onnx" is empty \(0 bytes\)/),
    })
    expect(blobFiles(s.dataDir)).toEqual([])
    expect(s.paths()).toEqual([])
  })

  it('a sparse 5 GB file → FILE_TOO_LARGE without copying it', async () => {
    const s = openStore()
    const huge = sparseFile(join(s.dir, 'huge.onnx'), 5 * 1024 ** 3)
    await expect(s.models.attachCatalog('A', huge)).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    })
    expect(blobFiles(s.dataDir)).toEqual([])
  })

  it.skipIf(!haveFifos)('a FIFO → NOT_A_FILE, without waiting for a writer', async () => {
    const s = openStore()
    const fifo = makeFifo(s.dir, 'pipe.onnx')
    await expect(s.models.attachCatalog('A', fifo)).rejects.toMatchObject({ code: 'NOT_A_FILE' })
    expect(blobFiles(s.dataDir)).toEqual([])
  })
})
