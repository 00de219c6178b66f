/**
 * Leases: "this process is the one writer of X" across every process on the data folder (the app
 * and `zoo` commands in terminals). A lease is a row in the shared SQLite database, taken and
 * released inside IMMEDIATE transactions, so two processes can never both believe they hold it:
 * SQLite's own file lock decides who goes first. A holder keeps its lease fresh with a heartbeat;
 * a lease whose holder died (`kill -9`, a crash, a power cut) is taken over — at once when its
 * process is gone from this machine, after `staleAfterMs` without a heartbeat otherwise.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Database } from 'better-sqlite3'
import { AppError } from '../../shared/errors'
import { isProcessAlive } from '../app/processAlive'

export interface LeaseHolder {
  pid: number
  host: string
  /** What the holder is doing ("download", "import"): for messages. */
  purpose: string
  acquiredAt: number
  heartbeatAt: number
}

export interface Lease {
  readonly name: string
  /** Gives the lease up (idempotent); only ever deletes this holder's own row. */
  release(): void
}

interface Row {
  name: string
  owner: string
  pid: number
  host: string
  purpose: string
  acquired_at: number
  heartbeat_at: number
}

export interface LeasesOptions {
  /** Without a heartbeat for this long a lease is stale, whatever its pid seems to say. */
  staleAfterMs?: number
  heartbeatMs?: number
  /** How often `acquire` looks again while another process holds the lease. */
  pollMs?: number
}

export class Leases {
  private readonly host = hostname()
  private readonly staleAfterMs: number
  private readonly heartbeatMs: number
  private readonly pollMs: number
  private readonly held = new Map<string, { owner: string; timer: NodeJS.Timeout }>()

  constructor(
    private readonly db: Database,
    options: LeasesOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? 10 * 60_000
    this.heartbeatMs = options.heartbeatMs ?? 5_000
    this.pollMs = options.pollMs ?? 200
  }

  private stale(row: Row, now: number): boolean {
    if (now - row.heartbeat_at > this.staleAfterMs) return true
    return row.host === this.host && !isProcessAlive(row.pid)
  }

  private toHolder(row: Row): LeaseHolder {
    return {
      pid: row.pid,
      host: row.host,
      purpose: row.purpose,
      acquiredAt: row.acquired_at,
      heartbeatAt: row.heartbeat_at,
    }
  }

  /** The live holder of a lease, or null when it is free (or held by a dead process). */
  holder(name: string): LeaseHolder | null {
    const row = this.db.prepare('SELECT * FROM leases WHERE name = ?').get(name) as Row | undefined
    return row && !this.stale(row, Date.now()) ? this.toHolder(row) : null
  }

  /** Takes the lease if it is free or stale; otherwise returns who holds it. */
  tryAcquire(name: string, purpose: string): Lease | { heldBy: LeaseHolder } {
    if (this.held.has(name)) {
      // One process, one holder: a second attempt from here waits like anyone else.
      return { heldBy: this.holder(name) ?? this.self(purpose) }
    }
    const owner = randomUUID()
    const take = this.db.transaction((): Row | null => {
      const now = Date.now()
      const row = this.db.prepare('SELECT * FROM leases WHERE name = ?').get(name) as
        Row | undefined
      if (row && !this.stale(row, now)) return row
      this.db
        .prepare(
          `INSERT INTO leases (name, owner, pid, host, purpose, acquired_at, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid,
             host = excluded.host, purpose = excluded.purpose, acquired_at = excluded.acquired_at,
             heartbeat_at = excluded.heartbeat_at`,
        )
        .run(name, owner, process.pid, this.host, purpose, now, now)
      return null
    })
    const busy = take.immediate()
    if (busy) return { heldBy: this.toHolder(busy) }
    const timer = setInterval(() => this.beat(name, owner), this.heartbeatMs)
    timer.unref()
    this.held.set(name, { owner, timer })
    return { name, release: () => this.release(name, owner) }
  }

  /**
   * Waits until the lease can be taken, telling `onWait` who holds it each time it looks.
   * Rejects with CANCELLED when `signal` aborts.
   */
  async acquire(
    name: string,
    purpose: string,
    options: { signal?: AbortSignal; onWait?: (holder: LeaseHolder) => void } = {},
  ): Promise<Lease> {
    for (;;) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'Stopped waiting.')
      const result = this.tryAcquire(name, purpose)
      if (!('heldBy' in result)) return result
      options.onWait?.(result.heldBy)
      await new Promise((resolve) => setTimeout(resolve, this.pollMs))
    }
  }

  private self(purpose: string): LeaseHolder {
    const now = Date.now()
    return { pid: process.pid, host: this.host, purpose, acquiredAt: now, heartbeatAt: now }
  }

  private beat(name: string, owner: string): void {
    try {
      this.db
        .prepare('UPDATE leases SET heartbeat_at = ? WHERE name = ? AND owner = ?')
        .run(Date.now(), name, owner)
    } catch {
      // A busy or closed database: the next beat tries again; staleness allows for minutes.
    }
  }

  private release(name: string, owner: string): void {
    const mine = this.held.get(name)
    if (mine?.owner !== owner) return
    clearInterval(mine.timer)
    this.held.delete(name)
    try {
      this.db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner)
    } catch {
      // The database is closing: the row is left to go stale (pid gone), which frees it.
    }
  }

  /** Releases every lease this process holds (on close). */
  dispose(): void {
    for (const [name, { owner }] of [...this.held]) this.release(name, owner)
  }
}
