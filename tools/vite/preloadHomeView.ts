/**
 * Adds `<link rel="modulepreload">` for the home view's code (Explore and ECharts) to index.html.
 * Otherwise the router asks for them only once the app has booted, and on a cold start the chart
 * waits for that second round of fetching and compiling; with the hints the browser fetches and
 * compiles them while the app's own code runs.
 */
import type { Plugin } from 'vite'

interface ChunkLike {
  type: 'chunk'
  fileName: string
  facadeModuleId: string | null
  imports: string[]
  viteMetadata?: { importedCss: Set<string> }
}

export function preloadHomeView(entries: RegExp[]): Plugin {
  return {
    name: 'zoo:preload-home-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const bundle = context.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).filter((item) => item.type === 'chunk') as ChunkLike[]
        const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
        const scripts = new Set<string>()
        const styles = new Set<string>()
        const add = (chunk: ChunkLike) => {
          if (scripts.has(chunk.fileName)) return
          scripts.add(chunk.fileName)
          for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css)
          for (const file of chunk.imports) {
            const imported = byFile.get(file)
            if (imported) add(imported)
          }
        }
        for (const chunk of chunks) {
          if (chunk.facadeModuleId && entries.some((entry) => entry.test(chunk.facadeModuleId!)))
            add(chunk)
        }
        if (scripts.size === 0)
          throw new Error(`preloadHomeView: no chunk matches ${entries.join(', ')}`)
        // Already linked by Vite (the entry and its own imports) stay as they are.
        const linked = (file: string) => html.includes(`/${file}"`)
        return [
          ...[...scripts]
            .filter((file) => !linked(file))
            .map((file) => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
              injectTo: 'head' as const,
            })),
          ...[...styles]
            .filter((file) => !linked(file))
            .map((file) => ({
              tag: 'link',
              attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${file}` },
              injectTo: 'head' as const,
            })),
        ]
      },
    },
  }
}
