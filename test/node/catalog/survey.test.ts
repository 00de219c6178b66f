/**
 * The backbone survey (seed 004): a second opinion on params and FLOPs for the models it clearly
 * names, read only from its params/FLOPs tables.
 */
import { describe, expect, it } from 'vitest'
import { ImportError } from '../../../tools/catalog/importError'
import { readSurvey, SURVEY_NAMES } from '../../../tools/catalog/survey'
import { hasShared, realCatalog, realModel, seedPath, sharedText } from './sharedFixtures'

const DOC = 'seeds/004.txt'

describe('readSurvey', () => {
  const text = [
    '## 1. 常见模型',
    '',
    '| 网络名称 | backbone名称 | 参数量 | 浮点数 |',
    '| -------- | ------------ | ------ | ------ |',
    '| 2015-ResNet | ResNet50 | 25.557M | 4.112G |',
    '|  | ResNext50 |  |  |',
    '|  | ViT-Large | 307M |  |',
    '',
    '## 3. 数据集上成绩',
    '',
    '| 模型 | 大小 | 准确度 | 是否使用额外数据集 |',
    '| ---- | ---- | ------ | ------------------ |',
    '| EffNet | L2 | 96.08 | 是 |',
    '',
    '| 网络名称 | backbone名称 | 参数量 | 浮点数 |',
    '| -------- | ------------ | ------ | ------ |',
    '| 2015-ResNet | ResNet50 | 1.0M | 1.0G |',
  ].join('\n')

  it('reads params in M and FLOPs in G with their raw text; empty cells are absent', () => {
    expect(readSurvey(text, DOC)).toEqual([
      {
        name: 'ResNet50',
        group: '2015-ResNet',
        id: 'ResNet50',
        paramsM: {
          value: 25.557,
          source: {
            document: DOC,
            section: '1. 常见模型',
            line: 5,
            column: '参数量',
            raw: '25.557M',
          },
        },
        flopsG: {
          value: 4.112,
          source: {
            document: DOC,
            section: '1. 常见模型',
            line: 5,
            column: '浮点数',
            raw: '4.112G',
          },
        },
      },
      { name: 'ResNext50', group: '2015-ResNet', id: null, paramsM: null, flopsG: null },
      {
        name: 'ViT-Large',
        group: '2015-ResNet',
        id: 'ViT_large_patch16_224',
        paramsM: expect.objectContaining({ value: 307 }),
        flopsG: null,
      },
    ])
  })

  it('stops at a cell that is not a number in its unit', () => {
    const bad = text.replace('4.112G', '4.112')
    expect(() => readSurvey(bad, DOC)).toThrow(ImportError)
    expect(() => readSurvey(bad, DOC)).toThrow('survey cell "4.112" is not a number in G')
  })
})

describe.skipIf(!hasShared)('the real survey (seed 004)', () => {
  const surveyText = hasShared ? sharedText(seedPath('004')) : ''

  it('gives ResNet50 its params and FLOPs, raw text kept', () => {
    const { survey } = realModel('ResNet50')
    expect(survey?.name).toBe('ResNet50')
    expect(survey?.paramsM).toMatchObject({
      value: 25.557,
      source: { document: seedPath('004'), raw: '25.557M', column: '参数量' },
    })
    expect(survey?.flopsG).toMatchObject({
      value: 4.112,
      source: { document: seedPath('004'), raw: '4.112G', column: '浮点数' },
    })
    const line = surveyText.split('\n')[survey!.paramsM!.source.line - 1]
    expect(line).toMatch(/\|\s*ResNet50\s*\|\s*25\.557M\s*\|\s*4\.112G\s*\|/)
  })

  it('does not read its CIFAR table as figures', () => {
    const lines = surveyText.split('\n')
    const cifar = lines.findIndex((line) => /^#+\s*CIFAR/.test(line)) + 1
    expect(cifar).toBeGreaterThan(0)
    const entries = readSurvey(surveyText, seedPath('004'))
    expect(entries.length).toBeGreaterThan(10)
    for (const entry of entries) {
      for (const figure of [entry.paramsM, entry.flopsG]) {
        if (figure) expect(figure.source.line, entry.name).toBeLessThan(cifar)
      }
    }
    const names = entries.map((entry) => entry.name)
    for (const name of ['EffNet', 'ViT', 'L2', 'Base']) expect(names).not.toContain(name)
  })

  it.each(Object.entries(SURVEY_NAMES))(
    'maps %s to %s, a catalog model that shows it',
    (name, id) => {
      expect(surveyText).toContain(`| ${name} `)
      expect(realModel(id).survey?.name).toBe(name)
    },
  )

  it('shows survey figures only on mapped models', () => {
    const mapped = new Set(Object.values(SURVEY_NAMES))
    const shown = realCatalog()
      .bundle.models.filter((model) => model.survey !== null)
      .map((model) => model.id)
    expect(new Set(shown)).toEqual(mapped)
  })
})
