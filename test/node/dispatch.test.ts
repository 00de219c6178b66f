import { describe, expect, it, vi } from 'vitest'
import { requestChannels } from '@shared/contract'
import { AppError, failureOf, type ErrorCode } from '@shared/errors'
import { createDispatch } from '../../src/main/core/dispatch'
import type { CallContext, Handlers } from '../../src/main/core/handlers'
import { openTestCore } from './helpers/testCore'

const context: CallContext = { face: 'test' }

/** A handler table whose every handler records its calls; `overrides` replace single handlers. */
function recordingHandlers(overrides: Partial<Handlers> = {}) {
  const calls: { channel: string; input: unknown; context: CallContext }[] = []
  const record =
    (channel: string) =>
    (input: unknown, ctx: CallContext): never => {
      calls.push({ channel, input, context: ctx })
      return { recorded: channel } as never
    }
  const handlers = {
    ...Object.fromEntries(
      Object.keys(requestChannels).map((channel) => [channel, record(channel)]),
    ),
    ...overrides,
  } as Handlers
  return { handlers, calls }
}

describe('createDispatch: unknown channels', () => {
  const names = [
    'no.such.channel',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'app',
    'APP.INFO',
    'app.info ',
    '',
  ]

  it.each(names)('answers UNKNOWN_CHANNEL for %j without calling a handler', async (name) => {
    const { handlers, calls } = recordingHandlers()
    const result = await createDispatch(handlers).dispatchUntyped(name, {}, context)
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: expect.stringContaining(`"${name}"`) },
    })
    expect(calls).toEqual([])
  })

  it.each(names)('answers UNKNOWN_CHANNEL for %j from the real core too', async (name) => {
    const { core } = openTestCore()
    const result = await core.dispatchUntyped(name, {}, context)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_CHANNEL')
  })
})

