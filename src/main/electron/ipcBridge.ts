import { ipcMain, type WebContents } from 'electron'
import { IPC_EVENT, IPC_INVOKE, IPC_UPLOAD } from '../../shared/api/bridgeChannels'
import { fail } from '../../shared/errors'
import type { AppCore } from '../core/appCore'
import { isTrustedSender } from './navigationPolicy'

/** Answers the preload bridge's invokes (after checking who sent them) and forwards events. */
export function connectIpc(core: AppCore, appOrigin: string): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, appOrigin)) {
      return fail('FORBIDDEN', 'IPC refused: the calling frame is not Zoo Explorer’s own page.')
    }
    if (typeof channel !== 'string')
      return fail('INVALID_INPUT', 'The channel name must be a string.')
    return core.dispatchUntyped(channel, input, { face: 'ipc' })
  })
  ipcMain.handle(IPC_UPLOAD, async (event, bytes: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, appOrigin)) {
      return fail('FORBIDDEN', 'IPC refused: the calling frame is not Zoo Explorer’s own page.')
    }
    if (!(bytes instanceof Uint8Array)) return fail('INVALID_INPUT', 'An upload must be bytes.')
    // The same call as the HTTP route's: the same codes and details on both faces.
    return core.uploads.receive(bytes)
  })
  return () => {
    ipcMain.removeHandler(IPC_INVOKE)
    ipcMain.removeHandler(IPC_UPLOAD)
  }
}

/** Sends every core event to one window until it closes. */
export function forwardEvents(core: AppCore, contents: WebContents): void {
  const unsubscribe = core.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, event, payload)
  })
  contents.once('destroyed', unsubscribe)
}
