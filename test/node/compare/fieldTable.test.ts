/**
 * The one field table and the one figure formatter: directions as the issue settles them (input
 * size has none), every consumer reading the same entry, and figures printed one way.
 */
import { describe, expect, it } from 'vitest'
import { fieldTable, figureFieldIds } from '@shared/catalog/fieldTable'
import { chartFieldIds, chartFields } from '@shared/charts/chartFields'
import { formatFigure, formatFigureDelta, formatRelative } from '@shared/format/formatFigure'

describe('fieldTable', () => {
  it('has each id under its own key, with a label in both languages and a unit', () => {
    for (const id of figureFieldIds) {
      const def = fieldTable[id]
      expect(def.id).toBe(id)
      expect(def.label.en.length).toBeGreaterThan(0)
      expect(def.label['zh-CN'].length).toBeGreaterThan(0)
      expect(def.label['zh-CN']).not.toBe(def.label.en)
      expect(def.unit.length).toBeGreaterThan(0)
    }
  })

  const directions: [string, string][] = [
    ['top1', 'higher'],
    ['top5', 'higher'],
    ['ssldGain', 'higher'],
    ['ssldReferenceTop1', 'none'],
    ['paramsM', 'lower'],
    ['flopsG', 'lower'],
    ['sizeMB', 'lower'],
    ['inputSize', 'none'],
    ['latency', 'lower'],
  ]
  it.each(directions)('%s: %s is better', (id, direction) => {
    expect(fieldTable[id as keyof typeof fieldTable].direction).toBe(direction)
  })

  it('is what the chart reads: labels, units and percent come from it', () => {
    for (const id of chartFieldIds) {
      expect(chartFields[id].label).toBe(fieldTable[id].label)
      expect(chartFields[id].unit).toBe(fieldTable[id].unit)
      expect(chartFields[id].percent).toBe(fieldTable[id].percent)
    }
  })

  it('gives the chart a side for its frontier: a field with a direction keeps it, input size is a cost', () => {
    expect(chartFields.top1.better).toBe('higher')
    expect(chartFields.latency.better).toBe('lower')
    expect(chartFields.inputSize.better).toBe('lower')
  })
})

describe('formatFigure: one number format', () => {
  const cases: [string, Parameters<typeof formatFigure>, string][] = [
    ['accuracy at its published precision', ['top1', 0.83, '0.8300'], '83.00 %'],
    ['accuracy published in percent', ['top1', 0.7704, '77.04'], '77.04 %'],
    ['accuracy without its text: up to 2 decimals', ['top1', 0.831, null], '83.1 %'],
    ['SSLD gain in percentage points', ['ssldGain', 0.0312, '0.0312'], '3.12 pp'],
    ['FLOPs below 1 G in M, precision kept', ['flopsG', 0.22966, '0.22966'], '229.66 M'],
    ['FLOPs from 1 G in G', ['flopsG', 4.11, '4.11'], '4.11 G'],
    ['FLOPs written in another unit: the value speaks', ['flopsG', 0.046, '46M'], '46 M'],
    ['FLOPs without text', ['flopsG', 12.3456, null], '12.346 G'],
    ['params at its published precision', ['paramsM', 12.324, '12.324'], '12.324 M'],
    ['params with trailing zeros published', ['paramsM', 25.5, '25.50'], '25.50 M'],
    ['size', ['sizeMB', 98, '98'], '98 MB'],
    ['input size', ['inputSize', 224, null], '224 px'],
    ['latency', ['latency', 1.5, '1.50'], '1.50 ms'],
    ['thousands grouped', ['paramsM', 1234.5, null], '1,234.5 M'],
  ]
  it.each(cases)('%s', (_name, args, expected) => {
    expect(formatFigure(...args)).toBe(expected)
  })
})

describe('formatFigureDelta / formatRelative', () => {
  const cases: [string, Parameters<typeof formatFigureDelta>, string][] = [
    ['accuracy up, in pp', ['top1', 0.012], '+1.20 pp'],
    ['accuracy down', ['top1', -0.0035], '-0.35 pp'],
    ['no difference', ['top1', 0], '0 pp'],
    ['FLOPs down by less than 1 G, in M', ['flopsG', -0.25], '-250 M'],
    ['FLOPs up in G', ['flopsG', 3.5], '+3.5 G'],
    ['params', ['paramsM', 13.176], '+13.176 M'],
    ['latency', ['latency', -0.5], '-0.5 ms'],
    ['input size', ['inputSize', 160], '+160 px'],
  ]
  it.each(cases)('%s', (_name, args, expected) => {
    expect(formatFigureDelta(...args)).toBe(expected)
  })

  it('writes ratios as signed percent with one decimal', () => {
    expect(formatRelative(0.125)).toBe('+12.5 %')
    expect(formatRelative(-0.03)).toBe('-3 %')
    expect(formatRelative(0)).toBe('0 %')
  })
})
