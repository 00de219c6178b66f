/**
 * Image bytes → 8-bit RGB pixels, as PaddleClas's `cv2.imdecode(…, IMREAD_COLOR)` sees them:
 * EXIF orientation applied, alpha dropped, greyscale/16-bit turned into 8-bit sRGB, CMYK by
 * OpenCV's formula, BMP by our own reader (bmpImage.ts). Bad
 * input becomes a typed error that says what is wrong, never a grey image. Plain JPEGs (most
 * photos) go through libjpeg-turbo natively when the addon is built (nativeKernels.ts), the rest
 * and every error through sharp; both give the same pixels.
 */
import type { Sharp } from 'sharp'
import { AppError } from '../../../shared/errors'
import { decodeBmp, isBmp } from './bmpImage'
import { cmykToRgb } from './cmykToRgb'
import type { RawImage } from './cvResizeLinear'
import { lazySharp } from './lazySharp'
import { nativeCalls } from './nativeKernels'
import { storedSize } from './storedSize'

/** 64 megapixels: a 12 MP phone photo passes; a 20000×20000 (400 MP) image is refused. */
export const MAX_INPUT_PIXELS = 64_000_000

export interface DecodedImage extends RawImage {
  /** Format sharp recognised (jpeg, png, webp…), and the stored size before orientation. */
  format: string
  originalWidth: number
  originalHeight: number
}

function classify(error: unknown, what: string): AppError {
  const message = error instanceof Error ? error.message : String(error)
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) {
    return new AppError(
      'IMAGE_UNSUPPORTED',
      `${what} is not an image Zoo Explorer can read (JPEG, PNG, BMP, WebP, TIFF, GIF, AVIF).`,
    )
  }
  if (/pixel limit/i.test(message)) {
    return new AppError(
      'IMAGE_TOO_LARGE',
      `${what} is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels; scale it down first.`,
    )
  }
  return new AppError(
    'IMAGE_CORRUPT',
    `${what} could not be decoded (${message.split('\n')[0]}): the file is damaged or truncated.`,
  )
}

/** A plain JPEG through the native fast path; null for anything it leaves to sharp. */
async function decodeNatively(bytes: Uint8Array): Promise<DecodedImage | null> {
  const native = nativeCalls()
  if (!native || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null
  const decoded = await native.decode(bytes, MAX_INPUT_PIXELS)
  if (!decoded) return null
  const { data, width, height } = decoded
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width,
    height,
    channels: 3,
    format: 'jpeg',
    // It takes only photos without an EXIF rotation: the stored size is the size.
    originalWidth: width,
    originalHeight: height,
  }
}

export async function decodeImage(bytes: Uint8Array, what = 'The image'): Promise<DecodedImage> {
  if (bytes.length === 0) throw new AppError('IMAGE_EMPTY', `${what} is empty (0 bytes).`)
  if (isBmp(bytes)) return bmpImage(bytes, what)
  return (await decodeNatively(bytes)) ?? decodeWithSharp(bytes, what)
}

/** libvips has no BMP loader; OpenCV reads BMPs, so PaddleClas users feed them. */
function bmpImage(bytes: Uint8Array, what: string): DecodedImage {
  const { data, width, height } = decodeBmp(bytes, what, MAX_INPUT_PIXELS)
  const size = { originalWidth: width, originalHeight: height }
  return { data, width, height, channels: 3, format: 'bmp', ...size }
}

/** A CMYK JPEG's four channels as libvips decodes them, turned into RGB as OpenCV does. */
async function cmykJpeg(input: Sharp): Promise<RawImage> {
  const { data, info } = await input
    .rotate()
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== 4) throw new Error(`a CMYK JPEG decoded to ${info.channels} channels`)
  const pixels = info.width * info.height
  return {
    data: cmykToRgb(data, pixels),
    width: info.width,
    height: info.height,
    channels: 3,
  }
}

/** Every format, every colour space, EXIF rotation, and the words for what is wrong. */
export async function decodeWithSharp(bytes: Uint8Array, what: string): Promise<DecodedImage> {
  const sharp = await lazySharp()
  try {
    // OpenCV ignores embedded ICC profiles; so must we, or the model sees other colours.
    const input = sharp(bytes, {
      failOn: 'warning',
      limitInputPixels: MAX_INPUT_PIXELS,
      ignoreIcc: true,
    })
    // A JPEG's or PNG's stored size is in its header: one native call per image instead of two.
    const stored = storedSize(bytes)
    const meta = stored ?? (await input.metadata())
    const size = { originalWidth: meta.width ?? 0, originalHeight: meta.height ?? 0 }
    if (stored?.jpegComponents === 4) {
      const image = await cmykJpeg(input)
      return { ...image, format: 'jpeg', ...size }
    }
    const { data, info } = await input
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`)
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
      format: meta.format ?? 'unknown',
      originalWidth: meta.width ?? info.width,
      originalHeight: meta.height ?? info.height,
    }
  } catch (error) {
    throw error instanceof AppError ? error : classify(error, what)
  }
}
