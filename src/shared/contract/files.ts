/**
 * The local disk as the UI sees it: path completion for the browser-mode folder field (the server
 * reads the same disk the user types about) and the desktop's own dialogs.
 */
import { z } from 'zod'

export const fsCompleteInput = z
  .object({
    /** What the user typed so far: an absolute path or one starting with `~`. */
    prefix: z.string().max(4096),
    /** Offer image files too, not just folders. */
    files: z.boolean().default(false),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict()

export interface PathEntry {
  name: string
  /** Absolute, with a trailing separator for folders. */
  path: string
  isDir: boolean
}

export interface PathCompletion {
  /** The folder listed (the prefix's parent, or the prefix itself when it ends in a separator). */
  dir: string | null
  /** Names starting with the typed part, folders first, hidden ones only when asked for with `.`. */
  entries: PathEntry[]
  truncated: boolean
}

export const pickFoldersInput = z.object({ title: z.string().max(200).optional() }).strict()

/** Null when the user closed the dialog. */
export type PickedFolders = { paths: string[] } | null
