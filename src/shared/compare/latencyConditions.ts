/**
 * When two models' latencies cannot be set side by side: each latency row of Compare holds one
 * platform, batch size and thread count, so within a row they compare. A pair of models that
 * shares no row has only timings measured under different conditions; this says which differ
 * (hardware, engine, precision, batch size, threads) for the closest pair of their timings. Pure.
 */
import type { CatalogModel, Platform } from '../catalog/types'
import { THIS_MACHINE } from '../bench/machineLatencies'
import { latencyKeyId, type LatencyKey } from './compareRows'

export type ConditionDifference = 'hardware' | 'engine' | 'precision' | 'batchSize' | 'threads'

export interface LatencyCondition {
  /** Indices of the two models in the comparison. */
  a: number
  b: number
  aKey: LatencyKey
  bKey: LatencyKey
  differences: ConditionDifference[]
}

/** What differs between the conditions of two timings. */
export function conditionDifferences(
  a: LatencyKey,
  b: LatencyKey,
  platforms: readonly Platform[],
): ConditionDifference[] {
  const pa = platforms.find((p) => p.id === a.platform)
  const pb = platforms.find((p) => p.id === b.platform)
  const differences: ConditionDifference[] = []
  // An unknown platform is treated as other hardware: nothing says it is the same machine.
  if (!pa || !pb || pa.hardware !== pb.hardware) differences.push('hardware')
  if (pa && pb && pa.engine !== pb.engine) differences.push('engine')
  if (pa && pb && pa.precision !== pb.precision) differences.push('precision')
  if (a.batchSize !== b.batchSize) differences.push('batchSize')
  if (a.threads !== b.threads) differences.push('threads')
  return differences
}

/** Every pair of models with timings but no timing under the same conditions. */
export function latencyConditions(
  models: readonly CatalogModel[],
  platforms: readonly Platform[],
): LatencyCondition[] {
  const notes: LatencyCondition[] = []
  for (let a = 0; a < models.length; a++) {
    for (let b = a + 1; b < models.length; b++) {
      const la = models[a]!.latencies
      const lb = models[b]!.latencies
      if (la.length === 0 || lb.length === 0) continue
      const shared = la.some((x) => lb.some((y) => latencyKeyId(x) === latencyKeyId(y)))
      if (shared) continue
      let closest: LatencyCondition | null = null
      for (const x of la) {
        for (const y of lb) {
          const differences = conditionDifferences(x, y, platforms)
          if (!closest || differences.length < closest.differences.length) {
            closest = {
              a,
              b,
              aKey: { platform: x.platform, batchSize: x.batchSize, threads: x.threads },
              bKey: { platform: y.platform, batchSize: y.batchSize, threads: y.threads },
              differences,
            }
          }
        }
      }
      if (closest) notes.push(closest)
    }
  }
  return notes
}

export interface MachineCondition {
  /** Index of the model in the comparison. */
  model: number
  mine: LatencyKey
  /** The model's published timing closest in conditions to this machine's. */
  published: LatencyKey
  differences: ConditionDifference[]
}

/**
 * For each model with timings of this machine beside published ones: how this machine's timing
 * differs from the closest published one (always the hardware and the engine, and maybe more), so
 * that nobody reads a local figure as a reproduction of the zoo's.
 */
export function machineConditions(
  models: readonly CatalogModel[],
  platforms: readonly Platform[],
): MachineCondition[] {
  const notes: MachineCondition[] = []
  models.forEach((model, index) => {
    const mine = model.latencies.filter((l) => l.platform === THIS_MACHINE)
    const published = model.latencies.filter((l) => l.platform !== THIS_MACHINE)
    let closest: MachineCondition | null = null
    for (const x of mine)
      for (const y of published) {
        const differences = conditionDifferences(x, y, platforms)
        if (!closest || differences.length < closest.differences.length)
          closest = { model: index, mine: keyOf(x), published: keyOf(y), differences }
      }
    if (closest) notes.push(closest)
  })
  return notes
}

const keyOf = (l: LatencyKey): LatencyKey => ({
  platform: l.platform,
  batchSize: l.batchSize,
  threads: l.threads,
})
