/**
 * The words for a download and a cached artifact, in the current language: sizes, rate, time
 * left, phase, dates. Shared by the Downloads view and the model's download action so both say
 * the same thing the same way.
 */
import { useI18n } from 'vue-i18n'
import type { Artifact, ArtifactKind, DownloadState } from '@shared/contract'
import { formatBytes } from '@shared/format/formatBytes'
import { formatDecimal } from '@shared/format/formatDecimal'
import {
  contentsKey,
  downloadFraction,
  downloadPhase,
  hostOf,
  splitDuration,
} from '../downloads/downloadFormat'

export interface DownloadText {
  bytes: (n: number) => string
  /** "1.2 MB of 3.4 MB", or "1.2 MB" while the size is unknown. */
  amount: (state: DownloadState) => string
  percent: (state: DownloadState) => string | null
  rate: (state: DownloadState) => string | null
  eta: (state: DownloadState) => string | null
  /** What it is doing now: connecting, downloading, checking, unpacking, or how it ended. */
  phase: (state: DownloadState) => string
  resumed: (state: DownloadState) => string | null
  /** "Inference model", as a label. */
  kind: (kind: ArtifactKind) => string
  /** "inference model", inside a sentence. */
  kindInSentence: (kind: ArtifactKind) => string
  contents: (artifact: Artifact) => string
  /** What was checked about it: the server's digests and the model's structure. */
  checked: (artifact: Artifact) => string
  date: (iso: string) => string
}

export function useDownloadText(): DownloadText {
  const { t, locale } = useI18n()
  const bytes = formatBytes

  function percent(state: DownloadState): string | null {
    const fraction = downloadFraction(state)
    if (fraction === null) return null
    // Rounded down: a download never reads "100%" before it is complete.
    return `${formatDecimal(Math.floor(fraction * 100), 0, 0)}%`
  }

  function rate(state: DownloadState): string | null {
    if (state.state !== 'downloading' || state.rate <= 0) return null
    return t('downloads.progress.rate', { rate: bytes(state.rate) })
  }

  function eta(state: DownloadState): string | null {
    if (state.state !== 'downloading' || state.eta === null || state.rate <= 0) return null
    const { hours, minutes, seconds } = splitDuration(state.eta)
    if (hours > 0) return t('downloads.progress.etaHours', { h: hours, m: minutes })
    if (minutes > 0) return t('downloads.progress.etaMinutes', { m: minutes, s: seconds })
    return t('downloads.progress.etaSeconds', { s: seconds })
  }

  function amount(state: DownloadState): string {
    return state.total === null
      ? bytes(state.done)
      : t('downloads.progress.amount', {
          received: bytes(state.done),
          total: bytes(state.total),
        })
  }

  function phase(state: DownloadState): string {
    const name = downloadPhase(state)
    if (name === 'connecting') return t('downloads.phase.connecting', { host: hostOf(state.url) })
    return t(`downloads.phase.${name}`)
  }

  function resumed(state: DownloadState): string | null {
    return state.resumedFrom > 0
      ? t('downloads.progress.resumedFrom', { size: bytes(state.resumedFrom) })
      : null
  }

  function checked(artifact: Artifact): string {
    const { digests, structure } = artifact.verification
    const parts = digests.map((digest) => t('downloads.cache.digest', { digest }))
    if (structure)
      parts.push(
        t(
          `downloads.cache.structure.${structure.format}`,
          {
            ops: formatDecimal(structure.ops, 0, 0),
            params: formatDecimal(structure.params, 0, 0),
          },
          structure.params,
        ),
      )
    return parts.length
      ? t('downloads.cache.checked', { what: parts.join(' · ') })
      : t('downloads.cache.checkedNothing')
  }

  const dateFormats = new Map<string, Intl.DateTimeFormat>()
  function date(iso: string): string {
    let format = dateFormats.get(locale.value)
    if (!format) {
      format = new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' })
      dateFormats.set(locale.value, format)
    }
    const parsed = new Date(iso)
    return Number.isNaN(parsed.getTime()) ? iso : format.format(parsed)
  }

  return {
    bytes,
    amount,
    percent,
    rate,
    eta,
    phase,
    resumed,
    kind: (kind) => t(`downloads.kind.${kind}`),
    kindInSentence: (kind) => t(`downloads.kindInSentence.${kind}`),
    contents: (artifact) => t(`downloads.contents.${contentsKey(artifact)}`),
    checked,
    date,
  }
}
