/**
 * A model's family: its id with the size tokens removed, so that ResNet18…ResNet152 form
 * "ResNet" while ResNet50_vd forms "ResNet_vd" and MobileNetV3_large stays apart from _small.
 * Transformers keep patch, window and resolution: ViT base/large at 384 px are one family, not
 * one with the 224 px models. Charts join a family's points with a line, as PaddleClas's do.
 */
const RULES: [RegExp, string][] = [
  // PaddleClas's charts draw GoogLeNet and InceptionV3/V4 as one "Inception" line.
  [/^(GoogLeNet|InceptionV[34])$/, 'Inception'],
  [/^EfficientNetB\d+/, 'EfficientNet'],
  [/^Res2Net\d+/, 'Res2Net'],
  [/^SqueezeNet\d+_\d+$/, 'SqueezeNet'],
  // Width multipliers: x0_25, x1_0, x2.
  [/_x\d+_\d+|_x\d+(?=_|$)/g, ''],
  // Named sizes, except where they name different architectures (MobileNetV3 large/small) or
  // a reduced variant (EfficientNetB0_small).
  [/(?<!MobileNetV3|EfficientNet)_(tiny|small|base|large)(?=_|$)/g, ''],
  // ResNeXt cardinality × width, Res2Net width × scale, HRNet width.
  [/_\d+x\d+d/g, ''],
  [/_\d+w_\d+s/g, ''],
  [/_W\d+_C/g, ''],
  // RepVGG A0…B3g4, VAN B0, PVTv2 B0…B5.
  [/_[AB]\d+(g\d+)?/g, ''],
  [/_fast_1s1x64d/, '_fast'],
  [/_\d+GF$/, ''],
  [/_\d+_\d+$/, ''],
  [/_(XXS|XS|S|M|L)$/, ''],
  [/^LeViT_\d+S?$/, 'LeViT'],
]

/** Depth digits at the end of a name token (ResNet50, DLA102x2, VGG16), not versions (V2). */
const DEPTH = /^([A-Za-z]*[A-UW-Za-z])\d+(x\d*)?$/

export function familyOf(id: string): string {
  let family = id
  for (const [pattern, replacement] of RULES) family = family.replace(pattern, replacement)
  return family
    .split('_')
    .map((token) => (/^(patch|window)\d+$/.test(token) ? token : token.replace(DEPTH, '$1')))
    .join('_')
}
