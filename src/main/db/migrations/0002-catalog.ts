import type { Migration } from '../migration'

/**
 * The shipped catalog (replaced wholesale when the app ships a new one) and `model_files`, the
 * user's own record of which models have local weights: catalog reloads never touch it, which is
 * why it has no foreign key into `models`.
 */
export const catalog: Migration = {
  version: 2,
  name: 'catalog',
  up(db) {
    db.exec(`
      CREATE TABLE catalog_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE platforms (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE series (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        section TEXT NOT NULL,
        json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        display_name TEXT NOT NULL,
        series_id TEXT NOT NULL REFERENCES series (id),
        family TEXT NOT NULL,
        section TEXT NOT NULL,
        pretraining TEXT NOT NULL,
        distillation TEXT,
        input_size INTEGER,
        top1 REAL,
        top5 REAL,
        params_m REAL,
        flops_g REAL,
        size_mb REAL,
        pretrained_url TEXT,
        inference_url TEXT,
        json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX models_series ON models (series_id, position);
      CREATE INDEX models_family ON models (family);

      -- threads is 0 where the source gives no thread count (only the ARM tables do).
      CREATE TABLE latencies (
        model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        platform_id TEXT NOT NULL,
        batch_size INTEGER NOT NULL,
        threads INTEGER NOT NULL,
        ms REAL NOT NULL,
        PRIMARY KEY (model_id, platform_id, batch_size, threads)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX latencies_key ON latencies (platform_id, batch_size, threads, ms);

      -- Trigram: substring search over ids like "ResNet50_vd" (any 3+ characters), CJK included.
      CREATE VIRTUAL TABLE models_fts USING fts5 (
        id, display_name, series, family, aliases, description,
        tokenize = 'trigram'
      );

      CREATE TABLE model_files (
        model_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (model_id, kind)
      ) STRICT;
    `)
  },
}
