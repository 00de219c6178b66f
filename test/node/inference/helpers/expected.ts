/**
 * What the tiny classifier (see onnxBuilder) must answer for a solid-colour image, worked out
 * independently of the app: every pixel of the tensor is (v·scale − mean)/std of its channel, the
 * global average pool gives back that value, and the Gemm is a 3×C matrix product.
 */
import { expect } from 'vitest'
import type { ImageClassification } from '@shared/contract'
import type { TinyClassifier } from './onnxBuilder'

export interface NormalisePlan {
  colorOrder: 'RGB' | 'BGR'
  scale: number
  mean: readonly number[]
  std: readonly number[]
}

export const IMAGENET_PLAN: NormalisePlan = {
  colorOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
}

export function expectedLogits(
  model: TinyClassifier,
  rgb: readonly [number, number, number],
  plan: NormalisePlan = IMAGENET_PLAN,
): number[] {
  const ordered = plan.colorOrder === 'RGB' ? rgb : [rgb[2], rgb[1], rgb[0]]
  const means = ordered.map((v, k) => (v * plan.scale - plan.mean[k]!) / plan.std[k]!)
  return model.bias.map(
    (b, c) => b + means.reduce((sum, m, k) => sum + m * model.weights[k]![c]!, 0),
  )
}

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits)
  const exps = logits.map((v) => Math.exp(v - max))
  const total = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / total)
}

/** Class indices by descending score. */
export function ranking(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b)
}

/**
 * Weights that make the classes easy to tell apart: 0 "red", 1 "green", 2 "blue", 3 "dark"
 * (high when every channel is low).
 */
export const COLOUR_MODEL: Pick<TinyClassifier, 'weights' | 'bias'> = {
  weights: [
    [4, 0, 0, -2],
    [0, 4, 0, -2],
    [0, 0, 4, -2],
  ],
  bias: [0, 0, 0, 1],
}

/** The result is ok and its probabilities are the hand-worked ones for a solid `colour`. */
export function expectColourScores(
  result: ImageClassification | undefined,
  model: TinyClassifier,
  colour: readonly [number, number, number],
) {
  if (!result?.ok) {
    throw new Error(
      `expected a result, got ${result ? `${result.error.code}: ${result.error.message}` : 'none'}`,
    )
  }
  const expected = softmax(expectedLogits(model, colour))
  expect(result.softmax).toBe(true)
  expect(result.top).toHaveLength(Math.min(5, expected.length))
  for (const score of result.top) {
    expect(score.probability, `class ${score.index}`).toBeCloseTo(expected[score.index]!, 5)
  }
  expect(result.top[0]!.index).toBe(ranking(expected)[0])
}
