/**
 * `--shard i/N`: which 1/N of a job's files one machine (a Kubernetes indexed Job, a Slurm array
 * task) classifies. A file belongs to shard `h mod N`, where h is the first 4 bytes (big-endian)
 * of the SHA-1 of its relative path in UTF-8 — the same on every machine and every run, whatever
 * order the folders list in, and easy to reproduce elsewhere:
 * `int(hashlib.sha1(path.encode()).hexdigest()[:8], 16) % N`. `i` is 0-based (0..N-1), as
 * JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID (with --array=0-(N-1)) are.
 */
import { createHash } from 'node:crypto'
import type { Shard } from '../../shared/contract'
import { AppError } from '../../shared/errors'

/** More shards than this is a typo, not a cluster. */
const MAX_SHARDS = 1_000_000

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!match) {
    throw new AppError(
      'INVALID_INPUT',
      `"${text}" is not a shard: write i/N, e.g. 0/4 for the first of four (i counts from 0).`,
    )
  }
  const index = Number(match[1])
  const count = Number(match[2])
  if (count < 1 || count > MAX_SHARDS) {
    throw new AppError(
      'INVALID_INPUT',
      `Shard "${text}": N must be between 1 and ${MAX_SHARDS.toLocaleString('en')}.`,
    )
  }
  if (index >= count) {
    throw new AppError(
      'INVALID_INPUT',
      `Shard "${text}": i counts from 0, so with N = ${count} it is 0..${count - 1}.`,
    )
  }
  return { index, count }
}

/** The shard (0..count-1) `relPath` falls in. */
export function shardOf(relPath: string, count: number): number {
  return createHash('sha1').update(relPath, 'utf8').digest().readUInt32BE(0) % count
}

/** Whether `relPath` is this shard's; every path is when there is no shard. */
export function inShard(relPath: string, shard: Shard | null): boolean {
  return shard === null || shard.count === 1 || shardOf(relPath, shard.count) === shard.index
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`
}
