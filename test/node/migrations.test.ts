import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { BatchJournal } from '../../src/main/batch/batchJournal'
import { BenchStore } from '../../src/main/bench/benchStore'
import { migrate, schemaVersion } from '../../src/main/db/migrate'
import type { Migration } from '../../src/main/db/migration'
import { migrations } from '../../src/main/db/migrations'
import { openDatabase } from '../../src/main/db/openDatabase'
import { readCatalogBundle } from '../../src/main/catalog/catalogBundle'
import { SettingsStore } from '../../src/main/settings/settingsStore'
import { projectRoot } from './helpers/paths'
import { planFromInputSize } from '../../src/main/inference/preprocess/preprocessPlan'
import { blobFiles, blobPath } from './helpers/blobFiles'
import { zooProcess } from './helpers/runZoo'
import { deadPid } from './helpers/specialFiles'
import { tempDirForTest } from './helpers/tempDir'
import { openTestCore } from './helpers/testCore'
import { COLOUR_MODEL, expectColourScores } from './inference/helpers/expected'
import { sharpOf, solid } from './inference/helpers/images'
import { tinyClassifier } from './inference/helpers/onnxBuilder'
import { sha256Hex } from './weights/helpers/faultServer'

const latest = migrations.at(-1)!.version

/** A database path in a temp dir that is removed when the test ends. */
function dbFile(): string {
  return join(tempDirForTest('zoo-db'), 'zoo.sqlite')
}

function openRaw(file: string): Database {
  return new BetterSqlite3(file)
}

function tableNames(db: Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
    )
    .all()
    .map((row) => row.name)
}

function withDb<T>(file: string, use: (db: Database) => T): T {
  const db = openRaw(file)
  try {
    return use(db)
  } finally {
    db.close()
  }
}

describe('the real migrations', () => {
  it('are numbered 1..N with distinct names', () => {
    expect(migrations.map((step) => step.version)).toEqual(migrations.map((_, index) => index + 1))
    expect(new Set(migrations.map((step) => step.name)).size).toBe(migrations.length)
  })

  it('bring a fresh database to the last version, in WAL mode', () => {
    const file = dbFile()
    const { db, migration } = openDatabase(file)
    try {
      expect(schemaVersion(db)).toBe(latest)
      expect(db.pragma('user_version', { simple: true })).toBe(latest)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(migration).toEqual({
        from: 0,
        to: latest,
        applied: migrations.map((step) => `${String(step.version).padStart(4, '0')}-${step.name}`),
      })
    } finally {
      db.close()
    }
  })

  it('make the settings table STRICT: a BLOB in a TEXT column is refused', () => {
    const { db } = openDatabase(dbFile())
    try {
      const settings = db
        .prepare<[], { strict: number }>(
          "SELECT strict FROM pragma_table_list WHERE name = 'settings'",
        )
        .get()
      expect(settings?.strict).toBe(1)
      const insert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)')
      expect(() => insert.run('k', Buffer.from('not text'), 'now')).toThrow(
        expect.objectContaining({ code: 'SQLITE_CONSTRAINT_DATATYPE' }),
      )
      expect(() => insert.run('k', null, 'now')).toThrow(/NOT NULL/)
      expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  })

  // From every older version (0 = an empty file) up to the newest, with data in it.
  it.each(migrations.map((_, index) => index))(
    'migrate a database at version %i with data in it without losing the data',
    (version) => {
      const file = dbFile()
      const older = openDatabase(file, { migrations: migrations.slice(0, version) })
      older.db.exec('CREATE TABLE keep_me (id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT')
      older.db.prepare('INSERT INTO keep_me (note) VALUES (?), (?)').run('alpha', 'beta')
      if (version >= 1) {
        older.db
          .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)')
          .run('ui', '{"theme":"dark"}', '2024-01-01T00:00:00.000Z')
      }
      expect(schemaVersion(older.db)).toBe(version)
      older.db.close()

      const { db, migration } = openDatabase(file)
      try {
        expect(migration.from).toBe(version)
        expect(migration.to).toBe(latest)
        expect(migration.applied).toHaveLength(latest - version)
        expect(db.prepare('SELECT note FROM keep_me ORDER BY id').pluck().all()).toEqual([
          'alpha',
          'beta',
        ])
        if (version >= 1) {
          expect(db.prepare("SELECT value FROM settings WHERE key = 'ui'").pluck().get()).toBe(
            '{"theme":"dark"}',
          )
        }
      } finally {
        db.close()
      }
    },
  )

  it('do nothing when opened again at the newest version', () => {
    const file = dbFile()
    openDatabase(file).db.close()
    const { db, migration } = openDatabase(file)
    db.close()
    expect(migration).toEqual({ from: latest, to: latest, applied: [] })
  })
})

