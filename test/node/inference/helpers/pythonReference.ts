/**
 * tools/reference_preprocess.py (the PaddleClas pipeline in NumPy + OpenCV) driven from tests.
 * It needs Debian's /usr/bin/python3 with python3-opencv and python3-numpy; tests skip, with the
 * reason printed, when that interpreter cannot import them.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../helpers/paths'

export const PYTHON = '/usr/bin/python3'
export const REFERENCE_SCRIPT = join(projectRoot, 'tools', 'reference_preprocess.py')

/** Whether the reference can run here; prints why not when it cannot, naming what is skipped. */
export function havePythonReference(what: string): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    const why = probe.error
      ? probe.error.message
      : (probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`)
    console.warn(
      `skipping ${what}: ${PYTHON} cannot import cv2 and numpy (${why}); ` +
        'install python3-opencv and python3-numpy (apt) to run them',
    )
    return false
  }
  return true
}

/** Whether Pillow is there too (the reference of plans that resize with `library: pil`). */
export function havePillowReference(what: string): boolean {
  if (!havePythonReference(what)) return false
  const probe = spawnSync(PYTHON, ['-c', 'import PIL.Image'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    console.warn(
      `skipping ${what}: ${PYTHON} cannot import PIL; install python3-pil (apt) to run them`,
    )
    return false
  }
  return true
}

/** The plan fields the reference reads (a PreprocessPlan has them all). */
export interface ReferencePlan {
  colorOrder: 'RGB' | 'BGR'
  resize: { mode: 'shortSide' | 'exact'; size: number; interpolation: string; library?: string }
  cropSize: number | null
  scale: number
  mean: readonly number[]
  std: readonly number[]
}

export interface ReferenceJob {
  plan: ReferencePlan
  image: string
  /** Where the script writes its float32 CHW tensor. */
  out: string
}

export interface ReferenceTensor {
  shape: [number, number, number]
  data: Float32Array
}

/**
 * Runs the script's own main() once per job, in one interpreter (importing cv2 costs about a
 * second here, per process): sys.argv is set as the command line would set it.
 */
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import reference_preprocess as ref
for job in json.load(sys.stdin):
    sys.argv = ['reference_preprocess.py', json.dumps(job['plan']), job['image'], job['out']]
    ref.main()
    sys.stdout.flush()
`

export async function referenceTensors(jobs: readonly ReferenceJob[]): Promise<ReferenceTensor[]> {
  const { code, stdout, stderr } = await new Promise<{
    code: number | null
    stdout: string
    stderr: string
  }>((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', DRIVER, join(projectRoot, 'tools')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(JSON.stringify(jobs))
  })
  if (code !== 0) throw new Error(`the Python reference failed (exit ${code}): ${stderr}`)
  const shapes = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as [number, number, number])
  if (shapes.length !== jobs.length) {
    throw new Error(`the reference printed ${shapes.length} shapes for ${jobs.length} jobs`)
  }
  return jobs.map((job, i) => {
    // A copy: a Buffer may start at an offset a Float32Array cannot view.
    const data = new Float32Array(Uint8Array.from(readFileSync(job.out)).buffer)
    const shape = shapes[i]!
    if (data.length !== shape[0] * shape[1] * shape[2]) {
      throw new Error(`${job.out} holds ${data.length} values, not ${shape.join('×')}`)
    }
    return { shape, data }
  })
}
