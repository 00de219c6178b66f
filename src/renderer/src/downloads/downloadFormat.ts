/**
 * What the Downloads view and the model's download action show of a download or a cached
 * artifact: its phase, fraction, time left, hash and contents. Pure; the view passes the locale and
 * turns the keys into words.
 */
import type { Artifact, DownloadState, DownloadStateName } from '@shared/contract'

const activeStates: readonly DownloadStateName[] = [
  'queued',
  'downloading',
  'verifying',
  'extracting',
  'converting',
]

/** Still running: bytes arriving, or the file being checked, unpacked and converted. */
export function isActive(download: Pick<DownloadState, 'state'>): boolean {
  return activeStates.includes(download.state)
}

/**
 * What a running download is doing, for its label: `connecting` until the first byte (the
 * downloader may be retrying a server that does not answer), then `downloading`, then the
 * checking and unpacking phases.
 */
export type DownloadPhase =
  | 'connecting'
  | 'downloading'
  | 'verifying'
  | 'extracting'
  | 'converting'
  | 'done'
  | 'failed'
  | 'cancelled'

export function downloadPhase(download: DownloadState): DownloadPhase {
  if (download.state === 'queued') return 'connecting'
  if (download.state === 'downloading' && download.done === 0 && download.total === null)
    return 'connecting'
  return download.state
}

/** Fraction done, 0…1, or null while the size is not known (an indeterminate bar). */
export function downloadFraction(download: DownloadState): number | null {
  if (download.state === 'done' || download.state === 'verifying') return 1
  if (download.state === 'extracting' || download.state === 'converting') return 1
  if (download.total === null || download.total <= 0) return null
  return Math.max(0, Math.min(1, download.done / download.total))
}

/** Whole seconds left as hours, minutes and seconds, for "2 min 5 s left". */
export interface Duration {
  hours: number
  minutes: number
  seconds: number
}

export function splitDuration(totalSeconds: number): Duration {
  const whole = Math.max(0, Math.ceil(totalSeconds))
  return {
    hours: Math.floor(whole / 3600),
    minutes: Math.floor((whole % 3600) / 60),
    seconds: whole % 60,
  }
}

/** The first characters of a SHA-256, enough to tell artifacts apart at a glance. */
export function shortSha(sha256: string, length = 12): string {
  return sha256.slice(0, length)
}

/**
 * What a cached artifact holds, as an i18n key under `downloads.contents`: the archive's format
 * once extracted, or the pretrained weights file.
 */
export type ContentsKey = 'paddle2' | 'paddle3' | 'onnx' | 'unknown' | 'weights'

export function contentsKey(artifact: Pick<Artifact, 'kind' | 'contents'>): ContentsKey {
  if (artifact.contents) return artifact.contents.format
  return artifact.kind === 'pretrained' ? 'weights' : 'unknown'
}

/** The cache's fill against its budget, 0…1 (over 1 when over budget; 0 budget reads as full). */
export function budgetFraction(totalBytes: number, budgetBytes: number): number {
  if (budgetBytes <= 0) return totalBytes > 0 ? Infinity : 0
  return totalBytes / budgetBytes
}

/** The host a download comes from, for messages ("could not reach mirror.local:8080"). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url
  } catch {
    return url
  }
}
