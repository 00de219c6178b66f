/**
 * What the Paddle → ONNX converter made, one row per source and converter version in
 * `conversions`: a source converted once is not converted again by the same converter. The ONNX
 * file is a blob (`BlobStore.commit`, writing the row in its `record` so gc never sees the blob
 * unused); the row keeps it (src/main/store/blobUsers.ts). The only module that writes the table.
 */
import type { Database } from 'better-sqlite3'
import type { ModelSelfCheck } from '../../shared/contract'

export interface Conversion {
  /** The Paddle archive blob, or the extracted folder, it was converted from. */
  sourceSha256: string
  converterVersion: string
  opset: number
  onnxSha256: string
  /** How many nodes of each op type the ONNX graph has. */
  ops: Record<string, number>
  durationMs: number
  /** ISO 8601. */
  convertedAt: string
  /** The converted model's first run on the sample images, once it has had one. */
  selfCheck?: ModelSelfCheck | null
}

interface Row {
  source_sha256: string
  converter_version: string
  opset: number
  onnx_sha256: string
  ops_json: string
  duration_ms: number
  converted_at: string
  self_check_json: string | null
}

const toConversion = (row: Row): Conversion => ({
  sourceSha256: row.source_sha256,
  converterVersion: row.converter_version,
  opset: row.opset,
  onnxSha256: row.onnx_sha256,
  ops: JSON.parse(row.ops_json) as Record<string, number>,
  durationMs: row.duration_ms,
  convertedAt: row.converted_at,
  selfCheck: row.self_check_json ? (JSON.parse(row.self_check_json) as ModelSelfCheck) : null,
})

export class ConversionTable {
  constructor(private readonly db: Database) {}

  /** Records a conversion; the same source and converter version converted again replaces it. */
  record(conversion: Conversion): void {
    this.db
      .prepare(
        `INSERT INTO conversions (source_sha256, converter_version, opset, onnx_sha256, ops_json,
           duration_ms, converted_at)
         VALUES (@sourceSha256, @converterVersion, @opset, @onnxSha256, @ops, @durationMs, @convertedAt)
         ON CONFLICT (source_sha256, converter_version) DO UPDATE SET opset = excluded.opset,
           onnx_sha256 = excluded.onnx_sha256, ops_json = excluded.ops_json,
           duration_ms = excluded.duration_ms, converted_at = excluded.converted_at,
           self_check_json = NULL`,
      )
      .run({
        sourceSha256: conversion.sourceSha256,
        converterVersion: conversion.converterVersion,
        opset: conversion.opset,
        onnxSha256: conversion.onnxSha256,
        convertedAt: conversion.convertedAt,
        ops: JSON.stringify(conversion.ops),
        // A duration measured with performance.now() has a fraction: STRICT refuses it in INTEGER.
        durationMs: Math.round(conversion.durationMs),
      })
  }

  /** Deletes every conversion of `sourceSha256`; returns the ONNX blobs they named. */
  forgetSource(sourceSha256: string): string[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT onnx_sha256 FROM conversions WHERE source_sha256 = ?')
        .all(sourceSha256) as { onnx_sha256: string }[]
      this.db.prepare('DELETE FROM conversions WHERE source_sha256 = ?').run(sourceSha256)
      return rows.map((r) => r.onnx_sha256)
    })()
  }

  setSelfCheck(sourceSha256: string, converterVersion: string, check: ModelSelfCheck): void {
    this.db
      .prepare(
        'UPDATE conversions SET self_check_json = ? WHERE source_sha256 = ? AND converter_version = ?',
      )
      .run(JSON.stringify(check), sourceSha256, converterVersion)
  }

  find(sourceSha256: string, converterVersion: string): Conversion | null {
    const row = this.db
      .prepare('SELECT * FROM conversions WHERE source_sha256 = ? AND converter_version = ?')
      .get(sourceSha256, converterVersion) as Row | undefined
    return row ? toConversion(row) : null
  }

  all(): Conversion[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM conversions ORDER BY converted_at, source_sha256, converter_version',
        )
        .all() as Row[]
    ).map(toConversion)
  }
}
