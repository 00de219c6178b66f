import type { CliIo } from '../../../src/main/cli/command'
import { runCli } from '../../../src/main/cli/runCli'
import { tempDirForTest } from './tempDir'

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs the CLI in-process with captured output and ZOO_DATA_DIR pointing at `dataDir`. */
export async function zoo(argv: string[], dataDir = tempDirForTest('zoo-cli')): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { ZOO_DATA_DIR: dataDir },
  }
  const code = await runCli(argv, io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}
