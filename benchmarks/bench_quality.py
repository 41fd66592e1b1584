"""Quality of each approach on moving digits, with default parameters.

Run by hand: python benchmarks/bench_quality.py [--target velocity|digit|direction]
[--n-samples 1000] [--no-clutter] [--models SUBSTRING ...]

For each data set (clean clips, and clips with a static distractor digit) the
clips are split 80/20 once; every model is fitted with its default parameters on
the 80% and scored on the 20%: R² for 'velocity' (two outputs averaged), accuracy
for the class targets. Fit seconds are wall time on this machine's CPU threads.
"""

import argparse
import time

import numpy as np
from machine import describe
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_st import (
    CNNFeatureExtractor,
    CNNLSTMClassifier,
    CNNLSTMRegressor,
    ConvLSTMClassifier,
    ConvLSTMRegressor,
    FrameFlattener,
    LSTMClassifier,
    LSTMRegressor,
)
from sklearn_st.datasets import make_moving_digits


def models(target, random_state):
    if target != "velocity":
        return {
            "FrameFlattener -> LSTMClassifier()": make_pipeline(
                FrameFlattener(), LSTMClassifier(random_state=random_state)
            ),
            "FrameFlattener(time) -> LogisticReg.": make_pipeline(
                FrameFlattener(flatten_time=True),
                StandardScaler(),
                LogisticRegression(max_iter=1000),
            ),
            "CNNFeatureExtractor() -> LSTMClassifier()": make_pipeline(
                CNNFeatureExtractor(random_state=random_state),
                LSTMClassifier(random_state=random_state),
            ),
            "CNNFeatureExtractor(supervised,avg,64,20 epochs) -> LSTMClassifier()": (
                make_pipeline(
                    CNNFeatureExtractor(
                        objective="supervised",
                        pooling="avg",
                        n_features=64,
                        max_epochs=20,
                        random_state=random_state,
                    ),
                    LSTMClassifier(random_state=random_state),
                )
            ),
            "CNNLSTMClassifier()": CNNLSTMClassifier(random_state=random_state),
            "ConvLSTMClassifier()": ConvLSTMClassifier(random_state=random_state),
        }
    return {
        "FrameFlattener -> LSTMRegressor()": make_pipeline(
            FrameFlattener(), LSTMRegressor(random_state=random_state)
        ),
        "FrameFlattener(time) -> RidgeCV": make_pipeline(
            FrameFlattener(flatten_time=True),
            StandardScaler(),
            RidgeCV(alphas=np.logspace(-2, 4, 13)),
        ),
        "CNNFeatureExtractor() -> LSTMRegressor()": make_pipeline(
            CNNFeatureExtractor(random_state=random_state),
            LSTMRegressor(random_state=random_state),
        ),
        "CNNLSTMRegressor()": CNNLSTMRegressor(random_state=random_state),
        "ConvLSTMRegressor()": ConvLSTMRegressor(random_state=random_state),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target", choices=["velocity", "digit", "direction"], default="velocity"
    )
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--n-frames", type=int, default=8)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--no-clutter", action="store_true", help="clean clips only")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--models", nargs="*", default=[], help="run only models whose name has one"
    )
    args = parser.parse_args()
    print(describe())

    metric = "test R^2" if args.target == "velocity" else "accuracy"
    print(
        f"moving digits, {args.target}: {args.n_samples} clips of {args.n_frames} "
        f"frames of {args.frame_size}x{args.frame_size}, 80/20 split, default "
        "parameters"
    )
    header = f"{'model':<72}{'clips':>9}{metric:>10}{'fit s':>9}"
    print(header)
    print("-" * len(header))
    for clutter in [False] if args.no_clutter else [False, True]:
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=args.target,
            clutter=clutter,
            random_state=args.random_state,
        )
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, random_state=args.random_state
        )
        for name, model in models(args.target, args.random_state).items():
            if args.models and not any(m in name for m in args.models):
                continue
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            score = model.score(X_test, y_test)
            kind = "clutter" if clutter else "clean"
            print(f"{name:<72}{kind:>9}{score:>10.3f}{fit_s:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
