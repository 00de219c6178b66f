/**
 * The one table of the figures a model has: what each is called (en, zh-CN), its unit, which way
 * is better, whether it is stored as a fraction and shown in percent, and how it is printed. The
 * Explore chart, the Models table, Compare and the CLI all read it, so they cannot disagree about
 * whether a larger input is better (it is neither) or what unit FLOPs are in.
 */

export const figureFieldIds = [
  'top1',
  'top5',
  'ssldGain',
  'ssldReferenceTop1',
  'paramsM',
  'flopsG',
  'sizeMB',
  'inputSize',
  'latency',
] as const
export type FigureFieldId = (typeof figureFieldIds)[number]

/** `none`: a figure that describes a model without ranking it (input size, a reference score). */
export type Direction = 'higher' | 'lower' | 'none'

/**
 * How a value is printed: `percent` (a fraction shown ×100), `flops` (stored in G, printed in M
 * below 1 G), `decimal` (at its published precision), `integer`.
 */
export type FigureFormat = 'percent' | 'flops' | 'decimal' | 'integer'

export interface FieldDef {
  id: FigureFieldId
  label: { en: string; 'zh-CN': string }
  /** The unit values are stored and (except FLOPs below 1 G) printed in. */
  unit: string
  direction: Direction
  /** Stored as a fraction (0.7912), shown as percent (79.12). */
  percent: boolean
  format: FigureFormat
}

export const fieldTable: Record<FigureFieldId, FieldDef> = {
  top1: {
    id: 'top1',
    label: { en: 'Top-1 accuracy', 'zh-CN': 'Top-1 精度' },
    unit: '%',
    direction: 'higher',
    percent: true,
    format: 'percent',
  },
  top5: {
    id: 'top5',
    label: { en: 'Top-5 accuracy', 'zh-CN': 'Top-5 精度' },
    unit: '%',
    direction: 'higher',
    percent: true,
    format: 'percent',
  },
  ssldGain: {
    id: 'ssldGain',
    label: { en: 'SSLD gain', 'zh-CN': 'SSLD 提升' },
    // A difference of two accuracies: percentage points, not a percent of something.
    unit: 'pp',
    direction: 'higher',
    percent: true,
    format: 'percent',
  },
  ssldReferenceTop1: {
    id: 'ssldReferenceTop1',
    label: { en: 'Top-1 without SSLD', 'zh-CN': '未蒸馏 Top-1' },
    unit: '%',
    // Another model's score (the same architecture trained without distillation): context only.
    direction: 'none',
    percent: true,
    format: 'percent',
  },
  paramsM: {
    id: 'paramsM',
    label: { en: 'Parameters', 'zh-CN': '参数量' },
    unit: 'M',
    direction: 'lower',
    percent: false,
    format: 'decimal',
  },
  flopsG: {
    id: 'flopsG',
    label: { en: 'FLOPs', 'zh-CN': '计算量 FLOPs' },
    unit: 'G',
    direction: 'lower',
    percent: false,
    format: 'flops',
  },
  sizeMB: {
    id: 'sizeMB',
    label: { en: 'Model size', 'zh-CN': '模型大小' },
    unit: 'MB',
    direction: 'lower',
    percent: false,
    format: 'decimal',
  },
  inputSize: {
    id: 'inputSize',
    label: { en: 'Input size', 'zh-CN': '输入尺寸' },
    unit: 'px',
    // A larger input costs compute and may gain accuracy: neither better nor worse by itself.
    direction: 'none',
    percent: false,
    format: 'integer',
  },
  latency: {
    id: 'latency',
    label: { en: 'Latency', 'zh-CN': '推理耗时' },
    unit: 'ms',
    direction: 'lower',
    percent: false,
    format: 'decimal',
  },
}
