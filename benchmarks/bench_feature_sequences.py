"""ConvLSTM on feature sequences, side by side in one run: the default
ConvLSTMRegressor as it runs on 1x1 frames (one call of PyTorch's fused LSTM) and
forced onto the step-by-step fused path it takes on images, with ridge on the
flattened sequence as the baseline.

Run by hand: python benchmarks/bench_feature_sequences.py [--repeats 3]

Two tasks, each trained on its first half and scored (test R^2) on the other:

- ``univariate``: scikit-learn's regression data as sequences of 10 steps
  (``make_regression(400, 10)``), the data of scikit-learn's own estimator checks;
- ``digits``: moving digits of 10 frames, each frame pooled to 8x8 = 64 features,
  the digit's velocity (two targets) to predict.

Each line is the median of ``--repeats`` fits on one thread, the two paths
taking turns; the predictions of the two paths agree within float32 rounding.
"""

import argparse
import statistics
import time

import numpy as np
import torch
from machine import describe
from sklearn.datasets import make_regression
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.preprocessing import StandardScaler

from sklearn_st import ConvLSTMRegressor
from sklearn_st.datasets import make_moving_digits
from sklearn_st.nn._convlstm import force_path


def tasks():
    X, y = make_regression(400, 10, n_informative=3, noise=10.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    yield "univariate (400, 10)", X, y / y.std()
    clips, velocity = make_moving_digits(800, n_frames=10, random_state=0)
    pooled = clips.reshape(800, 10, 8, 4, 8, 4).mean(axis=(3, 5)) / 255.0
    yield "digits (800, 10, 64)", pooled.reshape(800, 10, 64), velocity


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(describe())
    print("| task | model | fit s | predict s | test R² |")
    print("|---|---|---|---|---|")
    for name, X, y in tasks():
        half = len(X) // 2
        train, test = slice(0, half), slice(half, None)
        ridge = RidgeCV().fit(X[train].reshape(half, -1), y[train])
        score = ridge.score(X[test].reshape(len(X) - half, -1), y[test])
        print(f"| {name} | ridge on the flattened sequence | | | {score:.3f} |")
        times = {"lstm": [], "fused": []}
        predictions = {}
        for _ in range(args.repeats):
            for path in ("lstm", "fused"):
                with force_path(None if path == "lstm" else "fused"):
                    start = time.perf_counter()
                    model = ConvLSTMRegressor(random_state=0).fit(X[train], y[train])
                    fitted = time.perf_counter()
                    predictions[path] = model.predict(X[test])
                    done = time.perf_counter()
                times[path].append((fitted - start, done - fitted))
        for path, label in (
            ("lstm", "ConvLSTMRegressor() (PyTorch's LSTM)"),
            ("fused", "ConvLSTMRegressor() forced step by step"),
        ):
            fit_s = statistics.median(t[0] for t in times[path])
            predict_s = statistics.median(t[1] for t in times[path])
            score = r2_score(y[test], predictions[path])
            print(f"| {name} | {label} | {fit_s:.2f} | {predict_s:.3f} | {score:.3f} |")
        lstm_fit = statistics.median(t[0] for t in times["lstm"])
        fused_fit = statistics.median(t[0] for t in times["fused"])
        gap = np.abs(predictions["lstm"] - predictions["fused"]).max()
        print(
            f"|  | fit speed-up {fused_fit / lstm_fit:.2f}x; largest difference "
            f"between the two paths' predictions {gap:.1e} | | | |"
        )


if __name__ == "__main__":
    main()
