import { resolveDataDir } from '../app/dataDir'
import { openAppCore, type AppCore } from '../core/appCore'
import type { CliIo, ParsedArgs } from './command'

/** Opens the app core on the data folder the arguments or environment name, and always closes it. */
export async function withCore<T>(
  args: ParsedArgs,
  io: CliIo,
  use: (core: AppCore) => Promise<T>,
): Promise<T> {
  const core = openAppCore({
    dataDir: resolveDataDir({ flag: args.values['data-dir'] as string | undefined, env: io.env }),
    host: 'cli',
    env: io.env,
    log: (message) => io.err(message),
  })
  try {
    return await use(core)
  } finally {
    core.close()
  }
}
