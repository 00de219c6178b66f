/** Entry of the `zoo` command (bundled to out/main/cli.js, started by bin/zoo.js). */
import { createInterface } from 'node:readline/promises'
import type { CliIo } from './command'
import { runCli } from './runCli'
import { EXIT } from './reportFailure'

// A reader that stops reading (`zoo cache ls | head -1`, quitting `less`) has what it wanted:
// the command ends at once, quietly, with status 0, as `head` users expect. Ending mid-command is
// safe because everything the app writes survives a process that stops at any point (SQLite
// transactions, renames into place, partial files swept by their writer's pid).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.ok)
  process.stderr.write(`zoo: cannot write the output: ${error.message}\n`)
  process.exit(EXIT.failed)
})
// Messages to a closed stderr have nowhere to go; they must not take the command down.
process.stderr.on('error', () => {})

const io: CliIo = {
  out: (text: string) => process.stdout.write(text + '\n'),
  err: (text: string) => process.stderr.write(text + '\n'),
  env: process.env,
  ...(process.stderr.isTTY
    ? {
        status: (line: string) =>
          process.stderr.write(`\r\x1b[2K${line.slice(0, process.stderr.columns - 1)}`),
      }
    : {}),
  ...(process.stdin.isTTY && process.stderr.isTTY
    ? {
        confirm: async (question: string) => {
          const prompt = createInterface({ input: process.stdin, output: process.stderr })
          try {
            return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim())
          } finally {
            prompt.close()
          }
        },
      }
    : {}),
}

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    io.err(`zoo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exitCode = EXIT.failed
  },
)
