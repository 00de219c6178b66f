/**
 * Inference archives: hostile tars (written byte by byte with the ustar helper) are refused as a
 * whole, whether pulled from a server or imported, and nothing lands outside the staging folder;
 * good ones are extracted and recognised as Paddle 2, Paddle 3 or ONNX.
 */
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDirForTest } from '../helpers/tempDir'
import { sha256Hex } from './helpers/faultServer'
import { paddle3Files, paddleModelFiles } from '../../support/paddle/modelFiles'
import { tinyClassifier } from '../inference/helpers/onnxBuilder'
import { modelArchive, paxRecords, tarOf, type TarEntry } from '../../support/ustar'
import {
  MODEL,
  listTree,
  openWeightsCore,
  pullNow,
  type WeightsCore,
} from './helpers/weightsFixture'

const FOLDER = `${MODEL}_infer`
const model = paddleModelFiles(8192)
const good: TarEntry[] = [
  { name: `${FOLDER}/`, type: 'dir' },
  { name: `${FOLDER}/inference.pdmodel`, body: model['inference.pdmodel'] },
  { name: `${FOLDER}/inference.pdiparams`, body: model['inference.pdiparams'] },
]
const EVIL = 'EVIL-CONTENT'

interface HostileCase {
  name: string
  /** The hostile entries, given a folder outside the cache that they try to reach. */
  entries(outside: string): TarEntry[]
  /** Where a careless extractor would have written (absolute, or relative to staging). */
  targets(outside: string): string[]
}

const hostile: HostileCase[] = [
  {
    name: '../evil',
    entries: () => [{ name: '../evil', body: EVIL }],
    targets: () => ['../evil'],
  },
  {
    name: 'a path climbing out through its own folder',
    entries: () => [{ name: `${FOLDER}/../../../../evil`, body: EVIL }],
    targets: () => [`${FOLDER}/../../../../evil`],
  },
  {
    name: '/abs/evil',
    entries: () => [{ name: '/abs/evil', body: EVIL }],
    targets: () => ['/abs/evil'],
  },
  {
    name: 'an absolute path into another folder',
    entries: (outside) => [{ name: join(outside, 'abs-evil'), body: EVIL }],
    targets: (outside) => [join(outside, 'abs-evil')],
  },
  {
    name: 'ustar prefix ".." + name',
    entries: () => [{ prefix: '..', name: 'evil', body: EVIL }],
    targets: () => ['../evil'],
  },
  {
    name: 'a PAX header that turns an innocent name into ../evil',
    entries: () => [
      { name: 'PaxHeader/innocent', type: 'pax', body: paxRecords({ path: '../pax-evil' }) },
      { name: 'innocent', body: EVIL },
    ],
    targets: () => ['../pax-evil', 'innocent'],
  },
  {
    name: 'a GNU long name ../../evil',
    entries: () => [
      { name: '././@LongLink', type: 'gnuLongName', body: '../../long-evil\0' },
      { name: 'short', body: EVIL },
    ],
    targets: () => ['../../long-evil', 'short'],
  },
  {
    name: 'a symlink to outside, then a file through it',
    entries: (outside) => [
      { name: `${FOLDER}/escape`, type: 'symlink', linkname: outside },
      { name: `${FOLDER}/escape/evil`, body: EVIL },
    ],
    targets: (outside) => [join(outside, 'evil'), `${FOLDER}/escape`],
  },
  {
    name: 'a symlink to /etc/passwd',
    entries: () => [
      { name: `${FOLDER}/inference.pdiparams.info`, type: 'symlink', linkname: '/etc/passwd' },
    ],
    targets: () => [`${FOLDER}/inference.pdiparams.info`],
  },
  {
    name: 'a hard link to /etc/passwd',
    entries: () => [{ name: `${FOLDER}/passwd`, type: 'hardlink', linkname: '/etc/passwd' }],
    targets: () => [`${FOLDER}/passwd`],
  },
  {
    name: 'a hard link climbing out with ..',
    entries: () => [
      { name: `${FOLDER}/passwd2`, type: 'hardlink', linkname: '../../../../../../etc/passwd' },
    ],
    targets: () => [`${FOLDER}/passwd2`],
  },
  {
    name: 'a character device',
    entries: () => [{ name: `${FOLDER}/null`, type: 'char', devmajor: 1, devminor: 3 }],
    targets: () => [`${FOLDER}/null`],
  },
  {
    name: 'a block device',
    entries: () => [{ name: `${FOLDER}/disk`, type: 'block', devmajor: 8, devminor: 0 }],
    targets: () => [`${FOLDER}/disk`],
  },
  {
    name: 'a FIFO',
    entries: () => [{ name: `${FOLDER}/fifo`, type: 'fifo' }],
    targets: () => [`${FOLDER}/fifo`],
  },
]

/** `/abs` must not exist before the test; if a broken extractor made it, remove it again. */
function guardAbs(): void {
  const existed = existsSync('/abs')
  onTestFinished(() => {
    if (!existed) rmSync('/abs', { recursive: true, force: true })
  })
}