describe('createDispatch: input validation', () => {
  // [channel, input, path of the first issue, text the message must contain]
  const cases: [string, unknown, string, string][] = [
    ['app.ping', { message: 5 }, 'message', 'message'],
    ['app.ping', {}, 'message', 'message'],
    ['app.ping', { message: 'x'.repeat(501) }, 'message', 'message'],
    ['app.ping', { message: 'hi', extra: true }, '', 'extra'],
    ['app.info', { verbose: true }, '', 'verbose'],
    ['app.info', 'not an object', '', 'object'],
    ['app.info', [1, 2], '', 'object'],
    ['settings.get', 42, '', 'object'],
    ['settings.update', { theme: 'blue' }, 'theme', 'theme'],
    ['settings.update', { locale: 'fr' }, 'locale', 'locale'],
    ['settings.update', { theme: 'dark', colour: 'red' }, '', 'colour'],
  ]

  it.each(cases)('%s with %j → INVALID_INPUT at path %j', async (channel, input, path, mention) => {
    const { handlers, calls } = recordingHandlers()
    const result = await createDispatch(handlers).dispatchUntyped(channel, input, context)

    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INVALID_INPUT')
    expect(result.error.message).toContain(`Invalid input for ${channel}`)
    expect(result.error.message).toContain(mention)
    const { issues } = result.error.details as { issues: { path: string; message: string }[] }
    expect(issues[0]?.path).toBe(path)
    expect(issues[0]?.message).toEqual(expect.any(String))
    expect(calls).toEqual([])
  })

  it('reports every issue, not only the first', async () => {
    const { handlers } = recordingHandlers()
    const result = await createDispatch(handlers).dispatchUntyped(
      'settings.update',
      { theme: 'blue', locale: 'fr' },
      context,
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    const { issues } = result.error.details as { issues: { path: string }[] }
    expect(issues.map((issue) => issue.path).sort()).toEqual(['locale', 'theme'])
  })

  it.each([undefined, null])('treats %j input as {}', async (input) => {
    const { handlers, calls } = recordingHandlers()
    const { dispatchUntyped: dispatch } = createDispatch(handlers)

    expect((await dispatch('app.info', input, context)).ok).toBe(true)
    expect((await dispatch('settings.update', input, context)).ok).toBe(true)
    const ping = await dispatch('app.ping', input, context)

    expect(calls.map((call) => [call.channel, call.input])).toEqual([
      ['app.info', {}],
      ['settings.update', {}],
    ])
    // {} is not a valid ping: the defaulting does not skip validation.
    expect(ping.ok).toBe(false)
    if (!ping.ok) expect(ping.error.code).toBe('INVALID_INPUT')
  })

  it('passes the validated input and the caller context to the handler', async () => {
    const { handlers, calls } = recordingHandlers()
    const ctx: CallContext = { face: 'http', signal: new AbortController().signal }
    const result = await createDispatch(handlers).dispatch(
      'settings.update',
      { theme: 'dark' },
      ctx,
    )

    expect(result).toEqual({ ok: true, value: { recorded: 'settings.update' } })
    expect(calls).toEqual([{ channel: 'settings.update', input: { theme: 'dark' }, context: ctx }])
  })
})

describe('createDispatch: handler failures', () => {
  const appErrors: [ErrorCode, string, unknown][] = [
    ['NOT_FOUND', 'No model named "x".', { id: 'x' }],
    ['CANCELLED', 'The job was cancelled.', undefined],
    ['UNAVAILABLE', 'Weights are not downloaded.', { modelId: 'ResNet50', tried: [1, 2] }],
    ['FORBIDDEN', 'Not for you.', null],
  ]

  it.each(appErrors)(
    'passes an AppError %s through with its message and details',
    async (code, message, details) => {
      const onInternalError = vi.fn()
      const { handlers } = recordingHandlers({
        'app.info': () => {
          throw new AppError(code, message, details)
        },
      })
      const result = await createDispatch(handlers, onInternalError).dispatch(
        'app.info',
        {},
        context,
      )

      const error = details === undefined ? { code, message } : { code, message, details }
      expect(result).toStrictEqual({ ok: false, error })
      expect(onInternalError).not.toHaveBeenCalled()
    },
  )

  it('passes through an AppError from an async handler', async () => {
    const { handlers } = recordingHandlers({
      'settings.get': async () => {
        await Promise.resolve()
        throw new AppError('UNAVAILABLE', 'later')
      },
    })
    const result = await createDispatch(handlers).dispatch('settings.get', {}, context)
    expect(result).toStrictEqual({ ok: false, error: { code: 'UNAVAILABLE', message: 'later' } })
  })

  it.each([
    ['a thrown Error', () => new Error('disk on fire'), 'disk on fire'],
    ['a thrown TypeError', () => new TypeError('x is not a function'), 'x is not a function'],
    ['a thrown string', () => 'plain string', 'plain string'],
  ])('turns %s into INTERNAL and reports it', async (_label, makeError, text) => {
    const thrown = makeError()
    const onInternalError = vi.fn()
    const { handlers } = recordingHandlers({
      'settings.get': () => {
        throw thrown
      },
    })
    const result = await createDispatch(handlers, onInternalError).dispatch(
      'settings.get',
      {},
      context,
    )

    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INTERNAL')
    expect(result.error.message).toContain('settings.get')
    expect(result.error.message).toContain(text)
    expect(onInternalError).toHaveBeenCalledTimes(1)
    expect(onInternalError).toHaveBeenCalledWith('settings.get', thrown)
  })

  it('turns a rejected promise into INTERNAL', async () => {
    const rejection = new Error('async failure')
    const onInternalError = vi.fn()
    const { handlers } = recordingHandlers({ 'app.info': () => Promise.reject(rejection) })
    const result = await createDispatch(handlers, onInternalError).dispatch('app.info', {}, context)

    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('INTERNAL')
    expect(onInternalError).toHaveBeenCalledWith('app.info', rejection)
  })

  it('resolves (never rejects) for an internal error when no callback is given', async () => {
    const { handlers } = recordingHandlers({
      'app.info': () => {
        throw new Error('boom')
      },
    })
    await expect(createDispatch(handlers).dispatch('app.info', {}, context)).resolves.toMatchObject(
      {
        ok: false,
        error: { code: 'INTERNAL' },
      },
    )
  })
})

describe('failureOf: any thrown value as a result, the same for every face', () => {
  it.each<[string, unknown]>([
    ['details', { path: '/x', tried: [1, 2] }],
    ['null details', null],
    ['zero as details', 0],
  ])("keeps an AppError's code, message and %s", (_label, details) => {
    expect(failureOf(new AppError('DISK_FULL', 'No room.', details), 'ignored')).toStrictEqual({
      ok: false,
      error: { code: 'DISK_FULL', message: 'No room.', details },
    })
  })

  it('adds no details key when an AppError has none', () => {
    expect(failureOf(new AppError('NOT_FOUND', 'Gone.'))).toStrictEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Gone.' },
    })
  })

  it.each<[string, unknown, string]>([
    ['an Error', new Error('disk on fire'), 'The upload failed unexpectedly: disk on fire'],
    [
      'a TypeError',
      new TypeError('x is undefined'),
      'The upload failed unexpectedly: x is undefined',
    ],
    ['a string', 'plain string', 'The upload failed unexpectedly: plain string'],
    ['a number', 42, 'The upload failed unexpectedly: 42'],
    ['undefined', undefined, 'The upload failed unexpectedly: undefined'],
    [
      'an object that only looks like an AppError',
      { code: 'NOT_FOUND', message: 'fake' },
      'The upload failed unexpectedly: [object Object]',
    ],
  ])('turns %s into INTERNAL, saying what failed', (_label, thrown, message) => {
    expect(failureOf(thrown, 'The upload')).toStrictEqual({
      ok: false,
      error: { code: 'INTERNAL', message },
    })
  })

  it('says "The request" when not told what failed', () => {
    expect(failureOf(new Error('x')).error.message).toBe('The request failed unexpectedly: x')
  })

  it.each<[string, unknown]>([
    ['an AppError with details', new AppError('UNAVAILABLE', 'Later.', { retryIn: 5 })],
    ['a plain Error', new Error('boom')],
  ])('is exactly what the dispatcher answers for %s', async (_label, thrown) => {
    const { handlers } = recordingHandlers({
      'app.info': () => {
        throw thrown
      },
    })
    const result = await createDispatch(handlers).dispatch('app.info', {}, context)
    expect(result).toStrictEqual(failureOf(thrown, 'app.info'))
  })
})

describe('the real core behind dispatch', () => {
  it('answers a valid call and logs an internal failure through its log option', async () => {
    const { core, logs } = openTestCore()
    const info = await core.dispatchUntyped('app.info', undefined, context)
    expect(info.ok).toBe(true)

    // A closed database makes the real handler throw a plain Error.
    core.db.close()
    const result = await core.dispatch('settings.get', {}, context)

    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('INTERNAL')
    expect(logs).toHaveLength(1)
    expect(logs[0]).toContain('settings.get failed')
  })
})
