import type { ParseArgsConfig } from 'node:util'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
  /** On a terminal: one status line redrawn in place ('' clears it). Absent when not a TTY. */
  status?: (line: string) => void
  /** Asks a yes/no question on the terminal. Absent unless stdin and stderr are both a TTY. */
  confirm?: (question: string) => Promise<boolean>
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** Thrown for wrong arguments: the CLI prints the message and the command's usage, exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  positionals: string[]
}

export interface Command {
  name: string
  summary: string
  /** Text after "Usage: zoo <name>", then an options table. */
  usage: string
  options: OptionSpec
  /** Positional arguments allowed (default none). */
  positionals?: { min: number; max: number }
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

export const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpec

export const GLOBAL_OPTIONS_HELP = `  --data-dir DIR    data folder (default: $ZOO_DATA_DIR, else the platform's user-data folder)
  -h, --help        show this help`
