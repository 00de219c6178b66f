/**
 * Batch jobs for every view: the job list (read from the journal, so jobs a `zoo` command in a
 * terminal runs show too), the live progress of those this app runs (the `jobs.progress` event),
 * and the controls. A job that ends is announced once: a toast here in browser mode; the desktop
 * app's main process shows the OS notification itself.
 *
 * Actions return the API's error (or null), so the component that started them can show it where
 * the user is looking.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { BatchJob, BatchProgress, BatchStartInput, JobState } from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { jobEndWatcher } from '@shared/batch/jobStates'
import { api } from '../api'
import { isRunningState, jobTitle } from '../batch/batchFormat'
import { useToastsStore } from './toasts'

export type BatchControl = 'batch.pause' | 'batch.resume' | 'batch.cancel' | 'batch.retryFailed'

/** How often the list is read again while a job runs, or while the Batch view is open. */
const POLL_MS = 2000

export const useBatchStore = defineStore('batch', () => {
  const jobs = shallowRef<BatchJob[]>([])
  const progress = ref<Record<string, BatchProgress>>({})
  const loaded = ref(false)
  const loadError = ref<ApiError | null>(null)
  /** Jobs with a control request in flight (their buttons wait). */
  const busy = ref<Record<string, true>>({})
  const toasts = useToastsStore()

  const ended = jobEndWatcher()

  function noteState(id: string, state: JobState, label: string): void {
    const end = ended(id, state)
    // The desktop app's main process shows the OS notification instead.
    if (!end || window.zoo) return
    toasts.show({ kind: end === 'done' ? 'ok' : 'warn', job: id, state: end, label })
  }

  let listRequest = 0
  async function refresh(): Promise<void> {
    const request = ++listRequest
    const result = await api.invoke('batch.list', {})
    if (request !== listRequest) return
    loaded.value = true
    if (!result.ok) {
      loadError.value = result.error
      return
    }
    loadError.value = null
    jobs.value = result.value
    for (const job of result.value) noteState(job.id, job.state, jobTitle(job))
  }

  api.on('jobs.progress', (event) => {
    if (event.job !== 'batch') return
    progress.value[event.id] = event
    const job = jobs.value.find((j) => j.id === event.id)
    if (job) noteState(job.id, event.state, jobTitle(job))
    // The list's counts and states follow at the next read; an end is worth reading at once.
    if (!isRunningState(event.state) || !job) void refresh()
  })

  let pollers = 0
  let timer: ReturnType<typeof setInterval> | undefined
  /** Reads the list now and every few seconds until the returned function is called. */
  function watchList(): () => void {
    void refresh()
    pollers++
    timer ??= setInterval(() => void refresh(), POLL_MS)
    return () => {
      if (--pollers > 0) return
      clearInterval(timer)
      timer = undefined
    }
  }

  /** Starts a job, or resumes the unfinished one of the same folders and models (`resumed`). */
  async function start(
    input: BatchStartInput,
  ): Promise<{ job: BatchJob; resumed: boolean } | { error: ApiError }> {
    const result = await api.invoke('batch.start', input)
    if (!result.ok) return { error: result.error }
    noteState(result.value.job.id, result.value.job.state, jobTitle(result.value.job))
    await refresh()
    return result.value
  }

  async function control(channel: BatchControl, id: string): Promise<ApiError | null> {
    busy.value[id] = true
    try {
      const result = await api.invoke(channel, { id })
      await refresh()
      return result.ok ? null : result.error
    } finally {
      delete busy.value[id]
    }
  }

  const byId = computed(() => new Map(jobs.value.map((job) => [job.id, job])))

  return {
    jobs,
    progress,
    loaded,
    loadError,
    busy,
    byId,
    refresh,
    watchList,
    start,
    control,
  }
})
