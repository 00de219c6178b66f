/**
 * Which web permissions the window gets: one pure decision, used by both of Electron's hooks (the
 * check a web API makes first, and the request it makes after), so the two cannot disagree.
 */
import { originOf } from './navigationPolicy'

/** Writing to the clipboard ("Copy as PNG" in Explore); reading it, camera, notifications… no. */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write']

export interface PermissionQuestion {
  permission: string
  /** The asking frame's URL or origin (Electron gives one or the other, depending on the hook). */
  requesting: string | undefined
  /** Set for a cross-origin subframe: the origin of the page embedding it. */
  embeddingOrigin?: string | undefined
}

export function isPermissionGranted(question: PermissionQuestion, appOrigin: string): boolean {
  const fromApp = (url: string | undefined) => url !== undefined && originOf(url) === appOrigin
  return (
    GRANTED_PERMISSIONS.includes(question.permission) &&
    fromApp(question.requesting) &&
    (question.embeddingOrigin === undefined || fromApp(question.embeddingOrigin))
  )
}