interface Refusal {
  weights: WeightsCore
  outside: string
  staging: string
  targets: string[]
}

/** Checks that nothing of a refused archive was written anywhere. */
function expectNothingWritten({ weights, outside, staging, targets }: Refusal): void {
  for (const target of targets) expect(existsSync(resolve(staging, target)), target).toBe(false)
  expect(listTree(outside)).toEqual([])
  expect(listTree(weights.dirs.extracted)).toEqual([]) // no extracted folder, no staging
  expect(listTree(weights.dataDir).filter((path) => /evil|passwd|escape/.test(path))).toEqual([])
  expect(weights.rows()).toEqual([])
  expect(weights.core.weights.list().artifacts).toEqual([])
  expect(weights.core.catalog.get(MODEL).hasLocalWeights).toBe(false)
}

describe('hostile archives are refused whole, and nothing lands outside staging', () => {
  it.each(hostile)('pulled: $name → ARCHIVE_UNSAFE', async (hostileCase) => {
    guardAbs()
    const passwd = statSync('/etc/passwd')
    const outside = tempDirForTest('zoo-outside')
    const weights = await openWeightsCore()
    const body = tarOf([...good, ...hostileCase.entries(outside), ...good.slice(1)])
    weights.server.put(weights.pathOf(MODEL), body)
    const staging = join(weights.dirs.extracted, `${sha256Hex(body)}.staging-${process.pid}`)

    const failure = pullNow(weights)

    await expect(failure).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' })
    await expect(failure).rejects.toThrow(/refused, nothing was extracted/)
    expectNothingWritten({ weights, outside, staging, targets: hostileCase.targets(outside) })
    expect(listTree(weights.dirs.blobs)).toEqual([])
    expect(existsSync('/abs')).toBe(false)
    const after = statSync('/etc/passwd')
    expect([after.nlink, after.ino, after.size]).toEqual([passwd.nlink, passwd.ino, passwd.size])
    expect(weights.core.weights.list().downloads).toEqual([
      expect.objectContaining({
        state: 'failed',
        error: expect.objectContaining({ code: 'ARCHIVE_UNSAFE' }),
      }),
    ])
  })

  it.each(hostile)('imported: $name → ARCHIVE_UNSAFE', async (hostileCase) => {
    guardAbs()
    const outside = tempDirForTest('zoo-outside')
    const weights = await openWeightsCore()
    const body = tarOf([...good, ...hostileCase.entries(outside)])
    const file = join(tempDirForTest('zoo-import'), `${FOLDER}.tar`)
    writeFileSync(file, body)
    const staging = join(weights.dirs.extracted, `${sha256Hex(body)}.staging-${process.pid}`)

    const result = await weights.core.dispatch(
      'weights.import',
      { source: { path: file }, modelId: MODEL },
      { face: 'cli' },
    )

    expect(result).toMatchObject({ ok: false, error: { code: 'ARCHIVE_UNSAFE' } })
    expectNothingWritten({ weights, outside, staging, targets: hostileCase.targets(outside) })
    expect(existsSync('/abs')).toBe(false)
  })

  it('lists every problem of an archive in its message', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), 'many.tar')
    writeFileSync(
      file,
      tarOf([
        ...good,
        { name: '../evil', body: EVIL },
        { name: `${FOLDER}/link`, type: 'symlink', linkname: '/' },
        { name: `${FOLDER}/fifo`, type: 'fifo' },
      ]),
    )
    const failure = weights.core.weights.import({ source: { path: file }, modelId: MODEL })
    await expect(failure).rejects.toThrow(
      /\.\.\/evil: .*\(\.\.\); .*link: symbolic link.*; .*fifo: FIFO/,
    )
  })

  it('a refused import leaves no blob behind in the cache', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), `${FOLDER}.tar`)
    writeFileSync(file, tarOf([...good, { name: '../evil', body: EVIL }]))
    await expect(
      weights.core.weights.import({ source: { path: file }, modelId: MODEL }),
    ).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' })
    expect(listTree(weights.dirs.blobs)).toEqual([])
  })

  it('a file that is not a tar at all is refused as corrupt', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), `${FOLDER}.tar`)
    writeFileSync(file, randomBytes(10_000))
    await expect(
      weights.core.weights.import({ source: { path: file }, modelId: MODEL }),
    ).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' })
    expect(listTree(weights.dirs.extracted)).toEqual([])
    expect(weights.rows()).toEqual([])
  })
})

