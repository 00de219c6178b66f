import { isRequestChannel, requestChannels, type RequestChannel } from '../../shared/contract'
import { AppError, fail, failureOf, ok, type Result } from '../../shared/errors'
import type { CallContext, Handler, Handlers } from './handlers'

export type Dispatch = (
  channel: string,
  input: unknown,
  context: CallContext,
) => Promise<Result<unknown>>

/**
 * The single entry every face calls: checks the channel exists, validates the input against the
 * contract's schema, runs the handler, and turns every failure into a typed error result.
 */
export function createDispatch(
  handlers: Handlers,
  onInternalError: (channel: string, error: unknown) => void = () => {},
): Dispatch {
  return async (channel, input, context) => {
    if (!isRequestChannel(channel)) {
      return fail('UNKNOWN_CHANNEL', `There is no request channel named "${channel}".`)
    }
    const parsed = requestChannels[channel].input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }))
      const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
      return fail('INVALID_INPUT', `Invalid input for ${channel}: ${summary}`, { issues })
    }
    try {
      const handler = handlers[channel] as Handler<RequestChannel>
      return ok(await handler(parsed.data as never, context))
    } catch (error) {
      if (!(error instanceof AppError)) onInternalError(channel, error)
      return failureOf(error, channel)
    }
  }
}
