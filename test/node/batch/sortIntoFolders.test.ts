/**
 * Sorting a batch job's files into class folders, and undoing it, on real folders classified by
 * the tiny colour model in real host processes: copies byte for byte, `_uncertain` below a score,
 * taken names suffixed and never overwritten (also by two sorts into one folder at once), dry
 * runs that write nothing, hard links (and copies across file systems), moves only when
 * confirmed, files changed since they were classified left out, names every file system takes,
 * the CLI, and a `zoo batch sort` process SIGKILLed half way whose log still undoes all of it.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { basename, dirname, join, relative } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { BatchJob, ModelRef, SortReport, UnsortReport } from '@shared/contract'
import {
  ClassFolders,
  FOLDER_NAME_MAX_BYTES,
  safeFolderName,
  suffixedName,
} from '../../../src/main/batch/classFolderName'
import { NameMemory, linkNoClobber, renameNoClobber } from '../../../src/main/batch/placeFile'
import { projectRoot } from '../helpers/paths'
import { valueOf } from '../helpers/results'
import { spawnZoo, zoo } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { colourModel, imageFolder, type ImageFolder } from './helpers/imageFolder'

type Core = ReturnType<typeof openTestCore>['core']
const ctx = { face: 'test' } as const

/** Labels a file system would choke on, for the colour model's classes red, green, blue, black. */
const UNSAFE_LABELS = ['red/warm', 'CON', 'blue: cold?', 'black...']
/** What each must become. */
const FOLDER = ['red_warm', 'CON_', 'blue_ cold_', 'black']

interface LoggedEntry {
  seq: number
  how: string
  from: string
  to: string
}

/** The colour model attached with `labels` as its class names. */
async function labelledModel(core: Core, dir: string, labels = UNSAFE_LABELS): Promise<ModelRef> {
  const model = valueOf(
    await core.dispatch(
      'inference.attach',
      { source: { path: colourModel(dir) }, labels: { names: labels } },
      ctx,
    ),
  )
  return model.ref
}

async function classified(core: Core, folders: string[], model: ModelRef): Promise<BatchJob> {
  const { job } = valueOf(
    await core.dispatch('batch.start', { folders, models: [model], batchSize: 8 }, ctx),
  )
  const done = await core.batch.wait(job.id)
  expect(done.state).toBe('done')
  return done
}

/** A generated folder, classified. */
async function classifiedFolder(
  core: Core,
  dir: string,
  count: number,
  options: { hostile?: boolean } = {},
): Promise<{ folder: ImageFolder; job: BatchJob }> {
  const folder = await imageFolder(join(dir, 'photos'), count, options)
  const job = await classified(core, [folder.root], await labelledModel(core, dir))
  return { folder, job }
}

async function sort(core: Core, input: Record<string, unknown>): Promise<SortReport> {
  return valueOf(await core.dispatch('batch.sort', input as never, ctx))
}

async function unsort(core: Core, log: string): Promise<UnsortReport> {
  return valueOf(await core.dispatch('batch.unsort', { log }, ctx))
}

/** Every file under `dir`, relative, with / between folders; none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((rel) => statSync(join(dir, rel)).isFile())
    .map((rel) => rel.split(/[\\/]/).join('/'))
    .sort()
}

/** Files a sort placed (everything but its hidden log). */
function placedUnder(out: string): string[] {
  return filesUnder(out).filter((rel) => !basename(rel).startsWith('.zoo-sort-'))
}

