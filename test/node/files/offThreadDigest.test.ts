import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { OffThreadDigest } from '../../../src/main/files/offThreadDigest'

const dir = mkdtempSync(join(tmpdir(), 'zoo-digest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const hex = (algorithm: string, ...parts: Buffer[]) => {
  const hash = createHash(algorithm)
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

describe('OffThreadDigest', () => {
  it('hashes a file prefix then blocks, in order, as one stream', async () => {
    const prefix = randomBytes(3 * 1024 * 1024 + 17)
    const blocks = Array.from({ length: 20 }, (_, i) => randomBytes(100_000 + i))
    const path = join(dir, 'partial')
    writeFileSync(path, prefix)
    const digest = new OffThreadDigest(true)
    try {
      await digest.addFile(path)
      expect(digest.size).toBe(prefix.length)
      // More blocks than may queue: update has to wait for the worker and must keep the order.
      for (const block of blocks) await digest.update(block)
      const result = await digest.result()
      expect(result.size).toBe(prefix.length + blocks.reduce((n, b) => n + b.length, 0))
      expect(result.sha256).toBe(hex('sha256', prefix, ...blocks))
      expect(result.md5).toBe(hex('md5', prefix, ...blocks))
    } finally {
      await digest.close()
    }
  })

  it('skips MD5 when not asked, and a missing file adds nothing', async () => {
    const digest = new OffThreadDigest(false)
    try {
      await digest.addFile(join(dir, 'absent'))
      await digest.update(Buffer.from('zoo'))
      expect(await digest.result()).toEqual({
        sha256: hex('sha256', Buffer.from('zoo')),
        md5: null,
        size: 3,
      })
    } finally {
      await digest.close()
    }
  })

  it('a closed digest rejects instead of hanging', async () => {
    const digest = new OffThreadDigest(false)
    await digest.close()
    await expect(digest.result()).rejects.toThrow(/stopped/)
  })
})
