import type {
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestInput,
  RequestOutput,
  UploadResult,
} from '../contract'
import { AppError, type Result } from '../errors'
import type { Transport } from './transport'

/** The typed face of a transport: channel names, inputs, outputs and events checked by tsc. */
export interface ZooClient {
  invoke<C extends RequestChannel>(
    channel: C,
    input: RequestInput<C>,
  ): Promise<Result<RequestOutput<C>>>
  /** Like `invoke`, but throws `AppError` on failure, for callers that let errors propagate. */
  call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  /** Hands a file's bytes to the app; requests then name the file by the answer's `uploadId`. */
  upload(bytes: ArrayBuffer): Promise<Result<UploadResult>>
}

export function createClient(transport: Transport): ZooClient {
  const invoke = async <C extends RequestChannel>(channel: C, input: RequestInput<C>) =>
    (await transport.invoke(channel, input)) as Result<RequestOutput<C>>
  return {
    invoke,
    async call(channel, input) {
      const result = await invoke(channel, input)
      if (!result.ok)
        throw new AppError(result.error.code, result.error.message, result.error.details)
      return result.value
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void)
    },
    upload: (bytes) => transport.upload(bytes),
  }
}