describe('migrate() with synthetic steps', () => {
  const createAnimals: Migration = {
    version: 1,
    name: 'animals',
    up: (db) => db.exec('CREATE TABLE animals (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT'),
  }
  const seedAnimals: Migration = {
    version: 2,
    name: 'seed',
    up: (db) => db.exec("INSERT INTO animals (name) VALUES ('lion'), ('zebra')"),
  }
  const addLegs: Migration = {
    version: 3,
    name: 'legs',
    up: (db) => {
      db.exec('ALTER TABLE animals ADD COLUMN legs INTEGER NOT NULL DEFAULT 4')
      db.exec("UPDATE animals SET legs = 2 WHERE name = 'flamingo'")
    },
  }

  it('runs only the steps above the current version, keeping data from earlier ones', () => {
    const db = openRaw(dbFile())
    try {
      expect(migrate(db, [createAnimals, seedAnimals])).toEqual({
        from: 0,
        to: 2,
        applied: ['0001-animals', '0002-seed'],
      })
      db.exec("INSERT INTO animals (name) VALUES ('flamingo')")

      expect(migrate(db, [createAnimals, seedAnimals, addLegs])).toEqual({
        from: 2,
        to: 3,
        applied: ['0003-legs'],
      })
      expect(db.prepare('SELECT name, legs FROM animals ORDER BY id').all()).toEqual([
        { name: 'lion', legs: 4 },
        { name: 'zebra', legs: 4 },
        { name: 'flamingo', legs: 2 },
      ])
      expect(schemaVersion(db)).toBe(3)
    } finally {
      db.close()
    }
  })

  it('rolls a failing step back whole: no partial table, version unchanged', () => {
    const file = dbFile()
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY) STRICT')
        db.exec("INSERT INTO animals (name) VALUES ('ghost')")
        throw new Error('step 2 failed halfway')
      },
    }
    const never: Migration = { version: 3, name: 'never', up: () => expect.fail('ran step 3') }

    withDb(file, (db) => {
      expect(() => migrate(db, [createAnimals, broken, never])).toThrow('step 2 failed halfway')
      expect(schemaVersion(db)).toBe(1)
      expect(tableNames(db)).toEqual(['animals'])
      expect(db.prepare('SELECT count(*) FROM animals').pluck().get()).toBe(0)
    })
    // The same holds on disk, after the handle is gone.
    withDb(file, (db) => {
      expect(schemaVersion(db)).toBe(1)
      expect(tableNames(db)).toEqual(['animals'])
    })
  })

  it('openDatabase rethrows a failing step and leaves the file at the last whole version', () => {
    const file = dbFile()
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: () => {
        throw new Error('nope')
      },
    }
    expect(() => openDatabase(file, { migrations: [createAnimals, broken] })).toThrow('nope')
    withDb(file, (db) => expect(schemaVersion(db)).toBe(1))
  })

  it('refuses a database written by a newer app with UNAVAILABLE, touching nothing', () => {
    const file = dbFile()
    const newer = latest + 5
    withDb(file, (db) => {
      db.exec('CREATE TABLE future (x TEXT) STRICT')
      db.pragma(`user_version = ${newer}`)
    })

    let caught: unknown
    try {
      openDatabase(file)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppError)
    const error = caught as AppError
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toMatch(/newer/i)
    expect(error.message).toContain(String(newer))
    withDb(file, (db) => {
      expect(schemaVersion(db)).toBe(newer)
      expect(tableNames(db)).toEqual(['future'])
    })
  })

  it.each<[string, Migration[]]>([
    ['a gap', [createAnimals, addLegs]],
    ['a swap', [seedAnimals, createAnimals]],
    ['a duplicate', [createAnimals, { ...seedAnimals, version: 1 }]],
    ['not starting at 1', [seedAnimals]],
  ])('refuses steps out of order (%s) before running any', (_label, steps) => {
    const db = openRaw(dbFile())
    try {
      expect(() => migrate(db, steps)).toThrow(/expected/)
      expect(schemaVersion(db)).toBe(0)
      expect(tableNames(db)).toEqual([])
    } finally {
      db.close()
    }
  })

  it('leaves an empty list at version 0', () => {
    const db = openRaw(dbFile())
    try {
      expect(migrate(db, [])).toEqual({ from: 0, to: 0, applied: [] })
    } finally {
      db.close()
    }
  })
})

