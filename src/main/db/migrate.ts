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
 * `user_version` bump, so a crash leaves the database at a whole version.
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
    db.transaction(() => {
      step.up(db)
      db.pragma(`user_version = ${step.version}`)
    })()
    applied.push(`${String(step.version).padStart(4, '0')}-${step.name}`)
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
