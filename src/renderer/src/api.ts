import { createClient } from '@shared/api/client'
import { createHttpTransport } from '@shared/api/httpTransport'
import type { Transport } from '@shared/api/transport'

/** Inside Electron the preload bridge; in browser mode HTTP with the token from the page URL. */
function pickTransport(): Transport {
  if (window.zoo) return window.zoo
  const token = new URLSearchParams(window.location.search).get('token') ?? ''
  return createHttpTransport({ baseUrl: window.location.origin, token })
}

export const api = createClient(pickTransport())
