/** Model outputs → probabilities → top-k with names, and label files. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLabelFile, topK, toProbabilities } from '../../../src/main/inference/postprocess'
import { random } from './helpers/images'
import { haveShared, paddleLabelList } from './helpers/sharedFixtures'
import { shippedLabels } from './helpers/catalogPlans'

/** Softmax in float64 the textbook way, for values small enough not to overflow. */
function naiveSoftmax(values: readonly number[]): number[] {
  const exps = values.map(Math.exp)
  const total = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / total)
}

const f32 = (values: readonly number[]) => Float32Array.from(values)

describe('toProbabilities', () => {
  it('applies softmax to logits', () => {
    const logits = [2.5, -1, 0.25, 3, -7.5]
    const { probabilities, applied } = toProbabilities(f32(logits))
    expect(applied).toBe(true)
    naiveSoftmax(logits).forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 12))
  })

  it('applies softmax to random logits of 1000 classes: sums to 1, order kept', () => {
    const next = random(5)
    const logits = Array.from({ length: 1000 }, () => (next() - 0.5) * 20)
    const { probabilities, applied } = toProbabilities(f32(logits))
    expect(applied).toBe(true)
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    const expected = naiveSoftmax(Array.from(f32(logits)))
    expected.forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 12))
  })

  it('leaves probabilities untouched (non-negative, summing to 1)', () => {
    const output = f32([0.1, 0.7, 0.2])
    const { probabilities, applied } = toProbabilities(output)
    expect(applied).toBe(false)
    expect(Array.from(probabilities)).toEqual(Array.from(output))
    // A one-hot output is a distribution too.
    expect(toProbabilities(f32([0, 0, 1, 0])).applied).toBe(false)
  })

  it('treats non-negative scores that do not sum to 1 as logits', () => {
    const scores = [0.5, 2, 1]
    const { probabilities, applied } = toProbabilities(f32(scores))
    expect(applied).toBe(true)
    naiveSoftmax(scores).forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 12))
  })

  it('treats scores that sum to 1 but include a negative one as logits', () => {
    const { applied } = toProbabilities(f32([1.5, -0.5, 0]))
    expect(applied).toBe(true)
  })

  it('is numerically stable for large logits (exp(1000) would overflow)', () => {
    // Softmax does not change when every logit moves by the same amount; these shifts are exact
    // in float32.
    for (const shift of [1000, -1000, 1e4, 1e6]) {
      const { probabilities, applied } = toProbabilities(f32([shift, shift - 1, shift - 2]))
      expect(applied).toBe(true)
      naiveSoftmax([0, -1, -2]).forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 12))
    }
    // The float32 extremes.
    expect(Array.from(toProbabilities(f32([3e38, 0, -3e38])).probabilities)).toEqual([1, 0, 0])
    expect(Array.from(toProbabilities(f32([3e38, 3e38])).probabilities)).toEqual([0.5, 0.5])
    expect(Array.from(toProbabilities(f32([-3e38, -3e38])).probabilities)).toEqual([0.5, 0.5])
  })
})

