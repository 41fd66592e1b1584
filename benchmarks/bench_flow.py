"""Optical flow implementations compared: accuracy and speed on panning photos.

Run by hand: python benchmarks/bench_flow.py [--n-clips 60]

Each clip of ``make_panning_photos`` is two frames of a photograph moved by a
known sub-pixel velocity, so every pixel's true flow is that velocity. For
OpenCV's DIS (three presets) and Farnebäck, and scikit-image's ILK and TV-L1, on
grey frames of 32x32 and 64x64, clean and with Gaussian noise (sigma 5 on 0-255):
the mean end-point error (EPE, pixels) away from the borders (an eighth of the
side), and the time per frame pair on one thread. OpticalFlow uses the best.
"""

import argparse
import time

import cv2
import numpy as np
from machine import describe
from skimage.registration import optical_flow_ilk, optical_flow_tvl1

from sklearn_st.datasets import make_panning_photos


def dis(preset):
    flow = cv2.DISOpticalFlow_create(preset)
    return lambda a, b: flow.calc(a, b, None)


METHODS = {
    "OpenCV DIS ultrafast": dis(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST),
    "OpenCV DIS fast": dis(cv2.DISOPTICAL_FLOW_PRESET_FAST),
    "OpenCV DIS medium": dis(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM),
    "OpenCV Farneback": lambda a, b: cv2.calcOpticalFlowFarneback(
        a, b, None, 0.5, 3, 9, 3, 5, 1.1, 0
    ),
    # scikit-image returns (rows, columns): put it in OpenCV's (x, y) order
    "scikit-image ILK": lambda a, b: np.stack(optical_flow_ilk(a, b)[::-1], -1),
    "scikit-image TV-L1": lambda a, b: np.stack(optical_flow_tvl1(a, b)[::-1], -1),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-clips", type=int, default=60)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    print(describe() + f"; OpenCV {cv2.__version__}, one thread")
    print(f"{'frames':<14}{'method':<22}{'EPE px':>8}{'ms/pair':>9}")
    rng = np.random.default_rng(0)
    for size in (32, 64):
        X, y = make_panning_photos(args.n_clips, 2, size, random_state=0)
        grey = X.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        for noise in (0.0, 5.0):
            noisy = grey + rng.normal(0, noise, size=grey.shape) if noise else grey
            frames = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
            m = size // 8
            for name, method in METHODS.items():
                errors, start = [], time.perf_counter()
                for clip, (down, right) in zip(frames, y, strict=True):
                    flow = method(clip[0], clip[1])[m:-m, m:-m]
                    error = np.hypot(flow[..., 0] - right, flow[..., 1] - down)
                    errors.append(error.mean())
                ms = 1000 * (time.perf_counter() - start) / len(frames)
                label = f"{size}x{size}" + (f" noise {noise:g}" if noise else "")
                print(f"{label:<14}{name:<22}{np.mean(errors):>8.3f}{ms:>9.2f}")


if __name__ == "__main__":
    main()
