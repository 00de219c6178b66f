/** Which names a batch job picks up: the photo extensions in any case, never hidden files. */
import { describe, expect, it } from 'vitest'
import { imageExtensions, isImageName } from '../../../src/main/batch/imageFiles'

describe('isImageName', () => {
  it.each([
    ['IMG_0001.JPG', true],
    ['photo.jpeg', true],
    ['scan.Tiff', true],
    ['scan.tif', true],
    ['a.PnG', true],
    ['anim.gif', true],
    ['x.webp', true],
    ['old.BMP', true],
    ['archive.jpg.zip', false],
    ['notes.txt', false],
    ['jpg', false],
    ['.jpg', false],
    ['._IMG_0001.JPG', false],
    ['.hidden.png', false],
    ['raw.CR2', false],
    ['photo.heic', false],
    ['trailing.jpg.', false],
    ['dots.in.name.JpEg', true],
  ])('%s → %s', (name, expected) => {
    expect(isImageName(name)).toBe(expected)
  })

  it('covers the extensions the issue lists, each in upper and lower case', () => {
    expect([...imageExtensions].sort()).toEqual(
      ['bmp', 'gif', 'jpeg', 'jpg', 'png', 'tif', 'tiff', 'webp'].sort(),
    )
    for (const ext of imageExtensions) {
      expect(isImageName(`a.${ext}`)).toBe(true)
      expect(isImageName(`a.${ext.toUpperCase()}`)).toBe(true)
    }
  })
})
