/**
 * Which records use a blob: the one list of the tables that point into the blob store. A table
 * that starts pointing at blobs is added here, or gc deletes its files.
 */
import type { Database } from 'better-sqlite3'

/**
 * Whether any artifact (its archive or weights, and its extracted folder), attached model or
 * conversion (its ONNX output) uses the blob of `sha256`. A conversion's `source_sha256` names
 * what it was converted from but does not keep it: the source archive stays while its artifact
 * row does (and the LRU budget may evict it); the conversion's own output is what it needs.
 */
export function blobUsers(db: Database): (sha256: string) => boolean {
  const query = db.prepare<{ sha256: string }>(
    `SELECT 1 FROM artifacts WHERE sha256 = @sha256
     UNION ALL SELECT 1 FROM model_files WHERE sha256 = @sha256
     UNION ALL SELECT 1 FROM conversions WHERE onnx_sha256 = @sha256
     LIMIT 1`,
  )
  return (sha256) => query.get({ sha256 }) !== undefined
}
