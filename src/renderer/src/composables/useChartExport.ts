/**
 * Saves and copies a chart rendered by the main side's export engine (`chart.export` for Explore,
 * `batch.chartExport` for a batch job's charts), so a file saved here is the file the CLI writes
 * for the same chart: same size (the CLI's default 1280×800), same theme and language handling,
 * same metadata.
 *
 * Saving is an `<a download>` of a Blob: Electron turns it into its native "Save As" dialog, a
 * browser into a download. Copying writes a PNG ClipboardItem; the Electron shell allows exactly
 * that permission ('clipboard-sanitized-write').
 */
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ChartState } from '@shared/charts/chartState'
import type { ChartExportResult, ChartFormat, Locale } from '@shared/contract'
import { AppError, type Result } from '@shared/errors'
import { api } from '../api'
import { useErrorText } from './useErrorText'

/** The CLI's defaults (`zoo export chart`), so UI and CLI exports of one state are the same file. */
export const EXPORT_WIDTH = 1280
export const EXPORT_HEIGHT = 800
export const EXPORT_PIXEL_RATIO = 2

/** The chart in one format, at the CLI's size (see EXPORT_WIDTH and friends). */
export type ChartRenderer = (format: ChartFormat) => Promise<Result<ChartExportResult>>

/** Explore's chart through `chart.export`. */
export function exploreChartRenderer(
  source: () => { state: ChartState; theme: 'light' | 'dark'; locale: Locale },
): ChartRenderer {
  return (format) => {
    const { state, theme, locale } = source()
    return api.invoke('chart.export', {
      state,
      format,
      width: EXPORT_WIDTH,
      height: EXPORT_HEIGHT,
      theme,
      locale,
      pixelRatio: EXPORT_PIXEL_RATIO,
    })
  }
}

export type ExportAction = ChartFormat | 'copy'

export interface ChartExport {
  busy: Ref<ExportAction | null>
  message: Ref<{ kind: 'ok' | 'error'; text: string } | null>
  save: (format: ChartFormat) => Promise<void>
  copyPng: () => Promise<void>
}

export function blobOf(result: ChartExportResult): Blob {
  const binary = atob(result.base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new Blob([bytes], { type: result.mime })
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download (or the save dialog) has read the Blob by then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** `savedKey` names the message for a saved file; it gets `{file}` and `{n}` (points drawn). */
export function useChartExport(
  renderer: ChartRenderer,
  savedKey = 'explore.export.saved',
): ChartExport {
  const { t } = useI18n()
  const errorText = useErrorText()
  const busy = ref<ExportAction | null>(null)
  const message = ref<{ kind: 'ok' | 'error'; text: string } | null>(null)

  async function render(format: ChartFormat): Promise<ChartExportResult> {
    const result = await renderer(format)
    // An AppError keeps the code, so the failure below reads in the user's language.
    if (!result.ok)
      throw new AppError(result.error.code, result.error.message, result.error.details)
    return result.value
  }

  /** The server's error in the user's language; anything else (a download refused) as written. */
  function failed(error: unknown): string {
    const message = error instanceof AppError ? errorText.line(error) : (error as Error).message
    return t('explore.export.failed', { message })
  }

  async function save(format: ChartFormat): Promise<void> {
    if (busy.value) return
    busy.value = format
    message.value = null
    try {
      const result = await render(format)
      download(blobOf(result), result.fileName)
      message.value = {
        kind: 'ok',
        text: t(savedKey, { file: result.fileName, n: result.points }),
      }
    } catch (error) {
      message.value = {
        kind: 'error',
        text: failed(error),
      }
    } finally {
      busy.value = null
    }
  }

  async function copyPng(): Promise<void> {
    if (busy.value) return
    message.value = null
    if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) {
      message.value = { kind: 'error', text: t('explore.export.clipboardMissing') }
      return
    }
    busy.value = 'copy'
    // The item is handed to the clipboard at once (inside the click) with a promise of the PNG:
    // browsers may refuse a write that starts after an await.
    const png = render('png').then(blobOf)
    png.catch(() => {}) // handled below; keeps the console free of an "unhandled rejection"
    try {
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })])
      message.value = { kind: 'ok', text: t('explore.export.copied') }
    } catch (error) {
      // The export itself failing says so; anything else is the clipboard refusing.
      const exportFailed = await png.then(
        () => null,
        (cause: Error) => cause,
      )
      message.value = {
        kind: 'error',
        text: exportFailed
          ? failed(exportFailed)
          : t('explore.export.clipboardRefused', { message: (error as Error).message }),
      }
    } finally {
      busy.value = null
    }
  }

  return { busy, message, save, copyPng }
}