describe('topK', () => {
  const labels = ['cat', 'dog', 'bird', 'fish', 'frog']

  it('returns the k most probable classes, best first, with their labels', () => {
    const p = Float64Array.from([0.1, 0.4, 0.05, 0.3, 0.15])
    expect(topK(p, 3, labels)).toEqual([
      { index: 1, label: 'dog', probability: 0.4 },
      { index: 3, label: 'fish', probability: 0.3 },
      { index: 4, label: 'frog', probability: 0.15 },
    ])
  })

  it('breaks ties by the lower class index', () => {
    const p = Float64Array.from([0.1, 0.25, 0.25, 0.1, 0.25, 0.05])
    expect(topK(p, 6, null).map((s) => s.index)).toEqual([1, 2, 4, 0, 3, 5])
  })

  it('returns every class when k is larger than their number', () => {
    const p = Float64Array.from([0.2, 0.8])
    expect(topK(p, 5, labels).map((s) => s.index)).toEqual([1, 0])
  })

  it('names classes "class N" without labels, or past the end of a short list', () => {
    const p = Float64Array.from([0.1, 0.2, 0.7])
    expect(topK(p, 3, null).map((s) => s.label)).toEqual(['class 2', 'class 1', 'class 0'])
    expect(topK(p, 3, ['a', 'b']).map((s) => s.label)).toEqual(['class 2', 'b', 'a'])
  })

  it('agrees with a full sort on random scores', () => {
    const next = random(9)
    const p = Float64Array.from({ length: 1000 }, () => Math.round(next() * 50) / 50)
    const sorted = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b)
    expect(topK(p, 10, null).map((s) => s.index)).toEqual(sorted.slice(0, 10))
  })

  it('agrees with a full sort for every k a job may ask, on softmax outputs with ties', () => {
    const next = random(17)
    for (let k = 1; k <= 20; k++) {
      const logits = Float32Array.from({ length: 1000 }, () => Math.round(next() * 8))
      const { probabilities: p } = toProbabilities(logits)
      const sorted = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b)
      expect(topK(p, k, null).map((s) => s.index)).toEqual(sorted.slice(0, k))
    }
  })
})

describe('parseLabelFile', () => {
  it('reads PaddleClas\'s "index name" lines, names with spaces and commas kept', () => {
    expect(
      parseLabelFile('0 tench, Tinca tinca\n1 goldfish, Carassius auratus\n2 great white shark\n'),
    ).toEqual(['tench, Tinca tinca', 'goldfish, Carassius auratus', 'great white shark'])
  })

  it('places indexed lines by their index, whatever their order', () => {
    expect(parseLabelFile('2 c\n0 a\n1 b')).toEqual(['a', 'b', 'c'])
  })

  it('reads one name per line', () => {
    expect(parseLabelFile('cat\ndog\nsea lion\n')).toEqual(['cat', 'dog', 'sea lion'])
  })

  it('ignores CRLF line ends, blank lines and surrounding spaces', () => {
    expect(parseLabelFile('\r\n  0 cat  \r\n\r\n1\tdog\r\n')).toEqual(['cat', 'dog'])
    expect(parseLabelFile('cat\r\n\r\n  dog \r\n')).toEqual(['cat', 'dog'])
  })

  it('refuses an empty file', () => {
    expect(() => parseLabelFile('')).toThrow(/empty/)
    expect(() => parseLabelFile(' \n\r\n \n')).toThrow(/empty/)
  })

  it('refuses indices with a gap', () => {
    expect(() => parseLabelFile('0 a\n2 c')).toThrow(/gaps or repeats/)
    expect(() => parseLabelFile('1 a\n2 b')).toThrow(/gaps or repeats/)
  })

  it('refuses a repeated index', () => {
    expect(() => parseLabelFile('0 a\n0 b')).toThrow(/gaps or repeats/)
  })

  it('refuses a repeated index even when a gap makes the count come out right', () => {
    // Three lines, highest index 2: the count matches, but there is no class 1.
    expect(() => parseLabelFile('0 a\n0 b\n2 c')).toThrow(/gaps or repeats/)
  })

  it('reads a file that mixes both forms as one name per line', () => {
    expect(parseLabelFile('0 cat\ndog')).toEqual(['0 cat', 'dog'])
  })
})

describe.skipIf(!haveShared("parsing PaddleClas's own label file", [paddleLabelList]))(
  "PaddleClas's imagenet1k_label_list.txt",
  () => {
    it('parses to the 1000 names the app ships', () => {
      const labels = parseLabelFile(readFileSync(paddleLabelList, 'utf8'))
      expect(labels).toHaveLength(1000)
      expect(labels).toEqual(shippedLabels())
    })
  },
)
