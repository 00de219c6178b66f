import type { IndexHtmlTransformContext } from 'vite'
import { describe, expect, it } from 'vitest'
import { preloadHomeView } from '../../../tools/vite/preloadHomeView'

const chunk = (
  fileName: string,
  facade: string | null,
  imports: string[] = [],
  css: string[] = [],
) => ({
  type: 'chunk' as const,
  fileName,
  facadeModuleId: facade,
  imports,
  viteMetadata: { importedCss: new Set(css) },
})

const bundle = Object.fromEntries(
  [
    chunk('assets/index.js', '/src/main.ts', ['assets/vue.js']),
    chunk('assets/vue.js', null),
    chunk(
      'assets/Explore.js',
      '/src/views/ExploreView.vue',
      ['assets/vue.js', 'assets/format.js'],
      ['assets/Explore.css'],
    ),
    chunk('assets/format.js', null, ['assets/vue.js'], ['assets/format.css']),
    chunk('assets/echarts.js', '/src/charts/echarts.ts'),
    chunk('assets/Models.js', '/src/views/ModelsView.vue', ['assets/vue.js']),
  ].map((c) => [c.fileName, c]),
)
const html =
  '<script type="module" src="./assets/index.js"></script><link rel="modulepreload" href="./assets/vue.js">'

function run(entries: RegExp[]) {
  const plugin = preloadHomeView(entries)
  const hook = plugin.transformIndexHtml as {
    handler: (html: string, context: IndexHtmlTransformContext) => unknown
  }
  return hook.handler(html, { bundle } as unknown as IndexHtmlTransformContext) as {
    attrs: Record<string, unknown>
  }[]
}

describe('preloadHomeView', () => {
  it('links the home view, what it imports and its CSS, but not other views or what is linked', () => {
    const tags = run([/views\/ExploreView\.vue$/, /charts\/echarts\.ts$/])
    const hrefs = (rel: string) => tags.filter((t) => t.attrs.rel === rel).map((t) => t.attrs.href)
    expect(hrefs('modulepreload').sort()).toEqual(
      ['./assets/Explore.js', './assets/echarts.js', './assets/format.js'].sort(),
    )
    expect(hrefs('preload').sort()).toEqual(['./assets/Explore.css', './assets/format.css'])
  })

  it('fails the build when the view it should preload is gone (a renamed file)', () => {
    expect(() => run([/views\/HomeView\.vue$/])).toThrow(/no chunk matches/)
  })
})
