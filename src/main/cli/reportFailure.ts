/**
 * How every `zoo` command reports a failure, and what its exit status means: one place, so a
 * script can rely on both whichever command it runs.
 */
import type { ErrorCode, Failure } from '../../shared/errors'
import type { CliIo } from './command'

/**
 * Exit statuses. INVALID_INPUT is a usage error whether the arguments or the service refused it
 * (a flag out of range, a file of the wrong kind): the caller must change the command line, which
 * is what 2 means for Unix tools. Every other code is 1: the command was right, running it failed
 * (the code on stderr, or in the JSON, says why). A reader that stops reading (`| head`) is not a
 * failure: the command ends quietly with 0 (see main.ts).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, stopped: 4 } as const

export const EXIT_STATUS_HELP = `Exit status:
  0  done (also when the reader of the output stops early, as \`| head\` does)
  1  failed; the message ends in the error code, e.g. [NOT_FOUND]
  2  wrong arguments or input the command refused [INVALID_INPUT]
  3  partly done: some items failed (classify)
  4  a batch job or benchmark stopped before its end: paused or cancelled (from another process or the app)
130  a batch job paused with Ctrl+C here (the same command resumes it), or a benchmark stopped`

export function exitStatusOf(code: ErrorCode): number {
  return code === 'INVALID_INPUT' ? EXIT.usage : EXIT.failed
}

/**
 * Prints a failed result and returns the exit status for it. Always `zoo <command>: <message>
 * [<CODE>]` on stderr, for the person at the terminal; with `json`, also the result itself,
 * `{ "ok": false, "error": { code, message, details } }`, on stdout, for the script reading it.
 * `command` is what follows "zoo" (e.g. "models", "cache verify"); empty for the CLI itself.
 */
export function reportFailure(io: CliIo, command: string, failure: Failure, json = false): number {
  const { code, message } = failure.error
  io.err(`zoo${command ? ` ${command}` : ''}: ${message} [${code}]`)
  if (json) io.out(JSON.stringify({ ok: false, error: failure.error }, null, 2))
  return exitStatusOf(code)
}
