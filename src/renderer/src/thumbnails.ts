/**
 * Where the renderer loads a batch file's thumbnail from: the desktop app's own `zoo-thumb:`
 * scheme, or in browser mode the server's token-checked route (an <img> cannot send the Bearer
 * header, so the page's token goes in the query).
 */
import { THUMB_SCHEME } from '@shared/api/bridgeChannels'

/** Longest side in CSS pixels the grid asks for; the server snaps to its own sizes. */
export function thumbnailUrl(jobId: string, fileId: number, size = 160): string {
  const path = `${encodeURIComponent(jobId)}/${fileId}?size=${size}`
  if (window.zoo) return `${THUMB_SCHEME}://thumb/${path}`
  const token = new URLSearchParams(window.location.search).get('token') ?? ''
  return `${window.location.origin}/thumbs/${path}&token=${encodeURIComponent(token)}`
}
