/**
 * `zoo pull`, `zoo import` and `zoo cache ls|verify|gc|rm`: exit codes and output, in-process
 * against a fault server on 127.0.0.1, and the real CLI process killed mid-download and run again.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Artifact, GcReport, VerifyReport, WeightsOverview } from '@shared/contract'
import { runCli } from '../../../src/main/cli/runCli'
import { projectRoot } from '../helpers/paths'
import { tempDirForTest } from '../helpers/tempDir'
import { openTestCore } from '../helpers/testCore'
import { sha256Hex, startFaultServer, type FaultServer } from './helpers/faultServer'
import { paddleModelFiles, pdparams } from '../../support/paddle/modelFiles'
import { tarOf } from '../../support/ustar'
import {
  MODEL,
  cacheDirs,
  fileSize,
  inferenceArchive,
  listTree,
  waitFor,
} from './helpers/weightsFixture'

const INFER_PATH = '/dygraph/inference/ResNet50_vd_infer.tar'
const PRETRAINED_PATH = '/dygraph/legendary_models/ResNet50_vd_pretrained.pdparams'
const ID = `${MODEL}:inference`

interface Run {
  code: number
  out: string
  err: string
}

/** The CLI in-process, on `dataDir`, with output captured. */
async function zoo(dataDir: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { ZOO_DATA_DIR: dataDir, ...env },
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

interface Cli {
  dataDir: string
  server: FaultServer
  archive: Buffer
  run(argv: string[], env?: NodeJS.ProcessEnv): Promise<Run>
  /** Imports a good archive of MODEL and returns its path. */
  importArchive(): Promise<string>
}

async function setup(): Promise<Cli> {
  const dataDir = tempDirForTest('zoo-cli-weights')
  const server = await startFaultServer()
  const archive = inferenceArchive(MODEL)
  server.put(INFER_PATH, archive)
  const run = (argv: string[], env?: NodeJS.ProcessEnv) => zoo(dataDir, argv, env)
  return {
    dataDir,
    server,
    archive,
    run,
    async importArchive() {
      const file = join(tempDirForTest('zoo-cli-import'), `${MODEL}_infer.tar`)
      writeFileSync(file, archive)
      expect((await run(['import', file, '--model', MODEL])).code).toBe(0)
      return file
    },
  }
}

describe('zoo pull', () => {
  it('downloads through --mirror, prints the cached artifact and progress, exits 0', async () => {
    const cli = await setup()
    const run = await cli.run(['pull', MODEL, '--mirror', cli.server.url])
    expect(run.code).toBe(0)
    expect(run.out).toBe(
      `Cached ${ID}: ${(cli.archive.length / 1024).toFixed(1)} KB, sha256 ${sha256Hex(cli.archive)}, paddle2 (3 files)\n` +
        `  checked: MD5 (ETag); Paddle program with 3 ops, 1 parameter tensor (64.0 KB) consumed exactly\n` +
        // The test archive's program is not an image classifier: cached, but it cannot run.
        `  not runnable yet: \`zoo classify --model ${MODEL}\` says why`,
    )
    expect(run.err).toMatch(/warning: Downloaded, but not runnable: .* is not an image classifier/)
    expect(run.err).toMatch(new RegExp(`^${ID}: done .*\\(100 %\\)$`, 'm'))
    expect(cli.server.log.map((r) => r.path)).toEqual([INFER_PATH])
  })

  it('--json prints the artifact; --kind pretrained fetches the .pdparams', async () => {
    const cli = await setup()
    const weights = pdparams(20_000)
    cli.server.put(PRETRAINED_PATH, weights)
    const run = await cli.run([
      'pull',
      MODEL,
      '--kind',
      'pretrained',
      '--mirror',
      cli.server.url,
      '--json',
    ])
    expect(run.code).toBe(0)
    expect(run.err).toBe('')
    expect(JSON.parse(run.out) as Artifact).toMatchObject({
      id: `${MODEL}:pretrained`,
      sha256: sha256Hex(weights),
      size: weights.length,
      contents: null,
    })
  })

  it('exits 1 with the reason for a file missing on the mirror or an unknown model', async () => {
    const cli = await setup()
    const missing = await cli.run(['pull', 'MobileNetV2', '--mirror', cli.server.url])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^zoo pull: .*HTTP 404: no such file/m)
    const unknown = await cli.run(['pull', 'NoSuchNet', '--mirror', cli.server.url])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/^zoo pull: .*NoSuchNet/m)
    expect(listTree(cacheDirs(cli.dataDir).blobs)).toEqual([])
  })

  it('exits 2 for wrong arguments', async () => {
    const cli = await setup()
    for (const argv of [
      ['pull'],
      ['pull', MODEL, '--kind', 'weights'],
      ['pull', MODEL, '--mirror', 'ftp://mirror.local'],
      ['pull', MODEL, MODEL],
    ]) {
      const run = await cli.run(argv)
      expect(run.code, argv.join(' ')).toBe(2)
      expect(run.err).toContain('Usage: zoo pull')
    }
    expect(cli.server.log).toEqual([])
  })

  it('does not crash when the cache budget is smaller than the artifact', async () => {
    const cli = await setup()
    const { core } = openTestCore({ dataDir: cli.dataDir })
    core.weights.configure({ budgetBytes: 1000 })
    core.close()
    const run = await cli.run(['pull', MODEL, '--mirror', cli.server.url])
    expect(run.code).toBe(0)
    expect((await cli.run(['cache', 'ls'])).out).toContain(ID)
  })
})