describe('processes opening one new data folder at once', () => {
  it('four `zoo` processes all start: each migration and the catalog load run once', async () => {
    const dataDir = tempDirForTest('zoo-db-race')
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => zooProcess(['info', '--json', '--data-dir', dataDir])),
    )
    for (const run of runs) expect(run.code, run.err).toBe(0)
    withDb(join(dataDir, 'zoo.sqlite'), (db) => {
      expect(schemaVersion(db)).toBe(latest)
      const models = db.prepare('SELECT COUNT(*) AS n FROM models').get() as { n: number }
      expect(models.n).toBeGreaterThan(200)
    })
  })
})

describe('0006: leases, and what the cache counts', () => {
  it('keeps a cached artifact of version 5 and measures its extracted folder afterwards', async () => {
    const dataDir = tempDirForTest('zoo-db-v5')
    const file = join(dataDir, 'zoo.sqlite')
    const extracted = join(dataDir, 'cache', 'extracted', 'a'.repeat(64))
    mkdirSync(join(extracted, 'M_infer'), { recursive: true })
    writeFileSync(join(extracted, 'M_infer', 'inference.pdiparams'), Buffer.alloc(3000))
    writeFileSync(join(extracted, 'M_infer', 'inference.pdmodel'), Buffer.alloc(500))
    withDb(file, (db) => {
      migrate(db, migrations.slice(0, 5))
      db.prepare(
        `INSERT INTO artifacts (id, model_id, kind, source, url, etag, last_modified, size, sha256, md5,
           fetched_at, last_used_at, extracted_path, contents_json)
         VALUES ('ResNet50_vd:inference', 'ResNet50_vd', 'inference', 'download', 'https://x/y.tar',
           '"e"', NULL, 4096, ?, NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', ?, ?)`,
      ).run(
        'a'.repeat(64),
        extracted,
        JSON.stringify({ format: 'paddle2', files: ['M_infer/inference.pdmodel'] }),
      )
    })
    const { core } = openTestCore({ dataDir })
    expect(core.migration).toMatchObject({ from: 5, to: latest })
    const [artifact] = core.weights.list().artifacts
    expect(artifact).toMatchObject({
      id: 'ResNet50_vd:inference',
      size: 4096,
      etag: '"e"',
      extractedBytes: 3500,
      contents: { format: 'paddle2' },
      verification: { digests: [], structure: null },
    })
    expect(core.weights.list().totalBytes).toBe(4096 + 3500)
    // Measured once, then remembered in the row.
    const row = core.db.prepare('SELECT extracted_bytes FROM artifacts').get() as {
      extracted_bytes: number
    }
    expect(row.extracted_bytes).toBe(3500)
  })
})

