/** What a benchmark's figures were measured on, kept with every run. */
import { availableParallelism, cpus, release, totalmem, type, version } from 'node:os'
import type { MachineFingerprint } from '../../shared/contract'
import { APP_VERSION } from '../app/appInfo'
import { EXECUTION_PROVIDER, onnxRuntimeVersion } from '../inference/host/onnxSession'

export function machineFingerprint(): MachineFingerprint {
  const models = [...new Set(cpus().map((cpu) => cpu.model.trim()))]
  return {
    cpuModel: models.join(' + ') || 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    osVersion: version(),
    arch: process.arch,
    node: process.versions.node,
    onnxRuntime: onnxRuntimeVersion(),
    executionProvider: EXECUTION_PROVIDER,
    app: APP_VERSION,
  }
}
