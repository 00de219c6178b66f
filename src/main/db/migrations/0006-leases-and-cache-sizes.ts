import type { Migration } from '../migration'

/**
 * Cross-process leases (one writer per artifact when the app and a `zoo` command share the data
 * folder; see src/main/locks/leases.ts), and what the cache needs to count and trust an artifact:
 * the bytes its extracted folder takes (NULL until measured: rows from before this step), and how
 * it was verified (digests checked, the archive's structural check).
 */
export const leasesAndCacheSizes: Migration = {
  version: 6,
  name: 'leases-and-cache-sizes',
  up(db) {
    db.exec(`
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        purpose TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      ) STRICT;
      ALTER TABLE artifacts ADD COLUMN extracted_bytes INTEGER;
      ALTER TABLE artifacts ADD COLUMN verification_json TEXT;
    `)
  },
}
