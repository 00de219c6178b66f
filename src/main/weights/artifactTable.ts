/**
 * The cache's manifest: one row per artifact in `artifacts`, written only once its blob (and
 * extracted folder) are complete, verified and in place. The only module that writes that table.
 */
import type { Database } from 'better-sqlite3'
import type { Artifact, ArtifactKind, ArtifactVerification } from '../../shared/contract'

export interface ArtifactRow {
  id: string
  model_id: string
  kind: ArtifactKind
  source: 'download' | 'import'
  url: string | null
  etag: string | null
  last_modified: string | null
  size: number
  sha256: string
  md5: string | null
  fetched_at: string
  last_used_at: string
  extracted_path: string | null
  contents_json: string | null
  /** NULL for rows from before migration 6, until measured. */
  extracted_bytes: number | null
  verification_json: string | null
}

export interface ArtifactRecord {
  id: string
  modelId: string
  kind: ArtifactKind
  source: 'download' | 'import'
  url: string | null
  etag: string | null
  lastModified: string | null
  size: number
  sha256: string
  md5: string | null
  extractedPath: string | null
  extractedBytes: number
  contents: Artifact['contents']
  verification: ArtifactVerification
}

const NO_VERIFICATION: ArtifactVerification = { digests: [], structure: null }

export function toArtifact(row: ArtifactRow): Artifact {
  return {
    id: row.id,
    modelId: row.model_id,
    kind: row.kind,
    source: row.source,
    url: row.url,
    size: row.size,
    extractedBytes: row.extracted_bytes ?? 0,
    sha256: row.sha256,
    etag: row.etag,
    lastModified: row.last_modified,
    fetchedAt: row.fetched_at,
    lastUsedAt: row.last_used_at,
    contents: row.contents_json ? (JSON.parse(row.contents_json) as Artifact['contents']) : null,
    verification: row.verification_json
      ? (JSON.parse(row.verification_json) as ArtifactVerification)
      : NO_VERIFICATION,
  }
}

export class ArtifactTable {
  constructor(private readonly db: Database) {}

  all(): ArtifactRow[] {
    return this.db.prepare('SELECT * FROM artifacts ORDER BY model_id, kind').all() as ArtifactRow[]
  }

  get(id: string): ArtifactRow | null {
    return (this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as ArtifactRow) ?? null
  }

  touch(id: string): void {
    this.db
      .prepare('UPDATE artifacts SET last_used_at = ? WHERE id = ?')
      .run(new Date().toISOString(), id)
  }

  setExtractedBytes(id: string, bytes: number): void {
    this.db.prepare('UPDATE artifacts SET extracted_bytes = ? WHERE id = ?').run(bytes, id)
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id)
  }

  upsert(record: ArtifactRecord): void {
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO artifacts (id, model_id, kind, source, url, etag, last_modified, size, sha256, md5,
           fetched_at, last_used_at, extracted_path, contents_json, extracted_bytes, verification_json)
         VALUES (@id, @modelId, @kind, @source, @url, @etag, @lastModified, @size, @sha256, @md5, @now, @now,
           @extractedPath, @contents, @extractedBytes, @verification)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, url = excluded.url, etag = excluded.etag,
           last_modified = excluded.last_modified, size = excluded.size, sha256 = excluded.sha256,
           md5 = excluded.md5, fetched_at = excluded.fetched_at, last_used_at = excluded.last_used_at,
           extracted_path = excluded.extracted_path, contents_json = excluded.contents_json,
           extracted_bytes = excluded.extracted_bytes, verification_json = excluded.verification_json`,
      )
      .run({
        id: record.id,
        modelId: record.modelId,
        kind: record.kind,
        source: record.source,
        url: record.url,
        etag: record.etag,
        lastModified: record.lastModified,
        size: record.size,
        sha256: record.sha256,
        md5: record.md5,
        now,
        extractedPath: record.extractedPath,
        contents: record.contents ? JSON.stringify(record.contents) : null,
        extractedBytes: record.extractedBytes,
        verification: JSON.stringify(record.verification),
      })
  }
}
