/**
 * Local ONNX models: the files (content-addressed in <data>/models/<sha256>.onnx, written under a
 * temporary name and renamed, so a half-copied file never counts) and their records: a link to a
 * catalog entry in model_files, or a custom model with its class names and preprocessing.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { LocalModel } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { openRegularFile, readRegularFileChunks } from '../files/regularFile'
import type { PreprocessPlan } from './preprocess/preprocessPlan'

export interface StoredModel extends LocalModel {
  path: string
  /** Custom models only: their preprocessing and class names. */
  plan: PreprocessPlan | null
  labelNames: string[] | null
}

interface Row {
  model_id: string
  sha256: string
  path: string
  added_at: string
  name: string | null
  classes: number | null
  labels_json: string | null
  preprocess_json: string | null
}

export class ModelStore {
  readonly dir: string

  constructor(
    dataDir: string,
    private readonly db: Database,
    private readonly catalogName: (
      id: string,
    ) => { name: string; inputSize: number | null; classes: number } | null,
  ) {
    this.dir = join(dataDir, 'models')
    mkdirSync(this.dir, { recursive: true })
  }

  /**
   * Copies a model file into the store under its hash; returns the stored path. The source is
   * checked like any model (a regular file under the model cap) and read once, hashed as it is
   * copied.
   */
  async importFile(source: string): Promise<{ sha256: string; path: string; sizeBytes: number }> {
    const opened = await openRegularFile(source, 'model')
    const sizeBytes = opened.info.size
    const temporary = join(this.dir, `import-${process.pid}-${Date.now()}.partial`)
    let sha256: string
    try {
      if (sizeBytes === 0)
        throw new AppError('MODEL_INVALID', `"${source}" is empty (0 bytes), not an ONNX model.`)
      const hash = createHash('sha256')
      const copy = await open(temporary, 'w')
      try {
        for await (const chunk of readRegularFileChunks(opened, source, 'model')) {
          hash.update(chunk)
          await copy.write(chunk)
        }
        await copy.sync()
      } finally {
        await copy.close()
      }
      sha256 = hash.digest('hex')
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    } finally {
      opened.handle.close().catch(() => {})
    }
    const path = join(this.dir, `${sha256}.onnx`)
    // The same bytes stored before (or by another process meanwhile): keep the one there.
    if (existsSync(path)) await rm(temporary, { force: true })
    else await rename(temporary, path)
    return { sha256, path, sizeBytes }
  }

  private rows(): Row[] {
    return this.db
      .prepare(
        `SELECT f.model_id, f.sha256, f.path, f.added_at, c.name, c.classes, c.labels_json, c.preprocess_json
         FROM model_files f LEFT JOIN custom_models c ON c.id = f.model_id
         WHERE f.kind = 'onnx' ORDER BY f.added_at`,
      )
      .all() as Row[]
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

  linkCatalog(catalogId: string, file: { sha256: string; path: string }): void {
    this.db
      .prepare(
        `INSERT INTO model_files (model_id, kind, sha256, path, added_at) VALUES (?, 'onnx', ?, ?, ?)
         ON CONFLICT (model_id, kind) DO UPDATE SET sha256 = excluded.sha256, path = excluded.path, added_at = excluded.added_at`,
      )
      .run(catalogId, file.sha256, file.path, new Date().toISOString())
  }

  addCustom(
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

  /** Forgets a model; deletes its file when no other record uses it. */
  remove(id: string): boolean {
    const row = this.db
      .prepare(`SELECT path FROM model_files WHERE model_id = ? AND kind = 'onnx'`)
      .get(id) as { path: string } | undefined
    if (!row) return false
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM model_files WHERE model_id = ? AND kind = 'onnx'`).run(id)
      this.db.prepare('DELETE FROM custom_models WHERE id = ?').run(id)
    })()
    const stillUsed = this.db.prepare('SELECT 1 FROM model_files WHERE path = ?').get(row.path)
    if (!stillUsed) rmSync(row.path, { force: true })
    return true
  }
}
