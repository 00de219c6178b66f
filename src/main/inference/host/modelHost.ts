/**
 * The app's side of a model host process: starts it, sends it work, and turns a crash or an
 * exit into typed errors for whatever was waiting, instead of a hang.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError, type ApiError } from '../../../shared/errors'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'
import type {
  HostImage,
  HostImageResult,
  HostRequest,
  HostResponse,
  ModelInfo,
} from './hostProtocol'

/** The bundled host script: beside the bundled main code, or in out/main when running from source. */
export function hostEntryPath(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  // Bundled: beside out/main/*.js, or one up from a shared chunk in out/main/chunks/.
  const candidates = [
    join(here, 'inferenceHost.js'),
    join(here, '..', 'inferenceHost.js'),
    join(here, '..', '..', '..', '..', 'out', 'main', 'inferenceHost.js'),
  ]
  const found = candidates.find((path) => existsSync(path))
  if (!found) {
    throw new AppError(
      'UNAVAILABLE',
      'The inference host is not built (out/main/inferenceHost.js). Run `npm run build`.',
    )
  }
  return found
}

type Pending = { resolve: (value: unknown) => void; reject: (error: AppError) => void }
/** A request without its id: distributes over the union so each variant keeps its fields. */
type RequestBody = HostRequest extends infer R
  ? R extends HostRequest
    ? Omit<R, 'id'>
    : never
  : never

export class ModelHost {
  private child: ChildProcess | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private exitReason: string | null = null

  constructor(private readonly label: string) {}

  private start(): ChildProcess {
    const child = fork(hostEntryPath(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Inside Electron, run the host as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000)
    })
    child.on('message', (message: HostResponse) => {
      const waiting = this.pending.get(message.id)
      if (!waiting) return
      this.pending.delete(message.id)
      if (message.ok) waiting.resolve(message.value)
      else
        waiting.reject(
          new AppError(message.error.code, message.error.message, message.error.details),
        )
    })
    child.on('exit', (code, signal) => {
      this.child = null
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`
      this.exitReason = `The process running ${this.label} ${how}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}.`
      const error = new AppError('MODEL_CRASHED', this.exitReason)
      for (const waiting of this.pending.values()) waiting.reject(error)
      this.pending.clear()
    })
    child.on('error', () => {})
    this.child = child
    return child
  }

  get running(): boolean {
    return this.child !== null
  }

  private send<T>(body: RequestBody): Promise<T> {
    // Only a load starts a process: work sent to a stopped host would find no model there.
    if (!this.child && body.type !== 'load') {
      return Promise.reject(
        new AppError(
          'MODEL_CRASHED',
          this.exitReason ?? `The process running ${this.label} is not running.`,
        ),
      )
    }
    const child = this.child ?? this.start()
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ ...body, id } as HostRequest, (error) => {
        if (!error) return
        this.pending.delete(id)
        reject(
          new AppError('MODEL_CRASHED', `The model process cannot be reached: ${error.message}`),
        )
      })
    })
  }

  load(modelPath: string, intraOpThreads: number): Promise<ModelInfo> {
    return this.send<ModelInfo>({ type: 'load', modelPath, intraOpThreads })
  }

  async run(
    images: HostImage[],
    plan: PreprocessPlan,
    batchSize: number,
  ): Promise<HostImageResult[]> {
    const { results } = await this.send<{ results: HostImageResult[] }>({
      type: 'run',
      images,
      plan,
      batchSize,
    })
    return results
  }

  /** Stops the process; anything still waiting gets `reason`. */
  dispose(reason: ApiError = { code: 'CANCELLED', message: 'The model was unloaded.' }): void {
    const child = this.child
    if (!child) return
    for (const waiting of this.pending.values())
      waiting.reject(new AppError(reason.code, reason.message))
    this.pending.clear()
    child.removeAllListeners('exit')
    child.on('exit', () => {})
    child.kill()
    this.child = null
  }
}
