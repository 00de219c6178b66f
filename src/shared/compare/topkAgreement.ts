/**
 * Whether the compared models agree on an image: the class most of them put first (ties broken
 * by the larger summed probability, then the lower class index, so the answer never depends on
 * column order), which models agree with it, and where the others rank it in their top-k. A model
 * that failed on the image has no vote and is counted apart. Pure.
 */

export interface RankedClass {
  index: number
  label: string
  probability: number
}

/** One model's answer for one image: its top-k, best first, or null when it failed. */
export type ModelAnswer = readonly RankedClass[] | null

export interface ModelVerdict {
  /** The model put the consensus class first (null: no answer, or no consensus). */
  agrees: boolean | null
  /** 1-based place of the consensus class in the model's top-k; null when it is not there. */
  rankOfConsensus: number | null
}

export interface ImageAgreement {
  consensus: { index: number; label: string; votes: number } | null
  /** Models that gave an answer. */
  answered: number
  /** Every model that answered put the same class first (and at least two answered). */
  unanimous: boolean
  verdicts: ModelVerdict[]
}

export function imageAgreement(answers: readonly ModelAnswer[]): ImageAgreement {
  const tally = new Map<number, { label: string; votes: number; mass: number }>()
  let answered = 0
  for (const answer of answers) {
    const first = answer?.[0]
    if (!first) continue
    answered++
    const entry = tally.get(first.index) ?? { label: first.label, votes: 0, mass: 0 }
    entry.votes++
    entry.mass += first.probability
    tally.set(first.index, entry)
  }
  let consensus: ImageAgreement['consensus'] = null
  let bestMass = -1
  for (const [index, entry] of tally) {
    const better =
      consensus === null ||
      entry.votes > consensus.votes ||
      (entry.votes === consensus.votes &&
        (entry.mass > bestMass || (entry.mass === bestMass && index < consensus.index)))
    if (better) {
      consensus = { index, label: entry.label, votes: entry.votes }
      bestMass = entry.mass
    }
  }
  const verdicts = answers.map((answer): ModelVerdict => {
    if (!answer?.[0] || !consensus) return { agrees: null, rankOfConsensus: null }
    const place = answer.findIndex((c) => c.index === consensus.index)
    return { agrees: place === 0, rankOfConsensus: place < 0 ? null : place + 1 }
  })
  return {
    consensus,
    answered,
    unanimous: answered >= 2 && consensus !== null && consensus.votes === answered,
    verdicts,
  }
}

export interface TrialSummary {
  /** Images on which at least two models answered. */
  judged: number
  unanimous: number
  /** Per model: images where it put the consensus class first, of the images it answered. */
  models: { agreed: number; answered: number }[]
}

/** The agreement over all images; `grid[image][model]`. */
export function trialSummary(
  grid: readonly (readonly ModelAnswer[])[],
  models: number,
): TrialSummary {
  const summary: TrialSummary = {
    judged: 0,
    unanimous: 0,
    models: Array.from({ length: models }, () => ({ agreed: 0, answered: 0 })),
  }
  for (const answers of grid) {
    const agreement = imageAgreement(answers)
    if (agreement.answered >= 2) summary.judged++
    if (agreement.unanimous) summary.unanimous++
    agreement.verdicts.forEach((verdict, m) => {
      if (verdict.agrees === null || agreement.answered < 2) return
      summary.models[m]!.answered++
      if (verdict.agrees) summary.models[m]!.agreed++
    })
  }
  return summary
}
