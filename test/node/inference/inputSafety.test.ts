/**
 * Inputs that are not ordinary files cannot hurt the machine or hang a request: /dev/zero, a
 * FIFO, a folder or an oversized (sparse) file named as an image, a model or a label file is
 * refused quickly with NOT_A_FILE / FILE_TOO_LARGE, without being read, and the real images of
 * the same request still get their scores, with the same codes over the core and over HTTP.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyInput, ClassifyResult, ImageClassification, ModelRef } from '@shared/contract'
import type { ErrorCode, Result } from '@shared/errors'
import { forkHostLauncher } from '../../../src/main/inference/host/hostLauncher'
import { hostEntryPath } from '../../../src/main/inference/host/modelHost'
import { InferenceService } from '../../../src/main/inference/inferenceService'
import { ModelStore } from '../../../src/main/inference/modelStore'
import { blobFiles } from '../helpers/blobFiles'
import { canMakeFifos, makeFifo, sparseFile } from '../helpers/specialFiles'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { startTestServer } from '../helpers/testServer'
import { valueOf } from '../helpers/results'
import { shippedLabels } from './helpers/catalogPlans'
import { COLOUR_MODEL, expectColourScores } from './helpers/expected'
import { solid, writeFile, writePng } from './helpers/images'
import { call, errorOf, hostPids, openFileCore, type FileCore } from './helpers/inferenceCore'
import { tinyClassifier, writeModel } from './helpers/onnxBuilder'

type Colour = [number, number, number]
const RED: Colour = [230, 20, 20]
const GREEN: Colour = [15, 210, 40]
const BLUE: Colour = [30, 40, 220]
const GiB = 1024 ** 3
const MiB = 1024 ** 2

const haveFifos = canMakeFifos('the FIFO inputs')
const haveDevZero = existsSync('/dev/zero')
if (!haveDevZero) console.warn('skipping the /dev/zero inputs: there is no /dev/zero here')

let t: FileCore
let dir: string
const colourModel = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
const paths = {} as Record<'model' | 'red' | 'green' | 'blue' | 'folder', string>

beforeAll(async () => {
  t = openFileCore()
  dir = makeTempDir('zoo-input-safety')
  paths.model = writeModel(dir, 'colour.onnx', colourModel.bytes)
  paths.red = await writePng(join(dir, 'red.png'), solid(64, 48, RED))
  paths.green = await writePng(join(dir, 'green.png'), solid(40, 40, GREEN))
  paths.blue = await writePng(join(dir, 'blue.png'), solid(30, 50, BLUE))
  paths.folder = join(dir, 'holiday.jpg')
  mkdirSync(paths.folder)
})
afterAll(() => {
  t?.close()
  if (dir) removeDir(dir)
})

function classifyInput(
  images: string[],
  model: ModelRef = { path: paths.model },
  extra: Omit<ClassifyInput, 'model' | 'images'> = {},
): ClassifyInput {
  return { model, images: images.map((path) => ({ path })), ...extra }
}

/** The result and how long it took. */
async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work
  return { value, ms: performance.now() - started }
}

const codeOf = (r: ImageClassification) => (r.ok ? 'ok' : r.error.code)

function expectError(result: ImageClassification | undefined, code: ErrorCode, message: RegExp) {
  expect(result).toMatchObject({ ok: false, error: { code } })
  if (result && !result.ok) expect(result.error.message).toMatch(message)
}

/** Pids of model hosts started since `before`. */
const added = (before: number[]) => hostPids().filter((pid) => !before.includes(pid))

