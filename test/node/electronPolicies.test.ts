import { describe, expect, it } from 'vitest'
import {
  APP_ORIGIN,
  externalUrlToOpen,
  isAppUrl,
  isTrustedSender,
  originOf,
} from '../../src/main/electron/navigationPolicy'
import { GRANTED_PERMISSIONS, isPermissionGranted } from '../../src/main/electron/permissionPolicy'
import { createWindowOptions, MIN_WINDOW_SIZE } from '../../src/main/electron/windowOptions'
import {
  DEFAULT_WINDOW_STATE,
  restoreWindowState,
  type Rect,
  type SavedWindowState,
} from '../../src/main/electron/windowState'
import { contentSecurityPolicy } from '../../src/main/security/contentSecurityPolicy'

const DEV_ORIGIN = 'http://localhost:5173'

describe('createWindowOptions', () => {
  const input = {
    preloadPath: '/opt/zoo/out/preload/index.cjs',
    bounds: { x: 40, y: 60, width: 1400, height: 900 },
    dark: false,
  }
  const options = createWindowOptions(input)
  const web = options.webPreferences ?? {}

  it.each<[string, boolean]>([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
  ])('sets webPreferences.%s to %s explicitly', (flag, value) => {
    // Explicit, not left to Electron's defaults, which have changed between versions.
    expect(web).toHaveProperty(flag, value)
  })

  it.each(['enableBlinkFeatures', 'additionalArguments', 'plugins', 'allowpopups'])(
    'does not set webPreferences.%s, which would widen what the page can do',
    (key) => {
      expect(web).not.toHaveProperty(key)
    },
  )

  it('passes the preload path, the saved bounds and the minimum size through', () => {
    expect(web.preload).toBe(input.preloadPath)
    expect(options).toMatchObject(input.bounds)
    expect(options.minWidth).toBe(MIN_WINDOW_SIZE.width)
    expect(options.minHeight).toBe(MIN_WINDOW_SIZE.height)
    expect(options.show).toBe(false)
  })

  it('picks a background matching the theme, so no white flash in dark mode', () => {
    const dark = createWindowOptions({ ...input, dark: true }).backgroundColor
    const light = createWindowOptions({ ...input, dark: false }).backgroundColor
    expect(dark).not.toBe(light)
    expect(light?.toLowerCase()).toBe('#ffffff')
  })
})

describe('navigationPolicy', () => {
  it.each<[string, string | null]>([
    ['app://zoo/index.html', 'app://zoo'],
    ['app://zoo/#/settings', 'app://zoo'],
    ['app://evil/index.html', 'app://evil'],
    ['http://localhost:5173/src/main.ts', DEV_ORIGIN],
    ['https://example.com:8443/a?b', 'https://example.com:8443'],
    ['javascript:alert(1)', null],
    ['file:///etc/passwd', null],
    ['data:text/html,<h1>x</h1>', null],
    ['not a url', null],
    ['', null],
  ])('originOf(%j) is %j', (url, origin) => {
    expect(originOf(url)).toBe(origin)
  })

  it.each<[string, string, boolean]>([
    ['app://zoo/index.html', APP_ORIGIN, true],
    ['app://zoo/', APP_ORIGIN, true],
    ['app://zoo/assets/index.js', APP_ORIGIN, true],
    ['app://evil/', APP_ORIGIN, false],
    ['app://zoo.evil/', APP_ORIGIN, false],
    ['app://evil/zoo', APP_ORIGIN, false],
    ['app://zoo@evil/', APP_ORIGIN, false],
    ['http://zoo/', APP_ORIGIN, false],
    ['https://zoo/', APP_ORIGIN, false],
    ['javascript:alert(1)', APP_ORIGIN, false],
    ['file:///opt/zoo/out/renderer/index.html', APP_ORIGIN, false],
    ['about:blank', APP_ORIGIN, false],
    [`${DEV_ORIGIN}/`, DEV_ORIGIN, true],
    [`${DEV_ORIGIN}/#/settings`, DEV_ORIGIN, true],
    ['http://localhost:5174/', DEV_ORIGIN, false],
    ['http://127.0.0.1:5173/', DEV_ORIGIN, false],
    ['https://localhost:5173/', DEV_ORIGIN, false],
    ['app://zoo/index.html', DEV_ORIGIN, false],
  ])('isAppUrl(%j, %j) is %s', (url, origin, expected) => {
    expect(isAppUrl(url, origin)).toBe(expected)
  })

  it.each<[string, string | null]>([
    ['https://github.com/PaddlePaddle/PaddleClas', 'https://github.com/PaddlePaddle/PaddleClas'],
    ['https://arxiv.org/abs/1512.03385', 'https://arxiv.org/abs/1512.03385'],
    ['HTTPS://Example.COM/a b', 'https://example.com/a%20b'],
    ['http://example.com/', null],
    ['https://user:pass@example.com/', null],
    ['https://user@example.com/', null],
    ['javascript:alert(1)', null],
    ['file:///etc/passwd', null],
    ['app://zoo/index.html', null],
    ['mailto:someone@example.com', null],
    ['//example.com/', null],
    ['', null],
  ])('externalUrlToOpen(%j) is %j', (url, expected) => {
    expect(externalUrlToOpen(url)).toBe(expected)
  })

  it.each<[string | undefined, string, boolean]>([
    ['app://zoo/index.html', APP_ORIGIN, true],
    ['app://evil/index.html', APP_ORIGIN, false],
    ['https://example.com/', APP_ORIGIN, false],
    [undefined, APP_ORIGIN, false],
    ['', APP_ORIGIN, false],
    ['about:blank', APP_ORIGIN, false],
    [`${DEV_ORIGIN}/index.html`, DEV_ORIGIN, true],
    [`${DEV_ORIGIN}/index.html`, APP_ORIGIN, false],
  ])('isTrustedSender(%j, %j) is %s', (frameUrl, origin, expected) => {
    expect(isTrustedSender(frameUrl, origin)).toBe(expected)
  })
})

