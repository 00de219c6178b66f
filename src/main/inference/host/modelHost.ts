/**
 * The app's side of one model host process: starts it (through a HostLauncher), sends it typed
 * requests, and turns its exit into a typed error for whatever was waiting, instead of a hang.
 * A host that has exited stays exited: the caller starts a new one (see hostPool.ts).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError, type ApiError } from '../../../shared/errors'
import type { PreprocessPlan } from '../preprocess/preprocessPlan'
import type { HostExit, HostLauncher, HostProcess } from './hostLauncher'
import {
  replyValue,
  type BenchReply,
  type BenchRequest,
  type HostCallType,
  type HostImage,
  type HostImageResult,
  type HostReply,
  type HostRequest,
  type HostRequestBody,
  type HostResponse,
  type ModelInfo,
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

/**
 * The host process ended while a request waited for it. `runsInFlight` is how many run
 * requests it had been given and not answered: with one, that run is what it was doing.
 */
export class HostExitedError extends AppError {
  constructor(
    message: string,
    readonly runsInFlight: number,
  ) {
    super('MODEL_CRASHED', message)
  }
}

const cancelledError = () => new AppError('CANCELLED', 'The request was cancelled.')

interface Pending {
  type: HostCallType
  settle(response: HostResponse): void
  fail(error: AppError): void
}

export class ModelHost {
  private child: HostProcess | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private exitReason: string | null = null
  /** When the process last answered anything (performance.now()); 0 before it has. */
  private heardAt = 0

  constructor(
    private readonly label: string,
    private readonly launcher: HostLauncher,
  ) {}

  /** Whether the process is (as far as this side knows) running. */
  get running(): boolean {
    return this.child !== null
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Milliseconds since the process last answered (Infinity when it never has). */
  get silentForMs(): number {
    return this.heardAt === 0 ? Infinity : performance.now() - this.heardAt
  }

  private start(): HostProcess {
    const child = this.launcher.start(hostEntryPath(), this.label)
    child.onMessage((response) => {
      this.heardAt = performance.now()
      const waiting = this.pending.get(response.id)
      if (!waiting) return
      this.pending.delete(response.id)
      waiting.settle(response)
    })
    child.onExit((exit) => this.exited(child, exit))
    this.child = child
    return child
  }

  private exited(child: HostProcess, exit: HostExit): void {
    if (this.child !== child) return
    this.child = null
    const how = exit.signal
      ? `was killed (${exit.signal})`
      : exit.code === null
        ? 'could not be started'
        : `exited with code ${exit.code}`
    this.exitReason = `The process running ${this.label} ${how}${exit.lastError ? `: ${exit.lastError}` : ''}.`
    const runs = [...this.pending.values()].filter((p) => p.type === 'run').length
    const error = new HostExitedError(this.exitReason, runs)
    const waiting = [...this.pending.values()]
    this.pending.clear()
    for (const p of waiting) p.fail(error)
  }

  /**
   * Sends a request and waits for its reply. When `signal` aborts first, the wait ends at once
   * with CANCELLED and the host is told to drop the run if it has not started it.
   */
  private send<K extends HostCallType>(
    body: HostRequestBody<K>,
    signal?: AbortSignal,
  ): Promise<HostReply<K>> {
    if (signal?.aborted) return Promise.reject(cancelledError())
    // Only a load starts a process: work sent to a stopped host would find no model there.
    if (!this.child && body.type !== 'load') {
      return Promise.reject(
        new HostExitedError(
          this.exitReason ?? `The process running ${this.label} is not running.`,
          0,
        ),
      )
    }
    const id = this.nextId++
    const pick: (response: HostResponse) => HostReply<K> | undefined = (response) =>
      response.ok ? replyValue[body.type](response) : undefined
    return new Promise<HostReply<K>>((resolve, reject) => {
      // A job's one signal sees thousands of requests: each takes its listener off when settled.
      const onAbort = () => {
        if (!this.pending.delete(id)) return // answered already
        reject(cancelledError())
        if (body.type === 'run' || body.type === 'bench') this.tell({ type: 'cancel', runs: [id] })
      }
      const detach = () => signal?.removeEventListener('abort', onAbort)
      this.pending.set(id, {
        type: body.type,
        settle: (response) => {
          detach()
          if (!response.ok) {
            const { code, message, details } = response.error
            reject(new AppError(code, message, details))
            return
          }
          const value = pick(response)
          if (value === undefined)
            reject(
              new AppError(
                'INTERNAL',
                `The model host answered a ${body.type} request with a ${response.type} reply.`,
              ),
            )
          else resolve(value)
        },
        fail: (error) => {
          detach()
          reject(error)
        },
      })
      try {
        const child = this.child ?? this.start()
        const request: HostRequest<K> = { ...body, id }
        child.send(request)
      } catch (error) {
        this.pending.delete(id)
        reject(error instanceof AppError ? error : new HostExitedError(String(error), 0))
        return
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Sends a request whose reply nobody waits for (it is ignored when it comes). */
  private tell(body: HostRequestBody): void {
    try {
      this.child?.send({ ...body, id: this.nextId++ })
    } catch {
      // The process is gone; nothing is left to tell.
    }
  }

  load(modelPath: string, intraOpThreads: number): Promise<ModelInfo> {
    return this.send({ type: 'load', modelPath, intraOpThreads })
  }

  /**
   * Runs one chunk of images as one batch; `signal` drops it (CANCELLED) if it aborts first.
   * `serial` prepares its images one after another (see HostCalls.run).
   */
  async run(
    images: HostImage[],
    plan: PreprocessPlan,
    signal?: AbortSignal,
    options: { serial?: boolean } = {},
  ): Promise<HostImageResult[]> {
    const serial = options.serial ? { serial: true } : {}
    return (await this.send({ type: 'run', images, plan, ...serial }, signal)).results
  }

  /** Times the loaded model (see HostCalls.bench); `signal` stops it after the run in progress. */
  bench(request: BenchRequest, signal?: AbortSignal): Promise<BenchReply> {
    return this.send({ type: 'bench', ...request }, signal)
  }

  /** Resolves when the process answers; rejects with HostExitedError when it is gone. */
  async ping(): Promise<void> {
    await this.send({ type: 'ping' })
  }

  /** Stops the process; anything still waiting gets `reason`. */
  dispose(reason: ApiError = { code: 'CANCELLED', message: 'The model was unloaded.' }): void {
    const child = this.child
    this.child = null
    const waiting = [...this.pending.values()]
    this.pending.clear()
    for (const p of waiting) p.fail(new AppError(reason.code, reason.message))
    child?.kill()
  }
}
