import { announceResolution, resolutionLine } from '../announceResolution'
import type { Artifact, ArtifactKind, DownloadState } from '../../../shared/contract'
import type { AppCore } from '../../core/appCore'
import { formatBytes } from '../../../shared/format/formatBytes'
import { describeStructure } from '../../weights/archiveCheck'
import { UsageError, type Command } from '../command'
import { EXIT, reportFailure } from '../reportFailure'
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
    ? ` of ${formatBytes(state.total)} (${((state.done / state.total) * 100).toFixed(0)} %)`
    : ''
  const rate = state.rate > 0 ? ` · ${formatBytes(state.rate)}/s` : ''
  const eta = state.eta !== null && state.eta > 0 ? ` · ${Math.ceil(state.eta)} s left` : ''
  const where = state.otherProcess ? ` in another process (pid ${state.otherProcess.pid}),` : ''
  return `${state.id}: ${state.state}${where} ${formatBytes(state.done)}${done}${rate}${eta}`
}

/** What the cache checked about an artifact, in a few words ("MD5 (ETag), structure"). */
function checkedSummary(artifact: Artifact): string {
  const { digests, structure } = artifact.verification
  const parts = [...digests, ...(structure ? ['structure'] : [])]
  return parts.length ? parts.join(', ') : 'nothing to check'
}

const describeArtifact = (artifact: Artifact) =>
  `${artifact.id}: ${formatBytes(artifact.size)}, sha256 ${artifact.sha256}` +
  (artifact.contents
    ? `, ${artifact.contents.format} (${artifact.contents.files.length} files)`
    : '') +
  `\n  checked: ${
    [
      ...artifact.verification.digests,
      ...(artifact.verification.structure
        ? [describeStructure(artifact.verification.structure)]
        : []),
    ].join('; ') || 'the server stated no checksum and the file has no structure to check'
  }`

