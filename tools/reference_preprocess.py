#!/usr/bin/python3
"""Reference for Zoo Explorer's image preprocessing: the PaddleClas inference transforms
(DecodeImage, ResizeImage, CropImage, NormalizeImage, ToCHWImage) written with NumPy and
OpenCV, the libraries PaddleClas itself uses. Tests compare the app's tensors with these.

Usage: reference_preprocess.py PLAN_JSON IMAGE OUT
  PLAN_JSON  a preprocessing plan as JSON text (colorOrder, resize {mode, size, interpolation,
             library cv2|pil}, cropSize, scale, mean, std), the same shape as the app's PreprocessPlan
  OUT        file to write the float32 CHW tensor to (little-endian, C order)
Prints the tensor's shape as JSON. Needs Debian's python3-opencv and python3-numpy, and
python3-pil for plans that resize with Pillow.
"""
import json
import sys

import cv2
import numpy as np

INTERPOLATIONS = {
    "bilinear": cv2.INTER_LINEAR,
    "bicubic": cv2.INTER_CUBIC,
    "nearest": cv2.INTER_NEAREST,
    "area": cv2.INTER_AREA,
    "lanczos": cv2.INTER_LANCZOS4,
}

# Pillow's Image.Resampling values, as PaddleClas maps its names for backend: pil.
PIL_INTERPOLATIONS = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}


def decode(path, color_order):
    data = np.fromfile(path, dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)  # BGR, EXIF orientation applied
    if image is None:
        raise SystemExit(f"cannot decode {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if color_order == "RGB" else image


def resize(image, spec):
    height, width = image.shape[:2]
    if spec["mode"] == "shortSide":
        percent = float(spec["size"]) / min(width, height)
        # Python's round() rounds half to even, as PaddleClas's int(round(...)) does.
        target = (int(round(width * percent)), int(round(height * percent)))
    else:
        target = (spec["size"], spec["size"])
    if spec.get("library", "cv2") == "pil":
        # PaddleClas's ResizeImage with backend: pil resizes the decoded array with Pillow.
        from PIL import Image

        resample = PIL_INTERPOLATIONS[spec["interpolation"]]
        return np.asarray(Image.fromarray(image).resize(target, resample))
    return cv2.resize(image, target, interpolation=INTERPOLATIONS[spec["interpolation"]])


def centre_crop(image, size):
    if size is None:
        return image
    height, width = image.shape[:2]
    top, left = (height - size) // 2, (width - size) // 2
    return image[top : top + size, left : left + size, :]


def normalize(image, scale, mean, std):
    scale = np.float32(scale)
    mean = np.array(mean, dtype=np.float32).reshape((1, 1, 3))
    std = np.array(std, dtype=np.float32).reshape((1, 1, 3))
    return (image.astype("float32") * scale - mean) / std


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    plan = json.loads(sys.argv[1])
    image = decode(sys.argv[2], plan["colorOrder"])
    image = resize(image, plan["resize"])
    image = centre_crop(image, plan.get("cropSize"))
    tensor = normalize(image, plan["scale"], plan["mean"], plan["std"]).transpose((2, 0, 1))
    np.ascontiguousarray(tensor, dtype="<f4").tofile(sys.argv[3])
    print(json.dumps(list(tensor.shape)))


if __name__ == "__main__":
    main()
