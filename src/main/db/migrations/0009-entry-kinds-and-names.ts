import type { Migration } from '../migration'

/**
 * Entries outside the zoo (names only an older list or the backbone survey has) live in the
 * models table beside the zoo's, told apart by `entry_kind`; every list that counts or plots the
 * zoo filters on it. `model_names` holds every name a model is known by (its id, the name the
 * tables show, older lists' names), for the one resolver every id-taking face uses.
 * The catalog version is cleared so that the next start reloads the catalog into both.
 */
export const entryKindsAndNames: Migration = {
  version: 9,
  name: 'entry-kinds-and-names',
  up(db) {
    db.exec(`
      ALTER TABLE models ADD COLUMN entry_kind TEXT NOT NULL DEFAULT 'zoo'
        CHECK (entry_kind IN ('zoo', 'olderListOnly', 'surveyOnly'));
      CREATE INDEX models_entry_kind ON models (entry_kind, position);

      CREATE TABLE model_names (
        name TEXT NOT NULL COLLATE NOCASE,
        model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        -- How the name is known: 'id', 'displayName' or 'alias' (with the alias's source).
        kind TEXT NOT NULL CHECK (kind IN ('id', 'displayName', 'alias')),
        source TEXT,
        PRIMARY KEY (name, model_id, kind)
      ) STRICT;

      DELETE FROM catalog_meta WHERE key = 'catalog_version';
    `)
  },
}
