/**
 * The floor of decoding: `cv2.imdecode(…, IMREAD_COLOR)` on one thread, timed by Debian's
 * /usr/bin/python3 (the OpenCV PaddleClas decodes with), and our decode+preprocess timed the same
 * way. Each is one long-lived process that reads every file's bytes up front and then times a
 * round each time it is asked, so the bench can interleave their rounds and a busy machine slows
 * both alike.
 */
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export const PYTHON = '/usr/bin/python3'

const SCRIPT = `
import json, sys, time
import cv2, numpy as np
cv2.setNumThreads(1)
sets = {name: [np.frombuffer(open(p, "rb").read(), np.uint8) for p in paths]
        for name, paths in json.loads(sys.argv[1]).items()}
print("ready", flush=True)
for line in sys.stdin:
    name, rounds = line.split()
    walls = []
    cpu = time.process_time()
    for _ in range(int(rounds)):
        for data in sets[name]:
            start = time.perf_counter()
            image = cv2.imdecode(data, cv2.IMREAD_COLOR)
            walls.append((time.perf_counter() - start) * 1000)
            if image is None:
                raise SystemExit("cv2.imdecode could not decode an image of " + name)
    cpu = (time.process_time() - cpu) * 1000 / len(walls)
    print(json.dumps({"walls": walls, "cpu": cpu}), flush=True)
`

export interface Round {
  /** Wall-clock ms of each call. */
  walls: number[]
  /** CPU ms per call (all threads of the process), over the round. */
  cpu: number
}

/** A process that times rounds over named sets of files when asked (one line each way). */
export interface RoundTimer {
  round(set: string, rounds?: number): Promise<Round>
  close(): void
}

/** Why the floor cannot be timed here, or null when it can. */
export function decodeFloorMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' })
  if (probe.error) return probe.error.message
  if (probe.status !== 0) return probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`
  return null
}

/**
 * `command` pinned to the first core when taskset is there. The floor and ours are both timed
 * "on one core": left free, our two threads per image (the script's and the pool's that decodes)
 * hop between the cores, and on a virtual machine every such wake-up across cores costs as much
 * as the decode (seen here: 1.1× the floor pinned, 1.5–2.4× unpinned, same files).
 */
function onOneCore(command: string, args: string[]): [string, string[]] {
  const taskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' })
  return taskset.status === 0 ? ['taskset', ['-c', '0', command, ...args]] : [command, args]
}

async function openRoundTimer(what: string, command: string, args: string[]): Promise<RoundTimer> {
  const [pinned, pinnedArgs] = onOneCore(command, args)
  const child = spawn(pinned, pinnedArgs, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<string> => {
    const line = await lines.next()
    if (line.done) throw new Error(`${what} stopped`)
    return line.value
  }
  if ((await next()) !== 'ready') throw new Error(`${what} did not start`)
  return {
    async round(set, rounds = 1) {
      child.stdin.write(`${set} ${rounds}\n`)
      return JSON.parse(await next()) as Round
    },
    close() {
      child.stdin.end()
    },
  }
}

/** cv2.imdecode on named sets of image files; resolves once their bytes are read. */
export function openDecodeFloor(sets: Record<string, string[]>): Promise<RoundTimer> {
  return openRoundTimer(`${PYTHON} (cv2.imdecode floor)`, PYTHON, [
    '-c',
    SCRIPT,
    JSON.stringify(sets),
  ])
}

/** Our decodeImage + preprocessImage with `plan`, the same way (decodePreprocessTimer.mts). */
export function openOurDecodePreprocess(
  sets: Record<string, string[]>,
  plan: unknown,
): Promise<RoundTimer> {
  return openRoundTimer('our decode+preprocess timer', process.execPath, [
    '--import',
    'tsx',
    join(import.meta.dirname, 'decodePreprocessTimer.mts'),
    JSON.stringify({ sets, plan }),
  ])
}

/**
 * Times one round of `fn` over `inputs`, one call at a time, like a `DecodeFloor` round. The CPU
 * figure is steady-state only over many rounds: freeing what a round allocated (a 12 MP decode
 * leaves a 36 MB buffer) happens at the collector's next run, which may fall in a later round,
 * whereas Python frees each image inside its loop. The p50 wall of the calls is unaffected.
 */
export async function timeRound<T>(
  inputs: readonly T[],
  fn: (input: T) => unknown,
  rounds = 1,
): Promise<Round> {
  const walls: number[] = []
  const cpu = process.cpuUsage()
  for (let r = 0; r < rounds; r++) {
    for (const input of inputs) {
      const start = performance.now()
      await fn(input)
      walls.push(performance.now() - start)
    }
  }
  const used = process.cpuUsage(cpu)
  return { walls, cpu: (used.user + used.system) / 1000 / walls.length }
}
