/**
 * Finding a job's images on a real disk: extensions in any case, hidden entries passed over,
 * links followed once (loops, a folder reached twice, a root given twice), entries that are not
 * files (a FIFO, a socket, a device, dangling and looping links) and unreadable folders reported
 * with a code while the walk goes on, and a folder of 10,000 files walked lazily.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '@shared/errors'
import {
  enumerateImages,
  type EnumeratedEntry,
  type EnumerateOptions,
} from '../../../src/main/batch/enumerateImages'
import { projectRoot } from '../helpers/paths'
import { canMakeFifos, makeFifo, noEaccesReason } from '../helpers/specialFiles'
import { tempDirForTest } from '../helpers/tempDir'

function write(path: string, bytes = 'img'): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, bytes)
  return path
}

interface Collected {
  entries: EnumeratedEntry[]
  files: string[]
  skipped: { relPath: string; code: ErrorCode; message: string }[]
}

async function collect(
  roots: string[],
  options: EnumerateOptions = { recursive: true },
): Promise<Collected> {
  const entries: EnumeratedEntry[] = []
  for await (const entry of enumerateImages(roots, options)) entries.push(entry)
  return {
    entries,
    files: entries.flatMap((e) => ('file' in e ? [`${e.file.root}:${e.file.relPath}`] : [])),
    skipped: entries.flatMap((e) =>
      'skipped' in e
        ? [
            {
              relPath: e.skipped.relPath,
              code: e.skipped.error.code,
              message: e.skipped.error.message,
            },
          ]
        : [],
    ),
  }
}

const sorted = (items: string[]) => [...items].sort()

/** Open descriptors of this process (Linux), to see that folders are closed again. */
function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return null
  }
}

describe('what is found', () => {
  it('images in any case of extension, recursively; hidden files and folders and other names passed over', async () => {
    const root = tempDirForTest('zoo-enum')
    write(join(root, 'a.JPG'), 'abc')
    write(join(root, 'b.jpeg'), 'abcdef')
    write(join(root, 'notes.txt'))
    write(join(root, 'photo.jpg.zip'))
    write(join(root, '.hidden.jpg'))
    write(join(root, '._a.JPG'))
    write(join(root, '.cache', 'thumb.jpg'))
    write(join(root, 'sub', 'c.Png'))
    write(join(root, 'sub', 'deeper', 'd.TIFF'))
    write(join(root, 'sub', 'deeper', 'e.webp'))
    write(join(root, 'album.jpg', 'inside.gif')) // a folder with an image's name is a folder
    const found = await collect([root])
    expect(found.skipped).toEqual([])
    expect(sorted(found.files)).toEqual(
      sorted([
        '0:a.JPG',
        '0:b.jpeg',
        '0:sub/c.Png',
        '0:sub/deeper/d.TIFF',
        '0:sub/deeper/e.webp',
        '0:album.jpg/inside.gif',
      ]),
    )
    const a = found.entries.find((e) => 'file' in e && e.file.relPath === 'a.JPG')
    const d = found.entries.find((e) => 'file' in e && e.file.relPath === 'sub/deeper/d.TIFF')
    expect(a).toEqual({
      file: {
        root: 0,
        relPath: 'a.JPG',
        absPath: join(root, 'a.JPG'),
        size: 3,
        mtimeMs: statSync(join(root, 'a.JPG')).mtimeMs,
      },
    })
    expect(d && 'file' in d && d.file.absPath).toBe(join(root, 'sub', 'deeper', 'd.TIFF'))
  })

  it('not recursive: only the folder itself', async () => {
    const root = tempDirForTest('zoo-enum')
    write(join(root, 'top.jpg'))
    write(join(root, 'sub', 'below.jpg'))
    symlinkSync(join(root, 'sub'), join(root, 'linked'))
    expect((await collect([root], { recursive: false })).files).toEqual(['0:top.jpg'])
  })

  it('several roots: each entry names its root; one root given twice or inside another is walked once', async () => {
    const one = tempDirForTest('zoo-enum')
    const two = tempDirForTest('zoo-enum')
    write(join(one, 'x.jpg'))
    write(join(one, 'inner', 'y.jpg'))
    write(join(two, 'x.jpg'))
    const found = await collect([one, two, one, join(one, 'inner')])
    expect(sorted(found.files)).toEqual(['0:inner/y.jpg', '0:x.jpg', '1:x.jpg'])
  })

  it('the same order on every run', async () => {
    const root = tempDirForTest('zoo-enum')
    for (let i = 0; i < 300; i++) write(join(root, `d${i % 5}`, `f${i}.jpg`))
    const first = await collect([root])
    const second = await collect([root])
    expect(first.files).toHaveLength(300)
    expect(second.files).toEqual(first.files)
  })
})

