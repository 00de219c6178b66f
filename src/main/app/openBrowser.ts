import { spawn } from 'node:child_process'

/** Best effort: opens `url` in the user's browser when there is a desktop to open it on. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const platform = process.platform
  if (env.CI) return false
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return false
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}
