/**
 * A CMYK JPEG as `cv2.imdecode` turns it into colour: libjpeg's CMYK values through OpenCV's
 * integer formula, R = K − ((255 − C)·K >> 8) and likewise G from M and B from Y, with no colour
 * profile. libvips would convert through an ICC profile instead (up to 135/255 away from what
 * the model was evaluated with).
 */

/**
 * `cmyk` is what libvips decodes (4 bytes a pixel): libvips inverts every CMYK JPEG's values
 * (the Adobe convention, marker or not), so libjpeg's values, which OpenCV uses, are 255 − these.
 */
export function cmykToRgb(cmyk: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3)
  for (let i = 0, o = 0, p = 0; i < pixels; i++, p += 4) {
    const k = 255 - cmyk[p + 3]!
    rgb[o++] = k - ((cmyk[p]! * k) >> 8)
    rgb[o++] = k - ((cmyk[p + 1]! * k) >> 8)
    rgb[o++] = k - ((cmyk[p + 2]! * k) >> 8)
  }
  return rgb
}
