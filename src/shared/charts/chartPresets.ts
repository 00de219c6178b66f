/**
 * Chart states that reproduce PaddleClas's official overview charts, series for series, from the
 * catalog's own figures.
 */
import { axis, chartState, type ChartState } from './chartState'

export interface ChartPreset {
  id: string
  title: { en: string; 'zh-CN': string }
  /** The official chart it reproduces (file name in the PaddleClas docs). */
  reproduces: string
  /** Said under the title when the preset cannot match its original exactly. */
  caveat: { en: string; 'zh-CN': string } | null
  state: ChartState
}

const preset = (
  p: Omit<ChartPreset, 'state'> & { state: Parameters<typeof chartState>[0] },
): ChartPreset => ({ ...p, state: chartState({ ...p.state, preset: p.id }) })

export const chartPresets: readonly ChartPreset[] = [
  preset({
    id: 'v100-bs1',
    title: {
      en: 'CNN server models · V100 TensorRT FP32, batch 1',
      'zh-CN': '服务器端 CNN 模型 · V100 TensorRT FP32，批大小 1',
    },
    reproduces: 'v100.fp32.bs1.main_fps_top1_s.png',
    caveat: null,
    state: {
      x: axis('latency', {
        latency: { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        scale: 'linear',
        min: 0,
        max: 20,
      }),
      y: axis('top1', { min: 0.7 }),
      series: [
        'PP-HGNet',
        'DPN',
        'DarkNet',
        'DenseNet',
        'EfficientNet',
        'HRNet',
        'HarDNet',
        'Inception',
        'RedNet',
        'RegNet',
        'RepVGG',
        'Res2Net',
        'ResNeSt',
        'ResNeXt',
        'ResNet',
        'SENet',
        'VAN',
        'VGG',
      ],
    },
  }),
  preset({
    id: 'sd855-t1',
    title: {
      en: 'CNN mobile models · Snapdragon 855, 1 thread',
      'zh-CN': '移动端 CNN 模型 · 骁龙 855，单线程',
    },
    reproduces: 'mobile_arm_top1.png',
    caveat: null,
    state: {
      // The original frames the fast models: it stops at 25 ms.
      x: axis('latency', {
        latency: { platform: 'sd855-arm-fp32', batchSize: 1, threads: 1 },
        scale: 'linear',
        min: 0,
        max: 25,
      }),
      y: axis('top1', { min: 0.48 }),
      series: ['ESNet', 'GhostNet', 'MobileNetV1', 'MobileNetV2', 'MobileNetV3', 'ShuffleNetV2'],
    },
  }),
  preset({
    id: 't4-bs4',
    title: { en: 'Server models · batch 4', 'zh-CN': '服务器端模型 · 批大小 4' },
    reproduces: 't4.fp32.bs4.main_fps_top1.png',
    caveat: {
      en: 'The model list publishes no T4 timings: this uses V100 TensorRT FP32 at batch 4 for the same models.',
      'zh-CN': '模型库未公布 T4 耗时：此处用同一批模型在 V100 TensorRT FP32、批大小 4 下的耗时。',
    },
    state: {
      x: axis('latency', {
        latency: { platform: 'v100-trt-fp32', batchSize: 4, threads: null },
        scale: 'linear',
        min: 0,
      }),
      y: axis('top1', { min: 0.75 }),
      ids: [
        'ResNet50',
        'ResNet101',
        'ResNet152',
        'ResNet50_vd',
        'ResNet101_vd',
        'ResNet152_vd',
        'ResNet200_vd',
        'ResNet50_vd_ssld',
        'ResNet101_vd_ssld',
        'ResNeXt101_32x8d_wsl',
        'ResNeXt101_32x16d_wsl',
        'EfficientNetB0_small',
        'EfficientNetB0',
        'EfficientNetB3',
        'EfficientNetB4',
        'EfficientNetB5',
        'Res2Net50_vd_26w_4s',
        'Res2Net101_vd_26w_4s',
        'Res2Net200_vd_26w_4s',
        'Res2Net200_vd_26w_4s_ssld',
        'ResNeXt101_vd_32x4d',
        'ResNeXt152_vd_32x4d',
        'ResNeSt50_fast_1s1x64d',
        'ResNeSt50',
        'DenseNet121',
        'DenseNet161',
        'Xception41',
        'Xception65',
        'InceptionV4',
        'DarkNet53',
        'HRNet_W18_C',
        'HRNet_W40_C',
        'HRNet_W64_C',
      ],
    },
  }),
  preset({
    id: 'vit-bs1',
    title: {
      en: 'Vision Transformer models · V100 TensorRT FP32, batch 1',
      'zh-CN': 'Vision Transformer 模型 · V100 TensorRT FP32，批大小 1',
    },
    reproduces: 'v100.fp32.bs1.visiontransformer.png',
    caveat: {
      en: 'NextViT and UniFormer, on the original chart, are not in the model list.',
      'zh-CN': '原图中的 NextViT 与 UniFormer 不在模型库列表中。',
    },
    state: {
      x: axis('latency', {
        latency: { platform: 'v100-trt-fp32', batchSize: 1, threads: null },
        scale: 'linear',
        min: 2,
      }),
      y: axis('top1', { min: 0.77, max: 0.845 }),
      series: ['CSWinTransformer', 'DeiT', 'PVTV2', 'SwinTransformer', 'Twins', 'ViT'],
    },
  }),
]

export function findPreset(id: string): ChartPreset | undefined {
  return chartPresets.find((p) => p.id === id)
}
