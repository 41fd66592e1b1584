"""Reading video: read_video's speed, and VideoClips' reads in order and at random.

Run by hand: python benchmarks/bench_video.py [--n-frames 1000] [--frame-size 64]
[--repeats 5]

Writes camera footage with ``write_camera_video`` (H.264, a key frame every
second) at --frame-size, then times, best of --repeats:
- ``read_video`` of the whole file (target: 1,000 frames of 64x64 in under 2 s);
- the same file read at a quarter of its area (``size``: FFmpeg's scaler while
  decoding) from a file written at twice the side;
- ``VideoClips`` of 8 frames every 2 frames: every clip in order, in chunks of 64
  (as the statistics and ``predict`` read them), and batches of 32 clips at random
  (as a shuffled training epoch reads them), in clips per second.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
from machine import best_of, describe

from sklearn_st.datasets import write_camera_video
from sklearn_st.video import VideoClips, read_video


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-frames", type=int, default=1000)
    parser.add_argument("--frame-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    side, n = args.frame_size, args.n_frames
    with tempfile.TemporaryDirectory() as folder:
        path = write_camera_video(
            Path(folder) / "small.mp4", n, (side, side), random_state=0
        )
        large = write_camera_video(
            Path(folder) / "large.mp4", n, (2 * side, 2 * side), random_state=0
        )
        seconds = best_of(args.repeats, lambda: read_video(path))
        print(
            f"read_video: {n} frames of {side}x{side}: {seconds:.3f} s "
            f"({n / seconds:,.0f} frames/s; target < 2 s for 1,000 of 64x64)"
        )
        seconds = best_of(args.repeats, lambda: read_video(large, size=side))
        print(
            f"read_video(size={side}) of {2 * side}x{2 * side}: {seconds:.3f} s "
            f"({n / seconds:,.0f} frames/s)"
        )
        clips = VideoClips(path, 8, stride=2)

        def in_order():
            fresh = VideoClips(path, 8, stride=2)  # an empty cache each time
            for start in range(0, len(fresh), 64):
                fresh[start : start + 64]

        seconds = best_of(args.repeats, in_order)
        print(
            f"VideoClips {clips.shape}: every clip in order, 64 at a time: "
            f"{seconds:.3f} s ({len(clips) / seconds:,.0f} clips/s)"
        )
        rng = np.random.default_rng(0)
        order = rng.permutation(len(clips))

        def at_random():
            fresh = VideoClips(path, 8, stride=2)
            for start in range(0, len(order), 32):
                fresh[np.sort(order[start : start + 32])]

        seconds = best_of(args.repeats, at_random)
        print(
            f"VideoClips: every clip in shuffled batches of 32: {seconds:.3f} s "
            f"({len(clips) / seconds:,.0f} clips/s)"
        )


if __name__ == "__main__":
    main()
