import { parseArgs } from 'node:util'
import { APP_VERSION } from '../app/appInfo'
import {
  GLOBAL_OPTIONS,
  GLOBAL_OPTIONS_HELP,
  UsageError,
  type CliIo,
  type Command,
} from './command'
import { attachCommand } from './commands/attach'
import { classifyCommand } from './commands/classify'
import { exportCommand } from './commands/exportChart'
import { infoCommand } from './commands/info'
import { modelCommand } from './commands/model'
import { modelsCommand } from './commands/models'
import { serveCommand } from './commands/serve'
import { cacheCommand, importCommand, pullCommand } from './commands/weights'

export const commands: readonly Command[] = [
  infoCommand,
  modelsCommand,
  modelCommand,
  classifyCommand,
  attachCommand,
  pullCommand,
  importCommand,
  cacheCommand,
  exportCommand,
  serveCommand,
]

const EXIT_USAGE = 2

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `Zoo Explorer ${APP_VERSION}: the PaddleClas ImageNet-1k model zoo, offline.

Usage: zoo <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
${GLOBAL_OPTIONS_HELP}
  --version         print the version

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
    return 0
  }
  if (name === '--version') {
    io.out(APP_VERSION)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(`zoo: unknown command "${name}".\n\n${mainHelp()}`)
    return EXIT_USAGE
  }
  try {
    let parsed
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...GLOBAL_OPTIONS, ...command.options },
        strict: true,
        allowPositionals: true,
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    if (parsed.values.help) {
      io.out(commandHelp(command))
      return 0
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
    if (error instanceof UsageError) {
      io.err(`zoo ${command.name}: ${error.message}\n\n${commandHelp(command)}`)
      return EXIT_USAGE
    }
    throw error
  }
}
