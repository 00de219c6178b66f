/**
 * Exports of a real journal's job, read back by real parsers: pandas' `read_csv` and
 * `read_json(lines=True)` with no options, Python's csv and json modules (Debian's
 * /usr/bin/python3; skipped with the reason when absent), and JavaScript's own JSON.parse and a
 * separate RFC 4180 reader. File names with commas, quotes, newlines, edge spaces and non-ASCII
 * letters, class names with commas, tiny scores, failures and pending files all come back as they
 * went in. Writes are atomic and streamed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportRow, FileOutcome } from '../../../src/main/batch/batchJournal'
import { exportColumns } from '../../../src/main/batch/exportLayout'
import { csvField, decimalText, writeCsv, writeJsonl } from '../../../src/main/batch/exportResults'
import { tempDirForTest } from '../helpers/tempDir'
import { found, jobSpec, model } from './helpers/journalFixtures'
import { openJournal } from './helpers/openJournal'

const python = '/usr/bin/python3'
function pythonHas(module: string): string | null {
  if (!existsSync(python)) return `${python} is not installed`
  const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' })
  return probe.status === 0
    ? null
    : `${python} cannot import ${module} (apt-get install python3-${module})`
}
const noPython = pythonHas('json')
const noPandas = pythonHas('pandas')

/** Runs `code` with the path as argv[1]; it prints one JSON document. */
function runPython(code: string, ...args: string[]): unknown {
  const run = spawnSync(python, ['-c', code, ...args], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout)
}

const trickyNames = [
  'plain.jpg',
  'a,b.jpg',
  'say "cheese".jpg',
  'new\nline.jpg',
  ' leading space.jpg',
  'trailing space .jpg',
  'Été/Zürich 写真.JPG',
  '=SUM(A1).jpg',
]

/** A job of two folders and two models: every tricky name done, one failed, one pending. */
function exportJob() {
  const opened = openJournal()
  const { journal } = opened
  const job = journal.createJob(
    jobSpec(['/photos/a', '/photos/b'], {
      models: [model('ResNet50_vd', 'a'), model('custom:0123456789ab', 'c', 3)],
      topk: 3,
    }),
  )
  journal.addFiles(job.id, [
    ...trickyNames.map((name) => found(name, 10, 1, 0)),
    found('broken.jpg', 10, 1, 1),
    found('later.jpg', 10, 1, 1),
  ])
  const files = journal.pending(job.id, 100).filter((file) => file.relPath !== 'later.jpg')
  const outcomes = files.map((file, i): FileOutcome => {
    if (file.relPath === 'broken.jpg')
      return {
        fileId: file.id,
        ok: false,
        error: {
          code: 'IMAGE_CORRUPT',
          message: 'could not be decoded (bad "Huffman" code, line 3)',
        },
      }
    return {
      fileId: file.id,
      ok: true,
      results: [
        {
          model: 0,
          top: [
            { index: 0, label: 'tench, Tinca tinca', score: 0.75 + i / 1000 },
            { index: 1, label: 'goldfish, Carassius auratus', score: 0.2 },
            { index: 999, label: 'toilet tissue, toilet paper, bathroom tissue', score: 1.2e-7 },
          ],
        },
        // A 3-class model without names, which kept two classes.
        {
          model: 1,
          top: [
            { index: 2, label: null, score: 1 },
            { index: 0, label: null, score: 0 },
          ],
        },
      ],
    }
  })
  journal.recordBatch(job.id, outcomes)
  journal.setState(job.id, 'running')
  const dir = tempDirForTest('zoo-export')
  return {
    ...opened,
    job,
    dir,
    rows: () => journal.iterateAll(job.id),
    provenance: journal.provenance(job.id),
  }
}

/** An RFC 4180 reader written apart from the writer: a character state machine. */
function readCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += ch
  }
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF')
  return records
}

