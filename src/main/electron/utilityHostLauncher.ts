/**
 * Model hosts inside Electron: utility processes (`utilityProcess.fork`) instead of
 * `child_process.fork` with ELECTRON_RUN_AS_NODE, so the RunAsNode fuse can be turned off. The
 * host script talks back through `process.parentPort` (see inference/host/parentChannel.ts).
 * Messages are structured clones, so typed arrays travel as they are.
 */
import { utilityProcess } from 'electron'
import { stderrTail, type HostExit, type HostLauncher } from '../inference/host/hostLauncher'
import type { HostResponse } from '../inference/host/hostProtocol'

export const utilityHostLauncher: HostLauncher = {
  start(script, name) {
    const child = utilityProcess.fork(script, [], {
      serviceName: `Zoo Explorer model host (${name})`,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const stderr = stderrTail()
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    let exitListener: ((exit: HostExit) => void) | null = null
    // Utility processes report an exit code only (a crash shows as a non-zero code).
    child.once('exit', (code) => exitListener?.({ code, signal: null, lastError: stderr.last() }))
    return {
      get pid() {
        return child.pid
      },
      send(request) {
        try {
          child.postMessage(request)
        } catch {
          // The process is gone; its 'exit' settles what waits.
        }
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
