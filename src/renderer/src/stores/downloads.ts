/**
 * The weights cache and its downloads, for every view: the one source of truth for download
 * progress. It subscribes once to `jobs.progress`, reconciles with `weights.list` when a
 * download ends (the cache changed) and, as a safety net, while a download runs but no event has
 * arrived for a while (the event stream reconnecting drops events).
 *
 * Actions return the API's error (or null), so the component that started them can show it where
 * the user is looking.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type {
  Artifact,
  ArtifactKind,
  DownloadState,
  GcReport,
  ImportArtifactInput,
  WeightsSettings,
  WeightsSettingsPatch,
} from '@shared/contract'
import type { ApiError } from '@shared/errors'
import { api } from '../api'
import { isActive } from '../downloads/downloadFormat'
import { artifactId, mergeSnapshot, newerState } from '../downloads/downloadMerge'

export interface VerifyOutcome {
  ok: boolean
  message: string
  at: number
}

/** How long a running download may stay silent before the list is asked instead. */
const SILENCE_MS = 1500
const POLL_MS = 1000

export const useDownloadsStore = defineStore('downloads', () => {
  const downloads = ref<Record<string, DownloadState>>({})
  const artifacts = shallowRef<Artifact[]>([])
  const totalBytes = ref(0)
  const settings = ref<WeightsSettings | null>(null)
  const loaded = ref(false)
  const loadError = ref<ApiError | null>(null)
  /** Artifacts whose pull was asked for and not answered yet (the button waits). */
  const starting = ref<Record<string, true>>({})
  const verifyResults = ref<Record<string, VerifyOutcome>>({})
  /** Artifact ids being verified; `*` while "Verify all" runs. */
  const verifying = ref<Record<string, true>>({})

  let lastEventAt = 0
  let refreshTimer: ReturnType<typeof setTimeout> | undefined

  function apply(state: DownloadState): void {
    if (!newerState(downloads.value[state.id], state)) return
    const wasActive = downloads.value[state.id] && isActive(downloads.value[state.id]!)
    downloads.value[state.id] = state
    // A download that ended changed the cache (a new artifact, or a trimmed one).
    if (!isActive(state) && (wasActive || state.state === 'done')) scheduleRefresh()
  }

  api.on('jobs.progress', (state) => {
    if (state.job !== 'download') return
    lastEventAt = Date.now()
    apply(state)
  })

  let listRequest = 0
  /** Reads the cache, the session's downloads and the settings. */
  async function refresh(): Promise<void> {
    const request = ++listRequest
    const result = await api.invoke('weights.list', {})
    // An older answer than one already applied would undo newer news.
    if (request !== listRequest) return
    loaded.value = true
    if (!result.ok) {
      loadError.value = result.error
      return
    }
    loadError.value = null
    artifacts.value = result.value.artifacts
    totalBytes.value = result.value.totalBytes
    settings.value = result.value.settings
    downloads.value = mergeSnapshot(downloads.value, result.value.downloads)
  }

  function scheduleRefresh(): void {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => void refresh(), 60)
  }

  let loading: Promise<void> | null = null
  /** Loads once for the views that need it; `refresh` reads again. */
  function ensureLoaded(): Promise<void> {
    loading ??= refresh()
    return loading
  }

  const active = computed(() =>
    Object.values(downloads.value)
      .filter(isActive)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
  )
  const finished = computed(() =>
    Object.values(downloads.value)
      .filter((state) => !isActive(state))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
  )
  const artifactsById = computed(() => new Map(artifacts.value.map((a) => [a.id, a])))
  /** The running download of each model (its inference archive first), for the models table. */
  const activeByModel = computed(() => {
    const map = new Map<string, DownloadState>()
    for (const state of active.value) {
      const seen = map.get(state.modelId)
      if (!seen || (seen.kind !== 'inference' && state.kind === 'inference'))
        map.set(state.modelId, state)
    }
    return map
  })
  const cachedModels = computed(() => new Set(artifacts.value.map((a) => a.modelId)))

  // The safety net: poll while something runs and the events have gone quiet.
  let pollTimer: ReturnType<typeof setInterval> | undefined
  watch(
    () => active.value.length > 0,
    (running) => {
      clearInterval(pollTimer)
      if (!running) return
      lastEventAt = Date.now()
      pollTimer = setInterval(() => {
        if (Date.now() - lastEventAt >= SILENCE_MS) void refresh()
      }, POLL_MS)
    },
  )

  function download(modelId: string, kind: ArtifactKind): DownloadState | null {
    return downloads.value[artifactId(modelId, kind)] ?? null
  }

  function artifact(modelId: string, kind: ArtifactKind): Artifact | null {
    return artifactsById.value.get(artifactId(modelId, kind)) ?? null
  }

  /** Starts (or joins) a download; progress then arrives as events. */
  async function pull(modelId: string, kind: ArtifactKind): Promise<ApiError | null> {
    const id = artifactId(modelId, kind)
    if (starting.value[id]) return null
    starting.value[id] = true
    try {
      const result = await api.invoke('weights.pull', { modelId, kind })
      if (!result.ok) return result.error
      apply(result.value)
      return null
    } finally {
      delete starting.value[id]
    }
  }

  async function cancel(id: string): Promise<ApiError | null> {
    const result = await api.invoke('weights.cancel', { id })
    return result.ok ? null : result.error
  }

  async function remove(id: string): Promise<ApiError | null> {
    const result = await api.invoke('weights.remove', { id })
    delete verifyResults.value[id]
    await refresh()
    return result.ok ? null : result.error
  }

  /** Re-hashes one artifact, or all of them without an id; results stay beside each artifact. */
  async function verify(id?: string): Promise<ApiError | null> {
    const key = id ?? '*'
    verifying.value[key] = true
    try {
      const result = await api.invoke('weights.verify', id ? { id } : {})
      if (!result.ok) return result.error
      const at = Date.now()
      for (const check of result.value.checked) {
        verifyResults.value[check.id] = { ok: check.ok, message: check.message, at }
      }
      return null
    } finally {
      delete verifying.value[key]
    }
  }

  async function gc(): Promise<GcReport | ApiError> {
    const result = await api.invoke('weights.gc', {})
    await refresh()
    return result.ok ? result.value : result.error
  }

  async function configure(patch: WeightsSettingsPatch): Promise<ApiError | null> {
    const result = await api.invoke('weights.configure', patch)
    if (!result.ok) return result.error
    settings.value = result.value
    return null
  }

  /** Adds a file the app already received (`api.upload`) to the cache. */
  async function importArtifact(input: ImportArtifactInput): Promise<Artifact | ApiError> {
    const result = await api.invoke('weights.import', input)
    await refresh()
    return result.ok ? result.value : result.error
  }

  return {
    downloads,
    artifacts,
    totalBytes,
    settings,
    loaded,
    loadError,
    starting,
    verifyResults,
    verifying,
    active,
    finished,
    activeByModel,
    cachedModels,
    ensureLoaded,
    refresh,
    download,
    artifact,
    pull,
    cancel,
    remove,
    verify,
    gc,
    configure,
    importArtifact,
  }
})
