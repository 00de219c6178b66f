import type { Migration } from '../migration'

/**
 * Reshapes the catalog tables for fast lists: each model's list row is precomputed as JSON, and
 * the full record with every source moves to its own table. The catalog is shipped data, so the
 * tables are rebuilt empty and reloaded on the next start; user tables (settings, model_files)
 * are not touched.
 */
export const catalogRows: Migration = {
  version: 3,
  name: 'catalog-rows',
  up(db) {
    db.exec(`
      DROP TABLE IF EXISTS latencies;
      DROP TABLE IF EXISTS models_fts;
      DROP TABLE IF EXISTS model_documents;
      DROP TABLE IF EXISTS models;
      DROP TABLE IF EXISTS series;
      DROP TABLE IF EXISTS platforms;
      DELETE FROM catalog_meta;

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
        -- The list row (figures, latencies, source lines) as JSON: what a list shows, no joins.
        row_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX models_series ON models (series_id, position);
      CREATE INDEX models_family ON models (family);

      -- The full record with every source, read one model at a time; kept out of "models" so
      -- that list queries scan a compact table.
      CREATE TABLE model_documents (
        id TEXT PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
        json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE latencies (
        model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        platform_id TEXT NOT NULL,
        batch_size INTEGER NOT NULL,
        threads INTEGER NOT NULL,
        ms REAL NOT NULL,
        PRIMARY KEY (model_id, platform_id, batch_size, threads)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX latencies_key ON latencies (platform_id, batch_size, threads, ms);

      CREATE VIRTUAL TABLE models_fts USING fts5 (
        id, display_name, series, family, aliases, description,
        tokenize = 'trigram'
      );
    `)
  },
}
