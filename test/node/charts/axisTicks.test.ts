import { describe, expect, it } from 'vitest'
import { linearTicks, logTicks, zoomedTicks } from '@shared/charts/axisTicks'

describe('linearTicks', () => {
  it.each([
    // data lo, hi, fixed min, max → min, max, ticks
    [0.5, 19.2, 0, 20, 0, 20, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]],
    [0.71, 0.862, 0.7, null, 0.7, 0.88, [0.7, 0.72, 0.74, 0.76, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88]],
    // A fixed max off the step: labelled, and the step tick that would crowd it goes.
    [0.78, 0.84, 0.77, 0.845, 0.77, 0.845, [0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83, 0.845]],
    [2.1, 37, 2, null, 2, 40, [2, 5, 10, 15, 20, 25, 30, 35, 40]],
    // A fixed min off the step takes a finer step it falls on: evenly spaced from 75 %.
    [
      0.758,
      0.851,
      0.75,
      null,
      0.75,
      0.86,
      [0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86],
    ],
  ])('%s–%s (min %s, max %s)', (lo, hi, fmin, fmax, min, max, ticks) => {
    const t = linearTicks(lo, hi, fmin, fmax)
    expect(t.min).toBe(min)
    expect(t.max).toBe(max)
    expect(t.ticks).toEqual(ticks)
  })

  it('always labels both bounds and keeps ticks increasing, never closer than 0.6 step', () => {
    for (let i = 0; i < 300; i++) {
      const lo = Math.round(Math.sin(i) * 1000) / 10
      const hi = lo + 0.01 + Math.abs(Math.cos(i * 7)) * 10 ** ((i % 5) - 1)
      const t = linearTicks(lo, hi, i % 3 === 0 ? lo : null, i % 4 === 0 ? hi : null)
      expect(t.ticks[0]).toBe(t.min)
      expect(t.ticks.at(-1)).toBe(t.max)
      expect(t.min).toBeLessThanOrEqual(lo)
      expect(t.max).toBeGreaterThanOrEqual(hi)
      for (let k = 1; k < t.ticks.length; k++)
        expect(t.ticks[k]! - t.ticks[k - 1]!).toBeGreaterThan(t.step * 0.59)
      expect(t.ticks.length).toBeLessThanOrEqual(16)
    }
  })
})

describe('logTicks', () => {
  it('puts 1-2-5 ticks between decades, not decades only', () => {
    const t = logTicks(0.6, 18)
    expect(t).toEqual({ min: 0.5, max: 20, ticks: [0.5, 1, 2, 5, 10, 20], step: 0 })
  })

  it('thins to 1-3 over many decades and to decades over very many', () => {
    expect(logTicks(0.01, 300).ticks).toEqual([0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300])
    expect(logTicks(1e-4, 1e5).ticks).toEqual([1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5])
  })

  it('keeps a fixed bound as a labelled tick', () => {
    const t = logTicks(0.3, 40, 0.25, 50)
    expect(t.min).toBe(0.25)
    expect(t.max).toBe(50)
    expect(t.ticks).toEqual([0.25, 0.5, 1, 2, 5, 10, 20, 50])
  })
})

describe('zoomedTicks', () => {
  it('none while the whole axis shows', () => {
    expect(zoomedTicks('linear', 0, 20, 0, 100)).toBeNull()
  })

  it('a zoom into 25–50 % of 0–20 ms gets steps of that window, all inside it', () => {
    expect(zoomedTicks('linear', 0, 20, 25, 50)).toEqual([
      5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10,
    ])
  })

  it('a deep zoom still has several labels, none outside the window', () => {
    const ticks = zoomedTicks('linear', 0.7, 0.88, 40, 42)!
    expect(ticks.length).toBeGreaterThanOrEqual(3)
    const lo = 0.7 + 0.18 * 0.4
    const hi = 0.7 + 0.18 * 0.42
    for (const t of ticks) expect(t >= lo - 1e-12 && t <= hi + 1e-12).toBe(true)
  })

  it('a log axis zooms in log space: the middle half of 0.1–1000 is 1–100, ticked 1-2-5', () => {
    expect(zoomedTicks('log', 0.1, 1000, 25, 75)).toEqual([1, 2, 5, 10, 20, 50, 100])
  })

  it('under a decade a log axis gets linear steps rather than one tick or none', () => {
    // 10^(0.25·…) … : the window 1.78–3.16 holds no 1-2-5 tick but 2 and 3.
    const ticks = zoomedTicks('log', 1, 10, 25, 50)!
    expect(ticks.length).toBeGreaterThanOrEqual(3)
    expect(ticks).toContain(2)
    expect(ticks).toContain(3)
  })

  it('refuses a window it cannot place', () => {
    expect(zoomedTicks('log', 0, 10, 10, 20)).toBeNull()
    expect(zoomedTicks('linear', 5, 5, 10, 20)).toBeNull()
  })
})
