/**
 * A second process for the lease tests (run with tsx). Commands on argv:
 *   hold DB NAME            take the lease, print "held", keep it until killed
 *   race DB NAME LOG ROUNDS take and release the lease ROUNDS times, logging "+pid"/"-pid" lines
 *                            to LOG while holding it
 */
import { appendFileSync } from 'node:fs'
import { openDatabase } from '../../../../src/main/db/openDatabase'
import { Leases } from '../../../../src/main/locks/leases'

const [command, file, name, log, rounds] = process.argv.slice(2)
const { db } = openDatabase(file!)
const leases = new Leases(db, { pollMs: 1 })

if (command === 'hold') {
  const result = leases.tryAcquire(name!, 'test')
  process.stdout.write('heldBy' in result ? `busy ${result.heldBy.pid}\n` : 'held\n')
  setInterval(() => {}, 1000)
} else if (command === 'race') {
  for (let i = 0; i < Number(rounds); i++) {
    const lease = await leases.acquire(name!, 'test')
    appendFileSync(log!, `+${process.pid}\n`)
    // Hold it across a few turns of the event loop, as real work does.
    await new Promise((resolve) => setTimeout(resolve, 1))
    appendFileSync(log!, `-${process.pid}\n`)
    lease.release()
  }
  db.close()
}
