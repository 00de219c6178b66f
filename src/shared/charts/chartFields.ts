/**
 * The numeric fields a chart axis can show, how to read each from a catalog row, and which way is
 * better (accuracy up, cost down): the Pareto frontier and budget line depend on it.
 */
import type { PlatformId } from '../catalog/types'
import type { ModelRow } from '../contract/catalog'
import { numericFields, type NumericField } from '../contract/values'

/** Any numeric field of a model, as the Models view filters and sorts them, can be an axis. */
export const chartFieldIds = numericFields
export type ChartFieldId = NumericField

export interface LatencyChoice {
  platform: PlatformId
  batchSize: number
  threads: number | null
}

export interface ChartFieldDef {
  id: ChartFieldId
  better: 'higher' | 'lower'
  /** Axis labels; `{key}` is replaced by the latency key's description. */
  label: { en: string; 'zh-CN': string }
  unit: string
  defaultScale: 'linear' | 'log'
  /** Accuracy fields are fractions: shown as percent on axes and in tooltips. */
  percent: boolean
}

export const chartFields: Record<ChartFieldId, ChartFieldDef> = {
  top1: {
    id: 'top1',
    better: 'higher',
    label: { en: 'Top-1 accuracy', 'zh-CN': 'Top-1 精度' },
    unit: '%',
    defaultScale: 'linear',
    percent: true,
  },
  top5: {
    id: 'top5',
    better: 'higher',
    label: { en: 'Top-5 accuracy', 'zh-CN': 'Top-5 精度' },
    unit: '%',
    defaultScale: 'linear',
    percent: true,
  },
  paramsM: {
    id: 'paramsM',
    better: 'lower',
    label: { en: 'Parameters', 'zh-CN': '参数量' },
    unit: 'M',
    defaultScale: 'log',
    percent: false,
  },
  flopsG: {
    id: 'flopsG',
    better: 'lower',
    label: { en: 'FLOPs', 'zh-CN': '计算量 FLOPs' },
    unit: 'G',
    defaultScale: 'log',
    percent: false,
  },
  sizeMB: {
    id: 'sizeMB',
    better: 'lower',
    label: { en: 'Model size', 'zh-CN': '模型大小' },
    unit: 'MB',
    defaultScale: 'log',
    percent: false,
  },
  inputSize: {
    id: 'inputSize',
    better: 'lower',
    label: { en: 'Input size', 'zh-CN': '输入尺寸' },
    unit: 'px',
    defaultScale: 'linear',
    percent: false,
  },
  latency: {
    id: 'latency',
    better: 'lower',
    label: { en: 'Latency', 'zh-CN': '推理耗时' },
    unit: 'ms',
    defaultScale: 'linear',
    percent: false,
  },
}

export function fieldValue(
  row: ModelRow,
  field: ChartFieldId,
  latency?: LatencyChoice,
): number | null {
  switch (field) {
    case 'latency': {
      if (!latency) return null
      const match = row.latencies.find(
        (l) =>
          l.platform === latency.platform &&
          l.batchSize === latency.batchSize &&
          l.threads === latency.threads,
      )
      return match?.ms ?? null
    }
    default:
      return row[field]
  }
}