describe('zoo import', () => {
  it('imports an archive (exit 0) as the same artifact a pull gives', async () => {
    const cli = await setup()
    const file = join(tempDirForTest('zoo-cli-import'), `${MODEL}_infer.tar`)
    writeFileSync(file, cli.archive)
    const run = await cli.run(['import', file, '--model', MODEL, '--json'])
    expect(run.code).toBe(0)
    const imported = JSON.parse(run.out) as Artifact
    expect(imported).toMatchObject({ id: ID, source: 'import', sha256: sha256Hex(cli.archive) })

    const other = tempDirForTest('zoo-cli-weights')
    const pulled = await zoo(other, ['pull', MODEL, '--mirror', cli.server.url, '--json'])
    // The same artifact, but for where it came from, when, and the server's word on it.
    const {
      source: _a,
      url: _b,
      fetchedAt: _c,
      lastUsedAt: _d,
      etag: _e,
      lastModified: _f,
      ...same
    } = imported
    expect(JSON.parse(pulled.out)).toMatchObject({
      ...same,
      verification: { ...same.verification, digests: ['MD5 (ETag)'] },
    })
    expect(imported.verification.digests).toEqual([])

    const text = await cli.run(['import', file, '--model', MODEL])
    expect(text.out).toMatch(
      new RegExp(
        `^Imported ${ID}: .* KB, sha256 ${sha256Hex(cli.archive)}, paddle2 \\(\\d+ files\\)\n  checked: Paddle program`,
      ),
    )
  })

  it('imports an extracted model folder, reporting what it holds', async () => {
    const cli = await setup()
    const folder = join(tempDirForTest('zoo-cli-import'), `${MODEL}_infer`)
    mkdirSync(folder)
    for (const [name, body] of Object.entries(paddleModelFiles()))
      writeFileSync(join(folder, name), body)
    const run = await cli.run(['import', folder, '--model', MODEL])
    expect(run).toMatchObject({ code: 0, err: '' })
    expect(run.out).toMatch(new RegExp(`^Imported ${ID}: .*paddle2 \\(2 files\\)`))
    expect((await cli.run(['cache', 'ls'])).out).toContain(ID)
  })

  it('exits 2 for a folder without a model, a wrong kind or no --model; 1 for a missing file or an unsafe archive', async () => {
    const cli = await setup()
    const dir = tempDirForTest('zoo-cli-import')
    const folder = join(dir, 'folder')
    mkdirSync(folder)
    const onnx = join(dir, 'model.onnx')
    writeFileSync(onnx, 'not a tar')
    const evil = join(dir, 'evil_infer.tar')
    writeFileSync(evil, tarOf([{ name: '../evil', body: 'x' }]))

    expect((await cli.run(['import', folder, '--model', MODEL])).code).toBe(2)
    expect((await cli.run(['import', onnx, '--model', MODEL])).code).toBe(2)
    expect((await cli.run(['import', onnx])).code).toBe(2)
    const missing = await cli.run(['import', join(dir, 'missing.tar'), '--model', MODEL])
    expect(missing).toMatchObject({ code: 1 })
    expect(missing.err).toMatch(/^zoo import: There is no file.*\[NOT_FOUND\]$/)
    const unsafe = await cli.run(['import', evil, '--model', MODEL])
    expect(unsafe.code).toBe(1)
    expect(unsafe.err).toMatch(/^zoo import: The archive was refused.*\[ARCHIVE_UNSAFE\]$/)
    expect(existsSync(join(dir, 'evil'))).toBe(false)
    expect((await cli.run(['cache', 'ls'])).out).toContain('The cache is empty.')
  })
})

