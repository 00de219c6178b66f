import { ensureBuilt } from '../../scripts/ensure-built.js'

/** Tests that spawn `bin/zoo.js` or serve the renderer need a current build in out/. */
export default function buildOnce(): void {
  ensureBuilt({ quiet: true })
}
