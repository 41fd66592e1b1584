"""How long ``predict`` takes for one clip and for many, by the number of clips
computed at once on a CPU.

Run by hand: python benchmarks/bench_predict.py [--n-clips 256] [--repeats 5]

``predict`` computes every batch with the same number of clips (the last one
zero-padded), so that a clip's output is the same alone or among others (bit
for bit on AVX2 and AVX-512 CPUs; within float32 rounding, a relative 1e-5,
where a kernel rounds a row by its place in the batch, as on AMX CPUs). On a
CPU that number is ``min(batch_size, CPU_PREDICT_BATCH)``; this script sets
other sizes in its place and shows what they cost: the time of one clip alone
(the mean of ``--repeats`` calls after a first) and of ``--n-clips`` clips, for
the default ``ConvLSTMRegressor``, ``CNNLSTMRegressor`` and ``LSTMRegressor`` (on 256
pixels a frame) fitted for one epoch on random uint8 clips of 16 frames of
64x64. The row marked * is the package's setting (its default batch size
capped at ``CPU_PREDICT_BATCH``); the rows of the default batch size show what
computing whole batches, as before the cap, costs.
"""

import argparse
import time

import numpy as np
from machine import describe

from sklearn_st import CNNLSTMRegressor, ConvLSTMRegressor, LSTMRegressor
from sklearn_st._facade import _estimator


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-clips", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    rng = np.random.default_rng(0)
    clips = rng.integers(0, 256, (args.n_clips, 16, 64, 64, 1), dtype=np.uint8)
    y = rng.random(args.n_clips)
    chosen = _estimator.CPU_PREDICT_BATCH
    print(f"CPU_PREDICT_BATCH = {chosen}")
    print(f"| model | clips at once | one clip (ms) | {args.n_clips} clips (s) |")
    print("|---|---|---|---|")
    for model in (ConvLSTMRegressor(), CNNLSTMRegressor(), LSTMRegressor()):
        X = clips
        if isinstance(model, LSTMRegressor):
            X = clips.reshape(len(clips), 16, -1)[:, :, :256]
        default = model.batch_size
        model.set_params(max_epochs=1, random_state=0).fit(X[:64], y[:64])
        for size in sorted({1, 4, 8, 16, default}):
            _estimator.CPU_PREDICT_BATCH = size
            model.set_params(batch_size=size)
            model.predict(X[:1])
            start = time.perf_counter()
            for _ in range(args.repeats):
                model.predict(X[:1])
            one = (time.perf_counter() - start) / args.repeats
            start = time.perf_counter()
            model.predict(X)
            many = time.perf_counter() - start
            mark = " *" if size == min(default, chosen) else ""
            print(
                f"| {type(model).__name__} | {size}{mark} | "
                f"{one * 1000:.1f} | {many:.2f} |",
                flush=True,
            )
        _estimator.CPU_PREDICT_BATCH = chosen


if __name__ == "__main__":
    main()
