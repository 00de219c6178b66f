/**
 * Labelled folders against the app's own 1000 ImageNet class names (resources/catalog): which
 * subfolders name a class (by name, index or WordNet id), the label of each file, a `path,label`
 * CSV, and the accuracy report of a generated labelled tree, computed by hand.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportRow } from '../../../src/main/batch/batchJournal'
import {
  accuracyReport,
  classOf,
  folderLabels,
  labelOfPath,
  parseLabelCsv,
  type ClassList,
} from '../../../src/main/batch/labelledFolders'
import { readLabels } from '../../../src/main/catalog/catalogBundle'
import { projectRoot } from '../helpers/paths'

const names = readLabels(join(projectRoot, 'resources'))
const imagenet: ClassList = { names }
// The app ships no WordNet ids: these stand-ins have their shape, not ImageNet's values.
const standInWnids = names.map((_, i) => `n${String(10_000_000 + i * 7).padStart(8, '0')}`)

describe('class names', () => {
  it.each<[string, number | 'ambiguous' | null]>([
    ['tench', 0],
    ['Tench', 0],
    ['tench, Tinca tinca', 0],
    ['Tinca tinca', 0],
    ['great_white_shark', 2],
    ['Great-White-Shark', 2],
    ['man eater', 2],
    ['potters_wheel', 739],
    ["jack-o'-lantern", 607],
    ['jack_o_lantern', 607],
    ['black_and_tan_coonhound', 165],
    ['maillot', 638], // the whole label of 638, only the first name of 639
    ['tank suit', 639],
    ['cardigan', 474],
    ['crane', 'ambiguous'], // the bird (134) and the machine (517)
    ['panther', 'ambiguous'],
    ['dogs', null],
    ['', null],
  ])('%j → %j', (text, expected) => {
    expect(classOf(text, 'name', imagenet)).toBe(expected)
  })
})

describe('folderLabels', () => {
  it('subfolders named after classes: the name scheme, with what it could not match', () => {
    const labels = folderLabels(
      ['tench', 'goldfish', 'Great_White_Shark', 'crane', 'misc', 'tench'],
      imagenet,
    )
    expect(labels).toEqual({
      scheme: 'name',
      byFolder: new Map([
        ['tench', 0],
        ['goldfish', 1],
        ['Great_White_Shark', 2],
      ]),
      unmatched: ['misc'],
      ambiguous: ['crane'],
    })
    expect(labelOfPath('tench/IMG_1.jpg', labels!)).toBe(0)
    expect(labelOfPath('Great_White_Shark/deeper/x.png', labels!)).toBe(2)
    expect(labelOfPath('misc/x.jpg', labels!)).toBeNull()
    expect(labelOfPath('loose.jpg', labels!)).toBeNull()
  })

  it('class indices (leading zeros allowed, out of range not)', () => {
    const labels = folderLabels(['0', '1', '042', '999', '1000'], imagenet)
    expect(labels?.scheme).toBe('index')
    expect([...labels!.byFolder]).toEqual([
      ['0', 0],
      ['1', 1],
      ['042', 42],
      ['999', 999],
    ])
    expect(labels!.unmatched).toEqual(['1000'])
  })

  it('WordNet ids, when a list of them is given; without one they label nothing', () => {
    const folders = [standInWnids[0]!, standInWnids[153]!, 'n99999999']
    const labels = folderLabels(folders, { names, wnids: standInWnids })
    expect(labels?.scheme).toBe('wnid')
    expect([...labels!.byFolder.values()]).toEqual([0, 153])
    expect(folderLabels(folders, imagenet)).toBeNull()
  })

  it('folders of a photo library are not a labelled set', () => {
    expect(folderLabels(['2019', '2020', 'Holiday in Rome', 'Screenshots'], imagenet)).toBeNull()
    expect(folderLabels([], imagenet)).toBeNull()
  })
})

describe('parseLabelCsv', () => {
  it('path,label with a header, quotes, indices, names and ids; what it cannot read is listed', () => {
    const csv =
      '\uFEFFpath,label\r\n' +
      'a/1.jpg,0\r\n' +
      '"b, with comma/2.jpg",goldfish\r\n' +
      '.\\c\\3.jpg,"tench, Tinca tinca"\r\n' +
      `./d/4.jpg,${standInWnids[7]}\n` +
      'e/5.jpg,crane\n' +
      'f/6.jpg,no such class\n' +
      'just-a-path.jpg\n' +
      '\n'
    expect(parseLabelCsv(csv, { names, wnids: standInWnids })).toEqual({
      byPath: new Map([
        ['a/1.jpg', 0],
        ['b, with comma/2.jpg', 1],
        ['c/3.jpg', 0],
        ['d/4.jpg', 7],
      ]),
      problems: [
        { line: 6, message: '"crane" names more than one class; use its index' },
        { line: 7, message: '"no such class" is no class' },
        { line: 8, message: 'expected "path,label"' },
      ],
    })
  })
})

describe('accuracyReport', () => {
  /**
   * A generated labelled tree: classes 0 (tench), 1 (goldfish) and 2 (great white shark), 10
   * files each, plus 4 unlabelled files. Model A: tench 8/10 right (2 taken for goldfish, one of
   * them with tench second), goldfish 10/10, shark 5/10 (5 taken for tench, none with shark in
   * its top 5), one shark file failed. Model B keeps only 3 classes and is always right.
   */
  function tree(): { rows: ExportRow[]; labelOf: (row: ExportRow) => number | null } {
    const rows: ExportRow[] = []
    const labels = new Map<string, number>()
    const folder = ['tench', 'goldfish', 'great_white_shark']
    const push = (path: string, modelIndex: number, top: number[] | 'failed') => {
      rows.push({
        folder: 0,
        path,
        model: modelIndex === 0 ? 'A' : 'B',
        modelIndex,
        status: top === 'failed' ? 'failed' : 'ok',
        top:
          top === 'failed'
            ? []
            : top.map((index, rank) => ({ index, label: names[index]!, score: 0.5 / (rank + 1) })),
        error: top === 'failed' ? { code: 'IMAGE_CORRUPT', message: 'bad' } : null,
      })
    }
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < 10; i++) {
        const path = `${folder[c]}/${i}.jpg`
        labels.set(path, c)
        let a: number[] | 'failed'
        if (c === 0) a = i < 8 ? [0, 1, 2, 3, 4] : i === 8 ? [1, 0, 2, 3, 4] : [1, 5, 6, 7, 8]
        else if (c === 1) a = [1, 0, 2, 3, 4]
        else a = i === 9 ? 'failed' : i < 4 ? [2, 0, 1, 3, 4] : [0, 5, 6, 7, 8]
        push(path, 0, a)
        push(path, 1, [c, (c + 1) % 3, (c + 2) % 3])
      }
    for (let i = 0; i < 4; i++) {
      push(`loose-${i}.jpg`, 0, [0, 1, 2, 3, 4])
      push(`loose-${i}.jpg`, 1, [0, 1, 2])
    }
    const folderSet = folderLabels(folder, imagenet)!
    expect([...folderSet.byFolder.values()]).toEqual([0, 1, 2])
    return { rows, labelOf: (row) => labelOfPath(row.path, folderSet) }
  }

  it('top-1, top-5, per class and the most confused pairs, per model', () => {
    const { rows, labelOf } = tree()
    const report = accuracyReport(rows, labelOf, { classNames: names, confusedPairs: 5 })
    expect(report.labelled).toBe(30)
    expect(report.unlabelled).toBe(4)
    const [a, b] = report.models
    expect(a).toEqual({
      model: 'A',
      evaluated: 29,
      failed: 1,
      pending: 0,
      top1: (8 + 10 + 4) / 29,
      top5: (9 + 10 + 4) / 29,
      perClass: [
        { index: 0, name: names[0], count: 10, top1: 0.8, top5: 0.9 },
        { index: 1, name: names[1], count: 10, top1: 1, top5: 1 },
        { index: 2, name: names[2], count: 9, top1: 4 / 9, top5: 4 / 9 },
      ],
      confused: [
        { actual: 2, actualName: names[2], predicted: 0, predictedName: names[0], count: 5 },
        { actual: 0, actualName: names[0], predicted: 1, predictedName: names[1], count: 2 },
      ],
    })
    expect(b).toMatchObject({ model: 'B', evaluated: 30, top1: 1, top5: null, confused: [] })
    expect(b!.perClass.every((c) => c.top1 === 1 && c.top5 === null)).toBe(true)
  })

  it('counts pending files apart and keeps only as many pairs as asked', () => {
    const { rows, labelOf } = tree()
    const pendingShark = rows.map((row): ExportRow =>
      row.path === 'great_white_shark/5.jpg' ? { ...row, status: 'pending', top: [] } : row,
    )
    const report = accuracyReport(pendingShark, labelOf, { classNames: names, confusedPairs: 1 })
    expect(report.models[0]).toMatchObject({ evaluated: 28, failed: 1, pending: 1 })
    expect(report.models[0]!.confused).toEqual([
      expect.objectContaining({ actual: 2, predicted: 0, count: 4 }),
    ])
  })
})