describe('0007: the batch journal', () => {
  it('keeps a version-6 data folder’s artifact and lease, and adds STRICT journal tables that take a job', () => {
    const file = dbFile()
    withDb(file, (db) => {
      migrate(db, migrations.slice(0, 6))
      db.prepare(
        `INSERT INTO artifacts (id, model_id, kind, source, url, etag, last_modified, size, sha256, md5,
           fetched_at, last_used_at, extracted_path, contents_json, extracted_bytes, verification_json)
         VALUES ('ResNet50_vd:inference', 'ResNet50_vd', 'inference', 'download', 'https://x/y.tar',
           NULL, NULL, 4096, ?, NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', NULL, NULL, 3500,
           '{"digests":[],"structure":null}')`,
      ).run('b'.repeat(64))
      db.prepare(
        `INSERT INTO leases (name, owner, pid, host, purpose, acquired_at, heartbeat_at)
         VALUES ('artifact:ResNet50_vd', 'o1', 42, 'h', 'pull', 1, 2)`,
      ).run()
    })
    const { db, migration } = openDatabase(file, { migrations: migrations.slice(0, 7) })
    try {
      expect(migration).toMatchObject({ from: 6, to: 7, applied: ['0007-batch-journal'] })
      expect(db.prepare('SELECT id, size, sha256, extracted_bytes FROM artifacts').all()).toEqual([
        { id: 'ResNet50_vd:inference', size: 4096, sha256: 'b'.repeat(64), extracted_bytes: 3500 },
      ])
      expect(db.prepare('SELECT name, pid FROM leases').all()).toEqual([
        { name: 'artifact:ResNet50_vd', pid: 42 },
      ])
      const strict = db
        .prepare<[], { name: string; strict: number }>(
          "SELECT name, strict FROM pragma_table_list WHERE name LIKE 'batch_%' ORDER BY name",
        )
        .all()
      expect(strict).toEqual([
        { name: 'batch_files', strict: 1 },
        { name: 'batch_jobs', strict: 1 },
        { name: 'batch_labels', strict: 1 },
        { name: 'batch_results', strict: 1 },
      ])
      const journal = new BatchJournal(db)
      const job = journal.createJob({
        folders: ['/photos'],
        recursive: true,
        models: [
          {
            ref: { catalogId: 'ResNet50_vd' },
            id: 'ResNet50_vd',
            name: 'ResNet50_vd',
            sha256: 'b'.repeat(64),
            plan: null,
            classes: 1000,
          },
        ],
        topk: 5,
        batchSize: 16,
        workers: 1,
        shard: null,
        ortVersion: '1.30.0',
      })
      journal.addFiles(job.id, [
        { root: 0, relPath: 'a.jpg', absPath: '/photos/a.jpg', size: 1, mtimeMs: 1 },
      ])
      expect(journal.job(job.id)!.counts).toEqual({ total: 1, pending: 1, done: 0, failed: 0 })
      // The states are a closed set.
      expect(() => db.prepare("UPDATE batch_files SET state = 'maybe'").run()).toThrow(/CHECK/)
      expect(journal.integrity()).toBe('ok')
    } finally {
      db.close()
    }
  })
})

