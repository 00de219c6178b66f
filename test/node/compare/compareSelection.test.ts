import { describe, expect, it } from 'vitest'
import { MAX_COMPARE, addToSelection, limitSelection } from '@shared/compare/compareSelection'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `M${i}`)

describe('limitSelection', () => {
  it('keeps 8 of 16 (a brush that caught too many) and says how many did not fit', () => {
    expect(MAX_COMPARE).toBe(8)
    expect(limitSelection(ids(16))).toEqual({ kept: ids(8), dropped: 8 })
  })
  it('keeps a selection that fits', () => {
    expect(limitSelection(ids(3))).toEqual({ kept: ids(3), dropped: 0 })
  })
  it('does not count repeats', () => {
    expect(limitSelection([...ids(8), 'M0', 'M1'])).toEqual({ kept: ids(8), dropped: 0 })
  })
})

describe('addToSelection', () => {
  it('adds at the end', () => {
    expect(addToSelection(['A'], 'B')).toEqual({ ids: ['A', 'B'], added: true, full: false })
  })
  it('does not add twice', () => {
    expect(addToSelection(['A', 'B'], 'A')).toEqual({ ids: ['A', 'B'], added: false, full: false })
  })
  it('refuses a ninth model and says the comparison is full', () => {
    expect(addToSelection(ids(8), 'X')).toEqual({ ids: ids(8), added: false, full: true })
  })
  it('says full once the eighth is added', () => {
    expect(addToSelection(ids(7), 'X')).toMatchObject({ added: true, full: true })
  })
})