/** The log's entries as the undo must read them: the last line of each file (`seq`). */
function loggedEntries(log: string): LoggedEntry[] {
  const bySeq = new Map<number, LoggedEntry>()
  for (const line of readFileSync(log, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue
    let value: Partial<LoggedEntry>
    try {
      value = JSON.parse(line) as Partial<LoggedEntry>
    } catch {
      continue // torn by a kill
    }
    if (typeof value.seq === 'number') bySeq.set(value.seq, value as LoggedEntry)
  }
  return [...bySeq.values()]
}

function bytesOf(folder: ImageFolder): Map<string, Buffer> {
  return new Map([...folder.good.keys()].map((rel) => [rel, readFileSync(join(folder.root, rel))]))
}

function expectSourcesAsBefore(folder: ImageFolder, before: Map<string, Buffer>): void {
  for (const [rel, bytes] of before) {
    const path = join(folder.root, rel)
    expect(existsSync(path), rel).toBe(true)
    expect(readFileSync(path).equals(bytes), rel).toBe(true)
  }
}

/** A folder on another file system than the temp folder (tmpfs), or null with the reason printed. */
function otherFileSystem(): string | null {
  const base = '/dev/shm'
  try {
    if (statSync(base).dev === statSync(tempDirForTest('zoo-dev')).dev) throw new Error('same')
    const dir = mkdtempSync(join(base, 'zoo-sort-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  } catch {
    console.warn('Skipping the cross-file-system part: no /dev/shm on another file system here.')
    return null
  }
}

describe('folder names for classes', () => {
  it.each([
    ['red/warm', 'red_warm'],
    ['a:b*c?"d<e>f|g\\h', 'a_b_c__d_e_f_g_h'],
    ['tab\there\u0000', 'tab_here_'],
    ['CON', 'CON_'],
    ['con.txt', 'con_.txt'],
    ['lpt1', 'lpt1_'],
    ['Com9 ', 'Com9_'],
    ['nul.tar.gz', 'nul_.tar.gz'],
    ['console', 'console'],
    ['black...', 'black'],
    ['recreational vehicle, RV, R.V.', 'recreational vehicle, RV, R.V'],
    ['  spaced . . ', 'spaced'],
    ['.hidden', '_hidden'],
    ['tench, Tinca tinca', 'tench, Tinca tinca'],
  ])('%j → %j', (label, name) => {
    expect(safeFolderName(label)).toBe(name)
  })

  it('nothing usable left is no name; long names are capped on a character boundary', () => {
    for (const label of ['', '   ', '...', '..', ' . ']) expect(safeFolderName(label)).toBeNull()
    const long = safeFolderName('é'.repeat(200))!
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(FOLDER_NAME_MAX_BYTES)
    expect(long).toBe('é'.repeat(FOLDER_NAME_MAX_BYTES / 2))
    const cut = safeFolderName(`${'a'.repeat(FOLDER_NAME_MAX_BYTES - 1)}.b`)!
    expect(cut).toBe('a'.repeat(FOLDER_NAME_MAX_BYTES - 1)) // the dot it ends on goes too
  })

  it('two classes never share a folder, also where case does not count; no label is "class N"', () => {
    const folders = new ClassFolders(
      new Map([
        [134, 'crane'],
        [517, 'crane'],
        [3, 'Cat'],
        [4, 'cat'],
        [5, '_uncertain'],
        [6, 'class 9'],
        [7, '???'],
        [8, 'dog'],
      ]),
    )
    expect(folders.of(134)).toBe('crane (134)')
    expect(folders.of(517)).toBe('crane (517)')
    expect(folders.of(3)).toBe('Cat (3)')
    expect(folders.of(4)).toBe('cat (4)')
    expect(folders.of(5)).toBe('_uncertain (5)')
    expect(folders.of(7)).toBe('___')
    expect(folders.of(8)).toBe('dog')
    expect(folders.of(42)).toBe('class 42')
    expect(folders.of(9)).toBe('class 9 (9)') // "class 9" is class 6's label
    expect(new ClassFolders(new Map([[1, '']])).of(1)).toBe('class 1')
    // Classes first met while sorting (classified meanwhile) are named by their label too.
    expect(folders.of(99, 'late/comer')).toBe('late_comer')
    expect(folders.of(98, 'DOG')).toBe('DOG (98)')
  })

  it.each([
    ['photo.jpg', 1, 'photo.jpg'],
    ['photo.jpg', 2, 'photo (2).jpg'],
    ['archive.tar.gz', 3, 'archive.tar (3).gz'],
    ['README', 2, 'README (2)'],
    ['.hidden', 2, '.hidden (2)'],
  ])('%s, try %i → %s', (name, n, expected) => {
    expect(suffixedName(name, n)).toBe(expected)
  })
})

describe('placing a file without replacing one', () => {
  it('link and rename-onto-a-reservation take a free name, answer "taken" for a used one', async () => {
    const dir = tempDirForTest('zoo-place')
    writeFileSync(join(dir, 'a'), 'a')
    writeFileSync(join(dir, 'b'), 'b')
    writeFileSync(join(dir, 'taken'), 'old')
    expect(await linkNoClobber(join(dir, 'a'), join(dir, 'taken'))).toBe('taken')
    expect(await linkNoClobber(join(dir, 'a'), join(dir, 'free'))).toBe('done')
    expect(statSync(join(dir, 'free')).ino).toBe(statSync(join(dir, 'a')).ino)
    let logged = 0
    const log = async () => void logged++
    expect(await renameNoClobber(join(dir, 'b'), join(dir, 'taken'), log)).toBe('taken')
    expect(logged).toBe(0) // nothing to log for a name not had
    expect(await renameNoClobber(join(dir, 'b'), join(dir, 'free 2'), log)).toBe('done')
    expect(logged).toBe(1)
    expect(readFileSync(join(dir, 'free 2'), 'utf8')).toBe('b')
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('old')
    // A failure after the reservation leaves no empty file behind.
    const failing = async () => {
      throw new Error('the log could not be written')
    }
    await expect(renameNoClobber(join(dir, 'a'), join(dir, 'free 3'), failing)).rejects.toThrow()
    expect(existsSync(join(dir, 'free 3'))).toBe(false)
    expect(existsSync(join(dir, 'a'))).toBe(true)
    const other = otherFileSystem()
    if (other) expect(await linkNoClobber(join(dir, 'a'), join(other, 'a'))).toBe('cross-device')
  })

  it('remembers the next suffix for recent names only, within its bound', () => {
    const memory = new NameMemory(2)
    memory.used('/d', 'x.jpg', 1)
    memory.used('/d', 'x.jpg', 2)
    expect(memory.start('/d', 'x.jpg')).toBe(3)
    memory.used('/d', 'y.jpg', 1)
    memory.used('/d', 'z.jpg', 1) // x.jpg is the oldest: forgotten (found again by probing)
    expect(memory.start('/d', 'x.jpg')).toBe(1)
    expect(memory.start('/d', 'z.jpg')).toBe(2)
  })
})

describe('sorting a batch job into folders', () => {
  it('copies each classified file into its class folder, byte for byte; failed ones are counted, not placed', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 24, { hostile: true })
    const before = bytesOf(folder)
    const out = join(dir, 'sorted')

    const report = await sort(core, { id: job.id, out })

    expect(report).toMatchObject({
      out,
      mode: 'copy',
      dryRun: false,
      placed: folder.good.size,
      uncertain: 0,
      renamed: 0,
      copiedInsteadOfLinked: 0,
      skipped: { failed: folder.bad.size, pending: 0, missing: 0 },
    })
    const expected = [...folder.good].map(([rel, cls]) => `${FOLDER[cls]}/${basename(rel)}`)
    expect(placedUnder(out)).toEqual(expected.sort())
    for (const [rel, cls] of folder.good) {
      const copy = readFileSync(join(out, FOLDER[cls]!, basename(rel)))
      expect(copy.equals(before.get(rel)!), rel).toBe(true)
      // A copy keeps the photo's time (and the undo tells it apart by it).
      expect(statSync(join(out, FOLDER[cls]!, basename(rel))).mtimeMs).toBeCloseTo(
        statSync(join(folder.root, rel)).mtimeMs,
        0,
      )
    }
    expect(report.folders.reduce((sum, f) => sum + f.count, 0)).toBe(folder.good.size)
    expect(report.folders.map((f) => f.name).sort()).toEqual([...FOLDER].sort())
    expect(report.folders.map((f) => f.count)).toEqual(
      [...report.folders.map((f) => f.count)].sort((a, b) => b - a),
    )
    expectSourcesAsBefore(folder, before)
    // The log: a header naming the job, one entry per placed file; no temporaries left over.
    expect(dirname(report.log!)).toBe(out)
    expect(basename(report.log!)).toMatch(/^\.zoo-sort-.*\.jsonl$/)
    const [header] = readFileSync(report.log!, 'utf8').split('\n')
    expect(JSON.parse(header!)).toMatchObject({ format: 'zoo-sort-log', job: job.id, mode: 'copy' })
    expect(loggedEntries(report.log!)).toHaveLength(folder.good.size)
    expect(readdirSync(out).sort()).toEqual([...FOLDER, basename(report.log!)].sort())
  }, 90_000)

  it('files whose top-1 score is below --min-score go to _uncertain', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 16)
    const rows = core.batch.results({ id: job.id, limit: 1000 }).rows
    const scores = [...new Set(rows.map((row) => row.results[0]!.top[0]!.score))].sort()
    expect(scores.length).toBeGreaterThan(1) // the colours are not all equally sure
    const minScore = (scores[0]! + scores[scores.length - 1]!) / 2
    const out = join(dir, 'sorted')

    const report = await sort(core, { id: job.id, out, minScore })

    const unsure = rows.filter((row) => row.results[0]!.top[0]!.score < minScore)
    expect(unsure.length).toBeGreaterThan(0)
    expect(unsure.length).toBeLessThan(rows.length)
    expect(report.uncertain).toBe(unsure.length)
    expect(report.placed).toBe(folder.good.size)
    for (const row of rows) {
      const { index, score } = row.results[0]!.top[0]!
      const where = score < minScore ? '_uncertain' : FOLDER[index]!
      expect(existsSync(join(out, where, basename(row.relPath))), row.relPath).toBe(true)
    }
    expect(report.folders.find((f) => f.name === '_uncertain')?.count).toBe(unsure.length)
  }, 90_000)

  it('a name already taken gets (2), (3)…; what was there is never overwritten', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    // Two folders with the same names: every name clashes within the sort as well.
    const a = await imageFolder(join(dir, 'a'), 8)
    const b = await imageFolder(join(dir, 'b'), 8)
    const job = await classified(core, [a.root, b.root], await labelledModel(core, dir))
    const out = join(dir, 'sorted')
    const red = join(out, FOLDER[0]!)
    mkdirSync(red, { recursive: true })
    writeFileSync(join(red, 'red-0000.PNG'), 'the old one')
    writeFileSync(join(red, 'red-0000 (2).PNG'), 'an older one')

    const report = await sort(core, { id: job.id, out })

    expect(readFileSync(join(red, 'red-0000.PNG'), 'utf8')).toBe('the old one')
    expect(readFileSync(join(red, 'red-0000 (2).PNG'), 'utf8')).toBe('an older one')
    expect(
      readFileSync(join(red, 'red-0000 (3).PNG')).equals(
        readFileSync(join(a.root, 'red-0000.PNG')),
      ),
    ).toBe(true)
    expect(existsSync(join(red, 'red-0000 (4).PNG'))).toBe(true)
    expect(report.placed).toBe(16)
    // Each second of a pair, and both red-0000s.
    expect(report.renamed).toBe(8 + 1)
    expect(placedUnder(out)).toHaveLength(16 + 2)
    const entries = loggedEntries(report.log!)
    expect(new Set(entries.map((e) => e.to)).size).toBe(16)
    for (const entry of entries)
      expect(readFileSync(entry.to).equals(readFileSync(entry.from)), entry.to).toBe(true)
    const renamed = entries.filter((e) => / \(\d\)\./.test(basename(e.to)))
    expect(renamed).toHaveLength(9)
  }, 90_000)

  it('a dry run writes nothing and shows where each file would go, clashes included', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 12)
    const before = bytesOf(folder)
    const fresh = join(dir, 'not-there-yet')

    const report = await sort(core, { id: job.id, out: fresh, dryRun: true, mode: 'move' })

    expect(existsSync(fresh)).toBe(false)
    expect(report).toMatchObject({ dryRun: true, log: null, placed: 12, renamed: 0 })
    expect(report.sample).toHaveLength(12)
    for (const { from, to } of report.sample) {
      const rel = relative(folder.root, from).split(/[\\/]/).join('/')
      expect(to).toBe(join(fresh, FOLDER[folder.good.get(rel)!]!, basename(rel)))
    }
    expectSourcesAsBefore(folder, before) // a move's dry run moves nothing, unconfirmed or not

    const out = join(dir, 'sorted')
    mkdirSync(join(out, FOLDER[0]!), { recursive: true })
    writeFileSync(join(out, FOLDER[0]!, 'red-0000.PNG'), 'taken')
    const clashing = await sort(core, { id: job.id, out, dryRun: true })
    expect(clashing.renamed).toBe(1)
    expect(clashing.sample.map((s) => s.to)).toContain(join(out, FOLDER[0]!, 'red-0000 (2).PNG'))
    expect(filesUnder(out)).toEqual([`${FOLDER[0]}/red-0000.PNG`])
  }, 90_000)

  it('hard links share the inode; undoing removes a link only while its original is still there', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 12)
    const out = join(dir, 'sorted')

    const report = await sort(core, { id: job.id, out, mode: 'link' })

    expect(report).toMatchObject({ mode: 'link', placed: 12, copiedInsteadOfLinked: 0 })
    for (const [rel, cls] of folder.good) {
      const placed = statSync(join(out, FOLDER[cls]!, basename(rel)))
      const source = statSync(join(folder.root, rel))
      expect(placed.ino, rel).toBe(source.ino)
      expect(placed.nlink, rel).toBe(2)
    }
    // The original deleted: its link is all that is left of the photo, so the undo keeps it.
    const [gone, cls] = [...folder.good][0]!
    unlinkSync(join(folder.root, gone))
    const undone = await unsort(core, report.log!)
    expect(undone).toEqual({ undone: 11, missing: 0, kept: 1 })
    expect(placedUnder(out)).toEqual([`${FOLDER[cls]}/${basename(gone)}`])
    expect(existsSync(report.log!)).toBe(true) // something is left for it
    for (const rel of [...folder.good.keys()].slice(1))
      expect(statSync(join(folder.root, rel)).nlink, rel).toBe(1)
  }, 90_000)

  it('links and moves to another file system become copies (counted), and undo across it', async () => {
    const other = otherFileSystem()
    if (!other) return
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 8)
    const before = bytesOf(folder)

    const linked = await sort(core, { id: job.id, out: join(other, 'linked'), mode: 'link' })
    expect(linked).toMatchObject({ placed: 8, copiedInsteadOfLinked: 8 })
    for (const [rel, cls] of folder.good) {
      const placed = join(other, 'linked', FOLDER[cls]!, basename(rel))
      expect(readFileSync(placed).equals(before.get(rel)!), rel).toBe(true)
    }
    expect(await unsort(core, linked.log!)).toEqual({ undone: 8, missing: 0, kept: 0 })
    expect(filesUnder(join(other, 'linked'))).toEqual([])

    const moved = await sort(core, {
      id: job.id,
      out: join(other, 'moved'),
      mode: 'move',
      confirmMove: true,
    })
    expect(moved.placed).toBe(8)
    for (const rel of folder.good.keys())
      expect(existsSync(join(folder.root, rel)), rel).toBe(false)
    expect(await unsort(core, moved.log!)).toEqual({ undone: 8, missing: 0, kept: 0 })
    expectSourcesAsBefore(folder, before)
    expect(filesUnder(join(other, 'moved'))).toEqual([])
  }, 90_000)

  it('moving must be confirmed; then it moves, and the undo puts every file back', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 12, { hostile: true })
    const before = bytesOf(folder)
    const inodes = new Map(
      [...folder.good.keys()].map((rel) => [rel, statSync(join(folder.root, rel)).ino]),
    )
    const out = join(dir, 'sorted')

    const refused = await core.dispatch('batch.sort', { id: job.id, out, mode: 'move' }, ctx)
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(!refused.ok && refused.error.message).toMatch(/confirm/)
    expect(existsSync(out)).toBe(false)
    expectSourcesAsBefore(folder, before)

    const report = await sort(core, { id: job.id, out, mode: 'move', confirmMove: true })
    expect(report).toMatchObject({ mode: 'move', placed: folder.good.size })
    for (const [rel, cls] of folder.good) {
      expect(existsSync(join(folder.root, rel)), rel).toBe(false)
      const placed = join(out, FOLDER[cls]!, basename(rel))
      expect(statSync(placed).ino, rel).toBe(inodes.get(rel))
      expect(readFileSync(placed).equals(before.get(rel)!), rel).toBe(true)
    }
    // Failed files were not the sort's to move.
    for (const rel of folder.bad.keys()) expect(existsSync(join(folder.root, rel)), rel).toBe(true)

    expect(await unsort(core, report.log!)).toEqual({
      undone: folder.good.size,
      missing: 0,
      kept: 0,
    })
    expectSourcesAsBefore(folder, before)
    for (const rel of folder.good.keys())
      expect(statSync(join(folder.root, rel)).ino, rel).toBe(inodes.get(rel))
    // Nothing left: no class folders, no log (nothing left to undo).
    expect(readdirSync(out)).toEqual([])
  }, 90_000)

  it('undo of a move leaves a file whose original name was taken since', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 8)
    const out = join(dir, 'sorted')
    const report = await sort(core, { id: job.id, out, mode: 'move', confirmMove: true })
    const [rel, cls] = [...folder.good][0]!
    writeFileSync(join(folder.root, rel), 'a new file under the old name')

    expect(await unsort(core, report.log!)).toEqual({ undone: 7, missing: 0, kept: 1 })
    expect(readFileSync(join(folder.root, rel), 'utf8')).toBe('a new file under the old name')
    expect(placedUnder(out)).toEqual([`${FOLDER[cls]}/${basename(rel)}`])
  }, 90_000)

  it('undo removes the copies, keeps one changed since, and touches nothing it did not place', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 12)
    const before = bytesOf(folder)
    const out = join(dir, 'sorted')
    const report = await sort(core, { id: job.id, out })
    const [changed, gone, other] = report.sample.map((s) => s.to)
    appendFileSync(changed!, 'edited after sorting')
    unlinkSync(gone!)
    // Someone else's file in a class folder, and one under a placed file's name after it went.
    writeFileSync(join(out, FOLDER[3]!, 'mine.txt'), 'not the sort’s')
    unlinkSync(other!)
    writeFileSync(other!, 'a different file under that name')

    const undone = await unsort(core, report.log!)

    expect(undone).toEqual({ undone: 9, missing: 2, kept: 1 })
    expect(readFileSync(changed!, 'utf8')).toContain('edited after sorting')
    expect(readFileSync(other!, 'utf8')).toBe('a different file under that name')
    expect(readFileSync(join(out, FOLDER[3]!, 'mine.txt'), 'utf8')).toBe('not the sort’s')
    expect(placedUnder(out).sort()).toEqual(
      [changed!, other!, join(out, FOLDER[3]!, 'mine.txt')].map((p) => relative(out, p)).sort(),
    )
    expectSourcesAsBefore(folder, before)
    // A class folder left empty is gone; one still holding a file stays.
    const holding = new Set([changed!, other!].map((p) => basename(dirname(p))).concat(FOLDER[3]!))
    for (const name of FOLDER) expect(existsSync(join(out, name)), name).toBe(holding.has(name))
  }, 90_000)

  it('a file changed or gone since it was classified is left out and counted', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 12)
    const [edited, touched, deleted] = [...folder.good.keys()]
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#00f' } })
      .png()
      .toFile(join(folder.root, edited!))
    const at = statSync(join(folder.root, touched!))
    utimesSync(join(folder.root, touched!), at.atime, new Date(at.mtimeMs + 5000))
    unlinkSync(join(folder.root, deleted!))
    const out = join(dir, 'sorted')

    const report = await sort(core, { id: job.id, out })

    expect(report.skipped).toEqual({ failed: 0, pending: 0, missing: 3 })
    expect(report.placed).toBe(9)
    const placedNames = placedUnder(out).map((rel) => basename(rel))
    for (const rel of [edited, touched, deleted]) expect(placedNames).not.toContain(basename(rel!))
  }, 90_000)

  it('files not classified yet are left out and counted; a model the job lacks is refused', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    // Enough files that the pause lands before the tiny model has done them all (40 raced it).
    const folder = await imageFolder(join(dir, 'photos'), 240)
    const { job } = valueOf(
      await core.dispatch(
        'batch.start',
        { folders: [folder.root], models: [await labelledModel(core, dir)], batchSize: 2 },
        ctx,
      ),
    )
    for (let i = 0; i < 400 && core.batch.get(job.id).counts.done < 4; i++)
      await new Promise((resolve) => setTimeout(resolve, 25))
    valueOf(await core.dispatch('batch.pause', { id: job.id }, ctx))
    const paused = await core.batch.wait(job.id)
    expect(paused.counts.pending).toBeGreaterThan(0)

    const report = await sort(core, { id: job.id, out: join(dir, 'sorted') })
    expect(report.placed).toBe(paused.counts.done)
    expect(report.skipped.pending).toBe(paused.counts.pending)
    expect(placedUnder(join(dir, 'sorted'))).toHaveLength(paused.counts.done)

    const wrong = await core.dispatch('batch.sort', { id: job.id, out: dir, model: 1 }, ctx)
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const file = await core.dispatch(
      'batch.sort',
      { id: job.id, out: join(folder.root, 'red-0000.PNG') },
      ctx,
    )
    expect(file).toMatchObject({ ok: false, error: { code: 'NOT_A_FILE' } })
    const noJob = await core.dispatch('batch.sort', { id: '0123456789', out: dir }, ctx)
    expect(noJob).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  }, 90_000)

  it('two sorts into one folder at once lose nothing and overwrite nothing', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    // The same names in both, different bytes (b's images are a pixel wider).
    const a = await imageFolder(join(dir, 'a'), 24)
    const b = await imageFolder(join(dir, 'b'), 24)
    for (const rel of b.good.keys()) {
      const path = join(b.root, rel)
      const wider = await sharp(path).resize(41, 30).toBuffer()
      writeFileSync(path, wider)
    }
    const model = await labelledModel(core, dir)
    const jobA = await classified(core, [a.root], model)
    const jobB = await classified(core, [b.root], model)
    const out = join(dir, 'sorted')

    // Links run in step (the tightest race for a name); copies with their syncs in between.
    for (const mode of ['link', 'copy'] as const) {
      const [ra, rb] = await Promise.all([
        sort(core, { id: jobA.id, out, mode }),
        sort(core, { id: jobB.id, out, mode }),
      ])

      expect(ra.placed + rb.placed, mode).toBe(48)
      expect(ra.log).not.toBe(rb.log)
      expect(ra.renamed + rb.renamed, mode).toBe(24) // one of each pair
      const entries = [...loggedEntries(ra.log!), ...loggedEntries(rb.log!)]
      expect(entries).toHaveLength(48)
      expect(new Set(entries.map((e) => e.to)).size, mode).toBe(48)
      for (const entry of entries)
        expect(readFileSync(entry.to).equals(readFileSync(entry.from)), entry.to).toBe(true)
      expect(placedUnder(out), mode).toHaveLength(48)

      const [ua, ub] = await Promise.all([unsort(core, ra.log!), unsort(core, rb.log!)])
      expect(ua.undone + ub.undone, mode).toBe(48)
      expect(filesUnder(out), mode).toEqual([])
    }
  }, 120_000)
})

