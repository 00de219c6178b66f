import { ensureBuilt } from '../../scripts/ensure-built.js'

export default function globalSetup(): void {
  ensureBuilt({ quiet: true })
}
