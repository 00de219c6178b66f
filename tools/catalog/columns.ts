/**
 * What each table column holds. Headers vary between tables (FLOPs in G or M, latency on one of
 * four platforms), so every header is classified here, and an unknown header stops the import.
 */
import type { PlatformId } from '../../src/shared/catalog/types'
import { ImportError } from './importError'
import { headerText } from './markdownText'
import { platformOfFootnote } from './platforms'

export type Column =
  | { kind: 'name' }
  | { kind: 'accuracy'; field: 'top1' | 'top5' | 'ssldReferenceTop1' | 'ssldGain' }
  | { kind: 'flops'; unit: 'G' | 'M' }
  | { kind: 'params' }
  | { kind: 'size' }
  | { kind: 'latency'; platform: PlatformId; batchSize: number; threads: number | null }
  | { kind: 'link'; field: 'pretrained' | 'inference' }

export interface ColumnContext {
  document: string
  line: number
  /** Footnote lines after the table, e.g. `*: 基于 Intel-Xeon-Gold-6148 …`. */
  footnotes: readonly string[]
}

function footnotePlatform(marker: string, context: ColumnContext): PlatformId {
  const note = context.footnotes.find(
    (line) => line.startsWith(`${marker}:`) || line.startsWith(`${marker}：`),
  )
  const platform = note ? platformOfFootnote(note) : null
  if (!platform) {
    throw new ImportError(
      `latency column marked "${marker}" has no footnote naming its platform`,
      context,
    )
  }
  return platform
}

export function classifyColumn(rawHeader: string, context: ColumnContext): Column {
  const header = headerText(rawHeader)
  if (header === '模型' || header === 'Model') return { kind: 'name' }
  if (header === 'Top-1 Acc') return { kind: 'accuracy', field: 'top1' }
  if (header === 'Top-5 Acc') return { kind: 'accuracy', field: 'top5' }
  if (header === 'Reference Top-1 Acc') return { kind: 'accuracy', field: 'ssldReferenceTop1' }
  if (header === 'Acc gain') return { kind: 'accuracy', field: 'ssldGain' }
  if (header === 'FLOPs(G)') return { kind: 'flops', unit: 'G' }
  if (header === 'FLOPs(M)') return { kind: 'flops', unit: 'M' }
  if (header === 'Params(M)') return { kind: 'params' }
  // The English overview (ImageNet_models.en.md) writes the same tables with these headers.
  if (header === '模型大小(M)' || header === 'Model大小(M)') return { kind: 'size' }
  if (header === '预训练模型下载地址' || header === 'Pretrained Model Download Address')
    return { kind: 'link', field: 'pretrained' }
  if (header === 'inference模型下载地址' || header === 'Inference Model Download Address')
    return { kind: 'link', field: 'inference' }

  const arm = /^SD855 time\(ms\) bs=(\d+), thread=(\d+)$/.exec(header)
  if (arm) {
    return {
      kind: 'latency',
      platform: 'sd855-arm-fp32',
      batchSize: Number(arm[1]),
      threads: Number(arm[2]),
    }
  }
  const intel = /^Intel-Xeon-Gold-6148 time\(ms\) bs=(\d+)$/.exec(header)
  if (intel) {
    return {
      kind: 'latency',
      platform: 'xeon6148-paddle-fp32',
      batchSize: Number(intel[1]),
      threads: null,
    }
  }
  const marked = /^time\(ms\)<sup>(\*+)<\/sup> bs=(\d+)$/.exec(header)
  if (marked) {
    return {
      kind: 'latency',
      platform: footnotePlatform(marked[1]!, context),
      batchSize: Number(marked[2]),
      threads: null,
    }
  }
  // An unmarked "time(ms)" is the GPU benchmark the overview describes (V100, TensorRT, FP32).
  const gpu = /^time\(ms\) bs=(\d+)$/.exec(header)
  if (gpu)
    return { kind: 'latency', platform: 'v100-trt-fp32', batchSize: Number(gpu[1]), threads: null }

  throw new ImportError(`unknown column header "${rawHeader}"`, context)
}