describe('good archives are extracted and recognised', () => {
  it.each<{
    what: string
    files: Record<string, Buffer | string>
    format: 'paddle2' | 'paddle3' | 'onnx'
  }>([
    {
      what: 'inference.pdmodel + inference.pdiparams',
      files: { ...paddleModelFiles(5000), 'inference.pdiparams.info': 'info' },
      format: 'paddle2',
    },
    {
      what: 'inference.json + inference.pdiparams',
      files: { ...paddle3Files(), 'inference.yml': 'PreProcess: {}' },
      format: 'paddle3',
    },
    {
      what: 'an .onnx file',
      files: { 'model.onnx': Buffer.from(tinyClassifier().bytes) },
      format: 'onnx',
    },
  ])('$what → $format', async ({ files, format }) => {
    const weights = await openWeightsCore()
    const body = modelArchive(FOLDER, files)
    const sha = sha256Hex(body)
    const file = join(tempDirForTest('zoo-import'), `${FOLDER}.tar`)
    writeFileSync(file, body)

    const artifact = await weights.core.weights.import({ source: { path: file }, modelId: MODEL })

    expect(artifact.contents).toEqual({
      format,
      files: Object.keys(files)
        .sort()
        .map((name) => `${FOLDER}/${name}`),
    })
    expect(listTree(weights.dirs.extracted)).toEqual([
      sha,
      `${sha}/${FOLDER}`,
      ...Object.keys(files)
        .sort()
        .map((name) => `${sha}/${FOLDER}/${name}`),
    ])
    for (const [name, content] of Object.entries(files))
      expect(readFileSync(join(weights.dirs.extracted, sha, FOLDER, name))).toEqual(
        Buffer.from(content),
      )
  })

  it('an archive with no model in it is refused (ARCHIVE_CORRUPT), nothing cached', async () => {
    const weights = await openWeightsCore()
    const file = join(tempDirForTest('zoo-import'), `${FOLDER}.tar`)
    writeFileSync(file, modelArchive(FOLDER, { 'README.txt': 'nothing to see' }))
    await expect(
      weights.core.weights.import({ source: { path: file }, modelId: MODEL }),
    ).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/holds no model/),
    })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.blobs)).toEqual([])
    expect(listTree(weights.dirs.extracted)).toEqual([])
  })

  it('a pulled Paddle 3 archive is recognised too', async () => {
    const weights = await openWeightsCore()
    const body = modelArchive(FOLDER, paddle3Files())
    weights.server.put(weights.pathOf(MODEL), body)
    const artifact = await pullNow(weights)
    expect(artifact.contents?.format).toBe('paddle3')
    expect(listTree(weights.dirs.extracted)[0]).toBe(sha256Hex(body))
  })
})

describe('importing an extracted model folder', () => {
  const writeFolder = (root: string, files: Record<string, string | Buffer>) => {
    const folder = join(root, FOLDER)
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, name)), { recursive: true })
      writeFileSync(join(folder, name), body)
    }
    return folder
  }
  const files = { ...paddleModelFiles(9000), 'extra/inference.yml': 'PreProcess: {}' }

  it('packs it into a cached archive that extracts to the same files, the same blob every time', async () => {
    const weights = await openWeightsCore()
    const folder = writeFolder(tempDirForTest('zoo-import'), files)

    const artifact = await weights.core.weights.import({ source: { path: folder }, modelId: MODEL })
    expect(artifact).toMatchObject({ source: 'import', kind: 'inference', url: null })
    expect(artifact.contents).toEqual({
      format: 'paddle2',
      files: Object.keys(files)
        .sort()
        .map((name) => `${FOLDER}/${name}`),
    })
    const blob = join(weights.dirs.blobs, artifact.sha256)
    expect(statSync(blob).size).toBe(artifact.size)
    expect(sha256Hex(readFileSync(blob))).toBe(artifact.sha256)
    for (const [name, body] of Object.entries(files))
      expect(readFileSync(join(weights.dirs.extracted, artifact.sha256, FOLDER, name))).toEqual(
        Buffer.from(body),
      )
    // Only the blob is left in the blobs folder: the packed temporary was renamed into it.
    expect(listTree(weights.dirs.blobs)).toEqual([artifact.sha256])

    // The same files elsewhere, with other times, give the same blob.
    const again = writeFolder(tempDirForTest('zoo-import'), files)
    const second = await weights.core.weights.import({ source: { path: again }, modelId: MODEL })
    expect(second.sha256).toBe(artifact.sha256)
    expect(await weights.core.weights.verify(second.id)).toEqual({
      checked: [expect.objectContaining({ id: second.id, ok: true })],
    })
  })

  it('refuses a folder with a link, and a folder as pretrained weights, caching nothing', async () => {
    const weights = await openWeightsCore()
    const root = tempDirForTest('zoo-import')
    const folder = writeFolder(root, files)
    writeFileSync(join(root, 'secret'), 'outside')
    symlinkSync(join(root, 'secret'), join(folder, 'link'))
    const importing = (kind: 'inference' | 'pretrained') =>
      weights.core.dispatch(
        'weights.import',
        { source: { path: folder }, modelId: MODEL, kind },
        { face: 'cli' },
      )

    const linked = await importing('inference')
    expect(linked).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(JSON.stringify(linked)).toMatch(/not a plain file/)
    expect(await importing('pretrained')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/\.pdparams file/) },
    })
    expect(weights.rows()).toEqual([])
    expect(listTree(weights.dirs.blobs)).toEqual([])
  })
})
