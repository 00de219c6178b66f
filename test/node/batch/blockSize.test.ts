import { describe, expect, it } from 'vitest'
import { blockSizeFor } from '../../../src/main/batch/batchRunner'

const LANES_PER_WORKER = 2

/**
 * A job's lanes claiming blocks from `files` equally costly files, each worker running its
 * lanes' blocks one after another (as a model process does): when the last file is done.
 */
function makespan(files: number, workers: number, batchSize: number): number {
  const lanes = workers * LANES_PER_WORKER
  const busyUntil = new Array<number>(workers).fill(0)
  const nextClaim = new Array<number>(lanes).fill(0)
  let left = files
  let end = 0
  while (left > 0) {
    // The lane free soonest claims next (the lower lane first on a tie).
    const lane = nextClaim.indexOf(Math.min(...nextClaim))
    const worker = lane % workers
    const size = Math.min(left, blockSizeFor(left, lanes, batchSize))
    expect(size).toBeGreaterThan(0)
    left -= size
    busyUntil[worker] = Math.max(busyUntil[worker]!, nextClaim[lane]!) + size
    nextClaim[lane] = busyUntil[worker]!
    end = Math.max(end, busyUntil[worker]!)
  }
  return end
}

describe('blockSizeFor', () => {
  it('takes whole blocks while much is left, and a lane’s share near the end', () => {
    expect(blockSizeFor(10_000, 4, 8)).toBe(32)
    expect(blockSizeFor(24, 4, 8)).toBe(6)
    expect(blockSizeFor(1, 4, 8)).toBe(1)
    expect(blockSizeFor(0, 4, 8)).toBe(1)
  })

  it('keeps every model process busy to the end: within a file or two of an even split', () => {
    for (const workers of [1, 2, 3, 4])
      for (const files of [3, 7, 24, 25, 100, 333, 500, 1001])
        for (const batchSize of [1, 8, 16]) {
          const even = Math.ceil(files / workers)
          expect(
            makespan(files, workers, batchSize),
            `${files} files, ${workers} workers`,
          ).toBeLessThanOrEqual(even + 2)
        }
  })
})