describe('isPermissionGranted (the check handler and the request handler both ask it)', () => {
  const CLIP = 'clipboard-sanitized-write'

  it('grants exactly one permission', () => {
    expect(GRANTED_PERMISSIONS).toEqual([CLIP])
  })

  // The app's page, as each hook names it: the request handler a URL, the check handler an origin
  // (which Chromium may write with a trailing slash).
  it.each([
    ['the request handler (a URL)', `${APP_ORIGIN}/index.html`, APP_ORIGIN],
    ['the check handler (an origin)', APP_ORIGIN, APP_ORIGIN],
    ['the check handler (an origin with a slash)', `${APP_ORIGIN}/`, APP_ORIGIN],
    ['the dev server in development', `${DEV_ORIGIN}/`, DEV_ORIGIN],
  ])('grants the clipboard write to our own page through %s', (_label, requesting, origin) => {
    expect(isPermissionGranted({ permission: CLIP, requesting }, origin)).toBe(true)
  })

  it.each([
    'clipboard-read',
    'deprecated-sync-clipboard-read',
    'media',
    'geolocation',
    'notifications',
    'fullscreen',
    'openExternal',
    'pointerLock',
    'hid',
    'serial',
    'usb',
    'fileSystem',
    'display-capture',
    'window-management',
    'storage-access',
    'unknown',
    '',
    'CLIPBOARD-SANITIZED-WRITE',
  ])('denies %j even to our own page', (permission) => {
    expect(
      isPermissionGranted({ permission, requesting: `${APP_ORIGIN}/index.html` }, APP_ORIGIN),
    ).toBe(false)
  })

  it.each<[string, string | undefined, string | undefined]>([
    ['another site', 'https://example.com/', undefined],
    ['another app:// host', 'app://evil/index.html', undefined],
    ['the dev server in production', `${DEV_ORIGIN}/`, undefined],
    ['a file:// page', 'file:///etc/passwd', undefined],
    ['an opaque origin', 'null', undefined],
    ['no origin at all', undefined, undefined],
    ['an empty origin', '', undefined],
    ['a look-alike host', 'app://zoo.evil/', undefined],
    ['our origin framed by another site', APP_ORIGIN, 'https://example.com'],
    ['another site framed in our page', 'https://example.com/', APP_ORIGIN],
  ])('denies the clipboard write to %s', (_label, requesting, embeddingOrigin) => {
    expect(isPermissionGranted({ permission: CLIP, requesting, embeddingOrigin }, APP_ORIGIN)).toBe(
      false,
    )
  })

  it('grants our own subframe embedded in our own page', () => {
    expect(
      isPermissionGranted(
        { permission: CLIP, requesting: `${APP_ORIGIN}/frame.html`, embeddingOrigin: APP_ORIGIN },
        APP_ORIGIN,
      ),
    ).toBe(true)
  })
})

