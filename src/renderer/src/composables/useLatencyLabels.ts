/** Short, translated names for latency platforms and their (batch size, threads) keys. */
import { useI18n } from 'vue-i18n'
import type { PlatformId } from '@shared/catalog/types'
import type { LatencyKey } from '@shared/contract'

export interface LatencyLabels {
  platformShort: (id: PlatformId) => string
  /** "batch 4" for GPU/CPU timings, "4 threads" for ARM timings, both for this machine's. */
  keyLabel: (key: { batchSize: number; threads: number | null }) => string
  /** "SD855 · 4 threads": the latency column's caption. */
  caption: (key: LatencyKey) => string
}

export function useLatencyLabels(): LatencyLabels {
  const { t } = useI18n()
  const platformShort = (id: PlatformId): string => t(`models.platforms.${id}`)
  const keyLabel = (key: { batchSize: number; threads: number | null }): string => {
    const batch = t('models.latency.batch', { n: key.batchSize })
    if (key.threads === null) return batch
    const threads = t('models.latency.threads', key.threads)
    return key.batchSize > 1 ? `${batch} · ${threads}` : threads
  }
  const caption = (key: LatencyKey): string =>
    t('models.latency.caption', { platform: platformShort(key.platform), key: keyLabel(key) })
  return { platformShort, keyLabel, caption }
}
