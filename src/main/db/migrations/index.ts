import type { Migration } from '../migration'
import { settings } from './0001-settings'
import { catalog } from './0002-catalog'
import { catalogRows } from './0003-catalog-rows'
import { customModels } from './0004-custom-models'
import { artifacts } from './0005-artifacts'
import { leasesAndCacheSizes } from './0006-leases-and-cache-sizes'
import { batchJournal } from './0007-batch-journal'
import { blobStore } from './0008-blob-store'
import { entryKindsAndNames } from './0009-entry-kinds-and-names'
import { benchRuns } from './0010-bench-runs'

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [
  settings,
  catalog,
  catalogRows,
  customModels,
  artifacts,
  leasesAndCacheSizes,
  batchJournal,
  blobStore,
  entryKindsAndNames,
  benchRuns,
]
