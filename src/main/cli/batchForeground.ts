/**
 * Running a batch job in the `zoo` process itself (`zoo classify --dir`, `zoo batch resume`):
 * progress on the terminal (a line redrawn in place on a TTY, plain lines every few seconds
 * otherwise), Ctrl+C pauses the job so that the same command resumes it, and the end says what
 * was done in numbers. The exit status tells scripts how it went.
 */
import type { BatchJob, BatchProgress } from '../../shared/contract'
import { formatDecimal } from '../../shared/format/formatDecimal'
import type { AppCore } from '../core/appCore'
import type { CliIo } from './command'
import { EXIT } from './reportFailure'

/** The status a command that ran a job exits with. */
export const EXIT_INTERRUPTED = 130

const count = (n: number) => formatDecimal(n, 0, 0)

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  if (seconds < 10) return `${formatDecimal(seconds, 1, 1)} s`
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

export function progressText(progress: BatchProgress): string {
  const total =
    progress.total === null ? `${count(progress.found)} found so far` : count(progress.total)
  const bar = (() => {
    if (progress.total === null || progress.total === 0) return ''
    const width = 24
    const filled = Math.round((progress.done / progress.total) * width)
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `
  })()
  const rate = progress.rate > 0 ? ` · ${formatDecimal(progress.rate, 1, 1)} files/s` : ''
  const eta = progress.eta !== null && progress.rate > 0 ? ` · ${duration(progress.eta)} left` : ''
  const failed = progress.failed ? ` · ${count(progress.failed)} failed` : ''
  return `${bar}${count(progress.done)} of ${total}${failed}${rate}${eta}`
}

export function summaryText(job: BatchJob, seconds: number): string {
  const { done, failed, pending } = job.counts
  const handled = done + failed
  const rate = seconds > 0 ? ` (${formatDecimal(handled / seconds, 1, 1)} files/s)` : ''
  const head =
    job.state === 'done'
      ? `Batch job ${job.id} done`
      : job.state === 'paused'
        ? `Batch job ${job.id} paused: run the same command again (or \`zoo batch resume ${job.id}\`) to go on`
        : `Batch job ${job.id} ${job.state}${job.error ? `: ${job.error.message} [${job.error.code}]` : ''}`
  const next =
    job.state === 'failed' && pending
      ? ` Once that is put right, the same command again (or \`zoo batch resume ${job.id}\`) goes on where it stopped.`
      : ''
  return `${head}. ${count(done)} classified, ${count(failed)} failed${pending ? `, ${count(pending)} still to do` : ''}, in ${duration(seconds)}${rate}.${next}`
}

/**
 * The job's state as an exit status: 0 all done, 3 done with failed files, 130 paused by Ctrl+C
 * here, 4 paused or cancelled from elsewhere, 1 failed.
 */
export function exitStatusOfJob(job: BatchJob, interrupted: boolean): number {
  if (interrupted) return EXIT_INTERRUPTED
  if (job.state === 'done') return job.counts.failed > 0 ? EXIT.partial : EXIT.ok
  if (job.state === 'paused' || job.state === 'cancelled') return EXIT.stopped
  return EXIT.failed
}

/**
 * Waits for the job this process runs, showing its progress; Ctrl+C (SIGINT) pauses it. Returns
 * the job as it ended and whether the user interrupted it.
 */
export async function followJob(
  core: AppCore,
  id: string,
  io: CliIo,
  options: { quiet: boolean },
): Promise<{ job: BatchJob; seconds: number; interrupted: boolean }> {
  const started = performance.now()
  let lastLine = 0
  let interrupted = false
  const unsubscribe = core.events.on('jobs.progress', (progress) => {
    if (progress.job !== 'batch' || progress.id !== id || options.quiet) return
    if (io.status) {
      io.status(progressText(progress))
      return
    }
    const now = performance.now()
    if (now - lastLine < 5000 && progress.state === 'running') return
    lastLine = now
    io.err(`${id}: ${progress.state} ${progressText(progress)}`)
  })
  const onSigint = () => {
    interrupted = true
    io.err('\nPausing… (the job resumes where it stopped when you run the same command again)')
    core.batch.pause(id)
  }
  process.once('SIGINT', onSigint)
  try {
    const job = await core.batch.wait(id)
    io.status?.('')
    return { job, seconds: (performance.now() - started) / 1000, interrupted }
  } finally {
    process.off('SIGINT', onSigint)
    unsubscribe()
  }
}
