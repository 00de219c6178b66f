/**
 * The checked opener every image, model and label read goes through: a regular file (or a
 * symlink to one) under its kind's cap, read with a timeout; everything else is refused with a
 * code, quickly, and without reading it (a FIFO, /dev/zero and a sparse 300 MB file would each
 * hang or flood a plain readFile).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '@shared/errors'
import { inputLimits, type InputKind } from '../../../src/main/files/inputLimits'
import {
  openRegularFile,
  readRegularFile,
  readRegularFileChunks,
  statRegularFile,
} from '../../../src/main/files/regularFile'
import { projectRoot } from '../helpers/paths'
import { canMakeFifos, makeFifo, noEaccesReason, sparseFile } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'

const MiB = 1024 ** 2

/** The code and message `work` fails with, and how long it took to fail. */
async function failure(work: Promise<unknown>) {
  const started = performance.now()
  try {
    await work
  } catch (error) {
    const e = error as { code?: ErrorCode; message: string; details?: unknown }
    return { code: e.code, message: e.message, details: e.details, ms: performance.now() - started }
  }
  throw new Error('expected a failure, but it succeeded')
}

/** Every entry point refuses `path` with `code`, each within `withinMs`. */
async function expectRefused(
  path: string,
  code: ErrorCode,
  message: RegExp,
  kind: InputKind = 'image',
  withinMs = 1000,
) {
  for (const attempt of [
    () => readRegularFile(path, kind),
    () => statRegularFile(path, kind),
    () => openRegularFile(path, kind),
  ]) {
    const result = await failure(attempt())
    expect(result.code).toBe(code)
    expect(result.message).toMatch(message)
    expect(result.ms).toBeLessThan(withinMs)
  }
}

describe('what is read', () => {
  it('a regular file: its bytes, its size', async () => {
    const dir = tempDirForTest('zoo-regular')
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256))
    const path = join(dir, 'photo.jpg')
    writeFileSync(path, bytes)
    expect(Buffer.compare(await readRegularFile(path, 'image'), bytes)).toBe(0)
    expect((await statRegularFile(path, 'image')).size).toBe(10_000)
    const opened = await openRegularFile(path, 'image')
    try {
      expect(opened.info.isFile()).toBe(true)
      const chunks: Buffer[] = []
      for await (const chunk of readRegularFileChunks(opened, path, 'image'))
        chunks.push(Buffer.from(chunk))
      expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0)
    } finally {
      await opened.handle.close()
    }
  })

  it('an empty file reads as no bytes (the decoder then says IMAGE_EMPTY)', async () => {
    const path = join(tempDirForTest('zoo-regular'), 'empty.jpg')
    writeFileSync(path, '')
    expect((await readRegularFile(path, 'image')).length).toBe(0)
  })

  it('a symlink to a regular file reads as the file', async () => {
    const dir = tempDirForTest('zoo-regular')
    const target = join(dir, 'model.onnx')
    writeFileSync(target, 'onnx bytes')
    const link = join(dir, 'link.onnx')
    symlinkSync(target, link)
    expect((await readRegularFile(link, 'model')).toString()).toBe('onnx bytes')
  })

  it('a file of exactly the cap is read; one byte more is refused', async () => {
    const dir = tempDirForTest('zoo-regular')
    const cap = inputLimits.labels.maxBytes
    const atCap = sparseFile(join(dir, 'at-cap.txt'), cap)
    expect((await statRegularFile(atCap, 'labels')).size).toBe(cap)
    const over = sparseFile(join(dir, 'over.txt'), cap + 1)
    await expectRefused(
      over,
      'FILE_TOO_LARGE',
      /is 16777217 bytes; .* at most 16777216 bytes/,
      'labels',
    )
  })
})

