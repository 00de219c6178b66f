/** The one rule that turns a typed model name into a catalog id, as a table of cases. */
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { resolveModelName, type KnownName } from '../../src/main/catalog/resolveModelName'

const NAMES: KnownName[] = [
  { name: 'ShuffleNetV2_x1_0', modelId: 'ShuffleNetV2_x1_0', kind: 'id', source: null },
  { name: 'ShuffleNetV2', modelId: 'ShuffleNetV2_x1_0', kind: 'displayName', source: null },
  {
    name: 'ShuffleNetV2',
    modelId: 'ShuffleNetV2_x1_0',
    kind: 'alias',
    source: 'seeds/002.txt:108',
  },
  { name: 'Swin_B', modelId: 'Swin_B', kind: 'id', source: null },
  { name: 'Swin_B', modelId: 'Swin_B_22kto1k', kind: 'displayName', source: null },
  { name: 'Swin', modelId: 'Swin_B', kind: 'alias', source: null },
  { name: 'Swin', modelId: 'Swin_L', kind: 'alias', source: null },
  { name: 'swin', modelId: 'swin', kind: 'id', source: null },
]

/** What the index returns: the rows equal to the name ignoring case. */
const lookup = (typed: string) =>
  resolveModelName(
    typed,
    NAMES.filter((row) => row.name.toLowerCase() === typed.toLowerCase()),
  )

describe('resolveModelName', () => {
  it.each([
    ['ShuffleNetV2_x1_0', 'ShuffleNetV2_x1_0', 'id'],
    ['ShuffleNetV2', 'ShuffleNetV2_x1_0', 'alias'],
    ['shufflenetv2', 'ShuffleNetV2_x1_0', 'alias'],
    ['shufflenetv2_X1_0', 'ShuffleNetV2_x1_0', 'id'],
    // An exact id wins over another model's display name.
    ['Swin_B', 'Swin_B', 'id'],
    // An exact-case match wins over names that differ only in case.
    ['swin', 'swin', 'id'],
  ])('resolves %s to %s (via %s)', (typed, id, via) => {
    expect(lookup(typed)).toMatchObject({ name: typed, id, via })
  })

  it('keeps the older list’s line for an alias', () => {
    expect(lookup('ShuffleNetV2').source).toBe('seeds/002.txt:108')
  })

  it('refuses a name two models share, listing both', () => {
    let error: unknown
    try {
      lookup('Swin')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({
      code: 'AMBIGUOUS_NAME',
      details: { candidates: ['Swin_B', 'Swin_L'] },
      message: expect.stringMatching(/Swin_B, Swin_L/),
    })
  })

  it('says NOT_FOUND for a name nothing has', () => {
    expect(() => lookup('NoSuchNet')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})
