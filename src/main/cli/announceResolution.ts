/**
 * Says on stderr which catalog id a typed name stood for ("ShuffleNetV2 → ShuffleNetV2_x1_0"),
 * so stdout stays what scripts parse. The request itself resolves the name again on the core
 * side (the same resolver), so a name that fails here fails there with the real error.
 */
import type { ModelNameResolution } from '../../shared/contract'
import type { AppCore } from '../core/appCore'
import type { CliIo } from './command'

export function resolutionLine(resolved: ModelNameResolution): string | null {
  if (resolved.via === 'id') return null
  const how =
    resolved.via === 'alias'
      ? `older name${resolved.source ? `, ${resolved.source}` : ''}`
      : 'display name'
  return `${resolved.name} → ${resolved.id} (${how})`
}

export async function announceResolution(
  core: AppCore,
  io: CliIo,
  names: readonly string[],
): Promise<void> {
  for (const name of names) {
    const result = await core.dispatch('catalog.resolve', { name }, { face: 'cli' })
    const line = result.ok ? resolutionLine(result.value) : null
    if (line) io.err(line)
  }
}
