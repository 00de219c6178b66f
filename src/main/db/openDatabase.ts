import BetterSqlite3, { type Database } from 'better-sqlite3'
import { migrate, type MigrationReport } from './migrate'
import { migrations } from './migrations'
import type { Migration } from './migration'

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 addon built for another runtime (Electron's ABI). */
  nativeBinding?: string
  migrations?: readonly Migration[]
}

export interface OpenedDatabase {
  db: Database
  migration: MigrationReport
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const db = new BetterSqlite3(
    file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  )
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    const migration = migrate(db, options.migrations ?? migrations)
    return { db, migration }
  } catch (error) {
    db.close()
    throw error
  }
}
