/**
 * `firstError`: the one problem a view shows for requests asked together, kept whole (code and
 * all) so the view can say it in the reader's language. A table of result lists and the error
 * each should give.
 */
import { describe, expect, it } from 'vitest'
import { fail, firstError, ok, type ApiError, type Result } from '@shared/errors'

const missing = fail('NOT_FOUND', 'No model "NoSuchModel" in the catalog', { id: 'NoSuchModel' })
const busy = fail('UNAVAILABLE', 'The catalog is being rebuilt')

const cases: { name: string; results: (Result<unknown> | null)[]; expected: ApiError | null }[] = [
  { name: 'nothing asked', results: [], expected: null },
  { name: 'all ok', results: [ok(1), ok('two')], expected: null },
  { name: 'requests not made are skipped', results: [null, ok(1), null], expected: null },
  { name: 'one failure after an ok', results: [ok(1), missing], expected: missing.error },
  { name: 'a failure after a request not made', results: [null, busy], expected: busy.error },
  { name: 'the first of two failures', results: [busy, ok(1), missing], expected: busy.error },
]

describe('firstError', () => {
  it.each(cases)('$name', ({ results, expected }) => {
    expect(firstError(results)).toEqual(expected)
  })

  it('keeps the code and details, not only the message', () => {
    expect(firstError([ok(null), missing])).toEqual({
      code: 'NOT_FOUND',
      message: 'No model "NoSuchModel" in the catalog',
      details: { id: 'NoSuchModel' },
    })
  })
})
