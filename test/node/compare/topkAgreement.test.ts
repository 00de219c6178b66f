import { describe, expect, it } from 'vitest'
import {
  imageAgreement,
  trialSummary,
  type ModelAnswer,
  type RankedClass,
} from '@shared/compare/topkAgreement'

const c = (index: number, probability: number): RankedClass => ({
  index,
  label: `class ${index}`,
  probability,
})
const answer = (...classes: RankedClass[]): ModelAnswer => classes

describe('imageAgreement', () => {
  it('the majority class is the consensus; the others are told where they rank it', () => {
    const result = imageAgreement([
      answer(c(153, 0.9), c(154, 0.05)),
      answer(c(154, 0.6), c(153, 0.3)),
      answer(c(153, 0.7), c(200, 0.1)),
    ])
    expect(result.consensus).toEqual({ index: 153, label: 'class 153', votes: 2 })
    expect(result.unanimous).toBe(false)
    expect(result.answered).toBe(3)
    expect(result.verdicts).toEqual([
      { agrees: true, rankOfConsensus: 1 },
      { agrees: false, rankOfConsensus: 2 },
      { agrees: true, rankOfConsensus: 1 },
    ])
  })

  it('a model without the consensus in its top-k has no rank for it', () => {
    const result = imageAgreement([
      answer(c(1, 0.8)),
      answer(c(1, 0.6)),
      answer(c(9, 0.9), c(8, 0.1)),
    ])
    expect(result.verdicts[2]).toEqual({ agrees: false, rankOfConsensus: null })
  })

  it('a tie in votes goes to the larger summed probability, whatever the column order', () => {
    const a = answer(c(5, 0.4))
    const b = answer(c(7, 0.9))
    expect(imageAgreement([a, b]).consensus?.index).toBe(7)
    expect(imageAgreement([b, a]).consensus?.index).toBe(7)
  })

  it('an exact tie goes to the lower class index', () => {
    expect(imageAgreement([answer(c(9, 0.5)), answer(c(3, 0.5))]).consensus?.index).toBe(3)
  })

  it('failed models have no vote and no verdict; unanimity counts only those that answered', () => {
    const result = imageAgreement([answer(c(2, 0.9)), null, answer(c(2, 0.8)), answer()])
    expect(result.answered).toBe(2)
    expect(result.unanimous).toBe(true)
    expect(result.verdicts[1]).toEqual({ agrees: null, rankOfConsensus: null })
    expect(result.verdicts[3]).toEqual({ agrees: null, rankOfConsensus: null })
  })

  it('one answer alone is not unanimity, and none gives no consensus', () => {
    expect(imageAgreement([answer(c(2, 0.9)), null]).unanimous).toBe(false)
    const none = imageAgreement([null, null])
    expect(none.consensus).toBeNull()
    expect(none.unanimous).toBe(false)
  })
})

describe('trialSummary', () => {
  it('counts unanimous images and each model’s agreement over the judged images', () => {
    const summary = trialSummary(
      [
        [answer(c(1, 0.9)), answer(c(1, 0.8)), answer(c(1, 0.7))],
        [answer(c(2, 0.9)), answer(c(2, 0.8)), answer(c(3, 0.7))],
        // Only one model answered: not judged, nobody's agreement moves.
        [answer(c(4, 0.9)), null, null],
      ],
      3,
    )
    expect(summary).toEqual({
      judged: 2,
      unanimous: 1,
      models: [
        { agreed: 2, answered: 2 },
        { agreed: 2, answered: 2 },
        { agreed: 1, answered: 2 },
      ],
    })
  })
})
