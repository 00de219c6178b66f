/**
 * A server error in the reader's language. The server writes its messages in English (they name
 * files, sizes and ids); the code says what kind of failure it is, and each code has a sentence
 * in every language. English shows the message as written; other languages lead with the code's
 * sentence and keep the message beside it, so nothing specific is lost.
 */
import { useI18n } from 'vue-i18n'
import type { ApiError } from '@shared/errors'
import { isErrorCode } from '@shared/errors'

export interface ErrorText {
  /** The code's sentence in the current language (null in English, where the message says it). */
  summary: string | null
  /** The server's own message. */
  detail: string
}

export function useErrorText() {
  const { t, locale } = useI18n()
  const parts = (error: Pick<ApiError, 'code' | 'message'>): ErrorText => ({
    summary:
      locale.value !== 'en' && isErrorCode(error.code) ? t(`errors.codes.${error.code}`) : null,
    detail: error.message,
  })
  /** One line: the summary with the message in brackets, or the message alone in English. */
  const line = (error: Pick<ApiError, 'code' | 'message'>): string => {
    const { summary, detail } = parts(error)
    return summary ? t('errors.withDetail', { summary, detail }) : detail
  }
  return { parts, line }
}
