/** A real journal on a fresh data folder's database, closed when the test ends. */
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { onTestFinished } from 'vitest'
import { BatchJournal } from '../../../../src/main/batch/batchJournal'
import { openDatabase } from '../../../../src/main/db/openDatabase'
import { tempDirForTest } from '../../helpers/tempDir'

export interface OpenedJournal {
  db: Database
  journal: BatchJournal
  file: string
}

export function openJournal(
  file = join(tempDirForTest('zoo-journal'), 'zoo.sqlite'),
): OpenedJournal {
  const { db } = openDatabase(file)
  onTestFinished(() => {
    if (db.open) db.close()
  })
  return { db, journal: new BatchJournal(db), file }
}
