"""Peak memory of fitting on a uint8 memmap bigger than one wants to copy.

Run by hand: python benchmarks/bench_memory.py [--n-clips 6000] [--max-epochs 1]
[--format memmap|hdf5|video] [--n-frames 10] [--stride N] [--cv K]

Writes moving-digit clips (6,000 clips of 10 frames of 64x64, uint8: ~250 MB) to
a np.memmap on disk in chunks (with --format hdf5: to an HDF5 dataset, chunked by
clip, read through h5py), then, in a fresh child process (so that the parent's
writing does not count), opens it read-only and fits FrameFlattener ->
LSTMRegressor on it, then predicts it. Prints the growth of the child's peak RSS
over its RSS just before fit, against the size of one float32 copy of the array;
the target is under half of that.

With --format video the clips are footage instead: ``write_camera_video`` writes
``n_clips * n_frames`` frames of colour video (H.264, a key frame every second),
and the child reads it through ``VideoClips`` (clips of --n-frames frames, one
after the other), decoding only the clips each batch asks for. The target is
then made up (memory, not skill, is measured). ``--n-clips 8700`` gives 1.07 GB
of decoded clips of 64x64x3. ``--stride`` sets the clips' start frames apart
(default: ``--n-frames``, clips one after the other; 1: every frame starts a
clip, so each frame is in ``--n-frames`` clips).

``--cv K`` runs scikit-learn's own ``cross_validate`` of the pipeline with
``RecordingTimeSplit(K)`` instead of one fit and predict: scikit-learn indexes the
clips with each fold's indices, which gives lazy views of the video, so no fold
is decoded whole. ``--format video --n-frames 32 --stride 1 --n-clips 22000
--cv 3``: 8.1 GiB of clips when decoded.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import describe

CHILD = """
import sys, threading, time
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn_st import FrameFlattener, LSTMRegressor

def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024

peaks = {"VmRSS": 0.0, "RssAnon": 0.0}
done = threading.Event()
def sample():
    while not done.is_set():
        for field in peaks:
            peaks[field] = max(peaks[field], status_mb(field))
        time.sleep(0.005)

path, dims, epochs, fmt = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
stride, cv = int(sys.argv[5]), int(sys.argv[6])
shape = tuple(map(int, dims.split(",")))
if fmt == "hdf5":
    import h5py
    X = h5py.File(path + ".h5", "r")["X"]
elif fmt == "video":
    from sklearn_st import VideoClips
    X = VideoClips(path + ".mp4", shape[1], stride=stride)
    assert X.shape == shape, (X.shape, shape)
else:
    X = np.memmap(path, dtype=np.uint8, mode="r", shape=shape)
y = np.load(path + ".y.npy")
lstm = LSTMRegressor(max_epochs=epochs, random_state=0)
model = make_pipeline(FrameFlattener(), lstm)
before = {field: status_mb(field) for field in peaks}
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
start = time.perf_counter()
if cv:
    from sklearn.model_selection import cross_validate
    from sklearn_st.model_selection import RecordingTimeSplit
    scores = cross_validate(model, X, y, cv=RecordingTimeSplit(cv))["test_score"]
    fit_s = time.perf_counter() - start
    finite = np.isfinite(scores).all()
else:
    model.fit(X, y)
    fit_s = time.perf_counter() - start
    finite = np.isfinite(model.predict(X)).all()