export const pullCommand: Command = {
  name: 'pull',
  summary: 'download a model’s PaddleClas artifact into the cache (resumable, verified)',
  usage: `pull ID [--kind inference|pretrained] [--mirror URL] [--json]

Downloads the model's inference archive (*_infer.tar, checked and extracted safely) or pretrained
weights (.pdparams). An interrupted download resumes where it stopped when pulled again; a pull
of an artifact another process is downloading follows that download.

Options:
  --kind K          inference (default) or pretrained
  --mirror URL      download from this base URL instead of PaddleClas's host (also: ZOO_MIRROR)
  --json            print the cached artifact as JSON`,
  options: { kind: { type: 'string' }, mirror: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  run(args, io) {
    const kind = kindOf(args.values.kind)
    const json = args.values.json === true
    return withCore(args, io, async (core) => {
      // The artifact is keyed by the catalog id, whatever name was typed.
      const named = await core.dispatch(
        'catalog.resolve',
        { name: args.positionals[0]! },
        { face: 'cli' },
      )
      if (!named.ok) return reportFailure(io, 'pull', named, json)
      const modelId = named.value.id
      const line = resolutionLine(named.value)
      if (line) io.err(line)
      let lastPrinted = 0
      let lastOther: number | null = null
      const warned = new Set<string>()
      const unsubscribe = core.events.on('jobs.progress', (state) => {
        if (state.job !== 'download' || json) return
        for (const warning of [state.warning, state.runWarning]) {
          if (!warning || warned.has(warning)) continue
          warned.add(warning)
          io.err(`zoo pull: warning: ${warning}`)
        }
        const now = Date.now()
        const followed = state.otherProcess?.pid ?? null
        const news = followed !== lastOther
        lastOther = followed
        if (state.state === 'downloading' && !news && now - lastPrinted < 1000) return
        if (state.state === 'failed' || state.state === 'cancelled') return // reported below
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
          const status = reportFailure(io, 'pull', result, json)
          const state = core.weights.list().downloads.find((d) => d.id === `${modelId}:${kind}`)
          if (state && state.done > 0 && !json)
            io.err(
              `zoo pull: ${formatBytes(state.done)} of it is saved; run the same command again to resume.`,
            )
          return status
        }
        const artifact = core.weights.get(`${modelId}:${kind}`)!
        io.out(json ? JSON.stringify(artifact, null, 2) : `Cached ${describeArtifact(artifact)}`)
        const note = json ? null : runnableNote(core, artifact.modelId, kind)
        if (note) io.out(note)
        return EXIT.ok
      } finally {
        unsubscribe()
      }
    })
  },
}

/** Whether the model now runs here (converted from its archive) and how, for pull and import. */
function runnableNote(core: AppCore, modelId: string, kind: ArtifactKind): string | null {
  if (kind !== 'inference') return null
  const model = core.inference.models().find((m) => m.id === modelId)
  if (!model) return `  not runnable yet: \`zoo classify --model ${modelId}\` says why`
  const check = model.selfCheck
  const checked =
    check && check.checked > 0
      ? `; self-check: ${check.agreed} of ${check.checked} sample images got their documented class`
      : ''
  const warnings = (check?.warnings ?? []).map((w) => `\n  warning: ${w}`).join('')
  return `  runnable (${model.origin === 'converted' ? 'converted to ONNX' : 'attached ONNX'})${checked}: zoo classify --model ${modelId} IMAGE…${warnings}`
}

export const importCommand: Command = {
  name: 'import',
  summary: 'add an artifact you already have (offline machines) to the cache',
  usage: `import PATH --model ID [--kind inference|pretrained] [--json]

PATH is an *_infer.tar (checked and extracted safely), the folder it extracts to (packed into
one), or a .pdparams file; it is verified and cached as if it had been downloaded.

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
    const json = args.values.json === true
    return withCore(args, io, async (core) => {
      await announceResolution(core, io, [input.modelId])
      const result = await core.dispatch('weights.import', input, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'import', result, json)
      const artifact = result.value
      io.out(json ? JSON.stringify(artifact, null, 2) : `Imported ${describeArtifact(artifact)}`)
      const note = json ? null : runnableNote(core, artifact.modelId, input.kind)
      if (note) io.out(note)
      return EXIT.ok
    })
  },
}

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'the weights cache: ls, verify [ID], gc, rm ID',
  usage: `cache ls|verify|gc|rm [ID] [--json]

  ls                list cached artifacts, what was checked, the cache's size and budget
  verify [ID]       re-hash cached files and re-check each archive's model structure
                    (exit 1 if any changed or is damaged)
  gc                trim the cache to its budget (least recently used first), clear leftovers
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
    const json = args.values.json === true
    const print = (value: unknown) => io.out(JSON.stringify(value, null, 2))
    return withCore(args, io, async (core) => {
      if (action === 'ls') {
        const result = await core.dispatch('weights.list', {}, { face: 'cli' })
        if (!result.ok) return reportFailure(io, 'cache ls', result, json)
        const { artifacts, totalBytes, settings } = result.value
        if (json) return (print(result.value), EXIT.ok)
        io.out(
          artifacts.length
            ? textTable(
                ['Artifact', 'Source', 'Size', 'Unpacked', 'SHA-256', 'Checked', 'Last used'],
                artifacts.map((a) => [
                  a.id,
                  a.source,
                  formatBytes(a.size),
                  a.extractedBytes ? formatBytes(a.extractedBytes) : '–',
                  a.sha256.slice(0, 16),
                  checkedSummary(a),
                  a.lastUsedAt,
                ]),
              )
            : 'The cache is empty.',
        )
        io.out(
          `\n${formatBytes(totalBytes)} of ${formatBytes(settings.budgetBytes)} budget${settings.mirror ? ` · mirror ${settings.mirror}` : ''}`,
        )
        if (settings.mirrorWarning) io.err(`zoo cache ls: warning: ${settings.mirrorWarning}`)
        return EXIT.ok
      }
      if (action === 'verify') {
        const result = await core.dispatch('weights.verify', id ? { id } : {}, { face: 'cli' })
        if (!result.ok) return reportFailure(io, 'cache verify', result, json)
        const report = result.value
        if (json) print(report)
        else
          for (const c of report.checked) io.out(`${c.ok ? 'ok  ' : 'BAD '} ${c.id}: ${c.message}`)
        return report.checked.every((c) => c.ok) ? EXIT.ok : EXIT.failed
      }
      if (action === 'gc') {
        const result = await core.dispatch('weights.gc', {}, { face: 'cli' })
        if (!result.ok) return reportFailure(io, 'cache gc', result, json)
        const report = result.value
        if (json) print(report)
        else
          io.out(
            `Removed ${report.removed.length} artifacts and ${report.leftovers} leftovers, freed ${formatBytes(report.freedBytes)}.`,
          )
        return EXIT.ok
      }
      const result = await core.dispatch('weights.remove', { id: id! }, { face: 'cli' })
      if (!result.ok) return reportFailure(io, 'cache rm', result, json)
      const { removed } = result.value
      io.out(removed ? `Removed ${id}.` : `No cached artifact "${id}".`)
      return removed ? EXIT.ok : EXIT.failed
    })
  },
}
