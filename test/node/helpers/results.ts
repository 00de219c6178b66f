import type { Result } from '@shared/errors'

/** The value of an ok result; throws with the error's code and message otherwise. */
export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`Expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value
}
