import type { Migration } from '../migration'
import { settings } from './0001-settings'

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [settings]