describe.skipIf(!haveFifos || !haveDevZero)('images that are not files, among real ones', () => {
  let fifo: string
  let images: string[]
  let viaCore: ClassifyResult

  beforeAll(() => {
    fifo = makeFifo(dir, 'camera.jpg')
    images = [paths.red, '/dev/zero', paths.green, fifo, paths.folder, paths.blue]
  })

  it('/dev/zero, a FIFO and a folder → NOT_A_FILE at once; the real images get their scores', async () => {
    valueOf(await call(t.core, 'inference.classify', classifyInput([paths.red]))) // model loaded
    const { value, ms } = await timed(call(t.core, 'inference.classify', classifyInput(images)))
    // Before: /dev/zero grew the host to 8 GB and the FIFO hung the request.
    expect(ms).toBeLessThan(2000)
    viaCore = valueOf(value)
    expect(viaCore.results.map((r) => r.image)).toEqual(images)
    expectColourScores(viaCore.results[0], colourModel.spec, RED)
    expectError(viaCore.results[1], 'NOT_A_FILE', /"\/dev\/zero" is a device, not an image file/)
    expectColourScores(viaCore.results[2], colourModel.spec, GREEN)
    expectError(viaCore.results[3], 'NOT_A_FILE', /camera\.jpg" is a FIFO/)
    expectError(viaCore.results[4], 'NOT_A_FILE', /holiday\.jpg" is a folder/)
    expectColourScores(viaCore.results[5], colourModel.spec, BLUE)
  })

  it('the same request over HTTP (browser mode) gives the same codes and messages', async () => {
    const server = await startTestServer()
    try {
      const { value: response, ms } = await timed(
        fetch(`${server.server.origin}/api/invoke/inference.classify`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${server.server.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(classifyInput(images)),
        }),
      )
      expect(response.status).toBe(200)
      const viaHttp = valueOf((await response.json()) as Result<ClassifyResult>)
      expect(ms).toBeLessThan(5000) // a fresh core: this includes loading the model
      expect(viaHttp.results.map(codeOf)).toEqual(viaCore.results.map(codeOf))
      expect(viaHttp.results.map(codeOf)).toEqual([
        'ok',
        'NOT_A_FILE',
        'ok',
        'NOT_A_FILE',
        'NOT_A_FILE',
        'ok',
      ])
      const messages = (result: ClassifyResult) =>
        result.results.map((r) => (r.ok ? r.top[0]!.index : r.error.message))
      expect(messages(viaHttp)).toEqual(messages(viaCore))
    } finally {
      await server.close()
    }
  })
})

/**
 * Root reads anything, so as root the test runs its host as the unprivileged `nobody`; that needs
 * the project (the host script and its modules) to be readable by nobody, which a checkout under
 * a private folder (mktemp -d) is not. The EACCES → FILE_UNREADABLE mapping itself is tested in
 * regularFile.test.ts whatever the folder.
 */
function nobodyCanRunHosts(): boolean {
  if (process.getuid?.() !== 0) return true
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('node:fs').accessSync(${JSON.stringify(hostEntryPath())})`],
    { uid: 65534, gid: 65534, stdio: 'ignore' },
  )
  return probe.status === 0
}
const unreadableTestable = process.platform !== 'win32' && nobodyCanRunHosts()
if (!unreadableTestable)
  console.warn(
    'skipping the unreadable-image test: as root it runs its host as nobody, who cannot read this checkout (a private folder)',
  )

describe('oversized and unreadable images', () => {
  it('a sparse 300 MB "image" → FILE_TOO_LARGE without reading it; the image beside it is classified', async () => {
    const huge = sparseFile(join(dir, 'scan.tif'), 300 * MiB)
    const { value, ms } = await timed(
      call(t.core, 'inference.classify', classifyInput([huge, paths.red])),
    )
    expect(ms).toBeLessThan(2000)
    const result = valueOf(value)
    expectError(
      result.results[0],
      'FILE_TOO_LARGE',
      /scan\.tif" is 300 MB; an image may be at most 256 MB/,
    )
    expectColourScores(result.results[1], colourModel.spec, RED)
  })

  it.skipIf(!unreadableTestable)(
    'an image that cannot be read → FILE_UNREADABLE (not IMAGE_CORRUPT)',
    async () => {
      // Root reads anything: then the host runs as the unprivileged `nobody`, as a user's would.
      const asRoot = process.getuid?.() === 0
      const service = new InferenceService({
        dataDir: t.dataDir,
        catalog: t.core.catalog,
        uploads: t.core.uploads,
        store: new ModelStore(t.core.blobs, t.core.db, () => null),
        imagenetLabels: shippedLabels,
        intraOpThreads: 1,
        launcher: asRoot ? forkHostLauncher({ uid: 65534, gid: 65534 }) : forkHostLauncher(),
      })
      const place = tempDirForTest('zoo-unreadable')
      chmodSync(place, 0o755)
      const model = writeModel(place, 'colour.onnx', colourModel.bytes)
      const green = await writePng(join(place, 'green.png'), solid(20, 20, GREEN))
      const locked = await writePng(join(place, 'locked.png'), solid(20, 20, RED))
      chmodSync(locked, 0o000)
      try {
        const result = await service.classify(classifyInput([locked, green], { path: model }))
        expectError(
          result.results[0],
          'FILE_UNREADABLE',
          /locked\.png" cannot be read: permission denied/,
        )
        expectColourScores(result.results[1], colourModel.spec, GREEN)
      } finally {
        service.dispose()
      }
    },
  )
})

describe('models and label files that are not files', () => {
  it.skipIf(!haveFifos)(
    'a FIFO as the model of classify → NOT_A_FILE, no hang, no host',
    async () => {
      const fifo = makeFifo(dir, 'model-pipe.onnx')
      const before = hostPids()
      const { value, ms } = await timed(
        call(t.core, 'inference.classify', classifyInput([paths.red], { path: fifo })),
      )
      expect(ms).toBeLessThan(2000)
      const error = errorOf(value)
      expect(error.code).toBe('NOT_A_FILE')
      expect(error.message).toMatch(/model-pipe\.onnx" is a FIFO \(named pipe\), not a model file/)
      expect(added(before)).toEqual([])
    },
  )

  it.skipIf(!haveFifos)(
    'a FIFO as the source of attach → NOT_A_FILE, no hang, nothing stored',
    async () => {
      const fifo = makeFifo(dir, 'attach-pipe.onnx')
      const { value, ms } = await timed(
        call(t.core, 'inference.attach', { source: { path: fifo } }),
      )
      expect(ms).toBeLessThan(2000)
      expect(errorOf(value).code).toBe('NOT_A_FILE')
      expect(valueOf(await call(t.core, 'inference.models', {}))).toEqual([])
      expect(blobFiles(t.dataDir)).toEqual([])
    },
  )

  it.skipIf(!haveDevZero)('/dev/zero and a folder as a model → NOT_A_FILE', async () => {
    for (const path of ['/dev/zero', paths.folder]) {
      const classify = errorOf(
        await call(t.core, 'inference.classify', classifyInput([paths.red], { path })),
      )
      expect(classify.code).toBe('NOT_A_FILE')
      const attach = errorOf(await call(t.core, 'inference.attach', { source: { path } }))
      expect(attach.code).toBe('NOT_A_FILE')
    }
  })

  it('a sparse 5 GB "model" → FILE_TOO_LARGE without reading it or starting a host', async () => {
    const huge = sparseFile(join(dir, 'huge.onnx'), 5 * GiB)
    const before = hostPids()
    const { value: classify, ms } = await timed(
      call(t.core, 'inference.classify', classifyInput([paths.red], { path: huge })),
    )
    expect(ms).toBeLessThan(1000)
    expect(errorOf(classify)).toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(/huge\.onnx" is 5\.0 GB; a model may be at most 4\.0 GB/),
    })
    const attach = await timed(call(t.core, 'inference.attach', { source: { path: huge } }))
    expect(attach.ms).toBeLessThan(1000)
    expect(errorOf(attach.value).code).toBe('FILE_TOO_LARGE')
    expect(added(before)).toEqual([])
    expect(blobFiles(t.dataDir)).toEqual([])
  })

  it.skipIf(!haveFifos)(
    'a FIFO as the label file → NOT_A_FILE, on classify and on attach',
    async () => {
      const fifo = makeFifo(dir, 'labels.txt')
      const classify = await timed(
        call(
          t.core,
          'inference.classify',
          classifyInput([paths.red], undefined, { labelsPath: fifo }),
        ),
      )
      expect(classify.ms).toBeLessThan(2000)
      expect(errorOf(classify.value)).toMatchObject({
        code: 'NOT_A_FILE',
        message: expect.stringMatching(/labels\.txt" is a FIFO \(named pipe\), not a label file/),
      })
      const attach = await timed(
        call(t.core, 'inference.attach', { source: { path: paths.model }, labels: { path: fifo } }),
      )
      expect(attach.ms).toBeLessThan(3000) // the model is probed in a host first
      expect(errorOf(attach.value).code).toBe('NOT_A_FILE')
      expect(blobFiles(t.dataDir)).toEqual([])
    },
  )

  it('a label file over 16 MB → FILE_TOO_LARGE', async () => {
    const labels = sparseFile(join(dir, 'labels-huge.txt'), 17 * MiB)
    const error = errorOf(
      await call(
        t.core,
        'inference.classify',
        classifyInput([paths.red], undefined, { labelsPath: labels }),
      ),
    )
    expect(error.code).toBe('FILE_TOO_LARGE')
    // A real label file still works beside these refusals.
    const four = writeFile(join(dir, 'four.txt'), 'red\ngreen\nblue\ndark\n')
    const result = valueOf(
      await call(
        t.core,
        'inference.classify',
        classifyInput([paths.red], undefined, { labelsPath: four }),
      ),
    )
    expect(result.results[0]!.ok && result.results[0]!.top[0]!.label).toBe('red')
  })
})