describe('restoreWindowState', () => {
  const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 }
  const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 }
  const leftMonitor: Rect = { x: -1280, y: 0, width: 1280, height: 984 }
  const oneScreen = [laptop]
  const threeScreens = [laptop, rightMonitor, leftMonitor]
  const saved = (state: Partial<SavedWindowState>) => ({ width: 1200, height: 800, ...state })

  it.each<[string, unknown, readonly Rect[]]>([
    ['nothing saved', undefined, oneScreen],
    ['null', null, oneScreen],
    ['a string', 'maximized', oneScreen],
    ['an array', [1200, 800], oneScreen],
    ['no size', { x: 10, y: 10, maximized: true }, oneScreen],
    ['a size as strings', { width: '1200', height: '800' }, oneScreen],
    ['NaN', { width: Number.NaN, height: 800 }, oneScreen],
    ['Infinity', { width: Number.POSITIVE_INFINITY, height: 800 }, oneScreen],
    ['too small', { width: 150, height: 800 }, oneScreen],
    ['negative', { width: -1200, height: -800 }, oneScreen],
  ])('falls back to the default for %s', (_label, raw, screens) => {
    expect(restoreWindowState(raw, screens)).toEqual(DEFAULT_WINDOW_STATE)
  })

  it.each<[string, unknown, readonly Rect[], SavedWindowState]>([
    [
      'a window on the laptop screen',
      saved({ x: 100, y: 80 }),
      oneScreen,
      { x: 100, y: 80, width: 1200, height: 800, maximized: false },
    ],
    [
      'a window off every screen: position dropped, size kept',
      saved({ x: 5000, y: 3000 }),
      oneScreen,
      { width: 1200, height: 800, maximized: false },
    ],
    [
      'a window whose title bar only peeks in by a few pixels',
      saved({ x: 1900, y: 100 }),
      oneScreen,
      { width: 1200, height: 800, maximized: false },
    ],
    [
      'a window larger than any screen: clamped',
      saved({ width: 5000, height: 3000 }),
      oneScreen,
      { width: 1920, height: 1040, maximized: false },
    ],
    [
      'a window on a second display',
      saved({ x: 2100, y: 200, width: 1600, height: 1000 }),
      threeScreens,
      { x: 2100, y: 200, width: 1600, height: 1000, maximized: false },
    ],
    [
      'a window on a display left of the primary (negative x)',
      saved({ x: -1200, y: 50 }),
      threeScreens,
      { x: -1200, y: 50, width: 1200, height: 800, maximized: false },
    ],
    [
      'a window on a display that was unplugged',
      saved({ x: 2100, y: 200 }),
      oneScreen,
      { width: 1200, height: 800, maximized: false },
    ],
    [
      'a maximized window',
      saved({ x: 0, y: 0, maximized: true }),
      oneScreen,
      { x: 0, y: 0, width: 1200, height: 800, maximized: true },
    ],
    [
      'a maximized window without a position',
      saved({ maximized: true }),
      oneScreen,
      { width: 1200, height: 800, maximized: true },
    ],
    [
      'a non-boolean maximized',
      saved({ x: 0, y: 0, maximized: 'yes' as unknown as boolean }),
      oneScreen,
      { x: 0, y: 0, width: 1200, height: 800, maximized: false },
    ],
    [
      'fractional numbers: rounded',
      { x: 10.4, y: 20.6, width: 1000.5, height: 700.2 },
      oneScreen,
      { x: 10, y: 21, width: 1001, height: 700, maximized: false },
    ],
    [
      'no screens known: size kept, position dropped',
      saved({ x: 10, y: 10 }),
      [],
      { width: 1200, height: 800, maximized: false },
    ],
  ])('%s', (_label, raw, screens, expected) => {
    expect(restoreWindowState(raw, screens)).toEqual(expected)
  })
})

describe('contentSecurityPolicy', () => {
  function directives(csp: string): Map<string, string[]> {
    return new Map(
      csp.split(';').map((part) => {
        const [name, ...values] = part.trim().split(/\s+/)
        return [name!, values]
      }),
    )
  }

  it.each([
    ['production', contentSecurityPolicy()],
    ['development', contentSecurityPolicy({ dev: true, connectSrc: ['ws://localhost:5173'] })],
  ])('%s: denies by default, never allows eval, plugins, framing or forms', (_label, csp) => {
    const d = directives(csp)
    expect(d.get('default-src')).toEqual(["'none'"])
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('frame-ancestors')).toEqual(["'none'"])
    expect(d.get('base-uri')).toEqual(["'none'"])
    expect(d.get('form-action')).toEqual(["'none'"])
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toContain('*')
    expect(d.get('script-src')).toContain("'self'")
  })

  it('allows only our own scripts and connections in production', () => {
    const d = directives(contentSecurityPolicy())
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('connect-src')).toEqual(["'self'"])
  })

  it('adds the dev server origin to connect-src in development', () => {
    const d = directives(contentSecurityPolicy({ dev: true, connectSrc: ['ws://localhost:5173'] }))
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173'])
  })

  it('lists each directive once', () => {
    const names = contentSecurityPolicy({ dev: true })
      .split(';')
      .map((part) => part.trim().split(/\s+/)[0])
    expect(new Set(names).size).toBe(names.length)
  })
})
