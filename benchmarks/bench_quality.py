"""Quality of each approach, with default parameters, on two sources of motion.

Run by hand: python benchmarks/bench_quality.py [--data digits|photos]
[--target velocity|digit|direction] [--n-samples 1000] [--no-clutter]
[--photos held-out|tuning] [--photo-sets clean camera] [--models SUBSTRING ...]
[--pooling avg|flatten|keypoints] [--stacked-frames N]

'digits': moving handwritten digits, clean clips and clips with a static
distractor digit; 'photos': photographs panned by a camera (32x32x3, velocity or
direction), by default the held-out ones (``HELD_OUT_PHOTOS``: never used to
choose a default), clean and with what real cameras add (``CAMERA_EFFECTS``:
sensor noise, whole-pixel motion, speeds down to zero, finer texture); ``--photos
tuning`` for the eight the defaults were chosen on. Each set is split 80/20 once;
every model is
fitted with its default parameters on the 80% and scored on the 20%: R² for
'velocity' (two outputs averaged), accuracy for the class targets. Fit seconds are
wall time on this machine's CPU threads.
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
    FrameWise,
    LSTMClassifier,
    LSTMRegressor,
    OpticalFlow,
    TemporalDifference,
)
from sklearn_st.datasets import (
    CAMERA_EFFECTS,
    make_moving_digits,
    make_panning_photos,
)


def models(target, random_state):
    """The approaches, by name: for class labels or for 'velocity'."""
    seed = {"random_state": random_state}
    if target != "velocity":
        return {
            "FrameFlattener -> LSTMClassifier()": make_pipeline(
                FrameFlattener(), LSTMClassifier(**seed)
            ),
            "FrameFlattener(time) -> LogisticReg.": make_pipeline(
                FrameFlattener(flatten_time=True),
                StandardScaler(),
                LogisticRegression(max_iter=1000),
            ),
            "FrameWise() -> LSTMClassifier()": make_pipeline(
                FrameWise(), LSTMClassifier(**seed)
            ),
            "CNNFeatureExtractor() -> LSTMClassifier()": make_pipeline(
                CNNFeatureExtractor(**seed), LSTMClassifier(**seed)
            ),
            "CNNLSTMClassifier()": CNNLSTMClassifier(**seed),
            "ConvLSTMClassifier()": ConvLSTMClassifier(**seed),
            "TemporalDifference() -> CNNFeatureExtr. -> LSTMCl.": make_pipeline(
                TemporalDifference(),
                CNNFeatureExtractor(**seed),
                LSTMClassifier(**seed),
            ),
            "TemporalDifference() -> CNNLSTMClassifier()": make_pipeline(
                TemporalDifference(), CNNLSTMClassifier(**seed)
            ),
            "TemporalDifference() -> ConvLSTMClassifier()": make_pipeline(
                TemporalDifference(), ConvLSTMClassifier(**seed)
            ),
            "OpticalFlow() -> FrameWise() -> LSTMClassifier()": make_pipeline(
                OpticalFlow(), FrameWise(), LSTMClassifier(**seed)
            ),
            "OpticalFlow() -> ConvLSTMClassifier()": make_pipeline(
                OpticalFlow(), ConvLSTMClassifier(**seed)
            ),
        }
    return {
        "FrameFlattener -> LSTMRegressor()": make_pipeline(
            FrameFlattener(), LSTMRegressor(**seed)
        ),
        "FrameFlattener(time) -> RidgeCV": make_pipeline(
            FrameFlattener(flatten_time=True),
            StandardScaler(),
            RidgeCV(alphas=np.logspace(-2, 4, 13)),
        ),
        "FrameWise() -> LSTMRegressor()": make_pipeline(
            FrameWise(), LSTMRegressor(**seed)
        ),
        "CNNFeatureExtractor() -> LSTMRegressor()": make_pipeline(
            CNNFeatureExtractor(**seed), LSTMRegressor(**seed)
        ),
        "CNNLSTMRegressor()": CNNLSTMRegressor(**seed),
        "ConvLSTMRegressor()": ConvLSTMRegressor(**seed),
        "TemporalDifference() -> CNNFeatureExtr. -> LSTMReg.": make_pipeline(
            TemporalDifference(), CNNFeatureExtractor(**seed), LSTMRegressor(**seed)
        ),
        "TemporalDifference() -> CNNLSTMRegressor()": make_pipeline(
            TemporalDifference(), CNNLSTMRegressor(**seed)
        ),
        "TemporalDifference() -> ConvLSTMRegressor()": make_pipeline(
            TemporalDifference(), ConvLSTMRegressor(**seed)
        ),
        "OpticalFlow() -> FrameWise() -> LSTMRegressor()": make_pipeline(
            OpticalFlow(), FrameWise(), LSTMRegressor(**seed)
        ),
        "OpticalFlow() -> CNNFeatureExtr. -> LSTMReg.": make_pipeline(
            OpticalFlow(), CNNFeatureExtractor(**seed), LSTMRegressor(**seed)
        ),
        "OpticalFlow() -> ConvLSTMRegressor()": make_pipeline(
            OpticalFlow(), ConvLSTMRegressor(**seed)
        ),
    }


def data_sets(args):
    """``(name, X, y)`` for each set of clips the run covers."""
    if args.data == "photos":
        for camera in (kind == "camera" for kind in args.photo_sets):
            X, y = make_panning_photos(
                args.n_samples,
                args.n_frames,
                args.frame_size,
                target=args.target,
                photos=args.photos,
                random_state=args.random_state,
                **(CAMERA_EFFECTS if camera else {}),
            )
            yield ("camera" if camera else "clean"), X, y
        return
    for clutter in [False] if args.no_clutter else [False, True]:
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=args.target,
            clutter=clutter,
            random_state=args.random_state,
        )
        yield ("clutter" if clutter else "clean"), X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=["digits", "photos"], default="digits")
    parser.add_argument(
        "--target", choices=["velocity", "digit", "direction"], default="velocity"
    )
    parser.add_argument("--n-samples", type=int, default=1000)
    parser.add_argument("--n-frames", type=int, default=8)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--no-clutter", action="store_true", help="clean clips only")
    parser.add_argument("--photos", choices=["held-out", "tuning"], default="held-out")
    parser.add_argument(
        "--photo-sets",
        nargs="+",
        choices=["clean", "camera"],
        default=["clean", "camera"],
        help="photos: clean clips, and clips with the camera effects",
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--models", nargs="*", default=[], help="run only models whose name has one"
    )
    parser.add_argument(
        "--pooling",
        choices=["avg", "flatten", "keypoints"],
        default=None,
        help="the per-frame CNNs' pooling (default: each model's own)",
    )
    parser.add_argument(
        "--stacked-frames",
        type=int,
        default=None,
        help="frames the per-frame CNNs see at each step (default: each model's own)",
    )
    args = parser.parse_args()
    print(describe())

    if args.data == "photos" and args.target == "digit":
        parser.error("--data photos has the targets velocity and direction")
    metric = "test R^2" if args.target == "velocity" else "accuracy"
    source = (
        "moving digits"
        if args.data == "digits"
        else f"panning photos ({args.photos}; camera: {CAMERA_EFFECTS})"
    )
    print(
        f"{source}, {args.target}: {args.n_samples} clips of {args.n_frames} "
        f"frames of {args.frame_size}x{args.frame_size}, 80/20 split, default "
        "parameters"
    )
    header = f"{'model':<48}{'clips':>9}{metric:>10}{'fit s':>9}"
    print(header)
    print("-" * len(header))
    for kind, X, y in data_sets(args):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, random_state=args.random_state
        )
        for name, model in models(args.target, args.random_state).items():
            if args.models and not any(m in name for m in args.models):
                continue
            for option in ("pooling", "stacked_frames"):
                value = getattr(args, option)
                keys = [k for k in model.get_params() if k.endswith(option)]
                if value is not None and keys:
                    model.set_params(**dict.fromkeys(keys, value))
                    name = f"{name} [{option}={value}]"
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            score = model.score(X_test, y_test)
            print(f"{name:<48}{kind:>9}{score:>10.3f}{fit_s:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