describe('what is refused', () => {
  it('a missing file → NOT_FOUND, naming it', async () => {
    const dir = tempDirForTest('zoo-regular')
    await expectRefused(join(dir, 'no-such.jpg'), 'NOT_FOUND', /no-such\.jpg/)
    // A path through a file: ENOTDIR.
    writeFileSync(join(dir, 'file'), 'x')
    await expectRefused(join(dir, 'file', 'inside.jpg'), 'NOT_FOUND', /inside\.jpg/)
    // A symlink to nothing.
    symlinkSync(join(dir, 'gone.jpg'), join(dir, 'dangling.jpg'))
    await expectRefused(join(dir, 'dangling.jpg'), 'NOT_FOUND', /dangling\.jpg/)
  })

  it('a folder → NOT_A_FILE', async () => {
    const dir = tempDirForTest('zoo-regular')
    mkdirSync(join(dir, 'photos.jpg'))
    await expectRefused(join(dir, 'photos.jpg'), 'NOT_A_FILE', /is a folder, not an image file/)
  })

  it('a symlink loop → NOT_A_FILE', async () => {
    const dir = tempDirForTest('zoo-regular')
    symlinkSync(join(dir, 'b.jpg'), join(dir, 'a.jpg'))
    symlinkSync(join(dir, 'a.jpg'), join(dir, 'b.jpg'))
    await expectRefused(join(dir, 'a.jpg'), 'NOT_A_FILE', /loops/)
  })

  it.skipIf(!existsSync('/dev/zero'))(
    '/dev/zero (endless bytes) → NOT_A_FILE at once',
    async () => {
      await expectRefused('/dev/zero', 'NOT_A_FILE', /is a device, not an image file/)
      await expectRefused('/dev/zero', 'NOT_A_FILE', /not a model file/, 'model')
    },
  )

  it.skipIf(!existsSync('/dev/null'))('/dev/null (a character device) → NOT_A_FILE', async () => {
    await expectRefused('/dev/null', 'NOT_A_FILE', /device/, 'labels')
  })

  it.skipIf(!canMakeFifos('the FIFO test'))(
    'a FIFO with no writer (a plain open waits forever) → NOT_A_FILE at once, also via a symlink',
    async () => {
      const dir = tempDirForTest('zoo-regular')
      const fifo = makeFifo(dir, 'photo.jpg')
      await expectRefused(fifo, 'NOT_A_FILE', /FIFO/)
      symlinkSync(fifo, join(dir, 'link.jpg'))
      await expectRefused(join(dir, 'link.jpg'), 'NOT_A_FILE', /FIFO/)
    },
  )

  it('a sparse file over the cap → FILE_TOO_LARGE without reading it', async () => {
    const dir = tempDirForTest('zoo-regular')
    // 300 MB of nothing: reading it would take a while and 300 MB of memory.
    const path = sparseFile(join(dir, 'huge.jpg'), 300 * MiB)
    await expectRefused(
      path,
      'FILE_TOO_LARGE',
      /300 MB; an image may be at most 256 MB/,
      'image',
      200,
    )
    const { details } = await failure(readRegularFile(path, 'image'))
    expect(details).toEqual({ size: 300 * MiB, maxBytes: 256 * MiB })
    // A 5 GB "model" likewise.
    const model = sparseFile(join(dir, 'huge.onnx'), 5 * 1024 * MiB)
    await expectRefused(
      model,
      'FILE_TOO_LARGE',
      /5\.0 GB; a model may be at most 4\.0 GB/,
      'model',
      200,
    )
  })
})

describe('permissions', () => {
  it.skipIf(noEaccesReason !== null)('an unreadable file → FILE_UNREADABLE', async () => {
    const dir = tempDirForTest('zoo-regular')
    const path = join(dir, 'secret.jpg')
    writeFileSync(path, 'x')
    chmodSync(path, 0o000)
    await expectRefused(path, 'FILE_UNREADABLE', /permission denied/)
  })

  // Root reads anything, so the same check runs in a child process as the unprivileged `nobody`.
  it.skipIf(process.getuid?.() !== 0)(
    'an unreadable file → FILE_UNREADABLE (run as nobody, since this runs as root)',
    () => {
      const dir = tempDirForTest('zoo-regular')
      chmodSync(dir, 0o755)
      const path = join(dir, 'secret.jpg')
      writeFileSync(path, 'x')
      chmodSync(path, 0o000)
      const script = join(dir, 'check.mjs')
      writeFileSync(
        script,
        `const { readRegularFile } = await import(${JSON.stringify(join(projectRoot, 'src/main/files/regularFile.ts'))})
try { await readRegularFile(${JSON.stringify(path)}, 'image'); console.log('READ') }
catch (error) { console.log(error.code, error.message) }\n`,
      )
      chmodSync(script, 0o644)
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: projectRoot,
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
        timeout: 20_000,
      })
      if (child.error || child.status !== 0) {
        console.warn(
          `skipping the permission check as nobody: ${child.error?.message ?? child.stderr}`,
        )
        return
      }
      expect(child.stdout).toMatch(/^FILE_UNREADABLE .*permission denied/)
    },
  )
})

describe('the timeout', () => {
  // No stalled drive can be made here (that would take FUSE or NFS), so a read that cannot
  // finish in 1 ms stands in for one: the same timer gives it up, with the same error.
  it('a read slower than the timeout → FILE_UNREADABLE, saying it made no progress', async () => {
    const dir = tempDirForTest('zoo-regular')
    const path = sparseFile(join(dir, 'slow.jpg'), 200 * MiB)
    const result = await failure(readRegularFile(path, 'image', 1))
    expect(result.code).toBe('FILE_UNREADABLE')
    expect(result.message).toMatch(/made no progress for 0\.001 s/)
    // With the default timeout the same file reads in full.
    expect((await readRegularFile(path, 'image')).length).toBe(200 * MiB)
  })
})
