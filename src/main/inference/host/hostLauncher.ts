/**
 * How a model host process is started and talked to. Under Node (the CLI, browser mode, tests)
 * it is `child_process.fork`; inside Electron it is a utility process
 * (src/main/electron/utilityHostLauncher.ts), so that Electron's RunAsNode fuse can stay off.
 * The host script finds its side of the channel itself (host/parentChannel.ts).
 */
import { fork } from 'node:child_process'
import { AppError } from '../../../shared/errors'
import type { HostCallType, HostRequest, HostResponse } from './hostProtocol'

export interface HostExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null
  signal: NodeJS.Signals | null
  /** The last line the process wrote to stderr, if any (why it crashed, often). */
  lastError: string | null
}

/** One running host process. Listeners are set once, by ModelHost, right after start. */
export interface HostProcess {
  readonly pid: number | undefined
  /** Sends a request; one that cannot be delivered is lost with the process, whose exit follows. */
  send<K extends HostCallType>(request: HostRequest<K>): void
  onMessage(listener: (response: HostResponse) => void): void
  /** Called once, when the process has ended (or could not be started). */
  onExit(listener: (exit: HostExit) => void): void
  kill(): void
}

export interface HostLauncher {
  /** Starts `script` (the bundled inferenceHost.js); `name` says which model it is for. */
  start(script: string, name: string): HostProcess
}

/** Keeps the last line of a process's stderr. */
export function stderrTail(): { push(chunk: Buffer | string): void; last(): string | null } {
  let text = ''
  return {
    push(chunk) {
      text = (text + chunk.toString()).slice(-2000)
    },
    last() {
      return text.trim().split('\n').at(-1)?.trim() || null
    },
  }
}

/**
 * Hosts forked as Node processes. `as` runs them as another user (POSIX, when this process may),
 * for hosts with fewer rights than the app.
 */
export function forkHostLauncher(as: { uid?: number; gid?: number } = {}): HostLauncher {
  return {
    start(script) {
      if (process.versions.electron) {
        // fork would start a second copy of the app: Electron passes its utility launcher.
        throw new AppError(
          'INTERNAL',
          'Inside Electron, model hosts are started by the utility process launcher (openAppCore({ hostLauncher })).',
        )
      }
      const child = fork(script, [], {
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        execArgv: [],
        ...as,
      })
      const stderr = stderrTail()
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
      let exitListener: ((exit: HostExit) => void) | null = null
      let exited = false
      const ended = (exit: Omit<HostExit, 'lastError'>, lastError = stderr.last()) => {
        if (exited) return
        exited = true
        exitListener?.({ ...exit, lastError })
      }
      child.on('exit', (code, signal) => ended({ code, signal }))
      // A process that could not be started emits 'error' and no 'exit'.
      child.on('error', (error) => {
        if (child.pid === undefined) ended({ code: null, signal: null }, error.message)
      })
      return {
        get pid() {
          return child.pid
        },
        send(request) {
          // An error here means the process is gone; its 'exit' settles what waits.
          child.send(request, () => {})
        },
        onMessage(listener) {
          child.on('message', (message: HostResponse) => listener(message))
        },
        onExit(listener) {
          exitListener = listener
        },
        kill() {
          child.kill()
        },
      }
    },
  }
}

/** The default: hosts forked as Node processes of the same user. */
export const nodeHostLauncher: HostLauncher = forkHostLauncher()
