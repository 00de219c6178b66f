/**
 * `zoo bench`: the table and the JSON of a run, wrong arguments refused with status 2, and as a
 * real process (the built CLI): Ctrl+C stops it keeping the finished points, and another process
 * on the same data folder sees the run and can cancel it.
 */
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchRun } from '@shared/contract'
import { openAppCore } from '../../../src/main/core/appCore'
import { spawnZoo, zoo } from '../helpers/runZoo'
import { makeTempDir, removeDir, tempDirForTest } from '../helpers/tempDir'
import { waitFor } from '../inference/helpers/inferenceCore'
import { tinyClassifier, writeModel } from '../inference/helpers/onnxBuilder'

let dir: string
let tiny: string
const quick = ['--min-runs', '3', '--min-time', '0.05']

beforeAll(() => {
  dir = makeTempDir('zoo-cli-bench')
  tiny = writeModel(dir, 'tiny.onnx', tinyClassifier({ classes: 10, inputSize: 32 }).bytes)
})
afterAll(() => {
  if (dir) removeDir(dir)
})

describe('zoo bench', () => {
  it('prints a table of the points, the machine and its load', async () => {
    const run = await zoo(['bench', tiny, '--batch', '1,2', '--threads', '1', ...quick])
    expect(run.code).toBe(0)
    const lines = run.out.split('\n')
    expect(lines[0]).toMatch(/^batch\s+threads\s+median ms\s+p90 ms\s+p99 ms\s+min ms\s+stdev ms/)
    expect(lines[1]).toMatch(/^-+\s+-+/)
    expect(lines[2]).toMatch(/^\s*1\s+1\s+\d+\.\d\d\s/)
    expect(lines[3]).toMatch(/^\s*2\s+1\s+\d+\.\d\d\s/)
    expect(run.out).toMatch(/^Machine: .+, \d+ CPUs, .+onnxruntime \d+\.\d+\.\d+ \(cpu\)/m)
    expect(run.out).toMatch(/^others: .*Load by other processes: before \d+\.\d\d cores/m)
    expect(run.err).toMatch(/^Benchmark [0-9a-f]{10}: tiny\.onnx · batch 1, 2 · threads 1$/m)
    expect(run.err).toMatch(/^\[2\/2\] batch 2 × 1 thread: median/m)
  })

  it('prints the run as JSON with --json, and the sweet spot under a limit', async () => {
    const run = await zoo([
      'bench',
      tiny,
      '--batch',
      '1',
      '--threads',
      '1',
      ...quick,
      '--json',
      '--max-latency',
      '1000',
    ])
    expect(run.code).toBe(0)
    const value = JSON.parse(run.out) as BenchRun & { sweetSpot: { kind: string } }
    expect(value.state).toBe('done')
    expect(value.points).toHaveLength(1)
    expect(value.points[0]!.timesMs!.length).toBe(value.points[0]!.runs)
    expect(value.fingerprint.executionProvider).toBe('cpu')
    expect(value.sweetSpot).toMatchObject({ kind: 'found', best: { point: { batch: 1 } } })
    // Progress stays off stderr with --json; only warnings may be there.
    expect(run.err).not.toMatch(/\[1\/1\]/)
  })

  it.each([
    [['--batch', '1,x'], /--batch takes comma-separated whole numbers/],
    [['--batch', '0'], /batch sizes are at least 1/],
    [['--threads', '1000'], /threads 1000: this machine has \d+ CPU/],
    [['--by', 'p50'], /--by takes p90 or median/],
    [['--min-time', 'soon'], /--min-time takes a number/],
  ])('refuses %j with status 2 and the usage', async (flags, message) => {
    const run = await zoo(['bench', tiny, ...flags])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
    expect(run.err).toMatch(/INVALID_INPUT/)
    expect(run.err).toMatch(/Usage: zoo bench ID\|FILE/)
  })

  it('says what is wrong with the model', async () => {
    const unknown = await zoo(['bench', 'NoSuchNet_x9'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/\[NOT_FOUND\]/)
    const noWeights = await zoo(['bench', 'ResNet50', '--json'])
    expect(noWeights.code).toBe(1)
    expect(JSON.parse(noWeights.out)).toMatchObject({
      ok: false,
      error: { code: 'MODEL_NOT_AVAILABLE' },
    })
    const missing = await zoo(['bench', '/nonexistent/m.onnx'])
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/there is no file/)
  })
})

