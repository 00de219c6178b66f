import type { Migration } from '../migration'

/**
 * Benchmark runs (src/main/bench/benchStore.ts): one row per run, never replaced (running a
 * benchmark again adds a run), and one row per finished point (batch × threads) with every
 * figure as a column, so that lists and comparisons read them without parsing. The model is kept
 * as the caller named it and by its file's SHA-256, the machine as a fingerprint (JSON), the
 * load before and during the run as figures beside the busy flag. `cancel_requested` is how a
 * process that does not run the benchmark asks the one that does to stop.
 */
export const benchRuns: Migration = {
  version: 10,
  name: 'bench-runs',
  up(db) {
    db.exec(`
      CREATE TABLE bench_runs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        model_id TEXT NOT NULL,
        catalog_id TEXT,
        model_json TEXT NOT NULL,
        model_sha256 TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        fingerprint_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN
          ('running', 'done', 'cancelled', 'failed', 'interrupted')),
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        pid INTEGER NOT NULL,
        before_other_cores REAL NOT NULL,
        before_own_cores REAL NOT NULL,
        before_load_average REAL NOT NULL,
        busy_threshold_cores REAL NOT NULL,
        -- NULL until a point is done.
        during_mean_other_cores REAL,
        during_max_other_cores REAL,
        busy INTEGER CHECK (busy IN (0, 1)),
        error_code TEXT,
        error_message TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;
      CREATE INDEX bench_runs_catalog ON bench_runs (catalog_id, seq);
      CREATE INDEX bench_runs_model ON bench_runs (model_id, seq);

      CREATE TABLE bench_points (
        run INTEGER NOT NULL REFERENCES bench_runs (seq) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        batch INTEGER NOT NULL CHECK (batch >= 1),
        threads INTEGER NOT NULL CHECK (threads >= 1),
        runs INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        min_runs_met INTEGER NOT NULL CHECK (min_runs_met IN (0, 1)),
        min_duration_met INTEGER NOT NULL CHECK (min_duration_met IN (0, 1)),
        warmup_runs INTEGER NOT NULL,
        warmup_settled INTEGER NOT NULL CHECK (warmup_settled IN (0, 1)),
        median_ms REAL NOT NULL,
        p90_ms REAL NOT NULL,
        p99_ms REAL NOT NULL,
        min_ms REAL NOT NULL,
        max_ms REAL NOT NULL,
        mean_ms REAL NOT NULL,
        stdev_ms REAL NOT NULL,
        images_per_s REAL NOT NULL,
        peak_rss_bytes INTEGER NOT NULL,
        other_cores REAL NOT NULL,
        own_cores REAL NOT NULL,
        busy INTEGER NOT NULL CHECK (busy IN (0, 1)),
        -- The end-to-end pass; NULL when it was not run (cancelled in between).
        e2e_images INTEGER,
        e2e_failed INTEGER,
        decode_ms REAL,
        preprocess_ms REAL,
        inference_ms REAL,
        postprocess_ms REAL,
        e2e_wall_ms_per_image REAL,
        e2e_images_per_s REAL,
        times_json TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (run, batch, threads)
      ) STRICT;
    `)
  },
}