describe('0008: one blob store, and conversions', () => {
  const colour = tinyClassifier({ ...COLOUR_MODEL, inputSize: 32 })
  const imagenetLike = tinyClassifier({ classes: 1000, inputSize: 224 })

  /**
   * A data folder as version 7 left it: a custom model and a catalog-linked one in
   * <data>/models/<sha256>.onnx, a row pointing outside it, a dead import's partial file.
   */
  async function version7Folder(): Promise<{ dataDir: string; custom: string; linked: string }> {
    const dataDir = tempDirForTest('zoo-db-v7')
    const models = join(dataDir, 'models')
    mkdirSync(models)
    const custom = sha256Hex(Buffer.from(colour.bytes))
    const linked = sha256Hex(Buffer.from(imagenetLike.bytes))
    writeFileSync(join(models, `${custom}.onnx`), colour.bytes)
    writeFileSync(join(models, `${linked}.onnx`), imagenetLike.bytes)
    writeFileSync(join(models, `import-${await deadPid()}-1700000000000.partial`), 'half')
    withDb(join(dataDir, 'zoo.sqlite'), (db) => {
      migrate(db, migrations.slice(0, 7))
      const file = db.prepare(
        `INSERT INTO model_files (model_id, kind, sha256, path, added_at) VALUES (?, 'onnx', ?, ?, ?)`,
      )
      const id = `custom:${custom.slice(0, 12)}`
      db.prepare(
        `INSERT INTO custom_models (id, name, sha256, classes, labels_json, preprocess_json, created_at)
         VALUES (?, 'Colours', ?, 4, ?, ?, '2026-01-01T00:00:00Z')`,
      ).run(
        id,
        custom,
        JSON.stringify(['red', 'green', 'blue', 'dark']),
        JSON.stringify(planFromInputSize(32)),
      )
      file.run(id, custom, join(models, `${custom}.onnx`), '2026-01-01T00:00:00Z')
      file.run('MobileNetV2', linked, join(models, `${linked}.onnx`), '2026-01-02T00:00:00Z')
      file.run('ResNet50', 'ab'.repeat(32), '/elsewhere/resnet50.onnx', '2026-01-03T00:00:00Z')
    })
    return { dataDir, custom, linked }
  }

  const paths = (dataDir: string) =>
    withDb(join(dataDir, 'zoo.sqlite'), (db) =>
      db.prepare('SELECT model_id, path FROM model_files ORDER BY added_at').all(),
    )

  it('opens a version-7 data folder: rows and files move to the blob store, the models list and classify', async () => {
    const { dataDir, custom, linked } = await version7Folder()
    const { core } = openTestCore({ dataDir })
    expect(core.migration).toMatchObject({
      from: 7,
      to: latest,
      // Every step after 7 (the blob store first), whatever later steps there are.
      applied: migrations
        .slice(7)
        .map((step) => `${String(step.version).padStart(4, '0')}-${step.name}`),
    })
    expect(core.migration.applied[0]).toBe('0008-blob-store')

    expect(existsSync(join(dataDir, 'models'))).toBe(false)
    expect(blobFiles(dataDir)).toEqual([custom, linked].sort())
    expect(readFileSync(blobPath(dataDir, custom)).equals(colour.bytes)).toBe(true)
    expect(paths(dataDir)).toEqual([
      { model_id: `custom:${custom.slice(0, 12)}`, path: blobPath(dataDir, custom) },
      { model_id: 'MobileNetV2', path: blobPath(dataDir, linked) },
      { model_id: 'ResNet50', path: '/elsewhere/resnet50.onnx' }, // not the app's: left alone
    ])
    const models = core.inference.models()
    expect(models.map((m) => [m.id, m.sizeBytes])).toEqual([
      [`custom:${custom.slice(0, 12)}`, colour.bytes.length],
      ['MobileNetV2', imagenetLike.bytes.length],
      ['ResNet50', 0], // its file is not there
    ])

    const image = join(tempDirForTest('zoo-db-v7-image'), 'blue.png')
    await sharpOf(solid(40, 30, [20, 30, 230]))
      .png()
      .toFile(image)
    const result = await core.inference.classify({
      model: { customId: `custom:${custom.slice(0, 12)}` },
      images: [{ path: image }],
    })
    expectColourScores(result.results[0], colour.spec, [20, 30, 230])
    expect(result.results[0]!.ok && result.results[0]!.top[0]!.label).toBe('blue')
    const linkedRun = await core.inference.classify({
      model: { catalogId: 'MobileNetV2' },
      images: [{ path: image }],
    })
    expect(linkedRun.results[0]!.ok).toBe(true)
    // The conversions table came with the same step, empty.
    expect(core.conversions.all()).toEqual([])
  })

  it('keeps a blob that is already there and drops the old file; other files keep the folder', async () => {
    const { dataDir, custom, linked } = await version7Folder()
    mkdirSync(join(dataDir, 'cache', 'blobs'), { recursive: true })
    writeFileSync(blobPath(dataDir, custom), colour.bytes) // attached again since, say
    writeFileSync(join(dataDir, 'models', 'notes.txt'), 'the user put this here')
    openTestCore({ dataDir })
    expect(readdirSync(join(dataDir, 'models'))).toEqual(['notes.txt'])
    expect(blobFiles(dataDir)).toEqual([custom, linked].sort())
    expect(readFileSync(blobPath(dataDir, linked)).equals(imagenetLike.bytes)).toBe(true)
  })

  it('two processes opening a version-7 data folder at once: both start, every file moved once', async () => {
    const { dataDir, custom, linked } = await version7Folder()
    const runs = await Promise.all(
      Array.from({ length: 2 }, () => zooProcess(['info', '--json', '--data-dir', dataDir])),
    )
    for (const run of runs) expect(run.code, run.err).toBe(0)
    expect(existsSync(join(dataDir, 'models'))).toBe(false)
    expect(blobFiles(dataDir)).toEqual([custom, linked].sort())
    expect(sha256Hex(readFileSync(blobPath(dataDir, custom)))).toBe(custom)
    expect(sha256Hex(readFileSync(blobPath(dataDir, linked)))).toBe(linked)
    expect(paths(dataDir).slice(0, 2)).toEqual([
      { model_id: `custom:${custom.slice(0, 12)}`, path: blobPath(dataDir, custom) },
      { model_id: 'MobileNetV2', path: blobPath(dataDir, linked) },
    ])
  })
})

