/**
 * The lists' series paragraphs point at "the following table", which is not there when one model
 * is shown: what the catalog keeps is the document they name. Checked on the shipped catalog (every
 * series) and on the rule itself.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Series } from '../../../src/shared/catalog/types'
import { seriesBlurb } from '../../../tools/catalog/seriesText'
import { projectRoot } from '../helpers/paths'

describe('seriesBlurb', () => {
  it('keeps the named document of a boilerplate paragraph, in each language', () => {
    expect(
      seriesBlurb(
        'PP-HGNet 系列模型的精度、速度指标如下表所示，更多关于该系列的模型介绍可以参考：[PP-HGNet 系列模型文档](PP-HGNet.md)。',
        'zh',
      ),
    ).toBe('PaddleClas 的系列文档：PP-HGNet 系列模型文档（PP-HGNet.md）。')
    expect(
      seriesBlurb(
        'The accuracy and speed indicators of the PP-LCNet series models are shown in the following table. For more information about this series of models, please refer to: [PP-LCNet series model documents](../models/PP-LCNet_en.md)。',
        'en',
      ),
    ).toBe(
      'PaddleClas documents this series in “PP-LCNet series model documents” (PP-LCNet_en.md).',
    )
  })

  it('keeps any other paragraph as text', () => {
    expect(seriesBlurb('A light network [for phones](x.md).', 'en')).toBe(
      'A light network for phones.',
    )
    expect(seriesBlurb('精度指标如下表所示。', 'zh')).toBe('精度指标如下表所示。')
  })

  it('no series of the shipped catalog says "the following table"', () => {
    const series = JSON.parse(
      readFileSync(join(projectRoot, 'resources', 'catalog', 'series.json'), 'utf8'),
    ) as Series[]
    const texts = series.flatMap((s) => [s.description.en, s.description.zh]).filter(Boolean)
    expect(texts.length).toBeGreaterThan(45)
    for (const text of texts) expect(text).not.toMatch(/following table|如下表/)
  })
})
