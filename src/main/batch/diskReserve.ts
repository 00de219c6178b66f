/**
 * A little room kept on the journal's disk while a job runs there. When the disk fills up, the
 * journal refuses every write, the job's own end included: it would read as still running (its
 * lease could not be given back either) with no word of why it stopped. Giving the reserve back
 * first leaves room for those last few writes: the state "failed" with DISK_FULL, the lease.
 *
 * One file per job (`<journal>.reserve-<job id>`): two processes sharing the data folder each
 * keep their own. Best effort throughout: a reserve that cannot be made (the disk full already)
 * is no reason not to run.
 */
import { rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'

/** Room for a few transactions of a page or two each (a WAL frame is a page plus 24 bytes). */
const RESERVE_BYTES = 128 * 1024

export class DiskReserve {
  private constructor(private readonly path: string | null) {}

  /** Beside `journalPath` (null: an in-memory journal, nothing to reserve). */
  static async take(journalPath: string | null, jobId: string): Promise<DiskReserve> {
    if (journalPath === null) return new DiskReserve(null)
    const path = `${journalPath}.reserve-${jobId}`
    try {
      // Written, not truncated to size: a sparse file would hold no room at all.
      await writeFile(path, Buffer.alloc(RESERVE_BYTES, 0x5a))
      return new DiskReserve(path)
    } catch {
      rmSync(path, { force: true })
      return new DiskReserve(null)
    }
  }

  /** Gives the room back (idempotent). */
  release(): void {
    if (this.path) rmSync(this.path, { force: true })
  }
}
