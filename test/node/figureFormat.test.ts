import { describe, expect, it } from 'vitest'
import { locales } from '@shared/contract/values'
import { formatDecimal } from '@shared/format/formatDecimal'
import { formatFixed, formatFull } from '../../src/renderer/src/catalog/figureFormat'

/** What Intl.NumberFormat writes: the reference formatDecimal stands in for. */
const intl = (locale: string, value: number, min: number, max: number) =>
  new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max }).format(
    value,
  )

describe('formatDecimal', () => {
  it.each([
    [1234.5, 0, 3, '1,234.5'],
    [1234567.891, 2, 2, '1,234,567.89'],
    [0.5, 0, 0, '1'],
    [0.05, 0, 1, '0.1'],
    [0.0004, 0, 3, '0'],
    [0.0005, 0, 3, '0.001'],
    [999.9996, 0, 3, '1,000'],
    [2.6, 2, 2, '2.60'],
    [0, 2, 2, '0.00'],
    [-1234.5, 0, 1, '-1,234.5'],
    [1e-7, 0, 6, '0'],
    // Rounded on the shortest decimal form, as Intl does (1.005 is 1.00499… in binary).
    [1.005, 0, 2, '1.01'],
    [2.675, 0, 2, '2.68'],
  ])('writes %s with %s to %s decimals as %j', (value, min, max, text) => {
    expect(formatDecimal(value, min, max)).toBe(text)
  })

  it.each(locales)('agrees with Intl.NumberFormat in %s for 3,000 values', (locale) => {
    let seed = 11
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let i = 0; i < 3000; i++) {
      const magnitude = 10 ** Math.floor(random() * 14 - 7)
      // Some values sit exactly on a rounding tie at the digits asked for.
      const tie = random() < 0.3
      const max = Math.floor(random() * 7)
      const min = Math.floor(random() * (max + 1))
      const value =
        (tie ? (Math.floor(random() * 2000) + 0.5) / 10 ** max : random() * magnitude * 1000) *
        (random() < 0.2 ? -1 : 1)
      expect(formatDecimal(value, min, max), `${value} ${min}..${max}`).toBe(
        intl(locale, value, min, max),
      )
    }
  })

  it('gives the table and detail formats their digits', () => {
    expect(formatFixed(83, 2)).toBe('83.00')
    expect(formatFull(0.046)).toBe('0.046')
    expect(formatFull(1 / 3)).toBe('0.333333')
  })
})
