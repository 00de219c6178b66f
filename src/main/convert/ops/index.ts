/** Every Paddle operator type the converter knows, by name. */
import type { OpTable } from '../opTable'
import { activationOps } from './activation'
import { convOps } from './conv'
import { elementwiseOps } from './elementwise'
import { indexingOps } from './indexing'
import { layoutOps } from './layout'
import { linearOps } from './linear'
import { normalizationOps } from './normalization'
import { poolOps } from './pool'
import { reduceOps } from './reduce'
import { resizeOps } from './resize'

export const opConverters: OpTable = {
  ...activationOps,
  ...convOps,
  ...elementwiseOps,
  ...indexingOps,
  ...layoutOps,
  ...linearOps,
  ...normalizationOps,
  ...poolOps,
  ...reduceOps,
  ...resizeOps,
}
