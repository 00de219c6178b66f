import type { Migration } from '../migration'

/**
 * Models the user attached by hand that are not in the catalog: their name, class names and
 * preprocessing. Their weights are recorded in model_files like any other local model.
 */
export const customModels: Migration = {
  version: 4,
  name: 'custom-models',
  up(db) {
    db.exec(`
      CREATE TABLE custom_models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        classes INTEGER NOT NULL,
        labels_json TEXT,
        preprocess_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `)
  },
}
