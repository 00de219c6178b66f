import type { UploadResult } from '../contract/inference'
import type { Result } from '../errors'

/** The untyped wire every face provides: Electron's preload bridge, HTTP, or in-process calls. */
export interface Transport {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
  /** Hands a file's bytes to the app (images to classify, models to attach); see `uploadId`s. */
  upload(bytes: ArrayBuffer): Promise<Result<UploadResult>>
}

/** What the preload script exposes on `window.zoo`; nothing else of Electron reaches the page. */
export interface ZooBridge extends Transport {
  readonly versions: Readonly<Record<'electron' | 'chrome' | 'node', string>>
  /** Where a dropped file or folder is on disk (Electron's webUtils; '' for one made by the page). */
  pathForFile(file: File): string
}
