/**
 * Local ONNX models: their records (a link to a catalog entry in model_files, or a custom model
 * with its class names and preprocessing in custom_models) over files kept in the app's one blob
 * store (`<data>/cache/blobs/<sha256>`, src/main/store/blobStore.ts), copied in and committed
 * there like every other file, so the same bytes attached twice are one blob.
 */
import { existsSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { Database } from 'better-sqlite3'
import type { LocalModel, ModelSelfCheck } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { BlobStore, StoredBlob } from '../store/blobStore'
import type { PreprocessPlan } from './preprocess/preprocessPlan'

export interface StoredModel extends LocalModel {
  path: string
  /** Custom models only: their preprocessing and class names. */
  plan: PreprocessPlan | null
  labelNames: string[] | null
}

interface Row {
  model_id: string
  kind: 'onnx' | 'converted'
  self_check_json: string | null
  sha256: string
  path: string
  added_at: string
  name: string | null
  classes: number | null
  labels_json: string | null
  preprocess_json: string | null
}

export class ModelStore {
  constructor(
    private readonly blobs: BlobStore,
    private readonly db: Database,
    private readonly catalogName: (
      id: string,
    ) => { name: string; inputSize: number | null; classes: number } | null,
  ) {}

  /**
   * Copies a model file into the blob store and writes its record (`record`) while the blob is
   * held, so no gc sees it unused in between. The source is checked like any model (a regular
   * file under the model cap: no device, no FIFO) and read once, hashed as it is copied.
   */
  private async importFile<T>(source: string, record: (blob: StoredBlob) => T): Promise<T> {
    const copied = await this.blobs.copyIn(source, 'model', 'model')
    if (copied.size === 0) {
      await rm(copied.path, { force: true })
      throw new AppError('MODEL_INVALID', `"${source}" is empty (0 bytes), not an ONNX model.`)
    }
    return this.blobs.commit(copied, record)
  }

  private rows(): Row[] {
    const rows = this.db
      .prepare(
        `SELECT f.model_id, f.kind, f.sha256, f.path, f.added_at, c.name, c.classes, c.labels_json,
           c.preprocess_json,
           (SELECT v.self_check_json FROM conversions v WHERE v.onnx_sha256 = f.sha256
             ORDER BY v.converted_at DESC LIMIT 1) AS self_check_json
         FROM model_files f LEFT JOIN custom_models c ON c.id = f.model_id
         WHERE f.kind IN ('onnx', 'converted') ORDER BY f.added_at`,
      )
      .all() as Row[]
    // A model the user attached ONNX to runs that, not what was converted from its archive.
    const attached = new Set(rows.filter((r) => r.kind === 'onnx').map((r) => r.model_id))
    return rows.filter((r) => r.kind === 'onnx' || !attached.has(r.model_id))
  }

  private toModel(row: Row): StoredModel | null {
    const custom = row.model_id.startsWith('custom:')
    const catalog = custom ? null : this.catalogName(row.model_id)
    if (!custom && !catalog) return null
    const plan = row.preprocess_json ? (JSON.parse(row.preprocess_json) as PreprocessPlan) : null
    const labelNames = row.labels_json ? (JSON.parse(row.labels_json) as string[]) : null
    const sizeBytes = existsSync(row.path) ? statSync(row.path).size : 0
    return {
      id: row.model_id,
      ref: custom ? { customId: row.model_id } : { catalogId: row.model_id },
      name: custom ? (row.name ?? row.model_id) : catalog!.name,
      source: custom ? 'custom' : 'catalog',
      sha256: row.sha256,
      sizeBytes,
      inputSize: custom ? (plan?.inputSize ?? null) : catalog!.inputSize,
      classes: custom ? row.classes : catalog!.classes,
      labels: custom ? (labelNames ? 'custom' : 'none') : 'imagenet',
      addedAt: row.added_at,
      origin: row.kind === 'converted' ? 'converted' : 'attached',
      selfCheck: row.self_check_json ? (JSON.parse(row.self_check_json) as ModelSelfCheck) : null,
      path: row.path,
      plan,
      labelNames,
    }
  }

  list(): StoredModel[] {
    return this.rows().flatMap((row) => this.toModel(row) ?? [])
  }

  get(id: string): StoredModel | null {
    return this.list().find((model) => model.id === id) ?? null
  }

  /** Stores the model file `source` as the ONNX weights of catalog entry `catalogId`. */
  async attachCatalog(catalogId: string, source: string): Promise<void> {
    await this.importFile(source, (blob) => this.linkCatalog(catalogId, blob))
  }

  /** Stores the model file `source` as a custom model; returns its id. */
  async attachCustom(
    model: { name: string; classes: number; labels: string[] | null; plan: PreprocessPlan },
    source: string,
  ): Promise<string> {
    return this.importFile(source, (blob) => this.addCustom(model, blob))
  }

  private linkCatalog(
    catalogId: string,
    file: { sha256: string; path: string },
    kind: 'onnx' | 'converted' = 'onnx',
  ): void {
    this.db
      .prepare(
        `INSERT INTO model_files (model_id, kind, sha256, path, added_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (model_id, kind) DO UPDATE SET sha256 = excluded.sha256, path = excluded.path, added_at = excluded.added_at`,
      )
      .run(catalogId, kind, file.sha256, file.path, new Date().toISOString())
  }

  /**
   * Records `file` (a blob the converter made from the entry's Paddle archive) as catalog entry
   * `catalogId`'s runnable model; call it inside `BlobStore.commit`'s record. ONNX the user
   * attaches to the entry takes precedence over it.
   */
  linkConverted(catalogId: string, file: { sha256: string; path: string }): void {
    const linked = this.db
      .prepare(`SELECT sha256 FROM model_files WHERE model_id = ? AND kind = 'converted'`)
      .get(catalogId) as { sha256: string } | undefined
    if (linked?.sha256 !== file.sha256) this.linkCatalog(catalogId, file, 'converted')
  }

  private addCustom(
    model: { name: string; classes: number; labels: string[] | null; plan: PreprocessPlan },
    file: { sha256: string; path: string },
  ): string {
    const id = `custom:${file.sha256.slice(0, 12)}`
    const now = new Date().toISOString()
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO custom_models (id, name, sha256, classes, labels_json, preprocess_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, classes = excluded.classes,
             labels_json = excluded.labels_json, preprocess_json = excluded.preprocess_json`,
        )
        .run(
          id,
          model.name,
          file.sha256,
          model.classes,
          model.labels ? JSON.stringify(model.labels) : null,
          JSON.stringify(model.plan),
          now,
        )
      this.linkCatalog(id, file)
    })()
    return id
  }

  /** Drops `catalogId`'s converted model when it is one of `onnxSha256s` (its archive is gone). */
  unlinkConverted(catalogId: string, onnxSha256s: readonly string[]): void {
    const drop = this.db.prepare(
      `DELETE FROM model_files WHERE model_id = ? AND kind = 'converted' AND sha256 = ?`,
    )
    for (const sha of onnxSha256s) drop.run(catalogId, sha)
  }

  /**
   * Forgets a model: deletes its rows only. Its blob may be another record's (the same bytes
   * attached to another entry, an artifact, a conversion) or another process's that is about to
   * record it; deleting it here would race them. Unused, it is an orphan that gc clears
   * (BlobStore.clearLeftovers: under the blob's lease, once its file is ORPHAN_GRACE_MS old).
   */
  remove(id: string): boolean {
    return this.db.transaction(() => {
      const removed = this.db
        .prepare(`DELETE FROM model_files WHERE model_id = ? AND kind IN ('onnx', 'converted')`)
        .run(id).changes
      this.db.prepare('DELETE FROM custom_models WHERE id = ?').run(id)
      return removed > 0
    })()
  }
}