describe('links', () => {
  it('a link to a file is a file under the link’s name; a dangling link is NOT_FOUND', async () => {
    const root = tempDirForTest('zoo-enum')
    write(join(root, 'real.jpg'), '12345')
    symlinkSync(join(root, 'real.jpg'), join(root, 'alias.JPG'))
    symlinkSync(join(root, 'gone.jpg'), join(root, 'dangling.jpg'))
    symlinkSync(join(root, 'gone'), join(root, 'dangling-folder'))
    const found = await collect([root])
    expect(sorted(found.files)).toEqual(['0:alias.JPG', '0:real.jpg'])
    const alias = found.entries.find((e) => 'file' in e && e.file.relPath === 'alias.JPG')
    expect(alias && 'file' in alias && alias.file.size).toBe(5)
    expect(found.skipped).toEqual([
      {
        relPath: 'dangling.jpg',
        code: 'NOT_FOUND',
        message: `"${join(root, 'dangling.jpg')}" is a symbolic link to something that does not exist; it was left out.`,
      },
    ])
  })

  it('a link that points at itself is NOT_A_FILE', async () => {
    const root = tempDirForTest('zoo-enum')
    symlinkSync(join(root, 'self.jpg'), join(root, 'self.jpg'))
    const found = await collect([root])
    expect(found.files).toEqual([])
    expect(found.skipped).toEqual([
      { relPath: 'self.jpg', code: 'NOT_A_FILE', message: expect.stringMatching(/loops/) },
    ])
  })

  it('a link loop back to an ancestor ends; a folder reached as itself and through two links is walked once', async () => {
    const root = tempDirForTest('zoo-enum')
    const outside = tempDirForTest('zoo-enum-outside')
    write(join(root, 'sub', 'c.jpg'))
    write(join(outside, 'e.jpg'))
    symlinkSync(root, join(root, 'sub', 'loop-to-root'))
    symlinkSync(join(root, 'sub'), join(root, 'sub', 'loop-to-self'))
    symlinkSync(join(root, 'sub'), join(root, 'also-sub'))
    symlinkSync(outside, join(root, 'first-link'))
    symlinkSync(outside, join(root, 'second-link'))
    const found = await collect([root])
    expect(found.skipped).toEqual([])
    // c.jpg once, under whichever of sub/ and also-sub/ the folder listing gave first.
    const c = found.files.filter((f) => f.endsWith('/c.jpg'))
    const e = found.files.filter((f) => f.endsWith('/e.jpg'))
    expect(c).toHaveLength(1)
    expect(['0:sub/c.jpg', '0:also-sub/c.jpg']).toContain(c[0])
    expect(e).toHaveLength(1)
    expect(['0:first-link/e.jpg', '0:second-link/e.jpg']).toContain(e[0])
    expect(found.files).toHaveLength(2)
  })
})

describe('entries that are not files', () => {
  it.skipIf(!canMakeFifos('the FIFO test'))(
    'a FIFO, a socket and a device with image names are NOT_A_FILE, without opening them; the walk goes on',
    async () => {
      const root = tempDirForTest('zoo-enum')
      makeFifo(root, 'pipe.jpg')
      makeFifo(root, 'pipe.txt')
      write(join(root, 'ok.jpg'))
      symlinkSync('/dev/null', join(root, 'null.png'))
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(join(root, 'socket.jpg'), resolve))
      try {
        const started = performance.now()
        const found = await collect([root])
        expect(performance.now() - started).toBeLessThan(2000)
        expect(found.files).toEqual(['0:ok.jpg'])
        expect(sorted(found.skipped.map((s) => `${s.relPath} ${s.code} ${s.message}`))).toEqual(
          sorted([
            `null.png NOT_A_FILE "${join(root, 'null.png')}" is a device, not an image file; it was left out.`,
            `pipe.jpg NOT_A_FILE "${join(root, 'pipe.jpg')}" is a FIFO (named pipe), not an image file; it was left out.`,
            `socket.jpg NOT_A_FILE "${join(root, 'socket.jpg')}" is a socket, not an image file; it was left out.`,
          ]),
        )
      } finally {
        server.close()
      }
    },
  )

  it.skipIf(noEaccesReason !== null)(
    'an unreadable subfolder is FILE_UNREADABLE; its siblings are walked',
    async () => {
      const root = tempDirForTest('zoo-enum')
      write(join(root, 'locked', 'secret.jpg'))
      write(join(root, 'open', 'fine.jpg'))
      chmodSync(join(root, 'locked'), 0o000)
      try {
        const found = await collect([root])
        expect(found.files).toEqual(['0:open/fine.jpg'])
        expect(found.skipped).toEqual([
          {
            relPath: 'locked',
            code: 'FILE_UNREADABLE',
            message: expect.stringMatching(/permission denied/),
          },
        ])
      } finally {
        chmodSync(join(root, 'locked'), 0o755)
      }
    },
  )

  // Root reads anything, so the same walk runs in a child process as the unprivileged `nobody`.
  it.skipIf(process.getuid?.() !== 0)(
    'an unreadable subfolder is FILE_UNREADABLE; its siblings are walked (as nobody, since this runs as root)',
    () => {
      const root = tempDirForTest('zoo-enum')
      chmodSync(root, 0o755)
      write(join(root, 'locked', 'secret.jpg'))
      write(join(root, 'open', 'fine.jpg'))
      chmodSync(join(root, 'open'), 0o755)
      chmodSync(join(root, 'locked'), 0o000)
      const script = join(root, 'walk.mjs')
      writeFileSync(
        script,
        `const { enumerateImages } = await import(${JSON.stringify(join(projectRoot, 'src/main/batch/enumerateImages.ts'))})
const out = []
for await (const e of enumerateImages([${JSON.stringify(root)}], { recursive: true }))
  out.push('file' in e ? 'file ' + e.file.relPath : 'skipped ' + e.skipped.relPath + ' ' + e.skipped.error.code + ' ' + e.skipped.error.message)
console.log(JSON.stringify(out))\n`,
      )
      chmodSync(script, 0o644)
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: projectRoot,
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { ...process.env, HOME: root },
        timeout: 20_000,
      })
      if (child.error || child.status !== 0) {
        console.warn(
          `skipping the unreadable-folder walk as nobody: ${child.error?.message ?? child.stderr}`,
        )
        return
      }
      const lines = JSON.parse(child.stdout) as string[]
      expect(sorted(lines)).toEqual([
        'file open/fine.jpg',
        `skipped locked FILE_UNREADABLE The folder "${join(root, 'locked')}" cannot be read (permission denied; check the folder\u2019s permissions); the images in it were left out.`,
      ])
    },
  )
})

