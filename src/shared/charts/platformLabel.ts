/**
 * Human names of latency platforms for axes, titles, legends and CSV headers, read from the
 * shipped catalog's platform descriptions so a chart never shows an internal id such as
 * "v100-trt-fp32".
 */
import platforms from '../../../resources/catalog/platforms.json'
import type { Locale } from '../contract/values'
import { THIS_MACHINE } from '../bench/machineLatencies'
import type { LatencyChoice } from './chartFields'

const names = new Map<string, string>(platforms.map((p) => [p.id, p.name]))
const order = new Map<string, number>(platforms.map((p, i) => [p.id, i]))

/** A platform's place in the catalog's list, for ordering columns. */
export const platformOrder = (id: string): number => order.get(id) ?? order.size

/**
 * The catalog names platforms in English; hardware names stay as they are in Chinese too, except
 * the one with a usual Chinese name (骁龙), so a zh-CN label does not mix languages needlessly.
 */
export function platformName(id: string, locale: Locale): string {
  if (id === THIS_MACHINE) return locale === 'zh-CN' ? '本机' : 'This machine'
  const name = names.get(id) ?? id
  return locale === 'zh-CN' ? name.replace('Snapdragon', '骁龙') : name
}

/**
 * "batch 4" for GPU/CPU timings, "4 threads" for ARM timings (batch 1), both for this machine's
 * ("batch 4 · 2 threads").
 */
export function latencyRunLabel(
  choice: Pick<LatencyChoice, 'batchSize' | 'threads'>,
  locale: Locale,
): string {
  const zh = locale === 'zh-CN'
  const batch = zh ? `批大小 ${choice.batchSize}` : `batch ${choice.batchSize}`
  if (!choice.threads) return batch
  const threads = zh
    ? `${choice.threads} 线程`
    : `${choice.threads} thread${choice.threads === 1 ? '' : 's'}`
  return choice.batchSize > 1 ? `${batch} · ${threads}` : threads
}

/** "NVIDIA V100 · TensorRT 8.0 · FP32 · batch 1". */
export function latencyLabel(
  choice: Pick<LatencyChoice, 'platform' | 'batchSize' | 'threads'>,
  locale: Locale,
): string {
  return `${platformName(choice.platform, locale)} · ${latencyRunLabel(choice, locale)}`
}
