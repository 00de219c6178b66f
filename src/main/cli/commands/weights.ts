import type {
  Artifact,
  DownloadState,
  GcReport,
  VerifyReport,
  WeightsOverview,
} from '../../../shared/contract'
import { formatBytes } from '../../../shared/format/formatBytes'
import { UsageError, type Command } from '../command'
import { textTable } from '../textTable'
import { withCore } from '../withCore'

const kindOf = (value: unknown): 'inference' | 'pretrained' => {
  const kind = (value as string | undefined) ?? 'inference'
  if (kind !== 'inference' && kind !== 'pretrained')
    throw new UsageError(`--kind must be inference or pretrained, got "${kind}".`)
  return kind
}

function progressLine(state: DownloadState): string {
  const done = state.total
    ? ` of ${formatBytes(state.total)} (${((state.received / state.total) * 100).toFixed(0)} %)`
    : ''
  const rate = state.rate > 0 ? ` · ${formatBytes(state.rate)}/s` : ''
  const eta = state.eta !== null && state.eta > 0 ? ` · ${Math.ceil(state.eta)} s left` : ''
  return `${state.id}: ${state.state} ${formatBytes(state.received)}${done}${rate}${eta}`
}

export const pullCommand: Command = {
  name: 'pull',
  summary: 'download a model’s PaddleClas artifact into the cache (resumable, verified)',
  usage: `pull ID [--kind inference|pretrained] [--mirror URL] [--json]

Downloads the model's inference archive (*_infer.tar, extracted safely) or pretrained weights
(.pdparams). An interrupted download resumes where it stopped when pulled again.

Options:
  --kind K          inference (default) or pretrained
  --mirror URL      download from this base URL instead of PaddleClas's host (also: ZOO_MIRROR)
  --json            print the cached artifact as JSON`,
  options: { kind: { type: 'string' }, mirror: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const kind = kindOf(args.values.kind)
    const modelId = args.positionals[0]!
    return withCore(args, io, async (core) => {
      let lastPrinted = 0
      const unsubscribe = core.events.subscribe((event, payload) => {
        if (event !== 'downloads.progress' || args.values.json) return
        const state = payload as DownloadState
        const now = Date.now()
        if (state.state === 'downloading' && now - lastPrinted < 1000) return
        lastPrinted = now
        io.err(progressLine(state))
      })
      try {
        const result = await core.dispatch(
          'weights.pull',
          {
            modelId,
            kind,
            wait: true,
            ...(args.values.mirror ? { mirror: String(args.values.mirror) } : {}),
          },
          { face: 'cli' },
        )
        if (!result.ok) {
          if (result.error.code === 'INVALID_INPUT') throw new UsageError(result.error.message)
          io.err(`zoo pull: ${result.error.message}`)
          return 1
        }
        const artifact = core.weights.get(`${modelId}:${kind}`)!
        io.out(
          args.values.json
            ? JSON.stringify(artifact, null, 2)
            : `Cached ${describeArtifact(artifact)}`,
        )
        return 0
      } finally {
        unsubscribe()
      }
    })
  },
}

const describeArtifact = (artifact: Artifact) =>
  `${artifact.id}: ${formatBytes(artifact.size)}, sha256 ${artifact.sha256}` +
  (artifact.contents
    ? `, ${artifact.contents.format} (${artifact.contents.files.length} files)`
    : '')

export const importCommand: Command = {
  name: 'import',
  summary: 'add an artifact you already have (offline machines) to the cache',
  usage: `import PATH --model ID [--kind inference|pretrained] [--json]

PATH is an *_infer.tar (extracted safely), the folder it extracts to (packed into one), or a
.pdparams file; it is verified and cached as if it had been downloaded.

Options:
  --model ID        the catalog model it belongs to
  --kind K          inference (default) or pretrained`,
  options: { model: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    if (!args.values.model) throw new UsageError('--model ID is required.')
    const input = {
      source: { path: args.positionals[0]! },
      modelId: String(args.values.model),
      kind: kindOf(args.values.kind),
    }
    return withCore(args, io, async (core) => {
      const result = await core.dispatch('weights.import', input, { face: 'cli' })
      if (!result.ok) {
        io.err(`zoo import: ${result.error.message}`)
        return result.error.code === 'INVALID_INPUT' ? 2 : 1
      }
      const artifact = result.value as Artifact
      io.out(
        args.values.json
          ? JSON.stringify(artifact, null, 2)
          : `Imported ${describeArtifact(artifact)}`,
      )
      return 0
    })
  },
}

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'the weights cache: ls, verify [ID], gc, rm ID',
  usage: `cache ls|verify|gc|rm [ID] [--json]

  ls                list cached artifacts and the cache's size and budget
  verify [ID]       re-hash cached files against their manifests (exit 1 if any changed)
  gc                trim the cache to its budget (least recently used first), drop orphans
  rm ID             remove an artifact (e.g. ResNet50_vd:inference)`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 2 },
  run(args, io) {
    const [action, id] = args.positionals
    if (!['ls', 'verify', 'gc', 'rm'].includes(action!))
      throw new UsageError(`unknown cache action "${action}".`)
    if (action === 'rm' && !id) throw new UsageError('"zoo cache rm" needs an artifact id.')
    if ((action === 'ls' || action === 'gc') && id)
      throw new UsageError(`"zoo cache ${action}" takes no id.`)
    const json = (value: unknown) => io.out(JSON.stringify(value, null, 2))
    return withCore(args, io, async (core) => {
      if (action === 'ls') {
        const overview = (await core.dispatch('weights.list', {}, { face: 'cli' })) as {
          ok: true
          value: WeightsOverview
        }
        const { artifacts, totalBytes, settings } = overview.value
        if (args.values.json) return (json(overview.value), 0)
        io.out(
          artifacts.length
            ? textTable(
                ['Artifact', 'Source', 'Size', 'SHA-256', 'Last used'],
                artifacts.map((a) => [
                  a.id,
                  a.source,
                  formatBytes(a.size),
                  a.sha256.slice(0, 16),
                  a.lastUsedAt,
                ]),
              )
            : 'The cache is empty.',
        )
        io.out(
          `\n${formatBytes(totalBytes)} of ${formatBytes(settings.budgetBytes)} budget${settings.mirror ? ` · mirror ${settings.mirror}` : ''}`,
        )
        return 0
      }
      if (action === 'verify') {
        const result = await core.dispatch('weights.verify', id ? { id } : {}, { face: 'cli' })
        if (!result.ok) {
          io.err(`zoo cache verify: ${result.error.message}`)
          return 1
        }
        const report = result.value as VerifyReport
        if (args.values.json) json(report)
        else
          for (const c of report.checked) io.out(`${c.ok ? 'ok  ' : 'BAD '} ${c.id}: ${c.message}`)
        return report.checked.every((c) => c.ok) ? 0 : 1
      }
      if (action === 'gc') {
        const report = (await core.dispatch('weights.gc', {}, { face: 'cli' })) as {
          ok: true
          value: GcReport
        }
        if (args.values.json) json(report.value)
        else
          io.out(
            `Removed ${report.value.removed.length} artifacts, freed ${formatBytes(report.value.freedBytes)}.`,
          )
        return 0
      }
      const result = await core.dispatch('weights.remove', { id: id! }, { face: 'cli' })
      const removed = result.ok && (result.value as { removed: boolean }).removed
      io.out(removed ? `Removed ${id}.` : `No cached artifact "${id}".`)
      return removed ? 0 : 1
    })
  },
}
