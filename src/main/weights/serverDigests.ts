/**
 * Checksums a server states for the file it sends, read from its response headers: an ETag that
 * is an MD5 (PaddleClas's host, Baidu BOS, S3 single-part uploads), Content-MD5, RFC 9530's
 * Repr-Digest and Content-Digest, RFC 3230's Digest, Google Cloud Storage's x-goog-hash. Only
 * statements about the WHOLE file are taken: a 206 answer's Content-MD5 / Content-Digest cover just
 * the part sent. PaddleClas publishes no checksums of its own, so these are all there is to check
 * the bytes against (the archive's structure is checked after).
 */
import type { IncomingHttpHeaders } from 'node:http'

export interface StatedDigest {
  algorithm: 'sha256' | 'md5'
  /** Lowercase hex. */
  hex: string
  /** The header it came from ("ETag", "Repr-Digest"). */
  source: string
}

const header = (headers: IncomingHttpHeaders, name: string): string | null => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : (value ?? null)
}

const base64Hex = (value: string, bytes: number): string | null => {
  const buffer = Buffer.from(value, 'base64')
  return buffer.length === bytes ? buffer.toString('hex') : null
}

const ALGORITHMS: Record<
  string,
  { algorithm: StatedDigest['algorithm']; bytes: number; label: string }
> = {
  'sha-256': { algorithm: 'sha256', bytes: 32, label: 'SHA-256' },
  md5: { algorithm: 'md5', bytes: 16, label: 'MD5' },
}

/** `sha-256=:base64:, md5=:…:` (RFC 9530 dictionaries) or `SHA-256=base64,MD5=…` (RFC 3230). */
function listed(value: string | null, source: string, structured: boolean): StatedDigest[] {
  if (!value) return []
  const found: StatedDigest[] = []
  const pattern = structured
    ? /([A-Za-z0-9-]+)=:([A-Za-z0-9+/=]+):/g
    : /([A-Za-z0-9-]+)=([A-Za-z0-9+/=]+)/g
  for (const [, name, encoded] of value.matchAll(pattern)) {
    const known = ALGORITHMS[name!.toLowerCase()]
    if (!known) continue
    const hex = base64Hex(encoded!, known.bytes)
    if (hex) found.push({ algorithm: known.algorithm, hex, source })
  }
  return found
}

/** An ETag that is a plain MD5 in hex (strong, 32 hex digits); multipart or weak ETags are not. */
export function md5OfEtag(etag: string | null): string | null {
  return etag ? (/^"?([0-9a-f]{32})"?$/i.exec(etag)?.[1]?.toLowerCase() ?? null) : null
}

export function statedDigests(headers: IncomingHttpHeaders, wholeBody: boolean): StatedDigest[] {
  const digests: StatedDigest[] = []
  const etagMd5 = md5OfEtag(header(headers, 'etag'))
  if (etagMd5) digests.push({ algorithm: 'md5', hex: etagMd5, source: 'ETag' })
  if (wholeBody) {
    const contentMd5 = header(headers, 'content-md5')
    const hex = contentMd5 ? base64Hex(contentMd5.trim(), 16) : null
    if (hex) digests.push({ algorithm: 'md5', hex, source: 'Content-MD5' })
    digests.push(...listed(header(headers, 'content-digest'), 'Content-Digest', true))
  }
  digests.push(...listed(header(headers, 'repr-digest'), 'Repr-Digest', true))
  digests.push(...listed(header(headers, 'digest'), 'Digest', false))
  const goog = header(headers, 'x-goog-hash')
  for (const [, encoded] of goog?.matchAll(/md5=([A-Za-z0-9+/=]+)/g) ?? []) {
    const hex = base64Hex(encoded!, 16)
    if (hex) digests.push({ algorithm: 'md5', hex, source: 'x-goog-hash' })
  }
  return digests
}

/** "MD5 (ETag)": how a digest is named in messages and in the artifact's record. */
export const describeDigest = (digest: StatedDigest) =>
  `${digest.algorithm === 'sha256' ? 'SHA-256' : 'MD5'} (${digest.source})`

/** Both lists, without repeating a statement already there. */
export function mergeDigests(
  a: readonly StatedDigest[],
  b: readonly StatedDigest[],
): StatedDigest[] {
  const merged = [...a]
  for (const digest of b) {
    if (!merged.some((d) => d.source === digest.source && d.hex === digest.hex)) merged.push(digest)
  }
  return merged
}

/** The first stated digest the computed ones contradict, or null when all agree. */
export function contradicted(
  stated: readonly StatedDigest[],
  computed: { sha256: string; md5: string | null },
): StatedDigest | null {
  return (
    stated.find((d) =>
      d.algorithm === 'sha256'
        ? d.hex !== computed.sha256
        : computed.md5 !== null && d.hex !== computed.md5,
    ) ?? null
  )
}
