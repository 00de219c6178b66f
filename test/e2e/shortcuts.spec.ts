import { test, expect, invokeFromTest } from './appServer'

test.describe('keyboard shortcuts and a narrow window', () => {
  test('/ and Ctrl+K search the models from any view; ? lists the shortcuts', async ({
    page,
    app,
  }) => {
    await page.goto(`${app.url}#/classify`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Classify')
    await page.keyboard.press('/')
    await expect(page).toHaveURL(/#\/models/)
    const search = page.locator('#models-search')
    await expect(search).toBeFocused()
    // Typing "/" in the search box is text, not the shortcut.
    await search.pressSequentially('MobileNetV3/')
    await expect(search).toHaveValue('MobileNetV3/')
    // The search reaches the URL after a pause: wait for it, or it could land after the next click.
    await expect(page).toHaveURL(/q=MobileNetV3/)

    await page.getByTestId('nav-downloads').click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Downloads')
    await page.keyboard.press('Control+k')
    await expect(page.locator('#models-search')).toBeFocused()

    await page.locator('#models-search').blur()
    await page.keyboard.press('?')
    const help = page.getByTestId('shortcuts-dialog')
    await expect(help).toBeVisible()
    await expect(help).toContainText('Search the models')
    // While it is open, other shortcuts wait.
    await page.keyboard.press('/')
    await expect(help).toBeVisible()
    await page.screenshot({ path: 'test-results/shortcuts.png' })
    await page.keyboard.press('Escape')
    await expect(help).toHaveCount(0)
  })

  test('at 1024×700 the sidebar keeps its icons, named for screen readers and tooltips', async ({
    page,
    app,
  }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.goto(`${app.url}#/models`)
    const nav = page.getByRole('navigation')
    const models = page.getByTestId('nav-models')
    await expect(models).toHaveAccessibleName('Models')
    await expect(models).toHaveAttribute('title', 'Models')
    const width = await nav.evaluate((el) => el.getBoundingClientRect().width)
    expect(width).toBeLessThanOrEqual(64)
    // The freed width goes to the view: the table starts near the left edge.
    const table = await page.locator('main').evaluate((el) => el.getBoundingClientRect().left)
    expect(table).toBeLessThanOrEqual(64)
    // Scrolled sideways, the model's name stays in view; the Download marks are explained.
    const scroller = page.getByTestId('models-scroller')
    const name = page.locator('tbody th.model').first()
    const before = await name.evaluate((el) => el.getBoundingClientRect().left)
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth))
    await expect.poll(() => scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0)
    expect(await name.evaluate((el) => el.getBoundingClientRect().left)).toBe(before)
    await expect(page.getByTestId('download-legend')).toContainText('Inference model available')
    await page.screenshot({ path: 'test-results/narrow-models.png' })
    await page.setViewportSize({ width: 1440, height: 900 })
    await expect(page.getByText('Models', { exact: true }).first()).toBeVisible()
  })

  test('a first run offers the guide to the figures until it is read or put away', async ({
    page,
    app,
  }) => {
    await invokeFromTest(app, 'settings.update', { guideDismissed: false })
    await page.goto(`${app.url}#/explore`)
    const banner = page.getByTestId('first-run')
    await expect(banner).toBeVisible()
    await page.screenshot({ path: 'test-results/first-run.png' })
    await banner.getByTestId('first-run-open').click()
    const guide = page.getByTestId('guide-dialog')
    await expect(guide).toContainText('SSLD')
    // The platforms as the catalog describes them, by their names.
    const platforms = guide.getByTestId('guide-platforms')
    await expect(platforms.locator('dt')).toHaveCount(4)
    await expect(platforms).toContainText('V100')
    await page.screenshot({ path: 'test-results/guide.png' })
    await page.keyboard.press('Escape')
    await expect(guide).toHaveCount(0)
    // Read once: gone, also after a reload; still reachable from the shortcuts list.
    await expect(banner).toHaveCount(0)
    await page.reload()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Explore')
    await expect(page.getByTestId('first-run')).toHaveCount(0)
    await page.keyboard.press('?')
    await page.getByTestId('shortcuts-guide').click()
    await expect(page.getByTestId('guide-dialog')).toBeVisible()
    await page.keyboard.press('Escape')

    // Put away without reading, in Chinese.
    await invokeFromTest(app, 'settings.update', { guideDismissed: false, locale: 'zh-CN' })
    await page.reload()
    await expect(page.getByTestId('first-run')).toContainText('SSLD')
    await page.getByTestId('first-run-dismiss').click()
    await expect(page.getByTestId('first-run')).toHaveCount(0)
    expect(
      (await invokeFromTest<{ guideDismissed: boolean }>(app, 'settings.get', {})).guideDismissed,
    ).toBe(true)
    await invokeFromTest(app, 'settings.update', { locale: 'en' })
  })
})
