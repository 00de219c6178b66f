/**
 * Starts the real browser mode (`zoo serve`) on a random port with a throwaway data folder, as a
 * user would, and hands the test its tokened URL.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base } from '@playwright/test'

export interface AppServer {
  url: string
  origin: string
  token: string
  dataDir: string
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/zoo.js', 'serve', '--no-open', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`zoo serve printed no URL:\n${output}`)),
      15_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Zoo Explorer is running at (\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`zoo serve exited with ${code}:\n${output}`)))
  })
  return { child, url }
}

export const test = base.extend<object, { app: AppServer }>({
  app: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'zoo-e2e-'))
      const { child, url } = await startServer(dataDir)
      const parsed = new URL(url)
      await use({
        url,
        origin: parsed.origin,
        token: parsed.searchParams.get('token') ?? '',
        dataDir,
      })
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dataDir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
})

export { expect } from '@playwright/test'

/** Calls the API from the test process (Node's fetch), with the launch token. */
export async function invokeFromTest<T>(
  app: AppServer,
  channel: string,
  input: unknown,
): Promise<T> {
  const response = await fetch(`${app.origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as
    { ok: true; value: T } | { ok: false; error: { message: string } }
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.message}`)
  return body.value
}

/** Tests share one server per worker: forget the views' remembered state between them. */
export function forgetRememberedViews(app: AppServer): Promise<unknown> {
  return invokeFromTest(app, 'settings.update', { views: { models: '', explore: '' } })
}