describe('names', () => {
  it.skipIf(process.platform !== 'linux')(
    'a file or folder whose name is not UTF-8 is FILE_UNREADABLE, not lost',
    async () => {
      const root = tempDirForTest('zoo-enum')
      write(join(root, 'ok.jpg'))
      // "caf\xe9.jpg" in Latin-1, as an old camera or a Windows zip would leave it.
      writeFileSync(
        Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]),
        'x',
      )
      mkdirSync(Buffer.concat([Buffer.from(`${root}/f`), Buffer.from([0xff])]))
      const found = await collect([root])
      expect(found.files).toEqual(['0:ok.jpg'])
      expect(sorted(found.skipped.map((s) => `${s.relPath} ${s.code}`))).toEqual([
        'caf\uFFFD.jpg FILE_UNREADABLE',
        'f\uFFFD FILE_UNREADABLE',
      ])
      expect(found.skipped[0]!.message).toMatch(/not valid UTF-8/)
    },
  )
})

describe('the roots', () => {
  it.each<[string, (dir: string) => string, ErrorCode, RegExp]>([
    ['missing', (dir) => join(dir, 'nope'), 'NOT_FOUND', /There is no folder/],
    ['a file', (dir) => write(join(dir, 'one.jpg')), 'INVALID_INPUT', /is not a folder/],
  ])('a root that is %s fails before anything is found', async (_label, make, code, message) => {
    const dir = tempDirForTest('zoo-enum')
    await expect(collect([make(dir)])).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    })
  })
})

describe('a folder of 10,000 files', () => {
  it('is walked lazily: the first file comes before the folder is read; the walk leaves no folder open', async () => {
    const root = tempDirForTest('zoo-enum-big')
    for (let i = 0; i < 10_000; i++) writeFileSync(join(root, `IMG_${i}.jpg`), '')
    const before = openFds()
    const walk = enumerateImages([root], { recursive: true })
    const first = await walk.next()
    expect(first.done).toBe(false)
    // Remove every file: a walk that had listed and stat'ed the folder up front would still
    // report all 10,000; a lazy one reports only the chunk it had stat'ed by now (files deleted
    // after being listed are not reported: nothing is lost with them).
    rmSync(root, { recursive: true, force: true })
    mkdirSync(root)
    const after: EnumeratedEntry[] = []
    for await (const entry of walk) after.push(entry)
    expect(after.length).toBeLessThan(100)
    expect(after.every((entry) => 'file' in entry)).toBe(true)
    if (before !== null) expect(openFds()).toBe(before)
  })

  it('cancelled by its signal: CANCELLED, and every folder it held open is closed', async () => {
    const root = tempDirForTest('zoo-enum-big')
    for (let d = 0; d < 4; d++)
      for (let i = 0; i < 200; i++) write(join(root, `a${d}`, `b`, `c`, `IMG_${i}.jpg`))
    const before = openFds()
    const controller = new AbortController()
    let seen = 0
    await expect(
      (async () => {
        for await (const _ of enumerateImages([root], {
          recursive: true,
          signal: controller.signal,
        })) {
          if (++seen === 10) controller.abort()
        }
      })(),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen).toBe(10)
    if (before !== null) expect(openFds()).toBe(before)
  })
})