describe('zoo cache', () => {
  it('ls shows an empty cache, then the artifacts, the total and the budget; --json', async () => {
    const cli = await setup()
    const empty = await cli.run(['cache', 'ls'])
    expect(empty).toMatchObject({ code: 0, err: '' })
    expect(empty.out).toMatch(/^The cache is empty\.\n\n0 B of 20\.0 GB budget$/)

    await cli.importArchive()
    const listed = await cli.run(['cache', 'ls'])
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(
      /Artifact\s+Source\s+Size\s+Unpacked\s+SHA-256\s+Checked\s+Last used/,
    )
    expect(listed.out).toContain(`${ID}`)
    expect(listed.out).toContain(sha256Hex(cli.archive).slice(0, 16))
    expect(listed.out).toMatch(/KB of 20\.0 GB budget$/)
    const json = JSON.parse((await cli.run(['cache', 'ls', '--json'])).out) as WeightsOverview
    expect(json.artifacts.map((a) => a.id)).toEqual([ID])
    // The archive and what it unpacked to: both take room on the disk.
    expect(json.totalBytes).toBe(cli.archive.length + json.artifacts[0]!.extractedBytes)
    expect(json.artifacts[0]!.extractedBytes).toBeGreaterThan(64 * 1024)
  })

  it('ls names the mirror from ZOO_MIRROR in the CLI’s environment', async () => {
    const cli = await setup()
    const run = await cli.run(['cache', 'ls'], { ZOO_MIRROR: cli.server.url })
    expect(run.out).toContain(`mirror ${cli.server.url}`)
  })

  it('verify exits 0 when intact and 1 with BAD when a blob changed', async () => {
    const cli = await setup()
    await cli.importArchive()
    const intact = await cli.run(['cache', 'verify'])
    expect(intact).toMatchObject({ code: 0 })
    expect(intact.out).toMatch(new RegExp(`^ok   ${ID}: intact \\(Paddle program with 3 ops`))

    const blob = join(cacheDirs(cli.dataDir).blobs, sha256Hex(cli.archive))
    const bytes = readFileSync(blob)
    bytes[0]! ^= 0xff
    writeFileSync(blob, bytes)

    const bad = await cli.run(['cache', 'verify', ID])
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(new RegExp(`^BAD  ${ID}: its file has changed`))
    const json = JSON.parse((await cli.run(['cache', 'verify', '--json'])).out) as VerifyReport
    expect(json.checked).toEqual([{ id: ID, ok: false, message: expect.any(String) }])
    const unknown = await cli.run(['cache', 'verify', 'NoSuch:inference'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/No cached artifact/)
  })

  it('gc exits 0 and reports what it freed', async () => {
    const cli = await setup()
    await cli.importArchive()
    const kept = await cli.run(['cache', 'gc'])
    expect(kept).toMatchObject({ code: 0, out: 'Removed 0 artifacts and 0 leftovers, freed 0 B.' })

    const { core } = openTestCore({ dataDir: cli.dataDir })
    core.weights.configure({ budgetBytes: 0 })
    core.close()
    const trimmed = await cli.run(['cache', 'gc', '--json'])
    expect(trimmed.code).toBe(0)
    const report = JSON.parse(trimmed.out) as GcReport
    expect(report).toMatchObject({ removed: [ID], leftovers: 0 })
    expect(report.freedBytes).toBeGreaterThan(cli.archive.length) // the unpacked folder too
    expect(listTree(cacheDirs(cli.dataDir).blobs)).toEqual([])
  })

  it('rm removes an artifact and its files (exit 0), and exits 1 for one not cached', async () => {
    const cli = await setup()
    await cli.importArchive()
    const removed = await cli.run(['cache', 'rm', ID])
    expect(removed).toMatchObject({ code: 0, out: `Removed ${ID}.` })
    expect(listTree(cacheDirs(cli.dataDir).blobs)).toEqual([])
    expect(listTree(cacheDirs(cli.dataDir).extracted)).toEqual([])
    const again = await cli.run(['cache', 'rm', ID])
    expect(again).toMatchObject({ code: 1, out: `No cached artifact "${ID}".` })
  })

  it('exits 2 for an unknown action, rm without an id, or ls with one', async () => {
    const cli = await setup()
    for (const argv of [
      ['cache', 'purge'],
      ['cache', 'rm'],
      ['cache', 'ls', ID],
      ['cache', 'gc', ID],
      ['cache'],
    ]) {
      const run = await cli.run(argv)
      expect(run.code, argv.join(' ')).toBe(2)
      expect(run.err).toContain('Usage: zoo cache')
    }
  })
})

describe('the real CLI process, killed mid-download', () => {
  it('resumes from the partial when run again, and caches the right file', async () => {
    const dataDir = tempDirForTest('zoo-cli-killed')
    const server = await startFaultServer()
    const archive = inferenceArchive(MODEL, 3 * 1024 * 1024)
    server.put(INFER_PATH, archive)
    server.fault(INFER_PATH, { throttle: { bytes: 32 * 1024, everyMs: 10 } })
    const env: NodeJS.ProcessEnv = { ...process.env, ZOO_MIRROR: server.url }
    delete env.ZOO_DATA_DIR
    const argv = [join(projectRoot, 'bin', 'zoo.js'), 'pull', MODEL, '--data-dir', dataDir]
    const partial = join(cacheDirs(dataDir).partials, `${MODEL}_inference.partial`)

    const first = spawn(process.execPath, argv, { env, stdio: 'ignore' })
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      first.on('exit', (_code, signal) => resolve(signal)),
    )
    onTestFinished(() => {
      first.kill('SIGKILL')
    })
    await waitFor(() => fileSize(partial) >= archive.length / 2, 'half of the file', 20_000)
    first.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    const kept = fileSize(partial)
    expect(kept).toBeGreaterThanOrEqual(archive.length / 2)
    expect(kept).toBeLessThan(archive.length)
    expect(existsSync(`${partial}.json`)).toBe(true)
    expect(listTree(cacheDirs(dataDir).blobs)).toEqual([])
    expect((await zoo(dataDir, ['cache', 'ls'])).out).toContain('The cache is empty.')

    server.fault(INFER_PATH, {})
    const second = await promisify(execFile)(process.execPath, argv, { env })

    expect(second.stdout).toContain(`Cached ${ID}:`)
    expect(second.stdout).toContain(sha256Hex(archive))
    expect(server.log.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 })
    expect(server.log.at(-1)!.sent).toBe(archive.length - kept)
    const blob = join(cacheDirs(dataDir).blobs, sha256Hex(archive))
    expect(sha256Hex(readFileSync(blob))).toBe(sha256Hex(archive))
    expect(listTree(cacheDirs(dataDir).partials)).toEqual([])
    const verify = await zoo(dataDir, ['cache', 'verify'])
    expect(verify.code).toBe(0)
    expect(verify.out).toMatch(new RegExp(`^ok   ${ID}: intact`))
  })
})
