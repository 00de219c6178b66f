/**
 * The hardware behind each latency column. The tables only say "time(ms)"; which machine that
 * means is written once, in the overview's bullet list or a table's footnote. Each platform keeps
 * the sentence that defines it.
 */
import type { Platform, PlatformId, SourceRef } from '../../src/shared/catalog/types'
import { ImportError } from './importError'

interface PlatformSpec extends Omit<Platform, 'source'> {
  /** Finds the defining sentence in the model list. */
  definedBy: RegExp
}

const SPECS: PlatformSpec[] = [
  {
    id: 'v100-trt-fp32',
    name: 'NVIDIA V100 · TensorRT 8.0 · FP32',
    hardware: 'NVIDIA Tesla V100',
    engine: 'Paddle Inference + TensorRT 8.0.3.4',
    precision: 'FP32',
    kind: 'gpu',
    varies: 'batchSize',
    description: {
      en: 'V100 GPU, FP32 with TensorRT 8.0.3.4; mean of 2,000 runs after 100 warm-up runs.',
      zh: 'V100 GPU，FP32 + TensorRT-8.0.3.4，运行 2100 次并去除前 100 次 warmup 时间。',
    },
    definedBy: /GPU 评估环境基于 V100/,
  },
  {
    id: 'sd855-arm-fp32',
    name: 'Snapdragon 855 (ARM) · Paddle-Lite · FP32',
    hardware: 'Qualcomm Snapdragon 855 (ARM CPU)',
    engine: 'Paddle-Lite',
    precision: 'FP32',
    kind: 'arm',
    varies: 'threads',
    description: {
      en: 'Snapdragon 855 ARM CPU, batch size 1, with 1, 2 or 4 threads.',
      zh: '骁龙 855（SD855）ARM CPU，batch size 为 1，线程数 1/2/4。',
    },
    definedBy: /Arm CPU 的评估环境基于骁龙 855/,
  },
  {
    id: 'xeon6148-paddle-fp32',
    name: 'Intel Xeon Gold 6148 · Paddle Inference · FP32',
    hardware: 'Intel(R) Xeon(R) Gold 6148',
    engine: 'Paddle Inference',
    precision: 'FP32',
    kind: 'cpu',
    varies: 'none',
    description: {
      en: 'Intel Xeon Gold 6148 CPU with PaddlePaddle inference, batch size 1.',
      zh: 'Intel Xeon Gold 6148 CPU，PaddlePaddle 推理，batch size 为 1。',
    },
    definedBy: /Intel CPU 的评估环境基于 Intel\(R\) Xeon\(R\) Gold 6148/,
  },
  {
    id: 'xeon6271c-openvino-fp32',
    name: 'Intel Xeon Gold 6271C · OpenVINO 2021.4.2 · FP32',
    hardware: 'Intel(R) Xeon(R) Gold 6271C',
    engine: 'OpenVINO 2021.4.2',
    precision: 'FP32',
    kind: 'cpu',
    varies: 'none',
    description: {
      en: 'Intel Xeon Gold 6271C CPU with OpenVINO 2021.4.2, batch size 1 (PP-LCNetV2 only).',
      zh: 'Intel Xeon Gold 6271C CPU，OpenVINO 2021.4.2 推理，batch size 为 1（仅 PP-LCNetV2）。',
    },
    definedBy: /Intel-Xeon-Gold-6271C 硬件平台与 OpenVINO/,
  },
]

export function readPlatforms(lines: readonly string[], document: string): Platform[] {
  return SPECS.map(({ definedBy, ...spec }) => {
    const index = lines.findIndex((line) => definedBy.test(line))
    if (index === -1) {
      throw new ImportError(`no sentence defines the ${spec.id} platform (${definedBy})`, {
        document,
      })
    }
    const source: SourceRef = {
      document,
      section: 'platform',
      line: index + 1,
      raw: lines[index]!.trim(),
    }
    return { ...spec, source }
  })
}

/** Which platform a table footnote marker (`*`, `**`) names, from the footnote's own text. */
export function platformOfFootnote(text: string): PlatformId | null {
  if (/6271C/.test(text) && /OpenVINO/i.test(text)) return 'xeon6271c-openvino-fp32'
  if (/6148/.test(text)) return 'xeon6148-paddle-fp32'
  return null
}
