/**
 * The host process's side of its channel to the app: Electron's `process.parentPort` when started
 * as a utility process, Node's `process.send` / 'message' when forked (see hostLauncher.ts).
 */
import type { HostCallType, HostRequest, HostResponse } from './hostProtocol'

/** The part of Electron's ParentPort the host uses (no `electron` import outside src/main/electron). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: HostRequest }) => void): unknown
  postMessage: Reply
}

/** Sends a reply of any type (generic, so the host's correlated replies need no cast). */
type Reply = <K extends HostCallType>(response: HostResponse<K>) => void

export interface ParentChannel {
  onRequest(listener: (request: HostRequest) => void): void
  reply: Reply
}

export function parentChannel(): ParentChannel {
  // Electron sets parentPort in utility processes (null or absent elsewhere).
  const port = (process as { parentPort?: ParentPort | null }).parentPort
  if (port) {
    return {
      onRequest: (listener) => port.on('message', (event) => listener(event.data)),
      reply: (response) => port.postMessage(response),
    }
  }
  // The app going away (even abruptly) must not leave a forked host behind. (Electron ends its
  // utility processes itself.)
  process.on('disconnect', () => process.exit(0))
  return {
    onRequest: (listener) => process.on('message', (message: HostRequest) => listener(message)),
    reply: (response) => process.send?.(response),
  }
}
