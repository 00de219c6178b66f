/** A real app core (real SQLite) on a temporary data folder, closed when the test finishes. */
import { onTestFinished } from 'vitest'
import { openAppCore, type AppCore, type AppCoreOptions } from '../../../src/main/core/appCore'
import { makeTempDir, removeDir } from './tempDir'

export interface TestCore {
  core: AppCore
  dataDir: string
  /** What the core logged (internal errors); kept here instead of cluttering the test output. */
  logs: string[]
}

/** Opens a core on `options.dataDir`, or on a fresh temp folder that is removed afterwards. */
export function openTestCore(options: Partial<AppCoreOptions> = {}): TestCore {
  const ownDir = options.dataDir === undefined ? makeTempDir('zoo-core') : null
  const dataDir = options.dataDir ?? ownDir!
  const logs: string[] = []
  const core = openAppCore({
    host: 'cli',
    log: (message) => logs.push(message),
    ...options,
    dataDir,
  })
  // Close before removing: some platforms cannot delete an open database file.
  onTestFinished(() => {
    core.close()
    if (ownDir) removeDir(ownDir)
  })
  return { core, dataDir, logs }
}
