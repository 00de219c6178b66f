/** Model outputs → probabilities → the top classes with their names. */

/** Softmax, unless the output already is a probability distribution (non-negative, sums to 1). */
export function toProbabilities(output: Float32Array): {
  probabilities: Float64Array
  applied: boolean
} {
  let sum = 0
  let min = Infinity
  for (const value of output) {
    sum += value
    if (value < min) min = value
  }
  if (min >= 0 && Math.abs(sum - 1) < 1e-3)
    return { probabilities: Float64Array.from(output), applied: false }
  let max = -Infinity
  for (const value of output) if (value > max) max = value
  const exps = new Float64Array(output.length)
  let total = 0
  for (let i = 0; i < output.length; i++) total += exps[i] = Math.exp(output[i]! - max)
  for (let i = 0; i < exps.length; i++) exps[i]! /= total
  return { probabilities: exps, applied: true }
}

export interface ClassScore {
  index: number
  label: string
  probability: number
}

/** The k most probable classes, best first; ties keep the lower index first. */
export function topK(
  probabilities: Float64Array,
  k: number,
  labels: readonly string[] | null,
): ClassScore[] {
  const n = Math.min(k, probabilities.length)
  // One pass keeping the best n, not a sort of every class: a batch job does this per image
  // in the process that also feeds the model hosts.
  const kept: number[] = []
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!
    if (kept.length === n) {
      if (!(p > probabilities[kept[n - 1]!]!)) continue
      kept.pop()
    }
    let at = kept.length
    // Strictly greater moves ahead: an equal score found later stays behind the lower index.
    while (at > 0 && p > probabilities[kept[at - 1]!]!) at--
    kept.splice(at, 0, i)
  }
  return kept.map((index) => ({
    index,
    label: labels?.[index] ?? `class ${index}`,
    probability: probabilities[index]!,
  }))
}

/**
 * Class names from a label file: "index name" per line (PaddleClas's format) or one name per
 * line. Fails on a file that is neither, rather than guessing.
 */
export function parseLabelFile(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  if (lines.length === 0) throw new Error('the label file is empty')
  const indexed = lines.map((line) => /^(\d+)\s+(.+)$/.exec(line))
  if (indexed.every(Boolean)) {
    const labels = new Array<string | undefined>(lines.length).fill(undefined)
    for (const match of indexed) {
      const index = Number(match![1])
      // Every index from 0 to n-1 exactly once: a gap or a repeat means a damaged file.
      if (index >= lines.length || labels[index] !== undefined) {
        throw new Error('the label file numbers its classes with gaps or repeats')
      }
      labels[index] = match![2]!.trim()
    }
    return labels as string[]
  }
  return lines
}
