/** The conversions table against the real SQLite schema (migration 8): record, find, all. */
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../../src/main/db/openDatabase'
import { ConversionTable, type Conversion } from '../../../src/main/store/conversionTable'
import { tempDirForTest } from '../helpers/tempDir'

function table() {
  const { db } = openDatabase(join(tempDirForTest('zoo-conversions'), 'zoo.sqlite'))
  onTestFinished(() => {
    db.close()
  })
  return { db, conversions: new ConversionTable(db) }
}

const conversion = (patch: Partial<Conversion> = {}): Conversion => ({
  sourceSha256: 'a'.repeat(64),
  converterVersion: '0.1.0',
  opset: 13,
  onnxSha256: 'b'.repeat(64),
  ops: { Conv: 52, Relu: 35, Gemm: 1 },
  durationMs: 1234,
  convertedAt: '2026-05-01T10:00:00.000Z',
  selfCheck: null,
  ...patch,
})

describe('ConversionTable', () => {
  it('finds what was recorded, by source and converter version, op counts included', () => {
    const { conversions } = table()
    expect(conversions.find('a'.repeat(64), '0.1.0')).toBeNull()
    expect(conversions.all()).toEqual([])
    conversions.record(conversion())
    conversions.record(
      conversion({ converterVersion: '0.2.0', opset: 17, convertedAt: '2026-05-02T00:00:00.000Z' }),
    )
    conversions.record(
      conversion({ sourceSha256: 'c'.repeat(64), convertedAt: '2026-04-30T00:00:00.000Z' }),
    )

    expect(conversions.find('a'.repeat(64), '0.1.0')).toEqual(conversion())
    expect(conversions.find('a'.repeat(64), '0.2.0')).toMatchObject({ opset: 17 })
    expect(conversions.find('a'.repeat(64), '0.3.0')).toBeNull()
    expect(conversions.find('d'.repeat(64), '0.1.0')).toBeNull()
    expect(conversions.all().map((c) => [c.sourceSha256[0], c.converterVersion])).toEqual([
      ['c', '0.1.0'],
      ['a', '0.1.0'],
      ['a', '0.2.0'],
    ])
  })

  it('a source converted again by the same version replaces its row', () => {
    const { conversions } = table()
    conversions.record(conversion())
    const again = conversion({ onnxSha256: 'e'.repeat(64), ops: { Conv: 1 }, durationMs: 99 })
    conversions.record(again)
    expect(conversions.all()).toEqual([again])
  })

  it('rounds a measured duration (STRICT INTEGER would refuse 12.5 ms)', () => {
    const { conversions } = table()
    conversions.record(conversion({ durationMs: 12.6 }))
    expect(conversions.find('a'.repeat(64), '0.1.0')?.durationMs).toBe(13)
  })

  it('is a STRICT table keyed by (source_sha256, converter_version)', () => {
    const { db } = table()
    const info = db
      .prepare<[], { strict: number }>(
        "SELECT strict FROM pragma_table_list WHERE name = 'conversions'",
      )
      .get()
    expect(info?.strict).toBe(1)
    const columns = db
      .prepare<[], { name: string; type: string; notnull: number; pk: number }>(
        'SELECT name, type, "notnull", pk FROM pragma_table_info(\'conversions\')',
      )
      .all()
    expect(columns).toEqual([
      { name: 'source_sha256', type: 'TEXT', notnull: 1, pk: 1 },
      { name: 'converter_version', type: 'TEXT', notnull: 1, pk: 2 },
      { name: 'opset', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'onnx_sha256', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'ops_json', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'duration_ms', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'converted_at', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'self_check_json', type: 'TEXT', notnull: 0, pk: 0 },
    ])
    const insert = db.prepare(
      `INSERT INTO conversions (source_sha256, converter_version, opset, onnx_sha256, ops_json, duration_ms, converted_at)
       VALUES ('s', 'v', ?, 'o', '{}', 1, 'now')`,
    )
    expect(() => insert.run('thirteen')).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_DATATYPE' }),
    )
  })

  it('keeps a self-check with its conversion until the source is converted again, and forgets a source', () => {
    const { conversions } = table()
    conversions.record(conversion())
    conversions.record(conversion({ sourceSha256: 'c'.repeat(64), onnxSha256: 'd'.repeat(64) }))
    const check = { images: [], checked: 3, agreed: 3, warnings: [], checkedAt: 'now' }
    conversions.setSelfCheck('a'.repeat(64), '0.1.0', check)
    expect(conversions.find('a'.repeat(64), '0.1.0')?.selfCheck).toEqual(check)
    // A new conversion of the same source has not been checked yet.
    conversions.record(conversion({ durationMs: 99 }))
    expect(conversions.find('a'.repeat(64), '0.1.0')?.selfCheck).toBeNull()
    expect(conversions.forgetSource('a'.repeat(64))).toEqual(['b'.repeat(64)])
    expect(conversions.all().map((c) => c.sourceSha256[0])).toEqual(['c'])
  })
})
