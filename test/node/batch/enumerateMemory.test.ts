/**
 * The walk's memory does not grow with the number of files: a process that enumerates 10,000 and
 * 100,000 real (empty) files in one flat folder — the hardest case for a tool that lists a
 * folder before it starts — has the same live heap at the end and, under the same small heap
 * cap, the same peak RSS; the same walk keeping every entry (as a list-everything-first tool
 * does) does not fit under that cap. (Without a cap V8 collects lazily, so peak RSS grows with
 * the garbage made, not with what is held: `enumerateRss.ts` run by hand shows it.)
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'

const script = join(projectRoot, 'test/node/batch/helpers/enumerateRss.ts')

interface Cost {
  files: number
  held: number
  ms: number
  maxRssMb: number
  liveHeapMb: number
}

/** A heap cap the walk fits in whatever the count, and a list of 100,000 entries does not. */
const capped = ['--max-old-space-size=24', '--max-semi-space-size=1']

function folderOf(dir: string, count: number): string {
  const folder = join(dir, String(count))
  mkdirSync(folder)
  for (let i = 0; i < count; i++) closeSync(openSync(join(folder, `IMG_${i}.JPG`), 'w'))
  return folder
}

function run(folder: string, flags: string[], hold = false) {
  return spawnSync(
    process.execPath,
    ['--expose-gc', ...flags, '--import', 'tsx', script, folder, ...(hold ? ['--hold'] : [])],
    { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 },
  )
}

function measure(folder: string, flags: string[] = [], hold = false): Cost {
  const done = run(folder, flags, hold)
  if (done.status !== 0) throw new Error(done.stderr)
  return JSON.parse(done.stdout) as Cost
}

describe('memory of the walk', () => {
  it('100,000 files cost what 10,000 do', () => {
    const dir = tempDirForTest('zoo-enum-rss')
    const tenK = folderOf(dir, 10_000)
    const hundredK = folderOf(dir, 100_000)
    const small = measure(tenK, capped)
    const large = measure(hundredK, capped)
    const heldUnderCap = run(hundredK, capped, true)
    console.log(
      `enumerate, heap capped at 24 MB: 10,000 files → peak RSS ${small.maxRssMb} MB, live heap ` +
        `${small.liveHeapMb} MB (${small.ms} ms); 100,000 → ${large.maxRssMb} MB, ${large.liveHeapMb} MB ` +
        `(${large.ms} ms); 100,000 kept in an array → ${heldUnderCap.status === 0 ? 'fits' : 'out of memory'}`,
    )
    expect(small.files).toBe(10_000)
    expect(large.files).toBe(100_000)
    expect(large.liveHeapMb - small.liveHeapMb).toBeLessThan(3)
    expect(large.maxRssMb - small.maxRssMb).toBeLessThan(12)
    // The measure can tell: keeping the entries does not fit the cap.
    expect(heldUnderCap.status).not.toBe(0)
    expect(heldUnderCap.stderr).toMatch(/heap out of memory/i)
  }, 120_000)
})
