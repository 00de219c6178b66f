/**
 * Files the page sends because it cannot name a path (browser mode, drag and drop), over the real
 * HTTP server: POST /api/upload stores the body, then classify takes {uploadId} images and attach
 * takes {uploadId, fileName} models. Unknown and expired ids are NOT_FOUND; an interrupted upload
 * leaves nothing behind.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RequestChannel, RequestInput, RequestOutput, UploadResult } from '@shared/contract'
import type { Failure, Result } from '@shared/errors'
import { ORPHAN_GRACE_MS } from '../../../src/main/store/blobStore'
import { UploadStore } from '../../../src/main/uploads/uploadStore'
import { blobPath } from '../helpers/blobFiles'
import { makeTempDir, removeDir } from '../helpers/tempDir'
import { startTestServer, type TestServer } from '../helpers/testServer'
import { shippedLabels } from './helpers/catalogPlans'
import { COLOUR_MODEL, expectColourScores } from './helpers/expected'
import { solid, sharpOf } from './helpers/images'
import { hostPids, isAlive, waitFor } from './helpers/inferenceCore'
import { tinyClassifier } from './helpers/onnxBuilder'

type Colour = [number, number, number]
const RED: Colour = [220, 30, 25]
const BLUE: Colour = [20, 30, 230]

let t: TestServer
let dir: string
const colourModel = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
let redPng: Buffer
let bluePng: Buffer

beforeAll(async () => {
  t = await startTestServer()
  dir = makeTempDir('zoo-uploads')
  redPng = await sharpOf(solid(64, 48, RED))
    .png()
    .toBuffer()
  bluePng = await sharpOf(solid(30, 50, BLUE))
    .png()
    .toBuffer()
})
afterAll(async () => {
  await t?.close()
  if (dir) removeDir(dir)
})

const uploadsDir = () => join(t.core.dataDir, 'uploads')
const bearer = () => ({ authorization: `Bearer ${t.server.token}` })
/** Pids that are in `now` but were not in `before`. */
const added = (before: number[], now = hostPids()) => now.filter((pid) => !before.includes(pid))

async function upload(bytes: Uint8Array): Promise<UploadResult> {
  const response = await fetch(`${t.server.origin}/api/upload`, {
    method: 'POST',
    headers: { ...bearer(), 'content-type': 'application/octet-stream' },
    body: bytes,
  })
  const body = (await response.json()) as Result<UploadResult>
  if (!body.ok) throw new Error(`upload failed: ${body.error.code}: ${body.error.message}`)
  expect(response.status).toBe(200)
  return body.value
}

/** A request as the page sends it; the body is whatever the server answered. */
async function invoke(
  channel: string,
  input: unknown,
): Promise<{ status: number; body: Result<unknown> }> {
  const response = await fetch(`${t.server.origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { ...bearer(), 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  return { status: response.status, body: (await response.json()) as Result<unknown> }
}

/** A request that must succeed; its value is typed by the contract, as the page's client does. */
async function invokeOk<C extends RequestChannel>(
  channel: C,
  input: RequestInput<C>,
): Promise<RequestOutput<C>> {
  const { status, body } = await invoke(channel, input)
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.code}: ${body.error.message}`)
  expect(status).toBe(200)
  // The wire carries JSON; the server answered this channel, so it is this channel's output.
  return body.value as RequestOutput<C>
}

