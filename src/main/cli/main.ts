/** Entry of the `zoo` command (bundled to out/main/cli.js, started by bin/zoo.js). */
import { runCli } from './runCli'

const io = {
  out: (text: string) => process.stdout.write(text + '\n'),
  err: (text: string) => process.stderr.write(text + '\n'),
  env: process.env,
}

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    io.err(`zoo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exitCode = 1
  },
)
