/**
 * The model hosts kept for reuse, one per model file: a host is loaded (and its model
 * validated) on first use, checked to be alive before it is reused, replaced when it has died,
 * and the least recently used idle ones are stopped beyond `maxHosts`. A host running a request
 * is never stopped to make room.
 */
import { statRegularFile } from '../files/regularFile'
import type { HostLauncher } from './host/hostLauncher'
import type { ModelInfo } from './host/hostProtocol'
import { HostExitedError, ModelHost } from './host/modelHost'
import { imageModelShape, type ImageModelShape } from './host/validateModel'

/**
 * A kept host that answered within this long is reused without asking first: the question costs
 * a round trip on every request (and waits behind a run in progress). If it died since, the
 * request's first chunk finds out and runImages restarts it.
 */
const TRUSTED_SILENCE_MS = 5_000

/** A model file and how to name it; `key` identifies it (its hash, or its path). */
export interface ModelTarget {
  key: string
  path: string
  label: string
}

/**
 * Which host of a model: hosts are kept per (model, intra-op threads, slot). Classify wants one
 * host with every core; a batch job may want several one-thread hosts (slots) of one model.
 */
export interface HostShape {
  threads?: number
  slot?: number
}

export interface LoadedModel {
  host: ModelHost
  info: ModelInfo
  shape: ImageModelShape
}

interface Entry extends LoadedModel {
  lastUsed: number
}

export interface HostPoolOptions {
  launcher: HostLauncher
  maxHosts: number
  intraOpThreads: number
}

export class HostPool {
  private readonly hosts = new Map<string, Entry>()
  private readonly loading = new Map<string, Promise<Entry>>()
  /** Requests running per model: its host is never evicted meanwhile. */
  private readonly busy = new Map<string, number>()
  /** Hosts still loading their model: dispose() stops them too. */
  private readonly starting = new Set<ModelHost>()

  constructor(private readonly options: HostPoolOptions) {}

  /**
   * A live host with the model loaded: the one kept (asked whether it is alive when it has been
   * silent a while, so one that died while idle is replaced without the caller noticing) or a new
   * one. `loadMs` is null when a kept host was reused.
   */
  async get(
    target: ModelTarget,
    shape: HostShape = {},
  ): Promise<{ loaded: LoadedModel; loadMs: number | null }> {
    const key = this.keyOf(target, shape)
    for (;;) {
      const existing = this.hosts.get(key)
      if (!existing?.host.running) break
      try {
        if (existing.host.silentForMs > TRUSTED_SILENCE_MS) await existing.host.ping()
        existing.lastUsed = Date.now()
        return { loaded: existing, loadMs: null }
      } catch (error) {
        if (!(error instanceof HostExitedError)) throw error
      }
      // Another request may have replaced it while this one asked: then use that one.
      if (this.hosts.get(key) === existing) this.stop(key)
    }
    const loaded = await this.load(target, key, shape.threads ?? this.options.intraOpThreads)
    return { loaded, loadMs: loaded.info.loadMs }
  }

  private keyOf(target: ModelTarget, shape: HostShape): string {
    return `${target.key}|${shape.threads ?? this.options.intraOpThreads}|${shape.slot ?? 0}`
  }

  private load(target: ModelTarget, key: string, threads: number): Promise<Entry> {
    const pending = this.loading.get(key)
    if (pending) return pending
    const load = (async () => {
      this.stop(key)
      // Checked here first, so a FIFO or a 5 GB file is refused without starting a process.
      await statRegularFile(target.path, 'model')
      const host = new ModelHost(target.label, this.options.launcher)
      this.starting.add(host)
      try {
        const info = await host.load(target.path, threads)
        const entry = { host, info, shape: imageModelShape(info), lastUsed: Date.now() }
        this.hosts.set(key, entry)
        return entry
      } catch (error) {
        host.dispose()
        throw error
      } finally {
        this.starting.delete(host)
      }
    })()
    this.loading.set(key, load)
    const done = () => this.loading.delete(key)
    load.then(done, done)
    return load
  }

  /** Marks the host busy until the returned release is called. */
  use(target: ModelTarget, shape: HostShape = {}): () => void {
    const key = this.keyOf(target, shape)
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.busy.get(key) ?? 1) - 1
      if (left > 0) this.busy.set(key, left)
      else this.busy.delete(key)
      const entry = this.hosts.get(key)
      if (entry) entry.lastUsed = Date.now()
      this.evict()
    }
  }

  /** Stops the least recently used idle hosts beyond `maxHosts`; busy ones wait for their turn. */
  private evict(): void {
    const idle = [...this.hosts.entries()]
      .filter(([key]) => !this.busy.has(key))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    for (const [key] of idle) {
      if (this.hosts.size <= this.options.maxHosts) return
      this.stop(key)
    }
  }

  private stop(key: string): void {
    this.hosts.get(key)?.host.dispose()
    this.hosts.delete(key)
  }

  /** Stops the model's host of `shape`, if there is one (a benchmark's, when it is done). */
  close(target: ModelTarget, shape: HostShape): void {
    this.stop(this.keyOf(target, shape))
  }

  /** Stops every host of the model (`ModelTarget.key`); what waits on them is cancelled. */
  drop(modelKey: string): void {
    for (const key of [...this.hosts.keys()]) if (key.startsWith(`${modelKey}|`)) this.stop(key)
  }

  dispose(): void {
    for (const host of this.starting) host.dispose()
    for (const key of [...this.hosts.keys()]) this.stop(key)
  }
}
