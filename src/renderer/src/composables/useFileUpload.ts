/**
 * Hands a picked or dropped file to the app (`api.upload`) and reports how far it got: reading
 * the file (with a fraction, from the FileReader) and sending it. The transport takes the whole
 * file at once, so sending has no fraction of its own: the view shows it as "working" with the
 * file's size.
 */
import { ref, type Ref } from 'vue'
import type { UploadResult } from '@shared/contract'
import { fail, type Result } from '@shared/errors'
import { api } from '../api'

export type UploadPhase = 'idle' | 'reading' | 'sending'

export interface FileUpload {
  phase: Ref<UploadPhase>
  /** Fraction of the file read, 0…1, while reading. */
  progress: Ref<number>
  upload: (file: File) => Promise<Result<UploadResult>>
}

/** The file's bytes, reporting the fraction read. */
export function readFile(
  file: Blob,
  onProgress?: (fraction: number) => void,
): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total)
    }
    reader.onload = () => resolve(reader.result as ArrayBuffer)
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsArrayBuffer(file)
  })
}

export function useFileUpload(): FileUpload {
  const phase = ref<UploadPhase>('idle')
  const progress = ref(0)

  async function upload(file: File): Promise<Result<UploadResult>> {
    phase.value = 'reading'
    progress.value = 0
    try {
      let bytes: ArrayBuffer
      try {
        bytes = await readFile(file, (fraction) => (progress.value = fraction))
      } catch (error) {
        return fail(
          'NOT_FOUND',
          `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
      progress.value = 1
      phase.value = 'sending'
      return await api.upload(bytes)
    } finally {
      phase.value = 'idle'
    }
  }

  return { phase, progress, upload }
}
