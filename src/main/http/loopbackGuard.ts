/**
 * Browser mode listens on loopback only; these checks stop other web pages (DNS rebinding,
 * cross-origin requests) from reaching it through the user's browser.
 */
import { timingSafeEqual } from 'node:crypto'

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false
  return LOOPBACK_HOSTS.some((host) => hostHeader.toLowerCase() === `${host}:${port}`)
}

/** Requests without an Origin (navigation, curl) pass; a present Origin must be our own. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true
  return LOOPBACK_HOSTS.some((host) => originHeader.toLowerCase() === `http://${host}:${port}`)
}

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  return match?.[1] ?? null
}
