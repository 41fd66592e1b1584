"""Command line: ``python -m sklearn_st`` compares encoders on moving digits.

Cross-validates each approach as a scikit-learn pipeline on the bundled
moving-digits data and prints a table of scores and times.
"""

import argparse
import sys

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import (
    CNNFeatureExtractor,
    CNNLSTMRegressor,
    ConvLSTMRegressor,
    FrameFlattener,
    LSTMRegressor,
)
from .datasets import make_moving_digits


def _models(max_epochs, random_state):
    neural = {"random_state": random_state}
    if max_epochs is not None:
        neural["max_epochs"] = max_epochs
    return {
        "flatten -> LSTMRegressor": make_pipeline(
            FrameFlattener(), LSTMRegressor(**neural)
        ),
        "flatten(time) -> RidgeCV": make_pipeline(
            FrameFlattener(flatten_time=True),
            StandardScaler(),
            RidgeCV(alphas=np.logspace(-2, 4, 13)),
        ),
        "cnn -> LSTMRegressor": make_pipeline(
            CNNFeatureExtractor(**neural), LSTMRegressor(**neural)
        ),
        "CNNLSTMRegressor": CNNLSTMRegressor(**neural),
        "ConvLSTMRegressor": ConvLSTMRegressor(**neural),
    }


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_st",
        description=(
            "Cross-validated comparison of sequence encoders on moving digits: "
            "clips of scikit-learn's bundled handwritten digits moving across a "
            "frame; the target is the digit's velocity (R^2)."
        ),
    )
    parser.add_argument("--n-samples", type=int, default=600, help="clips")
    parser.add_argument("--n-frames", type=int, default=8, help="frames per clip")
    parser.add_argument("--frame-size", type=int, default=32, help="frame side")
    parser.add_argument("--clutter", action="store_true", help="add a static digit")
    parser.add_argument("--cv", type=int, default=3, help="cross-validation folds")
    parser.add_argument(
        "--max-epochs",
        type=int,
        default=None,
        help="epochs of the neural models (default: each model's own default)",
    )
    parser.add_argument("--random-state", type=int, default=0)
    return parser


def main(argv=None):
    """Run the comparison and print its table; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.cv < 2 or args.n_samples < 2 * args.cv:
        _parser().error("need --cv >= 2 and at least two clips per fold")
    X, y = make_moving_digits(
        args.n_samples,
        args.n_frames,
        args.frame_size,
        clutter=args.clutter,
        random_state=args.random_state,
    )
    print(
        f"moving digits: X {X.shape} {X.dtype}, target velocity {y.shape}, "
        f"{args.cv}-fold cross-validation"
    )
    header = f"{'model':<28}{'R^2 (mean ± std)':>20}{'fit s':>10}{'predict s':>11}"
    print(header)
    print("-" * len(header))
    cv = KFold(args.cv, shuffle=True, random_state=args.random_state)
    for name, model in _models(args.max_epochs, args.random_state).items():
        scores = cross_validate(model, X, y, cv=cv)
        r2 = scores["test_score"]
        print(
            f"{name:<28}{f'{r2.mean():.3f} ± {r2.std():.3f}':>20}"
            f"{scores['fit_time'].mean():>10.2f}{scores['score_time'].mean():>11.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
