/**
 * The dispatcher's types, checked by tsc (`tsc -p tsconfig.node.json` compiles this file): each
 * channel's input and output come from the contract, so a wrong input, an unknown channel or a
 * wrong use of the output does not compile. Every call tsc refuses here is also run, to show that
 * the run-time checks answer it the same way the raw faces (HTTP, IPC) would.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import type {
  CatalogModelDetail,
  PingReply,
  RequestChannel,
  RequestInput,
  RequestOutput,
  WeightsOverview,
} from '@shared/contract'
import type { ErrorCode, Result } from '@shared/errors'
import { valueOf } from './helpers/results'
import { openTestCore } from './helpers/testCore'

const context = { face: 'test' } as const

const codeOf = (result: Result<unknown>): ErrorCode | 'ok' => (result.ok ? 'ok' : result.error.code)

describe('dispatch: typed per channel', () => {
  it('answers each channel with its own output type', async () => {
    const { core } = openTestCore()
    const listing = core.dispatch('weights.list', {}, context)
    expectTypeOf(listing).toEqualTypeOf<Promise<Result<RequestOutput<'weights.list'>>>>()
    expectTypeOf(listing).toEqualTypeOf<Promise<Result<WeightsOverview>>>()

    const overview = valueOf(await listing)
    expectTypeOf(overview).toEqualTypeOf<WeightsOverview>()
    expect(overview.artifacts).toEqual([])

    const reply = valueOf(await core.dispatch('app.ping', { message: 'typed' }, context))
    expectTypeOf(reply).toEqualTypeOf<PingReply>()
    expect(reply).toMatchObject({ message: 'typed', seq: 1 })

    const missing = await core.dispatch('catalog.get', { id: 'NoSuchNet' }, context)
    expectTypeOf(missing).toEqualTypeOf<Result<CatalogModelDetail>>()
    expect(codeOf(missing)).toBe('NOT_FOUND')

    // Every channel at once: the signature tsc sees for `core.dispatch('<channel>', …)` takes what
    // a caller passes and gives what its handler returns.
    type Seen = {
      [C in RequestChannel]: {
        input: Parameters<typeof core.dispatch<C>>[1]
        output: Awaited<ReturnType<typeof core.dispatch<C>>>
      }
    }
    type Contract = {
      [C in RequestChannel]: { input: RequestInput<C>; output: Result<RequestOutput<C>> }
    }
    expectTypeOf<Seen>().toEqualTypeOf<Contract>()
  })

  it('refuses a wrong input at compile time, and the run-time check still answers it', async () => {
    const { core } = openTestCore()
    const refused = [
      // @ts-expect-error: a ping's message is a string
      await core.dispatch('app.ping', { message: 7 }, context),
      // @ts-expect-error: a ping needs a message
      await core.dispatch('app.ping', {}, context),
      // @ts-expect-error: there is no "blue" theme
      await core.dispatch('settings.update', { theme: 'blue' }, context),
      // @ts-expect-error: weights.list takes no fields
      await core.dispatch('weights.list', { verbose: true }, context),
      // @ts-expect-error: catalog.get needs an id
      await core.dispatch('catalog.get', {}, context),
      // @ts-expect-error: the input is not optional, even where it is empty
      await core.dispatch('weights.gc', undefined, context),
    ]
    // `undefined` is read as {} at run time (as on the raw faces), so weights.gc runs.
    expect(refused.map(codeOf)).toEqual([
      'INVALID_INPUT',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'ok',
    ])
  })

  it('refuses an unknown channel at compile time; at run time it is UNKNOWN_CHANNEL', async () => {
    const { core } = openTestCore()
    // @ts-expect-error: there is no "weights.lst"
    const result = await core.dispatch('weights.lst', {}, context)
    expect(codeOf(result)).toBe('UNKNOWN_CHANNEL')
  })

  it('refuses a wrong use of the output at compile time', async () => {
    const { core } = openTestCore()
    const result = await core.dispatch('weights.list', {}, context)
    // @ts-expect-error: the value is there only once `ok` is checked
    expect(result.value).toBeDefined()
    if (!result.ok) throw new Error(result.error.message)
    // @ts-expect-error: an overview has no rows (catalog.list's result has)
    expect(result.value.rows).toBeUndefined()
    // @ts-expect-error: the total is a number of bytes, not text
    const total: string = result.value.totalBytes
    expect(typeof total).toBe('number')
  })
})

describe('dispatchUntyped: the entry for names and inputs that arrive at run time', () => {
  it('takes any name and any value, and answers an untyped result', async () => {
    const { core } = openTestCore()
    expectTypeOf(core.dispatchUntyped).parameter(0).toEqualTypeOf<string>()
    expectTypeOf(core.dispatchUntyped).parameter(1).toEqualTypeOf<unknown>()
    expectTypeOf(core.dispatchUntyped).returns.toEqualTypeOf<Promise<Result<unknown>>>()

    const name: string = 'weights.list'
    const untyped = await core.dispatchUntyped(name, JSON.parse('{}'), context)
    const typed = await core.dispatch('weights.list', {}, context)
    expect(untyped).toEqual(typed)
  })
})
