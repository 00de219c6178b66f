/**
 * The OS notification when a batch job this app runs ends while the user may be elsewhere;
 * clicking it brings the window back. Jobs a `zoo` command runs have their own
 * terminal to say so.
 */
import { Notification, type BrowserWindow } from 'electron'
import { jobEndWatcher } from '../../shared/batch/jobStates'
import type { JobState } from '../../shared/contract'
import type { AppCore } from '../core/appCore'

const titles: Partial<Record<JobState, string>> = {
  done: 'Batch job done',
  failed: 'Batch job stopped',
  cancelled: 'Batch job cancelled',
  interrupted: 'Batch job interrupted',
}

export function notifyBatchEnds(core: AppCore, window: () => BrowserWindow | null): () => void {
  const ended = jobEndWatcher()
  return core.events.on('jobs.progress', (progress) => {
    if (progress.job !== 'batch') return
    const end = ended(progress.id, progress.state)
    if (!end || !Notification.isSupported()) return
    const failed = progress.failed ? `, ${progress.failed} failed` : ''
    const body =
      end === 'failed' && progress.error
        ? progress.error.message
        : `${progress.done} of ${progress.total ?? progress.found} files${failed}.`
    const notice = new Notification({ title: titles[end] ?? 'Batch job', body })
    notice.on('click', () => {
      const win = window()
      if (!win) return
      if (win.isMinimized()) win.restore()
      win.focus()
    })
    notice.show()
  })
}
