/**
 * A real app core shared by the tests of one file (one SQLite database, one inference service and
 * its host processes), and ways to watch the model host processes from outside.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { AppCore } from '../../../../src/main/core/appCore'
import { openAppCore } from '../../../../src/main/core/appCore'
import type { RequestChannel, RequestInput, RequestOutput } from '@shared/contract'
import type { ErrorCode, Result } from '@shared/errors'
import { makeTempDir, removeDir } from '../../helpers/tempDir'

export interface FileCore {
  core: AppCore
  dataDir: string
  logs: string[]
  close(): void
}

/** Open in beforeAll, close in afterAll: model hosts started by one test are reused by the next. */
export function openFileCore(): FileCore {
  const dataDir = makeTempDir('zoo-inference')
  const logs: string[] = []
  const core = openAppCore({ dataDir, host: 'cli', log: (message) => logs.push(message) })
  return {
    core,
    dataDir,
    logs,
    close() {
      core.close()
      removeDir(dataDir)
    },
  }
}

/** The error of a failed result; fails the test with the value when it succeeded. */
export function errorOf(result: Result<unknown>): { code: ErrorCode; message: string } {
  if (result.ok) throw new Error(`Expected a failure, got ${JSON.stringify(result.value)}`)
  return result.error
}

/** Pids of this process's model hosts (children running out/main/inferenceHost.js). */
export function hostPids(): number[] {
  const listing = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
  return listing
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter((m) => Number(m[2]) === process.pid && m[3]!.includes('inferenceHost'))
    .map((m) => Number(m[1]))
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A request through the core's typed dispatcher (the schema checks still run). */
export function call<C extends RequestChannel>(
  core: AppCore,
  channel: C,
  input: RequestInput<C>,
): Promise<Result<RequestOutput<C>>> {
  return core.dispatch(channel, input, { face: 'test' })
}

/**
 * This process's model host pids, read from /proc where there is one (fast enough to poll
 * every few milliseconds), else from ps.
 */
export function hostPidsNow(): number[] {
  const tasks = `/proc/${process.pid}/task`
  if (!existsSync(tasks)) return hostPids()
  const pids = readdirSync(tasks).flatMap((task) => {
    try {
      return readFileSync(join(tasks, task, 'children'), 'utf8')
        .split(' ')
        .filter(Boolean)
    } catch {
      return []
    }
  })
  return pids.map(Number).filter((pid) => {
    try {
      // A killed host not yet reaped has an empty command line, so it is not counted.
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('inferenceHost')
    } catch {
      return false
    }
  })
}

/** Whether process `pid` has `path` open (Linux: its /proc/PID/fd links). */
export function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path
      } catch {
        return false
      }
    })
  } catch {
    return false
  }
}

export interface HostKiller {
  /** Pids killed so far. */
  readonly killed: number[]
  stop(): void
}

/**
 * Kills (SIGKILL, as a crash would end them) every model host of this process for which
 * `shouldKill` says so, checking every `everyMs` until stopped.
 */
export function killHostsWhen(shouldKill: (pid: number) => boolean, everyMs = 2): HostKiller {
  const killed: number[] = []
  const timer = setInterval(() => {
    for (const pid of hostPidsNow()) {
      if (killed.includes(pid) || !shouldKill(pid)) continue
      try {
        process.kill(pid, 'SIGKILL')
        killed.push(pid)
      } catch {
        // Gone already.
      }
    }
  }, everyMs)
  return { killed, stop: () => clearInterval(timer) }
}
