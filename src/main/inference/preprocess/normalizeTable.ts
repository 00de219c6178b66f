/**
 * PaddleClas NormalizeImage + ToCHWImage as a table: a decoded channel has only 256 levels, so
 * (level · scale − mean) / std is worked out once per level and channel, each step rounded to
 * float32 as NumPy's float32 arithmetic rounds it, and the pixel loop only looks values up.
 */
import type { ChwChannels } from './cvResizeLinear'
import type { PreprocessPlan } from './preprocessPlan'

export function normalizeTable(plan: PreprocessPlan): ChwChannels {
  const f = Math.fround
  const scale = f(plan.scale)
  const levels = new Float32Array(3 * 256)
  const planes: number[] = []
  for (let k = 0; k < 3; k++) {
    // PaddleClas normalises the decoded channels in their order: RGB, or BGR when to_rgb is off;
    // plane c takes mean[c] and std[c].
    const c = plan.colorOrder === 'RGB' ? k : 2 - k
    planes.push(c)
    const mean = f(plan.mean[c]!)
    const std = f(plan.std[c]!)
    for (let v = 0; v < 256; v++) levels[k * 256 + v] = f(f(f(v * scale) - mean) / std)
  }
  return { planes, levels }
}
