import { parseArgs } from 'node:util'
import { AppError, fail, failureOf } from '../../shared/errors'
import { APP_VERSION } from '../app/appInfo'
import {
  GLOBAL_OPTIONS,
  GLOBAL_OPTIONS_HELP,
  UsageError,
  type CliIo,
  type Command,
} from './command'
import { attachCommand } from './commands/attach'
import { batchCommand } from './commands/batch'
import { benchCommand } from './commands/bench'
import { classifyCommand } from './commands/classify'
import { compareCommand } from './commands/compare'
import { convertCommand } from './commands/convert'
import { preprocessCommand } from './commands/preprocess'
import { factsCommand } from './commands/facts'
import { exportCommand } from './commands/exportChart'
import { infoCommand } from './commands/info'
import { modelCommand } from './commands/model'
import { modelsCommand } from './commands/models'
import { serveCommand } from './commands/serve'
import { cacheCommand, importCommand, pullCommand } from './commands/weights'
import { EXIT, EXIT_STATUS_HELP, reportFailure } from './reportFailure'

export const commands: readonly Command[] = [
  infoCommand,
  modelsCommand,
  modelCommand,
  compareCommand,
  classifyCommand,
  batchCommand,
  benchCommand,
  attachCommand,
  convertCommand,
  preprocessCommand,
  factsCommand,
  pullCommand,
  importCommand,
  cacheCommand,
  exportCommand,
  serveCommand,
]

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `Zoo Explorer ${APP_VERSION}: the PaddleClas ImageNet-1k model zoo, offline.

Usage: zoo <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
${GLOBAL_OPTIONS_HELP}
  --version         print the version

${EXIT_STATUS_HELP}

Run "zoo <command> --help" for a command's options.`
}

export function commandHelp(command: Command): string {
  return `Usage: zoo ${command.usage}\n${GLOBAL_OPTIONS_HELP}`
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined
    io.out(topic ? commandHelp(topic) : mainHelp())
    return EXIT.ok
  }
  if (name === '--version') {
    io.out(APP_VERSION)
    return EXIT.ok
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    const status = reportFailure(io, '', fail('INVALID_INPUT', `unknown command "${name}".`))
    io.err(`\n${mainHelp()}`)
    return status
  }
  const status = await runCommand(command, rest, io)
  // Exit 2 means "change the command line": show how, whoever refused it (flags, a service).
  if (status === EXIT.usage) io.err(`\n${commandHelp(command)}`)
  return status
}

async function runCommand(command: Command, rest: string[], io: CliIo): Promise<number> {
  try {
    let parsed
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...GLOBAL_OPTIONS, ...command.options },
        strict: true,
        allowPositionals: true,
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    if (parsed.values.help) {
      io.out(commandHelp(command))
      return EXIT.ok
    }
    const { min, max } = command.positionals ?? { min: 0, max: 0 }
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `"zoo ${command.name}" takes no arguments, got "${parsed.positionals.join(' ')}".`
          : `"zoo ${command.name}" takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}.`,
      )
    }
    return await command.run(parsed, io)
  } catch (error) {
    // The arguments may not have parsed: --json is looked for as typed.
    const json = rest.includes('--json')
    if (error instanceof UsageError)
      return reportFailure(io, command.name, fail('INVALID_INPUT', error.message), json)
    // A service's refusal (a database from a newer app…) reads like any other failed result; a
    // bug says so, and keeps its stack for the report.
    const status = reportFailure(io, command.name, failureOf(error, 'The command'), json)
    if (!(error instanceof AppError) && error instanceof Error && error.stack) io.err(error.stack)
    return status
  }
}