describe('POST /api/upload', () => {
  it('stores the body as a file named by a fresh id in <data>/uploads', async () => {
    const { uploadId, size } = await upload(redPng)
    expect(uploadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(size).toBe(redPng.length)
    expect(readFileSync(join(uploadsDir(), uploadId)).equals(redPng)).toBe(true)
    expect((await upload(redPng)).uploadId).not.toBe(uploadId)
  })

  it('refuses an upload without the token and stores nothing', async () => {
    const before = readdirSync(uploadsDir())
    const response = await fetch(`${t.server.origin}/api/upload`, { method: 'POST', body: redPng })
    expect(response.status).toBe(401)
    expect(((await response.json()) as Failure).error.code).toBe('UNAUTHORIZED')
    expect(readdirSync(uploadsDir())).toEqual(before)
  })

  it('an interrupted upload leaves no file, not even a partial one', async () => {
    const before = readdirSync(uploadsDir())
    const req = request({
      host: '127.0.0.1',
      port: t.server.port,
      method: 'POST',
      path: '/api/upload',
      headers: { ...bearer(), 'content-length': String(4 * 1024 * 1024) },
      agent: false,
    })
    req.on('error', () => {}) // the socket is destroyed on purpose
    req.write(Buffer.alloc(256 * 1024, 7))
    const partial = () => readdirSync(uploadsDir()).filter((name) => !before.includes(name))
    // The server streams to disk as it receives: a .partial file appears...
    await waitFor('the partial upload file', () => partial().some((n) => n.endsWith('.partial')))
    req.destroy()
    // ...and goes when the connection drops, without ever becoming an upload.
    await waitFor('the partial file to be removed', () => partial().length === 0)
    expect(readdirSync(uploadsDir())).toEqual(before)
  })
})

describe('classify with uploaded images', () => {
  it('classifies {uploadId} images, named by the name the page gave', async () => {
    const red = await upload(redPng)
    const blue = await upload(bluePng)
    const modelPath = join(dir, 'colour.onnx')
    writeFileSync(modelPath, colourModel.bytes)
    const result = await invokeOk('inference.classify', {
      model: { path: modelPath },
      images: [{ uploadId: red.uploadId, name: 'red.png' }, { uploadId: blue.uploadId }],
    })
    expect(result.results.map((r) => r.image)).toEqual(['red.png', blue.uploadId])
    expectColourScores(result.results[0], colourModel.spec, RED)
    expectColourScores(result.results[1], colourModel.spec, BLUE)
    // An image upload is kept: the page may classify it again with another model.
    expect(existsSync(join(uploadsDir(), red.uploadId))).toBe(true)
  })

  it('an unknown upload id → NOT_FOUND for that image; the others still get results', async () => {
    const red = await upload(redPng)
    const modelPath = join(dir, 'colour.onnx')
    writeFileSync(modelPath, colourModel.bytes)
    const unknown = randomUUID()
    const result = await invokeOk('inference.classify', {
      model: { path: modelPath },
      images: [{ uploadId: unknown, name: 'gone.jpg' }, { uploadId: red.uploadId }],
    })
    const [gone, ok] = result.results
    expect(gone).toMatchObject({ image: 'gone.jpg', ok: false, error: { code: 'NOT_FOUND' } })
    expect(!gone!.ok && gone!.error.message).toMatch(/upload/i)
    expectColourScores(ok, colourModel.spec, RED)
  })

  it('an expired upload (swept at the next start) → NOT_FOUND', async () => {
    const red = await upload(redPng)
    const file = join(uploadsDir(), red.uploadId)
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000)
    utimesSync(file, twoDaysAgo, twoDaysAgo)
    new UploadStore(t.core.dataDir) // what the app does when it starts again
    expect(existsSync(file)).toBe(false)

    const modelPath = join(dir, 'colour.onnx')
    writeFileSync(modelPath, colourModel.bytes)
    const result = await invokeOk('inference.classify', {
      model: { path: modelPath },
      images: [{ uploadId: red.uploadId, name: 'old.png' }],
    })
    expect(result.results[0]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('a malformed upload id is INVALID_INPUT (400), not a path', async () => {
    const { status, body } = await invoke('inference.classify', {
      model: { path: join(dir, 'colour.onnx') },
      images: [{ uploadId: '../../zoo.sqlite' }],
    })
    expect(status).toBe(400)
    expect(!body.ok && body.error.code).toBe('INVALID_INPUT')
  })
})

describe('attach uploaded models', () => {
  it('{uploadId, fileName} as a custom model: stored by hash, the upload consumed, then usable', async () => {
    const model = await upload(colourModel.bytes)
    const attached = await invokeOk('inference.attach', {
      source: { uploadId: model.uploadId, fileName: 'Colours.onnx' },
      labels: { names: ['red', 'green', 'blue', 'dark'] },
    })
    expect(attached).toMatchObject({
      source: 'custom',
      name: 'Colours',
      inputSize: 32,
      classes: 4,
      labels: 'custom',
      sizeBytes: colourModel.bytes.length,
    })
    expect(attached.id).toBe(`custom:${attached.sha256.slice(0, 12)}`)
    expect(existsSync(blobPath(t.core.dataDir, attached.sha256))).toBe(true)
    expect(existsSync(join(uploadsDir(), model.uploadId))).toBe(false)
    expect(await invokeOk('inference.models', {})).toContainEqual(attached)

    const image = await upload(bluePng)
    const result = await invokeOk('inference.classify', {
      model: attached.ref,
      images: [{ uploadId: image.uploadId, name: 'blue.png' }],
    })
    expect(result.model).toMatchObject({ id: attached.id, name: 'Colours', catalogId: null })
    expectColourScores(result.results[0], colourModel.spec, BLUE)
    expect(result.results[0]!.ok && result.results[0]!.top[0]!.label).toBe('blue')
  })

  it('detach forgets a custom model and stops its host; gc clears its file once unused and old', async () => {
    const bytes = tinyClassifier({ ...COLOUR_MODEL, bias: [0, 0, 0, 2], inputSize: 32 }).bytes
    const model = await upload(bytes)
    const attached = await invokeOk('inference.attach', {
      source: { uploadId: model.uploadId, fileName: 'to-remove.onnx' },
    })
    const stored = blobPath(t.core.dataDir, attached.sha256)
    const image = await upload(redPng)
    const before = hostPids()
    await invokeOk('inference.classify', {
      model: attached.ref,
      images: [{ uploadId: image.uploadId }],
    })
    const hosts = added(before)
    expect(hosts).toHaveLength(1)

    expect(await invokeOk('inference.detach', { model: attached.ref })).toEqual({ removed: true })
    expect(await invokeOk('inference.models', {})).not.toContainEqual(attached)
    // Only the rows go: the blob is an orphan until a gc finds it past its grace.
    expect(existsSync(stored)).toBe(true)
    await invokeOk('weights.gc', {})
    expect(existsSync(stored)).toBe(true)
    const old = new Date(Date.now() - 2 * ORPHAN_GRACE_MS)
    utimesSync(stored, old, old)
    await invokeOk('weights.gc', {})
    expect(existsSync(stored)).toBe(false)
    await waitFor('its host to exit', () => hosts.every((pid) => !isAlive(pid)))
    const { body } = await invoke('inference.classify', {
      model: attached.ref,
      images: [{ uploadId: image.uploadId }],
    })
    expect(!body.ok && body.error.code).toBe('MODEL_NOT_AVAILABLE')
    expect(await invokeOk('inference.detach', { model: attached.ref })).toEqual({ removed: false })
  })

  it('{uploadId, fileName} linked to a catalog entry: ImageNet labels, the catalog’s preprocessing', async () => {
    // 1000 classes and a 224 px input, like MobileNetV2; class c scores Σ mean_k · W[k][c].
    const imagenetLike = tinyClassifier({ classes: 1000, inputSize: 224 })
    const model = await upload(imagenetLike.bytes)
    const attached = await invokeOk('inference.attach', {
      source: { uploadId: model.uploadId, fileName: 'mobilenet.onnx' },
      catalogId: 'MobileNetV2',
    })
    expect(attached).toMatchObject({ id: 'MobileNetV2', source: 'catalog', labels: 'imagenet' })

    const image = await upload(redPng)
    const result = await invokeOk('inference.classify', {
      model: { catalogId: 'MobileNetV2' },
      images: [{ uploadId: image.uploadId, name: 'red.png' }],
    })
    expect(result.model).toMatchObject({ inputSize: 224, catalogId: 'MobileNetV2' })
    expectColourScores(result.results[0], imagenetLike.spec, RED)
    const labels = shippedLabels()
    for (const score of result.results[0]!.ok ? result.results[0]!.top : []) {
      expect(score.label).toBe(labels[score.index])
    }
  })

  it('an unknown upload id → NOT_FOUND (404) and nothing stored', async () => {
    const before = await invokeOk('inference.models', {})
    const { status, body } = await invoke('inference.attach', {
      source: { uploadId: randomUUID(), fileName: 'model.onnx' },
    })
    expect(status).toBe(404)
    expect(!body.ok && body.error.code).toBe('NOT_FOUND')
    expect(await invokeOk('inference.models', {})).toEqual(before)
  })
})

describe('UploadStore limits', () => {
  it('an upload over fileMaxBytes is FILE_TOO_LARGE, a stream that fails is CANCELLED; neither leaves a file', async () => {
    const data = makeTempDir('zoo-upload-limit')
    try {
      const store = new UploadStore(data, { fileMaxBytes: 1000 })
      const failing = () =>
        new Readable({
          read() {
            this.push(Buffer.alloc(100))
            this.destroy(new Error('connection reset'))
          },
        })
      // The partial file is opened asynchronously, so a failure can race its creation: try often.
      for (let i = 0; i < 20; i++) {
        const tooBig = await store.fromBytes(new Uint8Array(2500)).catch((e: unknown) => e)
        expect(tooBig).toMatchObject({ code: 'FILE_TOO_LARGE' })
        const reset = await store.fromStream(failing()).catch((e: unknown) => e)
        expect(reset).toMatchObject({ code: 'CANCELLED' })
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(readdirSync(store.dir)).toEqual([])
      expect((await store.fromBytes(new Uint8Array(1000))).size).toBe(1000)
    } finally {
      removeDir(data)
    }
  })

  it('sweeps abandoned .partial files when it opens, keeping finished uploads', () => {
    const data = makeTempDir('zoo-upload-sweep')
    try {
      const store = new UploadStore(data)
      const leftover = join(store.dir, `${randomUUID()}.partial`)
      writeFileSync(leftover, 'half a file')
      const idle = new Date(Date.now() - 11 * 60 * 1000)
      utimesSync(leftover, idle, idle) // nobody has written to it for longer than the grace
      const kept = join(store.dir, randomUUID())
      writeFileSync(kept, 'a finished upload')
      new UploadStore(data)
      expect(existsSync(leftover)).toBe(false)
      expect(existsSync(kept)).toBe(true)
    } finally {
      removeDir(data)
    }
  })
})
