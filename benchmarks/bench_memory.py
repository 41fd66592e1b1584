"""Peak memory of fitting on a uint8 memmap bigger than one wants to copy.

Run by hand: python benchmarks/bench_memory.py [--n-clips 6000] [--max-epochs 1]
[--format memmap|hdf5]

Writes moving-digit clips (6,000 clips of 10 frames of 64x64, uint8: ~250 MB) to
a np.memmap on disk in chunks (with --format hdf5: to an HDF5 dataset, chunked by
clip, read through h5py), then, in a fresh child process (so that the parent's
writing does not count), opens it read-only and fits FrameFlattener ->
LSTMRegressor on it, then predicts it. Prints the growth of the child's peak RSS
over its RSS just before fit, against the size of one float32 copy of the array;
the target is under half of that.
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
shape = tuple(map(int, dims.split(",")))
if fmt == "hdf5":
    import h5py
    X = h5py.File(path + ".h5", "r")["X"]
else:
    X = np.memmap(path, dtype=np.uint8, mode="r", shape=shape)
y = np.load(path + ".y.npy")
lstm = LSTMRegressor(max_epochs=epochs, random_state=0)
model = make_pipeline(FrameFlattener(), lstm)
before = {field: status_mb(field) for field in peaks}
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
start = time.perf_counter()
model.fit(X, y)
fit_s = time.perf_counter() - start
finite = np.isfinite(model.predict(X)).all()
done.set()
sampler.join()
rss = [before["VmRSS"], peaks["VmRSS"], before["RssAnon"], peaks["RssAnon"]]
print(*rss, fit_s, finite)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-clips", type=int, default=6000)
    parser.add_argument("--n-frames", type=int, default=10)
    parser.add_argument("--frame-size", type=int, default=64)
    parser.add_argument("--max-epochs", type=int, default=1)
    parser.add_argument("--format", choices=["memmap", "hdf5"], default="memmap")
    args = parser.parse_args()
    print(describe())

    from sklearn_st.datasets import make_moving_digits

    shape = (args.n_clips, args.n_frames, args.frame_size, args.frame_size, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "clips.u8")
        mm = np.memmap(path, dtype=np.uint8, mode="w+", shape=shape)
        ys = []
        for start in range(0, args.n_clips, 500):
            n = min(500, args.n_clips - start)
            clips, y = make_moving_digits(
                n, args.n_frames, args.frame_size, random_state=start
            )
            mm[start : start + n] = clips
            ys.append(y)
        mm.flush()
        if args.format == "hdf5":
            import h5py

            with h5py.File(path + ".h5", "w") as f:
                data = f.create_dataset(
                    "X", shape=shape, dtype=np.uint8, chunks=(1, *shape[1:])
                )
                for start in range(0, args.n_clips, 500):
                    data[start : start + 500] = mm[start : start + 500]
        del mm
        np.save(path + ".y.npy", np.concatenate(ys))
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
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        wall = time.perf_counter() - start
    rss0, rss_peak, anon0, anon_peak, fit_s = map(float, out[:5])
    uint8_mb = np.prod(shape) / 2**20
    float32_mb = 4 * uint8_mb
    print(
        f"{args.format} X {shape} uint8: {uint8_mb:.0f} MB on disk; one float32 copy "
        f"would be {float32_mb:.0f} MB"
    )
    print(
        f"FrameFlattener -> LSTMRegressor(max_epochs={args.max_epochs}): fit "
        f"{fit_s:.1f} s, predictions finite: {out[5]} ({wall:.1f} s in all)"
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
            "copy (target < 50%)"
        )


if __name__ == "__main__":
    main()