describe('0009: entry kinds and model names', () => {
  it('keeps a version-8 folder’s catalog rows and user data, marks them zoo, and reloads the names on open', async () => {
    const dataDir = tempDirForTest('zoo-v8')
    const file = join(dataDir, 'zoo.sqlite')
    // A version-8 data folder with its catalog loaded and a downloaded artifact.
    const { db: v8 } = openDatabase(file, { migrations: migrations.slice(0, 8) })
    const bundle = readCatalogBundle(join(projectRoot, 'resources'))
    // The version-8 schema has no entry_kind: load only what it knows (an older app's load).
    const insert = v8.prepare(
      `INSERT INTO models (id, position, display_name, series_id, family, section, pretraining,
         distillation, input_size, top1, top5, params_m, flops_g, size_mb, pretrained_url,
         inference_url, row_json) VALUES (?, 0, ?, ?, ?, ?, ?, NULL, 224, 0.79, NULL, NULL, NULL, NULL, NULL, NULL, '{}')`,
    )
    v8.prepare(
      "INSERT INTO series (id, position, section, json) VALUES ('ResNet', 0, 'cnn-server', '{}')",
    ).run()
    insert.run('ResNet50', 'ResNet50', 'ResNet', 'ResNet', 'cnn-server', 'ImageNet-1k')
    v8.prepare("INSERT INTO catalog_meta (key, value) VALUES ('catalog_version', ?)").run(
      bundle.meta.catalogVersion,
    )
    new SettingsStore(v8).updateUi({ locale: 'zh-CN' })
    v8.close()

    withDb(file, (db) => {
      migrate(db, migrations.slice(0, 9))
      expect(db.prepare('SELECT id, entry_kind, top1 FROM models').all()).toEqual([
        { id: 'ResNet50', entry_kind: 'zoo', top1: 0.79 },
      ])
      // The same catalog version as shipped, yet cleared: the next open fills model_names.
      expect(
        db.prepare("SELECT value FROM catalog_meta WHERE key = 'catalog_version'").get(),
      ).toBeUndefined()
      expect(() => db.prepare("UPDATE models SET entry_kind = 'other'").run()).toThrow(/CHECK/)
      expect(new SettingsStore(db).ui().locale).toBe('zh-CN')
    })

    const { core } = openTestCore({ dataDir })
    expect(core.catalogSync).toMatchObject({ reloaded: true })
    expect(core.catalog.resolve('ShuffleNetV2').id).toBe('ShuffleNetV2_x1_0')
    expect(core.catalog.find('ResNet50_vd_v2').model.entryKind).toBe('olderListOnly')
    expect(core.settings.ui().locale).toBe('zh-CN')
  })
})