describe('undoing from a log', () => {
  it('works after the sorted folder moved; refuses lines pointing outside it; a torn last line is no entry', async () => {
    const { core } = openTestCore()
    const dir = tempDirForTest('zoo-sort')
    const { folder, job } = await classifiedFolder(core, dir, 8)
    const report = await sort(core, { id: job.id, out: join(dir, 'sorted') })
    const moved = join(dir, 'elsewhere')
    renameSync(join(dir, 'sorted'), moved)
    const log = join(moved, basename(report.log!))
    // A line naming a file outside the log's folder, exactly as it is (inode, size, mtime).
    const victim = join(folder.root, [...folder.good.keys()][0]!)
    const info = statSync(victim, { bigint: true })
    const forged = {
      seq: 999,
      how: 'copy',
      from: victim,
      to: victim,
      ino: String(info.ino),
      size: Number(info.size),
      mtimeNs: String(info.mtimeNs),
    }
    appendFileSync(log, `${JSON.stringify(forged)}\n{"seq":1000,"how":"co`)

    expect(await unsort(core, log)).toEqual({ undone: 8, missing: 0, kept: 1 })
    expect(existsSync(victim)).toBe(true)
    expect(placedUnder(moved)).toEqual([])
  }, 90_000)
})

describe('zoo batch sort and unsort', () => {
  it('sorts from the command line, refuses an unconfirmed move without a terminal, undoes', async () => {
    const dir = tempDirForTest('zoo-sort-cli')
    const data = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 12, { hostile: true })
    const before = bytesOf(folder)
    const classify = await zoo(
      ['classify', '--model', colourModel(dir), '--dir', folder.root, '--recursive'],
      data,
    )
    expect(classify.code, classify.err).toBe(3)
    const id = /Batch job ([0-9a-f]{10})/.exec(classify.err)![1]!
    const out = join(dir, 'sorted')

    const dry = await zoo(['batch', 'sort', id, '--out', out, '--dry-run'], data)
    expect(dry.code, dry.err).toBe(0)
    expect(dry.out).toMatch(/^Dry run: would copy 13 files into /)
    expect(dry.out).toContain(`→ ${join(out, 'class 0')}`)
    expect(existsSync(out)).toBe(false)

    const sorted = await zoo(['batch', 'sort', id, '--out', out, '--json'], data)
    expect(sorted.code, sorted.err).toBe(0)
    const report = JSON.parse(sorted.out) as SortReport
    expect(report).toMatchObject({ placed: 13, skipped: { failed: folder.bad.size } })
    // A model given by path has no labels: its folders are "class N".
    for (const [rel, cls] of folder.good)
      expect(existsSync(join(out, `class ${cls}`, basename(rel))), rel).toBe(true)

    const unconfirmed = await zoo(['batch', 'sort', id, '--out', join(dir, 'm'), '--move'], data)
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.err).toMatch(/--yes/)
    expect(existsSync(join(dir, 'm'))).toBe(false)
    expectSourcesAsBefore(folder, before)

    for (const bad of [['--min-score', '2'], ['--model', '2'], ['--link', '--move'], ['--yes']]) {
      const run = await zoo(['batch', 'sort', id, '--out', out, ...bad], data)
      expect(run.code, bad.join(' ')).toBe(2)
    }

    const undo = await zoo(['batch', 'unsort', report.log!], data)
    expect(undo.code, undo.err).toBe(0)
    expect(undo.out).toMatch(/^Undid 13 placed files/)
    expect(readdirSync(out)).toEqual([])
    const again = await zoo(['batch', 'unsort', report.log!], data)
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/NOT_FOUND/)
    const notALog = await zoo(['batch', 'unsort', join(folder.root, 'notes.jpg')], data)
    expect(notALog.code).toBe(2)
    expect(notALog.err).toMatch(/not a sort log/)
  }, 120_000)
})

