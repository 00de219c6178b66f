/**
 * Downloads reach the renderer three ways that can overtake each other: `jobs.progress`
 * events, the answer to `weights.pull`, and `weights.list` snapshots. These pure rules keep the
 * newest word on each download, so a late answer never puts a finished download back to running.
 */
import type { DownloadState } from '@shared/contract'
import { isActive } from './downloadFormat'

/** `<modelId>:<kind>`, as the weights service names artifacts and their downloads. */
export function artifactId(modelId: string, kind: DownloadState['kind']): string {
  return `${modelId}:${kind}`
}

/**
 * Which of two reports on the same download is newer. Runs are told apart by `startedAt`: a later
 * run wins. Within a run a final state (done, failed, cancelled) is never undone, and otherwise
 * the report with more bytes or a later phase wins.
 */
export function newerState(current: DownloadState | undefined, incoming: DownloadState): boolean {
  if (!current) return true
  if (current.startedAt !== incoming.startedAt) return incoming.startedAt > current.startedAt
  const currentFinal = !isActive(current)
  const incomingFinal = !isActive(incoming)
  if (currentFinal !== incomingFinal) return incomingFinal
  if (currentFinal) return false
  const phase = (state: DownloadState) =>
    ['queued', 'downloading', 'verifying', 'extracting', 'converting'].indexOf(state.state)
  if (phase(incoming) !== phase(current)) return phase(incoming) > phase(current)
  return incoming.done >= current.done
}

/** A `weights.list` snapshot merged into what the renderer knows, keeping the newer of each. */
export function mergeSnapshot(
  known: Readonly<Record<string, DownloadState>>,
  snapshot: readonly DownloadState[],
): Record<string, DownloadState> {
  const merged: Record<string, DownloadState> = {}
  for (const state of snapshot) {
    const current = known[state.id]
    merged[state.id] = current && !newerState(current, state) ? current : state
  }
  // A download missing from the snapshot (its pull was answered after the list was read) comes
  // back with its next progress event.
  return merged
}