describe('0010: benchmark runs', () => {
  const point = {
    batch: 4,
    threads: 1,
    runs: 3,
    durationMs: 60,
    minRunsMet: true,
    minDurationMet: true,
    warmup: { runs: 10, settled: true },
    medianMs: 20,
    p90Ms: 21,
    p99Ms: 22,
    minMs: 19,
    maxMs: 22,
    meanMs: 20.3,
    stdevMs: 1.5,
    imagesPerSecond: 200,
    peakRssBytes: 100 << 20,
    load: { otherCores: 0.01, ownCores: 0.99 },
    busy: false,
    split: null,
    finishedAt: '2026-01-01T00:00:01Z',
    timesMs: [19.0004, 20, 22],
  }

  it('keeps a version-9 folder’s attached model and batch job, and adds STRICT bench tables that take runs', () => {
    const file = dbFile()
    withDb(file, (db) => {
      migrate(db, migrations.slice(0, 9))
      db.prepare(
        `INSERT INTO model_files (model_id, kind, sha256, path, added_at)
         VALUES ('MobileNetV2', 'onnx', ?, '/cache/blobs/x', '2026-01-01T00:00:00Z')`,
      ).run('c'.repeat(64))
      new BatchJournal(db).createJob({
        folders: ['/photos'],
        recursive: true,
        models: [
          {
            ref: { catalogId: 'MobileNetV2' },
            id: 'MobileNetV2',
            name: 'MobileNetV2',
            sha256: 'c'.repeat(64),
            plan: null,
            classes: 1000,
          },
        ],
        topk: 5,
        batchSize: 8,
        workers: 1,
        shard: null,
        ortVersion: '1.30.0',
      })
    })
    const { db, migration } = openDatabase(file, { migrations: migrations.slice(0, 10) })
    try {
      expect(migration).toMatchObject({ from: 9, to: 10, applied: ['0010-bench-runs'] })
      expect(db.prepare('SELECT model_id, sha256 FROM model_files').all()).toEqual([
        { model_id: 'MobileNetV2', sha256: 'c'.repeat(64) },
      ])
      expect(new BatchJournal(db).jobs().map((job) => job.spec.folders)).toEqual([['/photos']])
      expect(
        db
          .prepare(
            "SELECT name, strict FROM pragma_table_list WHERE name LIKE 'bench_%' ORDER BY name",
          )
          .all(),
      ).toEqual([
        { name: 'bench_points', strict: 1 },
        { name: 'bench_runs', strict: 1 },
      ])
      const store = new BenchStore(db)
      const run = (id: string) => ({
        id,
        model: {
          ref: { catalogId: 'MobileNetV2' },
          id: 'MobileNetV2',
          name: 'MobileNetV2',
          catalogId: 'MobileNetV2',
          sha256: 'c'.repeat(64),
          inputSize: 224,
        },
        spec: {
          batches: [4],
          threads: [1],
          images: { source: 'samples' as const, folder: null, count: 4 },
          minRuns: 3,
          minDurationMs: 50,
          warmup: { window: 5, tolerance: 0.05, maxRuns: 100, maxMs: 10_000 },
          caps: { maxRuns: 200_000, maxDurationMs: 30_000 },
        },
        fingerprint: { cpuModel: 'cpu', cores: 2 } as never,
        before: { otherCores: 0.02, ownCores: 0, loadAverage: 0.1 },
        thresholdCores: 0.25,
        startedAt: '2026-01-01T00:00:00Z',
      })
      store.create(run('00000000aa'))
      store.addPoint('00000000aa', point)
      store.finish('00000000aa', 'done')
      store.create(run('00000000bb'))
      expect(store.list({ catalogId: 'MobileNetV2', limit: 10 }).map((r) => r.id)).toEqual([
        '00000000bb',
        '00000000aa',
      ])
      const first = store.get('00000000aa', { times: true })!
      expect(first).toMatchObject({ state: 'done', load: { busy: false } })
      expect(first.points).toEqual([{ ...point, timesMs: [19, 20, 22] }])
      expect(() => store.create(run('00000000aa'))).toThrow(/UNIQUE/)
      expect(() => db.prepare("UPDATE bench_runs SET state = 'maybe'").run()).toThrow(/CHECK/)
      expect(() => db.prepare('UPDATE bench_points SET batch = 0').run()).toThrow(/CHECK/)
    } finally {
      db.close()
    }
  })
})
