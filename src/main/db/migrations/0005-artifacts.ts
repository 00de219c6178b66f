import type { Migration } from '../migration'

/**
 * The weights cache's manifest: one row per model artifact (a PaddleClas inference archive or
 * pretrained weights), pointing at a content-addressed blob. A row exists only once its blob is
 * complete, verified and renamed into place.
 */
export const artifacts: Migration = {
  version: 5,
  name: 'artifacts',
  up(db) {
    db.exec(`
      CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        etag TEXT,
        last_modified TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        md5 TEXT,
        fetched_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL,
        extracted_path TEXT,
        contents_json TEXT
      ) STRICT;
      CREATE INDEX artifacts_model ON artifacts (model_id);
      CREATE INDEX artifacts_lru ON artifacts (last_used_at);
    `)
  },
}
