/**
 * What a batch job's state means to the people watching it, for the UI and the desktop shell
 * alike: which states are work under way, and when a job has just ended (worth announcing).
 */
import type { JobState } from '../contract/batch'

/** A runner is (or should be) working on the job. */
export function isRunningState(state: JobState): boolean {
  return state === 'enumerating' || state === 'running'
}

/**
 * Tracks jobs' states as news arrives and says, once, when one stops running: done, failed,
 * cancelled or interrupted. A pause is not news (someone asked for it), nor is a job first seen
 * already stopped.
 */
export function jobEndWatcher(): (id: string, state: JobState) => JobState | null {
  const seen = new Map<string, JobState>()
  return (id, state) => {
    const before = seen.get(id)
    seen.set(id, state)
    const ended = before !== undefined && isRunningState(before) && !isRunningState(state)
    return ended && state !== 'paused' ? state : null
  }
}