done.set()
sampler.join()
rss = [before["VmRSS"], peaks["VmRSS"], before["RssAnon"], peaks["RssAnon"]]
print(*rss, fit_s, finite)
"""


def write_arrays(path, shape, fmt):
    """Moving-digit clips into a memmap (and an HDF5 file for 'hdf5'), written in
    chunks; returns their velocities."""
    from sklearn_st.datasets import make_moving_digits

    n_clips, n_frames, frame_size = shape[:3]
    mm = np.memmap(path, dtype=np.uint8, mode="w+", shape=shape)
    ys = []
    for start in range(0, n_clips, 500):
        n = min(500, n_clips - start)
        clips, y = make_moving_digits(n, n_frames, frame_size, random_state=start)
        mm[start : start + n] = clips
        ys.append(y)
    mm.flush()
    if fmt == "hdf5":
        import h5py

        with h5py.File(path + ".h5", "w") as f:
            data = f.create_dataset(
                "X", shape=shape, dtype=np.uint8, chunks=(1, *shape[1:])
            )
            for start in range(0, n_clips, 500):
                data[start : start + 500] = mm[start : start + 500]
    return np.concatenate(ys)


def write_video(path, shape, stride):
    """Camera footage of the frames of ``n_clips`` clips ``stride`` frames
    apart; returns a made-up target and prints the file's size."""
    from sklearn_st.datasets import write_camera_video

    n_clips, n_frames, height, width = shape[:4]
    n_video_frames = (n_clips - 1) * stride + n_frames
    start = time.perf_counter()
    write_camera_video(path + ".mp4", n_video_frames, (height, width), random_state=0)
    size = Path(path + ".mp4").stat().st_size / 2**20
    print(
        f"wrote {n_video_frames} frames of {height}x{width} RGB: an H.264 file "
        f"of {size:.0f} MB ({time.perf_counter() - start:.0f} s)"
    )
    return np.random.default_rng(0).normal(size=n_clips)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-clips", type=int, default=6000)
    parser.add_argument("--n-frames", type=int, default=10)
    parser.add_argument("--frame-size", type=int, default=64)
    parser.add_argument("--max-epochs", type=int, default=1)
    parser.add_argument(
        "--format", choices=["memmap", "hdf5", "video"], default="memmap"
    )
    parser.add_argument("--stride", type=int, default=None)
    parser.add_argument("--cv", type=int, default=0)
    args = parser.parse_args()
    stride = args.n_frames if args.stride is None else args.stride
    if stride != args.n_frames and args.format != "video":
        parser.error("--stride applies to --format video")
    print(describe())
    channels = 3 if args.format == "video" else 1
    shape = (args.n_clips, args.n_frames, args.frame_size, args.frame_size, channels)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "clips.u8")
        if args.format == "video":
            y = write_video(path, shape, stride)
        else:
            y = write_arrays(path, shape, args.format)
        np.save(path + ".y.npy", y)
        dims = ",".join(map(str, shape))
        start = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                path,
                dims,
                str(args.max_epochs),
                args.format,
                str(stride),
                str(args.cv),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        wall = time.perf_counter() - start
    rss0, rss_peak, anon0, anon_peak, fit_s = map(float, out[:5])
    uint8_mb = np.prod(shape) / 2**20
    float32_mb = 4 * uint8_mb
    where = "of clips decoded" if args.format == "video" else "on disk"
    print(
        f"{args.format} X {shape} uint8: {uint8_mb:.0f} MB {where}; one float32 copy "
        f"would be {float32_mb:.0f} MB"
    )
    what = f"cross_validate(cv=RecordingTimeSplit({args.cv})) of " if args.cv else ""
    print(
        f"{what}FrameFlattener -> LSTMRegressor(max_epochs={args.max_epochs}): "
        f"{'cross_validate' if args.cv else 'fit'} {fit_s:.1f} s, "
        f"{'scores' if args.cv else 'predictions'} finite: {out[5]} "
        f"({wall:.1f} s in all)"
    )
    for name, growth in [
        ("peak RSS growth (process memory + file pages read)", rss_peak - rss0),
        (
            "peak anonymous memory growth (what the process allocated)",
            anon_peak - anon0,
        ),
    ]:
        print(
            f"{name}: {growth:.0f} MB = {growth / float32_mb:.0%} of one float32 "
            "copy (target < 50%; < 500 MB for video)"
        )


if __name__ == "__main__":
    main()
