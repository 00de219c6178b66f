import type { Database } from 'better-sqlite3'
import { AppError } from '../../shared/errors'
import type { Migration } from './migration'

export interface MigrationReport {
  from: number
  to: number
  applied: string[]
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Brings the schema to the newest version, each step in its own transaction together with its
 * `user_version` bump, so a crash leaves the database at a whole version. Each step takes the
 * write lock first (IMMEDIATE) and looks at the version again under it: two processes opening a
 * new data folder at once (the app and a `zoo` command) apply each step once, not twice.
 */
export function migrate(db: Database, steps: readonly Migration[]): MigrationReport {
  assertOrdered(steps)
  const from = schemaVersion(db)
  const latest = steps.at(-1)?.version ?? 0
  if (from > latest) {
    throw new AppError(
      'UNAVAILABLE',
      `This data folder was written by a newer Zoo Explorer (schema ${from}, this app knows ${latest}). ` +
        'Update the app, or point it at another data folder with --data-dir.',
    )
  }
  const applied: string[] = []
  for (const step of steps) {
    if (step.version <= from) continue
    const ran = db
      .transaction(() => {
        if (schemaVersion(db) >= step.version) return false // another process just did it
        step.up(db)
        db.pragma(`user_version = ${step.version}`)
        return true
      })
      .immediate()
    if (ran) applied.push(`${String(step.version).padStart(4, '0')}-${step.name}`)
  }
  return { from, to: schemaVersion(db), applied }
}

function assertOrdered(steps: readonly Migration[]): void {
  steps.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`Migration ${step.name} has version ${step.version}, expected ${index + 1}`)
    }
  })
}