describe('zoo batch sort --move on a terminal', () => {
  /** Runs the built `zoo` under a pseudo-terminal (util-linux `script`), answering its question. */
  function onTerminal(argv: string[], answer: string): Promise<{ code: number; text: string }> {
    const quoted = [process.execPath, join(projectRoot, 'bin', 'zoo.js'), ...argv]
      .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
      .join(' ')
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: projectRoot })
    let text = ''
    let answered = false
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
      if (!answered && text.includes('[y/N]')) {
        answered = true
        child.stdin.write(`${answer}\n`)
      }
    })
    return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, text })))
  }

  it('asks before moving: "n" moves nothing, "y" moves', async () => {
    if (spawnSync('script', ['--version']).status !== 0) {
      console.warn('Skipping the terminal test: util-linux `script` is not installed.')
      return
    }
    const dir = tempDirForTest('zoo-sort-tty')
    const data = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 8)
    const classify = await zoo(
      ['classify', '--model', colourModel(dir), '--dir', folder.root, '--recursive'],
      data,
    )
    expect(classify.code, classify.err).toBe(0)
    const id = /Batch job ([0-9a-f]{10})/.exec(classify.err)![1]!
    const out = join(dir, 'sorted')
    const argv = ['batch', 'sort', id, '--out', out, '--move', '--data-dir', data]

    const declined = await onTerminal(argv, 'n')
    expect(declined.text).toMatch(/Move up to 8 classified files .* out of their folders/)
    expect(declined.code, declined.text).toBe(1)
    expect(declined.text).toContain('nothing moved')
    expect(existsSync(out)).toBe(false)

    const agreed = await onTerminal(argv, 'y')
    expect(agreed.code, agreed.text).toBe(0)
    expect(agreed.text).toMatch(/Moved 8 files into /)
    for (const [rel, cls] of folder.good) {
      expect(existsSync(join(folder.root, rel)), rel).toBe(false)
      expect(existsSync(join(out, `class ${cls}`, basename(rel))), rel).toBe(true)
    }
  }, 90_000)
})

