/**
 * How busy the machine is, apart from the benchmark: the CPU time every core spent busy (the
 * OS's count, os.cpus(): /proc/stat on Linux) minus the benchmark's own CPU time over the same
 * span, in cores. The load average is kept beside it, but it is a one-minute decaying count of
 * runnable threads (the benchmark's own among them): too coarse to judge a two-second point.
 */
import { cpus, loadavg } from 'node:os'
import type { LoadFigures } from '../../shared/contract'
import type { MachineCpu } from '../inference/host/hostProtocol'

/**
 * Other processes' use, in cores, above which a point counts as busy. Idle here, the OS's tick
 * count and the process's own accounting differ by a few hundredths of a core; one other
 * process spinning on a core is a whole one.
 */
export const BUSY_THRESHOLD_CORES = 0.25

/** Every core's CPU time since boot. */
export function machineCpu(): MachineCpu {
  let busyMs = 0
  let idleMs = 0
  for (const { times } of cpus()) {
    busyMs += times.user + times.nice + times.sys + times.irq
    idleMs += times.idle
  }
  return { busyMs, idleMs }
}

/** The load over a span from its machine CPU delta, the benchmark's own CPU ms, and its wall ms. */
export function loadOver(machine: MachineCpu, ownCpuMs: number, wallMs: number): LoadFigures {
  if (!(wallMs > 0)) return { otherCores: 0, ownCores: 0, loadAverage: loadavg()[0] ?? 0 }
  // Ticks and rusage round differently: a little below zero is none.
  const other = Math.max(0, machine.busyMs - ownCpuMs) / wallMs
  return { otherCores: other, ownCores: ownCpuMs / wallMs, loadAverage: loadavg()[0] ?? 0 }
}

/** The load for `ms` from now, this process's own CPU subtracted. */
export async function sampleLoad(ms: number, signal?: AbortSignal): Promise<LoadFigures> {
  const machineBefore = machineCpu()
  const ownBefore = process.cpuUsage()
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
  const own = process.cpuUsage(ownBefore)
  const machineAfter = machineCpu()
  return loadOver(
    {
      busyMs: machineAfter.busyMs - machineBefore.busyMs,
      idleMs: machineAfter.idleMs - machineBefore.idleMs,
    },
    (own.user + own.system) / 1000,
    performance.now() - started,
  )
}
