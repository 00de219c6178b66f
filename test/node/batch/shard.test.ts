/**
 * `--shard i/N`: the shards of a job partition its files (every file in exactly one), evenly,
 * by a hash anyone can reproduce (checked against Python's hashlib when it is here).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { inShard, parseShard, shardOf } from '../../../src/main/batch/shard'

function generatedPaths(count: number): string[] {
  // Names like a real library: dated folders, camera names, some non-ASCII.
  return Array.from({ length: count }, (_, i) => {
    const folder = `20${String(10 + (i % 14))}/${String(1 + (i % 12)).padStart(2, '0')}`
    const name = i % 7 === 0 ? `Été à Zürich ${i}.jpg` : `IMG_${String(i).padStart(5, '0')}.JPG`
    return `${folder}/${name}`
  })
}

describe('parseShard', () => {
  it.each([
    ['0/1', { index: 0, count: 1 }],
    ['0/4', { index: 0, count: 4 }],
    ['3/4', { index: 3, count: 4 }],
    [' 2 / 7 ', { index: 2, count: 7 }],
  ])('%s', (text, expected) => {
    expect(parseShard(text)).toEqual(expected)
  })

  it.each([
    ['4/4', /i counts from 0, so with N = 4 it is 0\.\.3/],
    ['1/0', /N must be between 1/],
    ['0/0', /N must be between 1/],
    ['-1/4', /write i\/N/],
    ['1.5/4', /write i\/N/],
    ['a/b', /write i\/N/],
    ['3', /write i\/N/],
    ['', /write i\/N/],
    ['0/2000000', /N must be between 1 and 1,000,000/],
  ])('refuses %j with INVALID_INPUT', (text, message) => {
    expect(() => parseShard(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }),
    )
  })
})

describe('inShard', () => {
  const paths = generatedPaths(10_000)

  it.each([1, 2, 3, 7])('N = %i: every path in exactly one shard, roughly evenly', (count) => {
    const sizes = new Array<number>(count).fill(0)
    let notExactlyOne = 0
    for (const path of paths) {
      let owners = 0
      for (let index = 0; index < count; index++) {
        if (!inShard(path, { index, count })) continue
        owners++
        sizes[index]!++
      }
      if (owners !== 1) notExactlyOne++
    }
    expect(notExactlyOne).toBe(0)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(paths.length)
    const even = paths.length / count
    for (const size of sizes) expect(Math.abs(size - even)).toBeLessThan(even * 0.06)
  })

  it('no shard means every path', () => {
    expect(paths.every((path) => inShard(path, null))).toBe(true)
  })

  it('is the same on every run and for the same text only', () => {
    expect(shardOf('a/b.jpg', 1000)).toBe(shardOf('a/b.jpg', 1000))
    const spread = new Set(paths.slice(0, 200).map((path) => shardOf(path, 1000)))
    expect(spread.size).toBeGreaterThan(150)
  })

  const python = '/usr/bin/python3'
  it.skipIf(!existsSync(python))('matches the formula in its doc, run by Python', () => {
    const sample = paths.slice(0, 300)
    const run = spawnSync(
      python,
      [
        '-c',
        'import sys, json, hashlib\n' +
          'paths = json.load(sys.stdin)\n' +
          'print(json.dumps([int(hashlib.sha1(p.encode()).hexdigest()[:8], 16) % 7 for p in paths]))',
      ],
      { input: JSON.stringify(sample), encoding: 'utf8' },
    )
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(sample.map((path) => shardOf(path, 7)))
  })
})