describe('cells', () => {
  it.each<[number, string]>([
    [0.5, '0.5'],
    [1, '1'],
    [0, '0'],
    [1.2e-7, '0.00000012'],
    [5e-324, `0.${'0'.repeat(323)}5`],
    [0.1 + 0.2, '0.30000000000000004'],
    [123456789, '123456789'],
  ])('%s as plain decimal: %s', (value, text) => {
    expect(decimalText(value)).toBe(text)
    expect(Number(decimalText(value))).toBe(value)
  })

  it.each<[string | number | null, string]>([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "x"', '"say ""x"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['', '""'],
    [null, ''],
    [3, '3'],
  ])('%j → %j', (value, text) => {
    expect(csvField(value)).toBe(text)
  })
})

describe('CSV', () => {
  it('a header row, then one row per file and model; BOM, CRLF, quoting; the sidecar says where it came from', async () => {
    const { dir, rows, provenance, job } = exportJob()
    const out = join(dir, 'results.csv')
    const summary = await writeCsv(rows(), out, {
      provenance,
      now: () => new Date('2026-03-02T00:00:00Z'),
    })
    expect(summary).toEqual({ path: out, sidecar: `${out}.json`, rows: 20 })
    const bytes = readFileSync(out)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const records = readCsv(bytes.toString('utf8').slice(1))
    expect(records[0]).toEqual(exportColumns(3))
    expect(records[0]).toEqual([
      'folder',
      'path',
      'model',
      'status',
      'top1_index',
      'top1_name',
      'top1_score',
      'top2_index',
      'top2_name',
      'top2_score',
      'top3_index',
      'top3_name',
      'top3_score',
      'error_code',
      'error_message',
    ])
    expect(records).toHaveLength(21)
    expect(records.every((r) => r.length === 15)).toBe(true)
    const byKey = new Map(records.slice(1).map((r) => [`${r[0]}|${r[1]}|${r[2]}`, r]))
    expect(byKey.get('0|new\nline.jpg|ResNet50_vd')!.slice(3, 13)).toEqual([
      'ok',
      '0',
      'tench, Tinca tinca',
      expect.stringMatching(/^0\.75\d*$/),
      '1',
      'goldfish, Carassius auratus',
      '0.2',
      '999',
      'toilet tissue, toilet paper, bathroom tissue',
      '0.00000012',
    ])
    expect(byKey.get('0|new\nline.jpg|custom:0123456789ab')!.slice(3)).toEqual([
      'ok',
      '2',
      '',
      '1',
      '0',
      '',
      '0',
      '',
      '',
      '',
      '',
      '',
    ])
    expect(byKey.get('1|broken.jpg|ResNet50_vd')!.slice(3)).toEqual([
      'failed',
      ...new Array<string>(9).fill(''),
      'IMAGE_CORRUPT',
      'could not be decoded (bad "Huffman" code, line 3)',
    ])
    expect(byKey.get('1|later.jpg|custom:0123456789ab')![3]).toBe('pending')
    for (const name of trickyNames) expect(byKey.has(`0|${name}|ResNet50_vd`)).toBe(true)

    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8'))
    expect(sidecar).toEqual({
      format: 'zoo-batch-results',
      formatVersion: 1,
      job: job.id,
      state: 'running',
      folders: ['/photos/a', '/photos/b'],
      recursive: true,
      shard: null,
      models: [
        expect.objectContaining({
          id: 'ResNet50_vd',
          sha256: 'a'.repeat(64),
          plan: expect.objectContaining({ crop: 224 }),
        }),
        expect.objectContaining({ id: 'custom:0123456789ab', sha256: 'c'.repeat(64), classes: 3 }),
      ],
      ortVersion: '1.30.0',
      options: { topk: 3, batchSize: 16, workers: 2, labelsFrom: null },
      counts: { total: 10, pending: 1, done: 8, failed: 1 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      finishedAt: null,
      file: 'results.csv',
      fileFormat: 'csv',
      encoding: 'utf-8 with BOM',
      columns: exportColumns(3),
      rows: 20,
      exportedAt: '2026-03-02T00:00:00.000Z',
    })
  })

  it('bom: false leaves the BOM out', async () => {
    const { dir, rows, provenance } = exportJob()
    const out = join(dir, 'plain.csv')
    await writeCsv(rows(), out, { provenance, bom: false })
    expect(readFileSync(out, 'utf8').startsWith('folder,path,')).toBe(true)
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8')).encoding).toBe('utf-8')
  })

  it.skipIf(noPython !== null)(
    'Python’s csv module reads it back (with utf-8-sig for the BOM)',
    async () => {
      const { dir, rows, provenance } = exportJob()
      const out = join(dir, 'results.csv')
      await writeCsv(rows(), out, { provenance })
      const read = runPython(
        'import csv, json, sys\n' +
          'with open(sys.argv[1], newline="", encoding="utf-8-sig") as f: print(json.dumps(list(csv.reader(f))))',
        out,
      ) as string[][]
      expect(read).toEqual(readCsv(readFileSync(out, 'utf8').slice(1)))
      expect(read.map((r) => r[1])).toEqual(expect.arrayContaining(trickyNames))
    },
  )
  if (noPython) console.warn(`skipping the Python csv read-back: ${noPython}`)

  it.skipIf(noPandas !== null)(
    'pandas.read_csv reads it with no options: the columns, every name, the numbers',
    async () => {
      const { dir, rows, provenance } = exportJob()
      const out = join(dir, 'results.csv')
      await writeCsv(rows(), out, { provenance })
      const read = runPython(
        'import json, sys, pandas as pd\n' +
          'df = pd.read_csv(sys.argv[1])\n' +
          'print(json.dumps({"columns": list(df.columns), "shape": list(df.shape),' +
          ' "dtypes": {c: str(t) for c, t in df.dtypes.items()},' +
          ' "rows": json.loads(df.to_json(orient="records", double_precision=15))}))',
        out,
      ) as {
        columns: string[]
        shape: number[]
        dtypes: Record<string, string>
        rows: Record<string, unknown>[]
      }
      expect(read.columns).toEqual(exportColumns(3)) // the BOM is not in "folder"
      expect(read.shape).toEqual([20, 15])
      expect(read.dtypes).toMatchObject({
        folder: 'int64',
        path: 'object',
        top1_score: 'float64',
        top1_index: 'float64',
      })
      const expected = [...rows()]
      expect(read.rows.map((r) => r.path)).toEqual(expected.map((r) => r.path))
      const tiny = read.rows.find((r) => r.path === 'plain.jpg' && r.model === 'ResNet50_vd')!
      expect(tiny).toMatchObject({
        folder: 0,
        status: 'ok',
        top1_index: 0,
        top1_name: 'tench, Tinca tinca',
        top3_score: 1.2e-7,
        error_code: null,
      })
      const broken = read.rows.find((r) => r.path === 'broken.jpg')!
      expect(broken).toMatchObject({
        status: 'failed',
        top1_index: null,
        error_code: 'IMAGE_CORRUPT',
        error_message: 'could not be decoded (bad "Huffman" code, line 3)',
      })
    },
  )
  if (noPandas) console.warn(`skipping the pandas read-back: ${noPandas}`)
})

describe('JSON Lines', () => {
  it('one object per row with the CSV’s columns; JSON.parse gives back the rows', async () => {
    const { dir, rows, provenance } = exportJob()
    const out = join(dir, 'results.jsonl')
    const summary = await writeJsonl(rows(), out, { provenance })
    expect(summary.rows).toBe(20)
    const text = readFileSync(out, 'utf8')
    expect(text.charCodeAt(0)).toBe(0x7b) // "{": no BOM
    const lines = text.split('\n')
    expect(lines.at(-1)).toBe('')
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(records).toHaveLength(20)
    for (const record of records) expect(Object.keys(record)).toEqual(exportColumns(3))
    const expected: ExportRow[] = [...rows()]
    records.forEach((record, i) => {
      const row = expected[i]!
      expect(record).toMatchObject({
        folder: row.folder,
        path: row.path,
        model: row.model,
        status: row.status,
      })
      row.top.forEach((entry, rank) => {
        expect(record[`top${rank + 1}_index`]).toBe(entry.index)
        expect(record[`top${rank + 1}_name`]).toBe(entry.label)
        expect(record[`top${rank + 1}_score`]).toBe(entry.score)
      })
    })
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8'))).toMatchObject({
      fileFormat: 'jsonl',
      encoding: 'utf-8',
      rows: 20,
    })
  })

  it.skipIf(noPandas !== null)(
    'pd.read_json(lines=True) reads the same table as read_csv',
    async () => {
      const { dir, rows, provenance } = exportJob()
      await writeJsonl(rows(), join(dir, 'r.jsonl'), { provenance })
      await writeCsv(rows(), join(dir, 'r.csv'), { provenance })
      const same = runPython(
        'import json, sys, pandas as pd\n' +
          'a = pd.read_json(sys.argv[1], lines=True)\n' +
          'b = pd.read_csv(sys.argv[2])\n' +
          'print(json.dumps({"columns": list(a.columns) == list(b.columns), "shape": list(a.shape),' +
          ' "paths": a["path"].tolist() == b["path"].tolist(),' +
          ' "scores": bool(((a["top1_score"] - b["top1_score"]).abs().fillna(0) == 0).all()),' +
          ' "names": a["top1_name"].fillna("").tolist() == b["top1_name"].fillna("").tolist()}))',
        join(dir, 'r.jsonl'),
        join(dir, 'r.csv'),
      )
      expect(same).toEqual({
        columns: true,
        shape: [20, 15],
        paths: true,
        scores: true,
        names: true,
      })
    },
  )
})

