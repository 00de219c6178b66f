/**
 * A second process on a data folder's blob store, for the tests of two processes at once (run
 * with tsx). Commands on argv:
 *   attach DATA SOURCE PREFIX ROUNDS  attach SOURCE ROUNDS times, as catalog ids PREFIX-0, PREFIX-1…
 *   commit DATA SOURCE PREFIX ROUNDS  commit SOURCE's bytes ROUNDS times as a converter's output,
 *                                     recording conversions of sources PREFIX-0, PREFIX-1…
 *   gc DATA STOP                      clear the store's leftovers over and over until the file
 *                                     STOP exists, then print how many entries it removed
 * Each prints "ready" once open, and "done" (gc: "done N") at the end.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../../../src/main/db/openDatabase'
import { ModelStore } from '../../../../src/main/inference/modelStore'
import { Leases } from '../../../../src/main/locks/leases'
import { BlobStore } from '../../../../src/main/store/blobStore'
import { blobUsers } from '../../../../src/main/store/blobUsers'
import { ConversionTable } from '../../../../src/main/store/conversionTable'

const [command, dataDir, arg, prefix, rounds] = process.argv.slice(2)
const { db } = openDatabase(join(dataDir!, 'zoo.sqlite'))
const leases = new Leases(db, { pollMs: 5 })
const blobs = new BlobStore({ root: join(dataDir!, 'cache'), leases, inUse: blobUsers(db) })
await blobs.ensure()
process.stdout.write('ready\n')

if (command === 'attach') {
  const models = new ModelStore(blobs, db, (id) => ({ name: id, inputSize: 32, classes: 4 }))
  for (let i = 0; i < Number(rounds); i++) await models.attachCatalog(`${prefix}-${i}`, arg!)
  process.stdout.write('done\n')
} else if (command === 'commit') {
  const conversions = new ConversionTable(db)
  const bytes = readFileSync(arg!)
  for (let i = 0; i < Number(rounds); i++) {
    const temporary = blobs.temporary('onnx')
    writeFileSync(temporary, bytes)
    await blobs.commit(temporary, (blob) =>
      conversions.record({
        sourceSha256: `${prefix}-${i}`,
        converterVersion: 'test',
        opset: 13,
        onnxSha256: blob.sha256,
        ops: { Gemm: 1 },
        durationMs: 1,
        convertedAt: new Date().toISOString(),
      }),
    )
  }
  process.stdout.write('done\n')
} else if (command === 'gc') {
  let removed = 0
  while (!existsSync(arg!)) {
    removed += (await blobs.clearLeftovers()).count
    await new Promise((resolve) => setImmediate(resolve))
  }
  process.stdout.write(`done ${removed}\n`)
}
leases.dispose()
db.close()
