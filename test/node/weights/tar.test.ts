/**
 * The tar reader, extractor and writer on their own: archives written byte by byte (ustar helper)
 * and by GNU tar (the independent oracle, when installed) are accepted or refused as a whole, and
 * what our writer packs is what GNU tar reads.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { extractTar } from '../../../src/main/weights/tar/extractTar'
import {
  archiveLimits,
  readTarIndex,
  unsafePathReason,
  type TarLimits,
} from '../../../src/main/weights/tar/tarIndex'
import { writeTar } from '../../../src/main/weights/tar/writeTar'
import { tempDirForTest } from '../helpers/tempDir'
import { listTree } from './helpers/weightsFixture'
import { paxRecords, tarOf, type TarEntry } from '../../support/ustar'

const haveGnuTar = /GNU tar/.test(
  spawnSync('tar', ['--version'], { encoding: 'utf8' }).stdout ?? '',
)
if (!haveGnuTar) console.warn('skipping the GNU tar cross-checks: GNU tar is not installed')

const files: TarEntry[] = [
  { name: 'M_infer/', type: 'dir' },
  { name: 'M_infer/inference.pdmodel', body: randomBytes(3000) },
  { name: 'M_infer/inference.pdiparams', body: randomBytes(700) },
]

async function indexOf(bytes: Buffer, limits?: TarLimits) {
  const file = join(tempDirForTest('zoo-tar'), 'a.tar')
  writeFileSync(file, bytes)
  const handle = await open(file, 'r')
  try {
    return await readTarIndex(handle, bytes.length, limits ?? archiveLimits(bytes.length))
  } finally {
    await handle.close()
  }
}

describe('readTarIndex: what it accepts', () => {
  it('lists files and folders with their sizes and data offsets', async () => {
    const bytes = tarOf(files)
    const entries = await indexOf(bytes)
    expect(entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['M_infer', 'dir', 0],
      ['M_infer/inference.pdmodel', 'file', 3000],
      ['M_infer/inference.pdiparams', 'file', 700],
    ])
    const model = entries[1]!
    expect(bytes.subarray(model.dataOffset, model.dataOffset + 3000)).toEqual(files[1]!.body)
  })

  it('takes the name from a pax header, a GNU long name, or the ustar prefix', async () => {
    const long = `M_infer/${'d'.repeat(120)}/weights.pdiparams`
    const entries = await indexOf(
      tarOf([
        { name: 'PaxHeader/x', type: 'pax', body: paxRecords({ path: long }) },
        { name: 'truncated-name', body: 'a' },
        { name: '././@LongLink', type: 'gnuLongName', body: `${long}.2\0` },
        { name: 'short', body: 'b' },
        { prefix: 'M_infer/sub', name: 'c.bin', body: 'c' },
      ]),
    )
    expect(entries.map((e) => e.path)).toEqual([long, `${long}.2`, 'M_infer/sub/c.bin'])
  })

  it.runIf(haveGnuTar)('reads what GNU tar writes, long names and all', async () => {
    const dir = tempDirForTest('zoo-tar')
    const deep = join('M_infer', 'x'.repeat(150), 'y'.repeat(120))
    mkdirSync(join(dir, deep), { recursive: true })
    writeFileSync(join(dir, deep, 'inference.pdiparams'), randomBytes(5000))
    writeFileSync(join(dir, 'M_infer', 'ünïcode.txt'), 'hi')
    for (const format of ['gnu', 'posix', 'ustar']) {
      const archive = join(dir, `${format}.tar`)
      const args = ['-cf', archive, '-C', dir, `--format=${format}`, 'M_infer']
      const made = spawnSync('tar', args, { encoding: 'utf8' })
      if (format === 'ustar' && made.status !== 0) continue // ustar cannot hold the long name
      expect(made.status, made.stderr).toBe(0)
      const entries = await indexOf(readFileSync(archive))
      expect(
        entries
          .filter((e) => e.type === 'file')
          .map((e) => e.path)
          .sort(),
      ).toEqual([`${deep}/inference.pdiparams`, 'M_infer/ünïcode.txt'].sort())
    }
  })
})

describe('readTarIndex: what it refuses, whole', () => {
  const compressed: [string, () => Buffer][] = [
    ['gzip', () => gzipSync(tarOf(files))],
    ['bzip2', () => Buffer.concat([Buffer.from('BZh9'), randomBytes(2000)])],
    [
      'xz',
      () => Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), randomBytes(2000)]),
    ],
    ['zstd', () => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(2000)])],
  ]
  it.each(compressed)('a %s-compressed tar → ARCHIVE_UNSAFE, saying why', async (name, make) => {
    await expect(indexOf(make())).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: expect.stringMatching(new RegExp(`${name}-compressed.*unpack it yourself`)),
    })
  })

  it('a gzip bomb is refused at its first bytes, without unpacking any of it', async () => {
    // 64 MB of zeros behind a tar header gzip to 64 KB (1,000×); the refusal does not depend on it.
    const bomb = gzipSync(Buffer.concat([tarOf(files).subarray(0, 512), Buffer.alloc(64 << 20)]))
    const started = performance.now()
    await expect(indexOf(bomb)).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('a tar without its end marker → ARCHIVE_CORRUPT (truncated)', async () => {
    const whole = tarOf(files)
    const noMarker = whole.subarray(0, whole.length - 1024)
    await expect(indexOf(noMarker)).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/without its end marker after 3 entries.*truncated/),
    })
    await expect(indexOf(whole.subarray(0, whole.length - 512))).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/end marker is incomplete/),
    })
  })

  it('a tar cut inside a file → ARCHIVE_CORRUPT naming the file', async () => {
    const whole = tarOf(files)
    await expect(indexOf(whole.subarray(0, 512 * 3 + 100))).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/ends in the middle of "M_infer\/inference\.pdmodel"/),
    })
  })

  it('10,002 entries cut after 2,212 of them is refused, not cached with what arrived', async () => {
    const many: TarEntry[] = Array.from({ length: 10_002 }, (_, i) => ({
      name: `f/${i}`,
      body: 'x',
    }))
    const whole = tarOf(many)
    await expect(indexOf(whole.subarray(0, 2212 * 1024))).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/without its end marker after 2212 entries/),
    })
    // Whole, it is over the entry cap (a model archive holds a handful of files).
    await expect(indexOf(whole)).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' })
  })

  it('more entries than the cap → ARCHIVE_UNSAFE, before reading them all', async () => {
    const many: TarEntry[] = Array.from({ length: 50 }, (_, i) => ({ name: `f/${i}`, body: 'x' }))
    await expect(indexOf(tarOf(many), { maxEntries: 20, maxBytes: 1e9 })).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: expect.stringMatching(/more than 20 entries/),
    })
  })

  it('files adding up to more than the cap → ARCHIVE_UNSAFE', async () => {
    const bytes = tarOf(files)
    await expect(indexOf(bytes, { maxEntries: 10, maxBytes: 1000 })).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: expect.stringMatching(/more than 1,000 B unpacked/),
    })
  })

  it('a pax size larger than the data → ARCHIVE_CORRUPT (it would read past the end)', async () => {
    const bytes = tarOf([
      { name: 'PaxHeader/x', type: 'pax', body: paxRecords({ size: String(2 ** 40) }) },
      { name: 'M_infer/big', body: 'tiny' },
    ])
    await expect(indexOf(bytes, { maxEntries: 10, maxBytes: 2 ** 50 })).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
    })
  })

  it('data after the end marker → ARCHIVE_CORRUPT; zero padding after it is fine', async () => {
    const whole = tarOf(files)
    expect(await indexOf(Buffer.concat([whole, Buffer.alloc(10240)]))).toHaveLength(3)
    await expect(indexOf(Buffer.concat([whole, Buffer.from('junk')]))).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/data after its end marker/),
    })
  })

  it('a damaged header (checksum) → ARCHIVE_CORRUPT; a file of random bytes too', async () => {
    const bytes = Buffer.from(tarOf(files))
    bytes[512 + 10]! ^= 0xff
    await expect(indexOf(bytes)).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringMatching(/header at byte 512 has a wrong checksum/),
    })
    await expect(indexOf(randomBytes(10_000))).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' })
  })

  it('the same path twice, or a path through a file → ARCHIVE_UNSAFE', async () => {
    await expect(
      indexOf(tarOf([...files, { name: 'M_infer/inference.pdmodel', body: 'again' }])),
    ).rejects.toThrow(/inference\.pdmodel: appears twice/)
    await expect(
      indexOf(tarOf([...files, { name: 'M_infer/inference.pdmodel/x', body: 'under' }])),
    ).rejects.toThrow(/its folder M_infer\/inference\.pdmodel is a file/)
  })

  it('links, devices, FIFOs and sparse files are listed in one refusal', async () => {
    await expect(
      indexOf(
        tarOf([
          ...files,
          { name: 'M_infer/link', type: 'symlink', linkname: '/etc' },
          { name: 'M_infer/hard', type: 'hardlink', linkname: 'M_infer/inference.pdmodel' },
          { name: 'M_infer/tty', type: 'char', devmajor: 5, devminor: 0 },
          { name: 'M_infer/pipe', type: 'fifo' },
          { name: 'PaxHeader/s', type: 'pax', body: paxRecords({ 'GNU.sparse.size': '9' }) },
          { name: 'M_infer/sparse', body: 'x' },
        ]),
      ),
    ).rejects.toThrow(
      /refused, nothing was extracted: M_infer\/link: symbolic link .*; M_infer\/hard: hard link .*; M_infer\/tty: character device .*; M_infer\/pipe: FIFO .*; M_infer\/sparse: sparse files/,
    )
  })
})

describe('unsafePathReason', () => {
  it.each<[string, string | null]>([
    ['M_infer/inference.pdmodel', null],
    ['./M_infer/a..b', null],
    ['M_infer/sub/../inference.pdmodel', 'the path leaves the archive (..)'],
    ['../evil', 'the path leaves the archive (..)'],
    ['/abs/evil', 'the path is absolute'],
    ['C:/evil', 'the path is absolute'],
    ['..\\evil', 'the path leaves the archive (..)'],
    ['\\\\server\\share', 'the path is absolute'],
    ['a\0b', 'the path contains a NUL byte'],
  ])('%j → %s', (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason)
  })
})

describe('extractTar', () => {
  it('writes the files with plain permissions: setuid, setgid and sticky bits never survive', async () => {
    const dir = tempDirForTest('zoo-tar')
    const archive = join(dir, 'a.tar')
    writeFileSync(
      archive,
      tarOf([
        { name: 'M_infer/', type: 'dir', mode: 0o7777 },
        { name: 'M_infer/suid-tool', body: '#!/bin/sh\nid\n', mode: 0o6755 },
        { name: 'M_infer/sticky', body: 'x', mode: 0o1666 },
        { name: 'M_infer/inference.pdmodel', body: 'model', mode: 0o4600 },
      ]),
    )
    const staging = join(dir, 'staging')
    const result = await extractTar(archive, staging)
    expect(result).toEqual({
      files: ['M_infer/suid-tool', 'M_infer/sticky', 'M_infer/inference.pdmodel'],
      bytes: 13 + 1 + 5,
    })
    const mode = (rel: string) => statSync(join(staging, rel)).mode & 0o7777
    expect(mode('M_infer/suid-tool') & 0o7000).toBe(0)
    expect(mode('M_infer/sticky') & 0o7000).toBe(0)
    expect(mode('M_infer/inference.pdmodel') & 0o7000).toBe(0)
    expect(mode('M_infer') & 0o7000).toBe(0)
    expect(mode('M_infer/suid-tool') & 0o100).toBe(0o100) // execute kept, for whoever needs it
    expect(readFileSync(join(staging, 'M_infer/inference.pdmodel'), 'utf8')).toBe('model')
  })

  it('writes nothing at all for a refused archive (the staging folder is never made)', async () => {
    const dir = tempDirForTest('zoo-tar')
    const archive = join(dir, 'a.tar')
    writeFileSync(archive, tarOf([...files, { name: '../evil', body: 'x' }]))
    await expect(extractTar(archive, join(dir, 'staging'))).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
    })
    expect(listTree(dir)).toEqual(['a.tar'])
  })
})

describe('writeTar', () => {
  function folder(): string {
    const dir = tempDirForTest('zoo-pack')
    mkdirSync(join(dir, 'M_infer', 'y'.repeat(130)), { recursive: true })
    writeFileSync(join(dir, 'M_infer', 'inference.pdmodel'), randomBytes(1500))
    writeFileSync(join(dir, 'M_infer', 'y'.repeat(130), `${'z'.repeat(140)}.bin`), randomBytes(10))
    writeFileSync(join(dir, 'M_infer', 'ünïcode.txt'), 'hi')
    return dir
  }
  const sources = [
    { path: 'M_infer', type: 'dir' as const },
    { path: 'M_infer/inference.pdmodel', type: 'file' as const },
    { path: `M_infer/${'y'.repeat(130)}/${'z'.repeat(140)}.bin`, type: 'file' as const },
    { path: 'M_infer/ünïcode.txt', type: 'file' as const },
  ]

  it('round-trips through our reader and extractor, the same bytes every time', async () => {
    const dir = folder()
    await writeTar(join(dir, 'one.tar'), dir, sources)
    await writeTar(join(dir, 'two.tar'), dir, sources)
    expect(readFileSync(join(dir, 'one.tar'))).toEqual(readFileSync(join(dir, 'two.tar')))
    const out = join(dir, 'out')
    const { files: extracted } = await extractTar(join(dir, 'one.tar'), out)
    expect(extracted).toEqual(sources.slice(1).map((s) => s.path))
    for (const path of extracted)
      expect(readFileSync(join(out, path))).toEqual(readFileSync(join(dir, path)))
  })

  it.runIf(haveGnuTar)('writes what GNU tar reads: the same names and bytes', async () => {
    const dir = folder()
    await writeTar(join(dir, 'ours.tar'), dir, sources)
    const listed = spawnSync('tar', ['-tf', join(dir, 'ours.tar')], { encoding: 'utf8' })
    expect(listed.status, listed.stderr).toBe(0)
    expect(listed.stdout.trim().split('\n')).toEqual([
      'M_infer/',
      ...sources.slice(1).map((s) => s.path),
    ])
    const out = join(dir, 'gnu')
    mkdirSync(out)
    const unpacked = spawnSync('tar', ['-xf', join(dir, 'ours.tar'), '-C', out], {
      encoding: 'utf8',
    })
    expect(unpacked.status, unpacked.stderr).toBe(0)
    for (const { path } of sources.slice(1))
      expect(readFileSync(join(out, path))).toEqual(readFileSync(join(dir, path)))
  })
})