describe('writing', () => {
  function* many(count: number, onRow?: (i: number) => void): Generator<ExportRow> {
    for (let i = 0; i < count; i++) {
      onRow?.(i)
      yield {
        folder: 0,
        path: `2024/${String(i % 100).padStart(2, '0')}/IMG_${i}.JPG`,
        model: 'ResNet50_vd',
        modelIndex: 0,
        status: 'ok',
        top: [{ index: i % 1000, label: 'goldfish, Carassius auratus', score: 0.5 }],
        error: null,
      }
    }
  }

  it('streams: the file grows while the rows are still coming (nothing held until the end)', async () => {
    const { provenance } = exportJob()
    const dir = tempDirForTest('zoo-export-stream')
    const out = join(dir, 'big.csv')
    let sizeMidway = 0
    const summary = await writeCsv(
      many(100_000, (i) => {
        if (i !== 90_000) return
        const partial = readdirSync(dir).find((name) => name.endsWith('.partial'))!
        sizeMidway = statSync(join(dir, partial)).size
      }),
      out,
      { provenance: { ...provenance, options: { ...provenance.options, topk: 1 } } },
    )
    expect(summary.rows).toBe(100_000)
    expect(sizeMidway).toBeGreaterThan(0.8 * statSync(out).size)
  })

  it('a failed or cancelled export leaves the previous one in place and no temporary behind', async () => {
    const { provenance } = exportJob()
    const dir = tempDirForTest('zoo-export-atomic')
    const out = join(dir, 'results.csv')
    writeFileSync(out, 'the previous export\r\n')
    const failing = many(50_000, (i) => {
      if (i === 40_000) throw new Error('the disk went away')
    })
    await expect(writeCsv(failing, out, { provenance })).rejects.toThrow('the disk went away')
    const controller = new AbortController()
    const cancelled = many(50_000, (i) => {
      if (i === 100) controller.abort()
    })
    await expect(
      writeJsonl(cancelled, out, { provenance, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readFileSync(out, 'utf8')).toBe('the previous export\r\n')
    expect(readdirSync(dir)).toEqual(['results.csv'])
  })

  it('a folder that does not exist: INVALID_INPUT naming it', async () => {
    const { provenance } = exportJob()
    const out = join(tempDirForTest('zoo-export'), 'missing', 'r.csv')
    await expect(writeCsv(many(1), out, { provenance })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(out),
    })
  })
})
