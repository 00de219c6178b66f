/**
 * Round half to even, on the exact binary value: Python's round() (PaddleClas sizes images with
 * int(round(w * percent)), and 401.49999999999994 is 401, not a tie) and OpenCV's cvRound (the
 * FPU's lrint, which makes its fixed-point resize weights) both round so.
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const diff = value - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}
