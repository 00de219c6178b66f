import { test, expect } from './appServer'

test.describe('browser mode', () => {
  test('refuses the page without its token, or with a wrong one', async ({ page, app }) => {
    const without = await page.goto(`${app.origin}/`)
    expect(without?.status()).toBe(401)
    await expect(page.locator('body')).toContainText('token')

    const wrong = await page.goto(`${app.origin}/?token=not-the-token`)
    expect(wrong?.status()).toBe(401)
  })

  test('API calls from the page without the token are refused', async ({ page, app }) => {
    await page.goto(app.url)
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/invoke/app.info', { method: 'POST', body: '{}' })
      return {
        status: response.status,
        body: (await response.json()) as { error: { code: string } },
      }
    })
    expect(status.status).toBe(401)
    expect(status.body.error.code).toBe('UNAUTHORIZED')
  })

  test('loads, navigates every view, and shows live app info on About', async ({ page, app }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      // A failed load is judged by its response below, where its address is known.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        errors.push(message.text())
    })
    page.on('response', (response) => {
      // Thumbnails of an earlier spec's job, whose photos are deleted by now, are rightly 404.
      const thumbnail = new URL(response.url()).pathname.startsWith('/thumbs/')
      if (response.status() >= 400 && !(thumbnail && response.status() === 404))
        errors.push(`${response.status()} ${response.url()}`)
    })

    await page.goto(app.url)
    await expect(page).toHaveURL(/#\/explore$/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Explore')

    for (const [name, title] of [
      ['models', 'Models'],
      ['compare', 'Compare'],
      ['classify', 'Classify'],
      ['batch', 'Batch'],
      ['downloads', 'Downloads'],
      ['settings', 'Settings'],
    ] as const) {
      await page.getByTestId(`nav-${name}`).click()
      // The Batch view opens the latest job (`?job=`) when the data folder has one.
      await expect(page).toHaveURL(new RegExp(`#/${name}(\\?.*)?$`))
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
    }

    const about = page.getByTestId('about')
    await expect(about.getByTestId('data-dir')).toHaveText(app.dataDir)
    await expect(about.getByTestId('version-SQLite')).toHaveText(/^\d+\.\d+\.\d+$/)
    await expect(about.getByTestId('version-onnxruntime-node')).toHaveText(/^\d+\.\d+\.\d+$/)
    await expect(about).toContainText('Browser mode')

    // No developer controls among the settings.
    await expect(page.getByRole('button', { name: /ping/i })).toHaveCount(0)

    await page.screenshot({ path: 'test-results/settings-about-light.png', fullPage: true })
    expect(errors).toEqual([])
  })

  test('the sidebar works from the keyboard', async ({ page, app }) => {
    await page.goto(app.url)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Explore')
    const models = page.getByTestId('nav-models')
    for (
      let i = 0;
      i < 10 && !(await models.evaluate((el) => el === document.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab')
    }
    await expect(models).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/#\/models$/)
  })

  test('language and theme switch, and are remembered after a reload', async ({ page, app }) => {
    await page.goto(`${app.url}#/settings`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings')

    await page.getByTestId('language-select').selectOption('zh-CN')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('设置')
    await expect(page.getByTestId('nav-models')).toHaveText('模型')
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')

    await page.getByTestId('theme-select').selectOption('dark')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')

    await page.reload()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('设置')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await expect(page.getByTestId('about')).toContainText('浏览器模式')
    await page.screenshot({ path: 'test-results/settings-zh-dark.png', fullPage: true })

    // Back to the defaults so the other tests on this server see English and the system theme.
    await page.getByTestId('language-select').selectOption('system')
    await page.getByTestId('theme-select').selectOption('system')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings')
  })

  test('follows the system colour scheme when the theme is "system"', async ({ page, app }) => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(app.url)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  })
})
