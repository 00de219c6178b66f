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
