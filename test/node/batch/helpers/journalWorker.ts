/**
 * A batch runner stand-in in its own process, for the kill test: it opens the journal, creates or
 * resumes a job over `count` generated files (enumerating them again in chunks, as a restarted
 * job does), then records outcomes batch by batch until none is pending, printing each step.
 * Killed at any moment, the journal must hold whole transactions only.
 *
 * Usage: node --import tsx journalWorker.ts <db file> <count> [batch size]
 */
import { BatchJournal } from '../../../../src/main/batch/batchJournal'
import { openDatabase } from '../../../../src/main/db/openDatabase'
import { found, jobSpec, okFor } from './journalFixtures'

const [file, countText, batchText] = process.argv.slice(2)
const count = Number(countText)
const batchSize = Number(batchText ?? 32)
const { db } = openDatabase(file!)
const journal = new BatchJournal(db)
const spec = jobSpec(['/photos'])
const job = journal.findUnfinished(spec) ?? journal.createJob(spec)
console.log(`job ${job.id}`)

for (let start = 0; start < count; start += 1000) {
  const chunk = []
  for (let i = start; i < Math.min(count, start + 1000); i++)
    chunk.push(found(`d${i % 50}/IMG_${i}.jpg`, 1000 + i))
  journal.addFiles(job.id, chunk)
}
journal.markEnumerated(job.id)
journal.setState(job.id, 'running')
console.log('enumerated')

for (;;) {
  const batch = journal.pending(job.id, batchSize)
  if (batch.length === 0) break
  journal.recordBatch(
    job.id,
    batch.map((row) => okFor(row, spec.models.length)),
  )
  console.log(`recorded ${batch.length}`)
}
journal.setState(job.id, 'done')
console.log('done')
db.close()