describe('a sort killed half way', () => {
  async function killMidway(
    argv: string[],
    data: string,
    out: string,
    total: number,
    after: number,
  ) {
    const child = spawnZoo([...argv, '--data-dir', data])
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
    const until = Date.now() + 30_000
    for (;;) {
      const log = existsSync(out)
        ? readdirSync(out).find((name) => name.endsWith('.jsonl'))
        : undefined
      if (log && loggedEntries(join(out, log)).length >= after) break
      if (Date.now() > until || child.exitCode !== null) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    child.kill('SIGKILL')
    await exited
    const log = readdirSync(out).find((name) => name.endsWith('.jsonl'))!
    const placed = loggedEntries(join(out, log)).length
    // Killed while placing, not before or after: the log is part way.
    expect(placed).toBeGreaterThanOrEqual(after)
    expect(placed).toBeLessThan(total)
    console.info(`killed after ${placed} of ${total} files`)
    return join(out, log)
  }

  it.each(['copy', 'move'] as const)(
    'zoo batch sort (%s) SIGKILLed: the log undoes everything placed, the sources are as before',
    async (mode) => {
      const dir = tempDirForTest('zoo-sort-crash')
      const data = join(dir, 'data')
      const folder = await imageFolder(join(dir, 'photos'), 300)
      const before = bytesOf(folder)
      const classify = await zoo(
        ['classify', '--model', colourModel(dir), '--dir', folder.root, '--recursive'],
        data,
      )
      expect(classify.code, classify.err).toBe(0)
      const id = /Batch job ([0-9a-f]{10})/.exec(classify.err)![1]!
      const out = join(dir, 'sorted')

      const log = await killMidway(
        ['batch', 'sort', id, '--out', out, ...(mode === 'move' ? ['--move', '--yes'] : [])],
        data,
        out,
        300,
        mode === 'copy' ? 150 : 60,
      )
      const undo = await zoo(['batch', 'unsort', log], data)

      expect(undo.code, undo.err).toBe(0)
      expect(filesUnder(out)).toEqual([])
      expect(readdirSync(out)).toEqual([]) // no class folders, temporaries or log either
      expectSourcesAsBefore(folder, before)
      expect(filesUnder(folder.root)).toEqual([...folder.good.keys()].sort())
    },
    120_000,
  )
})
