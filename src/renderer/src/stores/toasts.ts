/**
 * Short-lived messages at the window's corner, for news from work the user is not looking at
 * (a batch job ending while another view is open). The desktop app uses the OS notification.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobState } from '@shared/contract'

export interface Toast {
  id: number
  kind: 'ok' | 'warn'
  job: string
  state: JobState
  label: string
}

const SHOW_MS = 8000

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([])
  let next = 1

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((toast) => toast.id !== id)
  }

  function show(toast: Omit<Toast, 'id'>): void {
    const id = next++
    toasts.value = [...toasts.value.slice(-3), { ...toast, id }]
    setTimeout(() => dismiss(id), SHOW_MS)
  }

  return { toasts, show, dismiss }
})