describe('zoo bench as its own process', () => {
  /** Waits until the process's stderr shows `pattern`; returns everything it wrote so far. */
  function stderrUntil(child: ReturnType<typeof spawnZoo>, pattern: RegExp): Promise<string> {
    let text = ''
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        text += chunk.toString()
        if (pattern.test(text)) {
          child.stderr.off('data', onData)
          resolve(text)
        }
      }
      child.stderr.on('data', onData)
      child.once('exit', () => reject(new Error(`exited before ${pattern}: ${text}`)))
    })
  }

  function collect(child: ReturnType<typeof spawnZoo>) {
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    return {
      out: () => Buffer.concat(out).toString(),
      err: () => Buffer.concat(err).toString(),
    }
  }

  const longRun = ['--batch', '1,2,4,8', '--threads', '1', '--min-runs', '3', '--min-time', '0.6']

  it('stops on Ctrl+C with status 130, printing and keeping the points finished', async () => {
    const dataDir = tempDirForTest('zoo-cli-bench-int')
    const child = spawnZoo(['bench', tiny, ...longRun, '--data-dir', dataDir])
    const output = collect(child)
    try {
      await stderrUntil(child, /\[1\/4\] batch 1 × 1 thread: median/)
      child.kill('SIGINT')
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).toBe(130)
      expect(output.err()).toMatch(/Stopping… \(the points finished so far are kept\)/)
      expect(output.err()).toMatch(/cancelled: \d of 4 points done and kept/)
      const rows = output
        .out()
        .split('\n')
        .filter((line) => /^\s*\d+\s+1\s+\d/.test(line))
      expect(rows.length).toBeGreaterThanOrEqual(1)
      expect(rows.length).toBeLessThan(4)
      const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
      try {
        const [run] = core.bench.list()
        expect(run).toMatchObject({ state: 'cancelled', runner: null })
        expect(run!.points).toHaveLength(rows.length)
      } finally {
        core.close()
      }
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('killed with SIGKILL midway: another process reads it interrupted with its points, and a new run starts', async () => {
    const dataDir = tempDirForTest('zoo-cli-bench-killed')
    const child = spawnZoo(['bench', tiny, ...longRun, '--data-dir', dataDir])
    const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
    try {
      await stderrUntil(child, /\[1\/4\] batch 1 × 1 thread: median/)
      child.kill('SIGKILL')
      await once(child, 'exit')
      await waitFor(
        'the killed run to read as ended',
        () => core.bench.list()[0]!.state !== 'running',
      )
      const [dead] = core.bench.list()
      expect(dead).toMatchObject({ state: 'interrupted', runner: null })
      expect(dead!.points.length).toBeGreaterThanOrEqual(1)
      expect(dead!.points.length).toBeLessThan(4)
      // Its lease died with it: the next benchmark on the folder is not refused, and adds a run.
      const next = await zoo([
        'bench',
        tiny,
        '--batch',
        '1',
        '--threads',
        '1',
        ...quick,
        '--data-dir',
        dataDir,
      ])
      expect(next.code).toBe(0)
      const runs = core.bench.list()
      expect(runs).toHaveLength(2)
      expect(runs.find((r) => r.id === dead!.id)!.points).toHaveLength(dead!.points.length)
    } finally {
      core.close()
      child.kill('SIGKILL')
    }
  })

  it('is seen running by another process on the data folder, which can cancel it', async () => {
    const dataDir = tempDirForTest('zoo-cli-bench-two')
    const child = spawnZoo(['bench', tiny, ...longRun, '--data-dir', dataDir])
    const output = collect(child)
    const core = openAppCore({ dataDir, host: 'cli', log: () => {} })
    try {
      await stderrUntil(child, /\[1\/4\] batch 1 × 1 thread: median/)
      const [running] = core.bench.list()
      expect(running).toMatchObject({ state: 'running', runner: { pid: child.pid } })
      expect(running!.points.length).toBeGreaterThanOrEqual(1)
      const asked = await core.dispatch('bench.cancel', { id: running!.id }, { face: 'test' })
      expect(asked.ok).toBe(true)
      const [code] = (await once(child, 'exit')) as [number | null]
      // Cancelled from elsewhere: 4, as a batch job stopped from another process.
      expect(code).toBe(4)
      await waitFor(
        'the run to read as ended',
        () => core.bench.get(running!.id).state !== 'running',
      )
      const ended = core.bench.get(running!.id)
      expect(ended.state).toBe('cancelled')
      expect(ended.points.length).toBeGreaterThanOrEqual(1)
      expect(ended.points.length).toBeLessThan(4)
      expect(output.err()).toMatch(/cancelled: \d of 4 points done and kept/)
    } finally {
      core.close()
      child.kill('SIGKILL')
    }
  })
})
