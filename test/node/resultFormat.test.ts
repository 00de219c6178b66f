import { describe, expect, it } from 'vitest'
import { locales } from '@shared/contract/values'
import { formatBytes } from '@shared/format/formatBytes'
import { formatMs, formatProbability } from '../../src/renderer/src/classify/resultFormat'

describe('formatProbability', () => {
  it.each([
    [0.8734, '87.3%'],
    [1, '100.0%'],
    [0, '0.0%'],
    [0.0004, '<0.1%'],
    [0.0005, '0.1%'],
    // 12.35 % is a tie at one decimal: rounded up, not floating-point down to 12.3.
    [0.1235, '12.4%'],
  ])('writes %s as %j', (probability, text) => {
    expect(formatProbability(probability)).toBe(text)
  })

  it.each(locales)('writes what Intl writes in %s for every score from 0.05 % up', (locale) => {
    const intl = new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    })
    for (let i = 5; i <= 10_000; i++) {
      const probability = i / 10_000
      expect(formatProbability(probability), String(probability)).toBe(intl.format(probability))
    }
  })
})

describe('formatMs', () => {
  it.each([
    [12.345, '12.3 ms'],
    [0.04, '0.0 ms'],
    [99.94, '99.9 ms'],
    [100, '100 ms'],
    [1234.5, '1,235 ms'],
  ])('writes %s as %j', (ms, text) => {
    expect(formatMs(ms)).toBe(text)
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1,023 B'],
    [1024, '1.0 KB'],
    [3_482_112, '3.3 MB'],
    [150 * 1024 * 1024, '150 MB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [2 * 1024 ** 4, '2.0 TB'],
  ])('writes %s bytes as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
