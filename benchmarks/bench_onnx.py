"""What an ONNX export gives at inference: onnxruntime against PyTorch
(``predict``) for a default ``ConvLSTMRegressor``, with 1 and 2 threads, and the
size of the exported file.

Run by hand: python benchmarks/bench_onnx.py [--n-clips 256] [--repeats 3]

The model is fitted for one epoch (inference time does not depend on the
weights) on moving digits, 8 frames of 32x32 uint8 (the README's data); the graph
takes the uint8 clips as they are. Times are the best of ``--repeats`` runs over
``--n-clips`` clips (onnxruntime in one call; ``predict`` in its batches) and of
one clip alone. Both run in this process, one after the other.
"""

import argparse
import os
import tempfile

import numpy as np
import onnxruntime as ort
import torch
from machine import best_of, describe

from sklearn_st import ConvLSTMRegressor, to_onnx
from sklearn_st.datasets import make_moving_digits


def _warm_best(function, repeats):
    function()  # warm-up
    return best_of(repeats, function)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-clips", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe())
    print(f"onnxruntime {ort.__version__}")
    X, y = make_moving_digits(args.n_clips, random_state=0)
    model = ConvLSTMRegressor(max_epochs=1, random_state=0).fit(X, y)
    path = os.path.join(tempfile.mkdtemp(), "convlstm.onnx")
    to_onnx(model, X[:2], path)
    print(f"ConvLSTMRegressor(), clips {X.shape[1:]} {X.dtype}")
    print(f"exported file: {os.path.getsize(path) / 1024:.0f} KiB")
    n = len(X)
    print(f"| runtime | threads | {n} clips (s) | one clip (ms) | max abs diff |")
    print("|---|---|---|---|---|")
    reference = model.predict(X)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        many = _warm_best(lambda: model.predict(X), args.repeats)
        one = _warm_best(lambda: model.predict(X[:1]), args.repeats)
        print(f"| torch (predict) | {threads} | {many:.3f} | {one * 1000:.1f} | 0 |")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        run = ort.InferenceSession(path, options).run
        many = _warm_best(lambda run=run: run(None, {"clips": X}), args.repeats)
        one = _warm_best(lambda run=run: run(None, {"clips": X[:1]}), args.repeats)
        diff = np.abs(run(None, {"clips": X})[0] - reference).max()
        print(
            f"| onnxruntime | {threads} | {many:.3f} | {one * 1000:.1f} | {diff:.1e} |"
        )


if __name__ == "__main__":
    main()
