import type { Migration } from '../migration'

/**
 * The batch journal (src/main/batch/batchJournal.ts): jobs, one row per file found, results per
 * file and model. A job's files are stored as (root index, relative path); its folders, models
 * (with their SHA-256 and preprocessing plan) and options once, in the job's spec. The job's
 * counts are kept in its row, in the same transactions that change the files, so progress is
 * read without counting a million rows. Class names are stored once per job and model
 * (batch_labels), not in every result. `skipped_in_pass` is set on the rows of entries the
 * enumeration skipped (a FIFO, an unreadable folder): the pass that last saw them, so one that is
 * gone by the next finished pass is dropped; it is NULL for files.
 */
export const batchJournal: Migration = {
  version: 7,
  name: 'batch-journal',
  up(db) {
    db.exec(`
      CREATE TABLE batch_jobs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        spec_json TEXT NOT NULL,
        match_key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN
          ('enumerating', 'running', 'paused', 'interrupted', 'done', 'cancelled', 'failed')),
        enumerated INTEGER NOT NULL DEFAULT 0 CHECK (enumerated IN (0, 1)),
        enum_pass INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        pending INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;
      CREATE INDEX batch_jobs_match ON batch_jobs (match_key, state);

      CREATE TABLE batch_files (
        id INTEGER PRIMARY KEY,
        job INTEGER NOT NULL REFERENCES batch_jobs (seq) ON DELETE CASCADE,
        root INTEGER NOT NULL,
        rel_path TEXT NOT NULL,
        size INTEGER,
        mtime_ms REAL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
        error_code TEXT,
        error_message TEXT,
        skipped_in_pass INTEGER,
        timings_json TEXT,
        UNIQUE (job, root, rel_path)
      ) STRICT;
      CREATE INDEX batch_files_state ON batch_files (job, state, id);
      CREATE INDEX batch_files_order ON batch_files (job, id);

      CREATE TABLE batch_results (
        file_id INTEGER NOT NULL REFERENCES batch_files (id) ON DELETE CASCADE,
        model INTEGER NOT NULL,
        job INTEGER NOT NULL,
        top1_index INTEGER NOT NULL,
        top1_score REAL NOT NULL,
        top_json TEXT NOT NULL,
        PRIMARY KEY (file_id, model)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX batch_results_class ON batch_results (job, model, top1_index, top1_score);
      CREATE INDEX batch_results_score ON batch_results (job, model, top1_score);

      CREATE TABLE batch_labels (
        job INTEGER NOT NULL REFERENCES batch_jobs (seq) ON DELETE CASCADE,
        model INTEGER NOT NULL,
        class_index INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (job, model, class_index)
      ) STRICT, WITHOUT ROWID;
    `)
  },
}
