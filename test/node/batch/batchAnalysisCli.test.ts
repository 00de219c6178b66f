/**
 * `zoo batch show` as a user reads it after `zoo classify --dir`: the top classes and failure
 * codes, the agreement of two models, and their accuracy against class-named subfolders or a
 * `--labels` CSV, in text and in `--json`; every figure worked out from the colours put there.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BatchAccuracy, BatchAgreement, BatchJob, BatchSummary } from '@shared/contract'
import { zoo } from '../helpers/runZoo'
import { tempDirForTest } from '../helpers/tempDir'
import { layOut, swappedColourModel } from './helpers/analysisFixtures'
import { colourClass, colourModel, imageFolder } from './helpers/imageFolder'

interface Shown extends BatchJob {
  analysis: {
    summaries: BatchSummary[]
    agreement: BatchAgreement | null
    accuracy: BatchAccuracy
  }
}

function jobIdIn(text: string): string {
  const id = /Batch job ([0-9a-f]{10})/.exec(text)?.[1]
  if (!id) throw new Error(`no job id in: ${text}`)
  return id
}

/** The table row that starts with `first` (after any spaces), its cells split on 2+ spaces. */
function rowOf(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(first))
  if (!line) throw new Error(`no row "${first}" in:\n${text}`)
  return line.trim().split(/\s{2,}/)
}

describe('zoo batch show', () => {
  it('prints accuracy per model, the most confused pairs, the agreement table and the top classes', async () => {
    const dir = tempDirForTest('zoo-analysis-cli')
    const data = join(dir, 'data')
    const root = join(dir, 'labelled')
    await layOut(root, {
      '0': ['red', 'red', 'red'],
      '1': ['green', 'green', 'green'],
      '2': ['blue', 'blue', 'blue', 'red'],
      '3': ['black', 'black'],
      holiday: ['green'],
      '': ['blue'],
    })
    const a = colourModel(dir)
    const b = swappedColourModel(dir)
    const run = await zoo(
      ['classify', '--model', a, '--model', b, '--dir', root, '--recursive', '--topk', '3'],
      data,
    )
    expect(run.code, run.err).toBe(0)
    const id = jobIdIn(run.err)

    const shown = await zoo(['batch', 'show', id], data)
    expect(shown.code, shown.err).toBe(0)
    const text = shown.out
    expect(text).toMatch(/files\s+14: 14 classified/)
    expect(text).toMatch(
      /stages {4}decode \d+\.\d ms · preprocess \d+\.\d ms · inference \d+\.\d ms/,
    )
    // Top classes of the first model: red 4, green 4, blue 4, black 2 — 14 files.
    expect(text).toContain(`Top classes, model 1 (${a}):`)
    const topA = text.slice(
      text.indexOf('Top classes, model 1'),
      text.indexOf('Top classes, model 2'),
    )
    expect(rowOf(topA, 'Class')).toEqual(['Class', 'Files', 'Share %']) // no names: no column
    expect(rowOf(topA, '0')).toEqual(['0', '4', '28.6'])
    expect(rowOf(topA, '3')).toEqual(['3', '2', '14.3'])
    // Both give red and green (8 files) the same class; blue and black (6) not.
    expect(text).toContain(
      'Agreement of top-1 classes (14 files classified by every model; they differ on 6):',
    )
    expect(rowOf(text, a)).toEqual([a, b, '14', '8', '57.1'])
    expect(text).toContain(
      'Accuracy against the true classes (subfolders named by class index; 1 name no class ("holiday"); 12 files labelled, 2 not):',
    )
    // Top-1 11/12 and 6/12; four classes kept per file, so no top-5.
    const accuracy = text.slice(text.indexOf('Accuracy against'))
    expect(rowOf(accuracy, a)).toEqual([a, '12', '91.67', '—', '0', '0'])
    expect(rowOf(accuracy, b)).toEqual([b, '12', '50.00', '—', '0', '0'])
    const confusedB = text.slice(text.indexOf(`Most confused by ${b}:`))
    expect(rowOf(confusedB, 'class 2  class 3')).toEqual(['class 2', 'class 3', '3'])
    expect(rowOf(confusedB, 'class 3')).toEqual(['class 3', 'class 2', '2'])

    const json = await zoo(['batch', 'show', id, '--json'], data)
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.out) as Shown
    expect(parsed.id).toBe(id)
    expect(parsed.analysis.summaries.map((s) => s.model)).toEqual([0, 1])
    expect(parsed.analysis.agreement).toMatchObject({ compared: 14, disagreeing: 6 })
    expect(parsed.analysis.accuracy?.report.models.map((m) => m.top1)).toEqual([11 / 12, 0.5])
  }, 90_000)

  it('takes --labels FILE.csv with --dir; shows failure codes; refuses a CSV that is not there', async () => {
    const dir = tempDirForTest('zoo-analysis-cli')
    const data = join(dir, 'data')
    const folder = await imageFolder(join(dir, 'photos'), 8, { hostile: true })
    const model = colourModel(dir)
    const csv = join(dir, 'truth.csv')
    // Every good file by its colour's class, except blue said to be black.
    writeFileSync(
      csv,
      [...folder.good]
        .map(([rel, cls]) => `"${rel}",${cls === colourClass.blue ? 3 : cls}`)
        .join('\n'),
    )

    const missing = await zoo(
      ['classify', '--model', model, '--dir', folder.root, '--labels', join(dir, 'nope.csv')],
      data,
    )
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/nope\.csv.*\[NOT_FOUND\]$/m)

    const run = await zoo(
      ['classify', '--model', model, '--dir', folder.root, '--recursive', '--labels', csv],
      data,
    )
    expect(run.code, run.err).toBe(3) // the hostile files failed
    const shown = await zoo(['batch', 'show', jobIdIn(run.err)], data)
    expect(shown.code, shown.err).toBe(0)
    for (const code of new Set(folder.bad.values()))
      expect(shown.out).toMatch(new RegExp(`failures .*${code} 1`))
    const good = [...folder.good.values()]
    const blue = good.filter((cls) => cls === colourClass.blue).length
    expect(shown.out).toContain(`(${csv}; ${good.length} files labelled, ${folder.bad.size} not):`)
    const top1 = ((good.length - blue) / good.length) * 100
    expect(rowOf(shown.out.slice(shown.out.indexOf('Accuracy')), model)).toEqual([
      model,
      String(good.length),
      top1.toFixed(2),
      '—',
      '0',
      '0',
    ])
    // Blue files, labelled black (3), are classified blue (2).
    expect(shown.out).toMatch(new RegExp(`class 3\\s+class 2\\s+${blue}$`, 'm'))
  }, 90_000)
})
