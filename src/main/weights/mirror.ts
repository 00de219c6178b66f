/** Where an artifact is downloaded from: PaddleClas's host, or the same path on a mirror. */
export const PADDLE_HOST = 'https://paddle-imagenet-models-name.bj.bcebos.com/'

/**
 * `https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/inference/X_infer.tar` with mirror
 * `http://mirror.local/paddle` → `http://mirror.local/paddle/dygraph/inference/X_infer.tar`.
 * URLs on other hosts are left alone (they were not PaddleClas's to mirror).
 */
export function mirrored(url: string, mirror: string | null): string {
  if (!mirror || !url.startsWith(PADDLE_HOST)) return url
  return `${mirror.replace(/\/+$/, '')}/${url.slice(PADDLE_HOST.length)}`
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

/**
 * Why a download URL cannot be trusted in transit, or null: plain http to another machine can be
 * altered on the way, and PaddleClas publishes no checksums to catch that.
 */
export function mirrorWarning(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'http:' || LOOPBACK.test(parsed.hostname)) return null
  return `${parsed.host} is reached over plain http: anyone on the way can change the files, and PaddleClas publishes no checksums to catch it. Prefer an https mirror.`
}
