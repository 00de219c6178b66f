/**
 * Small synthetic model lists in the shape of PaddleClas's model_list.zh_CN.md (part headings,
 * series headings, pipe tables with download links), and a complete set of synthetic sources
 * around one, so the importer's rules can be tested on a few rows written in the test.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CatalogSources } from '../../../tools/catalog/sources'

export const DOC = 'synthetic/model_list.md'

const HOST = 'https://paddle-imagenet-models-name.bj.bcebos.com/dygraph'

export const pretrainedUrl = (id: string) => `${HOST}/legendary_models/${id}_pretrained.pdparams`
export const inferenceUrl = (id: string) => `${HOST}/inference/${id}_infer.tar`
export const link = (url: string) => `[下载链接](${url})`
/** The two download cells of a row for model `id`. */
export const links = (id: string) => [link(pretrainedUrl(id)), link(inferenceUrl(id))]

const row = (cells: string[]) => `| ${cells.join(' | ')} |`

export function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n')
}

/** The sentences that define the four latency platforms (readPlatforms needs all of them). */
export const PLATFORM_LINES = [
  '* Arm CPU 的评估环境基于骁龙 855(SD855)。',
  '* Intel CPU 的评估环境基于 Intel(R) Xeon(R) Gold 6148。',
  '* GPU 评估环境基于 V100 机器，在 FP32+TensorRT-8.0.3.4 配置下运行。',
  '* PP-LCNetV2 基于 Intel-Xeon-Gold-6271C 硬件平台与 OpenVINO 2021.4.2 推理平台。',
]

export interface SeriesSection {
  /** The series heading's name, e.g. "Foo" (written as "## Foo 系列"). */
  name: string
  /** Tables and lines under the heading, in order. */
  body: string[]
}

/** A model list with an optional SSLD table (part 2.1) and series sections (part 3.1). */
export function modelList(parts: { ssld?: string; series?: SeriesSection[] }): string {
  const lines = ['# ImageNet 预训练模型库', '', '## 一、模型库概览图', '', ...PLATFORM_LINES, '']
  if (parts.ssld) {
    lines.push('## 二、SSLD 知识蒸馏预训练模型', '', '### 2.1 服务器端知识蒸馏模型', '')
    lines.push(parts.ssld, '')
  }
  lines.push('## 三、CNN 系列模型', '', '### 3.1 服务器端模型', '')
  for (const section of parts.series ?? []) {
    lines.push(`## ${section.name} 系列`, '', `${section.name} 系列模型的精度指标如下表所示。`, '')
    for (const block of section.body) lines.push(block, '')
  }
  return lines.join('\n')
}

/** A one-table model list: one series "Foo" with the given header and rows. */
export function oneTable(header: string[], rows: string[][], after: string[] = []): string {
  return modelList({ series: [{ name: 'Foo', body: [table(header, rows), ...after] }] })
}

/** 1-based number of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle))
  if (index === -1) throw new Error(`no line contains ${needle}`)
  return index + 1
}

/**
 * Everything buildCatalog reads, around a synthetic model list: no older lists, no survey, no
 * model configs (every model gets the deploy default), 1000 placeholder labels. Files go to `dir`.
 */
export function syntheticSources(list: string, dir: string): CatalogSources {
  const configsRoot = join(dir, 'configs')
  mkdirSync(configsRoot, { recursive: true })
  const deployConfig = join(dir, 'inference_cls.yaml')
  writeFileSync(
    deployConfig,
    [
      'PreProcess:',
      '  transform_ops:',
      '    - ResizeImage:',
      '        resize_short: 256',
      '    - CropImage:',
      '        size: 224',
      '    - NormalizeImage:',
      '        scale: 0.00392157',
      '        mean: [0.485, 0.456, 0.406]',
      '        std: [0.229, 0.224, 0.225]',
      '        order: ""',
      '    - ToCHWImage:',
      '',
    ].join('\n'),
  )
  const empty = (document: string) => ({ document, text: '' })
  return {
    modelList: { document: DOC, text: list },
    englishOverview: empty('synthetic/overview.en.md'),
    olderLists: [empty('seeds/001.txt'), empty('seeds/002.txt'), empty('seeds/003.txt')],
    survey: empty('seeds/004.txt'),
    configsRoot,
    deployConfig,
    labels: {
      document: 'synthetic/labels.txt',
      text: Array.from({ length: 1000 }, (_, index) => `${index} class ${index}`).join('\n'),
    },
  }
}
