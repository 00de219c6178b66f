import type { AppInfo } from '../../../shared/contract'
import type { Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
import { withCore } from '../withCore'

export const infoCommand: Command = {
  name: 'info',
  summary: 'versions of the app and its engines, and where its data lives',
  usage: `info [--json]

Prints the versions of Zoo Explorer, Node, SQLite, onnxruntime and sharp, and the data folder.

Options:
  --json            print one JSON object instead of text`,
  options: { json: { type: 'boolean' } },
  run(args, io) {
    return withCore(args, io, async (core) => {
      const result = await core.dispatch('app.info', {}, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'info', result, args.values.json === true)
      const info = result.value
      io.out(args.values.json ? JSON.stringify(info, null, 2) : formatInfo(info))
      return EXIT.ok
    })
  },
}

function formatInfo(info: AppInfo): string {
  const rows: [string, string][] = [
    [info.name, info.version],
    ['Node', info.versions.node],
    ['SQLite', info.versions.sqlite],
    ['onnxruntime-node', info.versions.onnxruntime],
    ['sharp', `${info.versions.sharp} (libvips ${info.versions.libvips})`],
    ['Platform', `${info.platform} ${info.arch}`],
    ['Data folder', info.dataDir],
    ['Database', info.databasePath],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')
}
