import { join } from 'node:path'
import type { Migration } from '../migration'

/** `<data>/models/<sha256>.onnx`, where versions up to 7 kept attached models. */
const LEGACY_MODEL_PATH = /^(.*)[\\/]models[\\/]([0-9a-f]{64})\.onnx$/

/**
 * One blob store for every file the app keeps (src/main/store/blobStore.ts): attached models
 * move from `<data>/models/<sha256>.onnx` to `<data>/cache/blobs/<sha256>`. Here their rows are
 * rewritten to the blob path; the files themselves are moved when a data folder is opened
 * (src/main/store/legacyModels.ts), by whichever process gets there first. Rows pointing
 * anywhere else (not written by the app) are left alone.
 *
 * And `conversions`: which ONNX file (a blob) a converter of a given version made from a Paddle
 * archive or extracted folder (by its hash), with the opset, its op types and counts, and how long
 * it took, so a conversion is done once per source and converter version; and the converted
 * model's first run on the sample images (its self-check), once it has had one.
 */
export const blobStore: Migration = {
  version: 8,
  name: 'blob-store',
  up(db) {
    db.exec(`
      CREATE TABLE conversions (
        source_sha256 TEXT NOT NULL,
        converter_version TEXT NOT NULL,
        opset INTEGER NOT NULL,
        onnx_sha256 TEXT NOT NULL,
        ops_json TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        converted_at TEXT NOT NULL,
        self_check_json TEXT,
        PRIMARY KEY (source_sha256, converter_version)
      ) STRICT;
      CREATE INDEX conversions_onnx ON conversions (onnx_sha256);
    `)
    const rows = db.prepare('SELECT rowid, sha256, path FROM model_files').all() as {
      rowid: number
      sha256: string
      path: string
    }[]
    const update = db.prepare('UPDATE model_files SET path = ? WHERE rowid = ?')
    for (const row of rows) {
      const legacy = LEGACY_MODEL_PATH.exec(row.path)
      if (!legacy || legacy[2] !== row.sha256) continue
      // The data folder the row was written in (the path's own), not this database's location.
      update.run(join(legacy[1]!, 'cache', 'blobs', row.sha256), row.rowid)
    }
  },
}
