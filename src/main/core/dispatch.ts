/**
 * The dispatcher every face calls: checks the channel exists, validates the input against the
 * contract's schema, runs the handler, and turns every failure into a typed error result.
 *
 * It has two entries over one implementation. `dispatch` is typed per channel from the contract
 * (for in-process callers: the CLI, tests, benches); `dispatchUntyped` takes any name and any
 * value, for the faces whose channel arrives at run time (the HTTP route, the IPC bridge). Both
 * validate at run time; only the typed one is also checked by tsc.
 */
import {
  isRequestChannel,
  requestChannels,
  type HandlerInput,
  type RequestChannel,
  type RequestInput,
  type RequestOutput,
} from '../../shared/contract'
import { AppError, fail, failureOf, ok, type Result } from '../../shared/errors'
import type { CallContext, Handler, Handlers } from './handlers'

/**
 * A request whose channel, input and output tsc checks against the contract. Name the channel as
 * a literal: for a variable of a union type tsc accepts any of those channels' inputs.
 */
export type Dispatch = <C extends RequestChannel>(
  channel: C,
  input: RequestInput<C>,
  context: CallContext,
) => Promise<Result<RequestOutput<C>>>

/**
 * A request from outside the program (a URL, an IPC message): an unknown channel answers
 * UNKNOWN_CHANNEL and a bad input INVALID_INPUT, at run time.
 */
export type DispatchUntyped = (
  channel: string,
  input: unknown,
  context: CallContext,
) => Promise<Result<unknown>>

export interface Dispatcher {
  readonly dispatch: Dispatch
  readonly dispatchUntyped: DispatchUntyped
}

export function createDispatch(
  handlers: Handlers,
  onInternalError: (channel: string, error: unknown) => void = () => {},
): Dispatcher {
  // The one implementation: `input` is unknown here because both entries validate it.
  async function run<C extends RequestChannel>(
    channel: C,
    input: unknown,
    context: CallContext,
  ): Promise<Result<RequestOutput<C>>> {
    // tsc keeps typed callers to real channels; this keeps one past it (a cast, plain JS) a result.
    if (!isRequestChannel(channel)) return noSuchChannel(channel)
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
      const handler: Handler<C> = handlers[channel]
      // zod cannot name the parsed type of a schema picked by a generic key; it is this one.
      return ok(await handler(parsed.data as HandlerInput<C>, context))
    } catch (error) {
      if (!(error instanceof AppError)) onInternalError(channel, error)
      return failureOf(error, channel)
    }
  }

  return {
    dispatch: run,
    dispatchUntyped: async (channel, input, context) =>
      isRequestChannel(channel) ? run(channel, input, context) : noSuchChannel(channel),
  }
}

const noSuchChannel = (name: string) =>
  fail('UNKNOWN_CHANNEL', `There is no request channel named "${name}".`)
