import { describe, expect, it } from 'vitest'
import type { ComparisonDocument, ComparisonRow } from '@shared/compare/comparisonDocument'
import { modelsSortedBy } from '@shared/compare/sortModels'

const row = (
  id: string,
  direction: ComparisonRow['direction'],
  values: (number | null)[],
  kind: ComparisonRow['kind'] = 'figure',
): ComparisonRow => ({
  id,
  kind,
  label: id,
  unit: '',
  direction,
  identical: false,
  cells: values.map((value) => ({
    value,
    text: String(value),
    best: false,
    delta: null,
    deltaText: '',
    line: null,
  })),
})
const doc = (rows: ComparisonRow[]): ComparisonDocument => ({
  models: ['A', 'B', 'C', 'D'].map((id) => ({ id, displayName: id, entryKind: 'zoo' })),
  baseline: null,
  rows,
  conditions: [],
})

describe('modelsSortedBy', () => {
  const d = doc([
    row('top1', 'higher', [0.7, null, 0.8, 0.7]),
    row('paramsM', 'lower', [25, 3, null, 3]),
    row('inputSize', 'none', [224, 384, 224, 256]),
    row('series', 'none', [null, null, null, null], 'text'),
  ])
  const cases: [string, string, string[]][] = [
    [
      'higher is better: largest first, missing last, ties kept in order',
      'top1',
      ['C', 'A', 'D', 'B'],
    ],
    ['lower is better: smallest first', 'paramsM', ['B', 'D', 'A', 'C']],
    ['no direction: largest first', 'inputSize', ['B', 'D', 'A', 'C']],
    ['a text row: order unchanged', 'series', ['A', 'B', 'C', 'D']],
    ['an unknown row: order unchanged', 'nope', ['A', 'B', 'C', 'D']],
  ]
  it.each(cases)('%s', (_name, id, expected) => {
    expect(modelsSortedBy(d, id)).toEqual(expected)
  })
})
