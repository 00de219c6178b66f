import type { HandlerInput, RequestChannel, RequestOutput } from '../../shared/contract'

/** Who is calling; handlers rarely need it, but logs and per-face policies do. */
export interface CallContext {
  face: 'ipc' | 'http' | 'cli' | 'test'
  signal?: AbortSignal
}

export type Handler<C extends RequestChannel> = (
  input: HandlerInput<C>,
  context: CallContext,
) => RequestOutput<C> | Promise<RequestOutput<C>>

/** One handler per channel; a missing one is a type error. */
export type Handlers = { [C in RequestChannel]: Handler<C> }
