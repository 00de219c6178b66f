/**
 * Starts the real browser mode (`zoo serve`) on a random port with a throwaway data folder, as a
 * user would, and hands the test its tokened URL.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, type Page } from '@playwright/test'
import { startZooServer } from '../support/zooServer'

export interface AppServer {
  url: string
  origin: string
  token: string
  dataDir: string
}

export const test = base.extend<object, { app: AppServer }>({
  app: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'zoo-e2e-'))
      const server = await startZooServer(dataDir)
      // A returning user: the first-run guide's banner is its own spec's subject.
      await fetch(`${server.origin}/api/invoke/settings.update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ guideDismissed: true }),
      })
      await use({ url: server.url, origin: server.origin, token: server.token, dataDir })
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
})

export { expect } from '@playwright/test'

/** What the specs change in the settings. */
export interface SettingsPatch {
  locale?: 'en' | 'zh-CN' | null
  theme?: 'system' | 'light' | 'dark'
}

/** Calls the API from the page, with the launch token, the way the renderer does. */
export async function invokeFromPage<T>(
  page: Page,
  app: AppServer,
  channel: string,
  input: unknown,
): Promise<T> {
  const body = await page.evaluate(
    async ({ channel, input, token }) => {
      const response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      return (await response.json()) as
        { ok: true; value: unknown } | { ok: false; error: { message: string } }
    },
    { channel, input, token: app.token },
  )
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.message}`)
  return body.value as T
}

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

/** One API request from the test process (Node's fetch), with the launch token. */
async function post<T>(app: AppServer, channel: string, input: unknown): Promise<Answer<T>> {
  const response = await fetch(`${app.origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  return (await response.json()) as Answer<T>
}

/** Calls the API from the test process, with the launch token. */
export async function invokeFromTest<T>(
  app: AppServer,
  channel: string,
  input: unknown,
): Promise<T> {
  const body = await post<T>(app, channel, input)
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.message}`)
  return body.value
}

/** The error a request fails with, from the test process; throws if it succeeds. */
export async function failureFromTest(
  app: AppServer,
  channel: string,
  input: unknown,
): Promise<{ code: string; message: string }> {
  const body = await post(app, channel, input)
  if (body.ok) throw new Error(`${channel} was expected to fail and succeeded`)
  return body.error
}

/**
 * Runs `body` with the settings patched, then puts the defaults back (the server is shared by
 * the worker's tests). It starts from Settings: a view opened with an empty query restores its
 * remembered one a moment later, which could land over the URL `body` opens.
 */
export async function withSettings(
  page: Page,
  app: AppServer,
  patch: SettingsPatch,
  body: () => Promise<void>,
): Promise<void> {
  await page.goto(`${app.url}#/settings`)
  const update = (p: SettingsPatch) => invokeFromPage(page, app, 'settings.update', p)
  try {
    await update(patch)
    await body()
  } finally {
    await update({
      ...('locale' in patch ? { locale: null } : {}),
      ...('theme' in patch ? { theme: 'system' as const } : {}),
    })
  }
}

/** Tests share one server per worker: forget the views' remembered state between them. */
export function forgetRememberedViews(app: AppServer): Promise<unknown> {
  return invokeFromTest(app, 'settings.update', {
    views: { models: '', explore: '', compare: '' },
  })
}
