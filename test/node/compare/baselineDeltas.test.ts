import { describe, expect, it } from 'vitest'
import { baselineDeltas, delta } from '@shared/compare/baselineDeltas'
import type { CompareRow } from '@shared/compare/compareRows'

const row = (values: (number | null)[]): CompareRow => ({
  kind: 'figure',
  field: 'paramsM',
  cells: values.map((value) => ({ value, raw: null, line: null, best: false })),
})

describe('delta', () => {
  const cases: [string, number | null, number | null, ReturnType<typeof delta>][] = [
    ['larger than the baseline', 30, 20, { absolute: 10, relative: 0.5 }],
    ['smaller', 15, 20, { absolute: -5, relative: -0.25 }],
    ['equal', 20, 20, { absolute: 0, relative: 0 }],
    ['no float noise', 0.8012, 0.7912, { absolute: 0.01, relative: 0.0126390293225 }],
    ['baseline zero: no ratio', 3, 0, { absolute: 3, relative: null }],
    ['value missing', null, 20, null],
    ['baseline missing', 20, null, null],
    ['both missing', null, null, null],
    ['zero is a value, not missing', 0, 4, { absolute: -4, relative: -1 }],
  ]
  it.each(cases)('%s', (_name, value, baseline, expected) => {
    expect(delta(value, baseline)).toEqual(expected)
  })
})

describe('baselineDeltas', () => {
  it('gives none for the baseline itself and for cells without a value', () => {
    expect(baselineDeltas(row([10, 20, null, 5]), 0)).toEqual([
      null,
      { absolute: 10, relative: 1 },
      null,
      { absolute: -5, relative: -0.5 },
    ])
  })

  it('gives none anywhere when the baseline has no figure', () => {
    expect(baselineDeltas(row([10, null, 30]), 1)).toEqual([null, null, null])
  })

  it('follows the chosen baseline', () => {
    expect(baselineDeltas(row([10, 20]), 1)).toEqual([{ absolute: -10, relative: -0.5 }, null])
  })
})
