import type { Migration } from '../migration'
import { settings } from './0001-settings'
import { catalog } from './0002-catalog'

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [settings, catalog]
