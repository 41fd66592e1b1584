"""Command line: ``python -m sklearn_st compare`` finds the best encoder for your clips.

Cross-validates each approach as a scikit-learn estimator on the bundled moving
digits or on your own arrays, shows a progress bar, prints a table and writes
``results.json`` and a figure. ``python -m sklearn_st`` alone runs ``compare``
with its defaults.
"""

import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import __version__
from ._compare import MODELS, make_models, run
from ._validation import check_sequences, is_label_target
from .datasets import make_moving_digits, make_panning_photos

_DESCRIPTION = """\
Compare sequence encoders by cross-validation: which way of encoding image
sequences predicts the target best, and at what cost? Every approach is a
scikit-learn estimator (FrameFlattener -> LSTM, FrameWise(PCA) -> LSTM,
CNNFeatureExtractor -> LSTM, an end-to-end CNN-LSTM, a ConvLSTM, the last two also
on frame differences (TemporalDifference), and a linear baseline on all pixels),
scored with R^2 for numeric targets and accuracy for labels. Without --data it runs
on the bundled moving digits (clips of scikit-learn's handwritten digits moving
across a frame; target velocity, digit or direction); --data panning-photos pans
a camera over real colour photographs (scikit-image's; target velocity or
direction)."""


def _positive(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return number


def _model_keys(value):
    keys = [key.strip() for key in value.split(",") if key.strip()]
    unknown = [key for key in keys if key not in MODELS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {', '.join(unknown) or '(none given)'}; choose from "
            f"{','.join(MODELS)}"
        )
    return list(dict.fromkeys(keys))


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_st",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="compare")
    compare = commands.add_parser(
        "compare",
        help="cross-validated comparison of the encoders (the default command)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument(
        "--data",
        default="moving-digits",
        help="'moving-digits' (bundled), 'panning-photos' (needs scikit-image) or a "
        ".npz file holding arrays X (n_samples, n_frames, ...) and y (n_samples,) "
        "or (n_samples, n_outputs)",
    )
    compare.add_argument(
        "--target",
        choices=["velocity", "digit", "direction"],
        default="velocity",
        help="the bundled data's target: velocity, digit (moving digits only) or "
        "direction (ignored with a .npz file)",
    )
    compare.add_argument(
        "--n-samples", type=_positive, default=300, help="bundled data: clips"
    )
    compare.add_argument(
        "--n-frames", type=_positive, default=8, help="bundled data: frames per clip"
    )
    compare.add_argument(
        "--frame-size", type=_positive, default=32, help="bundled data: frame side"
    )
    compare.add_argument(
        "--clutter", action="store_true", help="moving digits with a static digit"
    )
    compare.add_argument("--cv", type=_positive, default=3, help="folds (>= 2)")
    compare.add_argument(
        "--models",
        type=_model_keys,
        default=list(MODELS),
        help=f"comma-separated approaches (default: {','.join(MODELS)})",
    )
    compare.add_argument(
        "--max-epochs",
        type=_positive,
        default=None,
        help="epochs of the neural models (default: each model's own)",
    )
    compare.add_argument(
        "--out", default="sklearn_st_results", help="folder for results and figure"
    )
    compare.add_argument(
        "--n-jobs", type=int, default=None, help="parallel fits (joblib; -1: all)"
    )
    compare.add_argument("--random-state", type=int, default=0)
    compare.add_argument(
        "--no-progress", action="store_true", help="no progress bar (for logs)"
    )
    return parser, compare


def _load_npz(path, fail):
    """``X`` and ``y`` from a .npz file, or a call to ``fail`` saying what is wrong."""
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [name for name in ("X", "y") if name not in data.files]
            if missing:
                fail(
                    f"--data {path}: the file has no array named "
                    f"{' or '.join(repr(m) for m in missing)} (it holds "
                    f"{', '.join(repr(f) for f in data.files) or 'nothing'}); save "
                    "it with np.savez(path, X=X, y=y)"
                )
            X, y = data["X"], data["y"]
    except (OSError, ValueError) as exc:
        fail(f"--data {path}: cannot read it as a .npz file ({exc})")
    try:
        check_sequences(X)
    except (ValueError, TypeError) as exc:
        fail(f"--data {path}: X {X.shape} {X.dtype} is not a batch of sequences: {exc}")
    if y.ndim not in (1, 2) or len(y) != len(X):
        fail(
            f"--data {path}: y must have shape (n_samples,) or (n_samples, "
            f"n_outputs) with n_samples = {len(X)} like X, got {y.shape}"
        )
    return X, y


def _data(args, fail):
    if args.data == "moving-digits":
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=args.target,
            clutter=args.clutter,
            random_state=args.random_state,
        )
        return X, y, f"moving digits, target {args.target}"
    if args.data == "panning-photos":
        if args.target == "digit":
            fail("--data panning-photos: the targets are velocity and direction")
        try:
            X, y = make_panning_photos(
                args.n_samples,
                args.n_frames,
                args.frame_size,
                target=args.target,
                random_state=args.random_state,
            )
        except ImportError as exc:
            fail(str(exc))
        return X, y, f"panning photos, target {args.target}"
    if not Path(args.data).is_file():
        fail(
            f"--data {args.data}: no such file (or use --data moving-digits or "
            "--data panning-photos)"
        )
    X, y = _load_npz(args.data, fail)
    return X, y, f"{args.data}"


def compare(args, fail):
    """Run the comparison that ``args`` describe; returns the results dict."""
    X, y, source = _data(args, fail)
    classification = is_label_target(y)
    if classification:
        smallest = np.unique(y, return_counts=True)[1].min()
        if smallest < args.cv:
            fail(f"--cv {args.cv}: the rarest class has only {smallest} samples")
    elif len(y) < 2 * args.cv:
        fail(f"--cv {args.cv}: needs at least {2 * args.cv} samples, got {len(y)}")
    metric = "accuracy" if classification else "R^2"
    models = make_models(
        args.models,
        classification=classification,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
    )
    print(
        f"{source}: X {X.shape} {X.dtype}, y {y.shape} "
        f"({'classification' if classification else 'regression'}, {metric}), "
        f"{args.cv}-fold cross-validation"
    )
    with tqdm(
        total=len(models) * args.cv,
        desc="model folds",
        unit="fit",
        disable=args.no_progress,
        file=sys.stderr,
    ) as bar:
        report = run(
            models,
            X,
            y,
            cv=args.cv,
            n_jobs=args.n_jobs,
            random_state=args.random_state,
            progress=bar.update,
        )
    header = (
        f"{'approach':<32}{metric + ' (mean ± std)':>22}{'fit s':>9}"
        f"{'predict s':>11}{'weights':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in report:
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        print(
            f"{row['name']:<32}{score:>22}{row['fit_seconds_mean']:>9.2f}"
            f"{row['predict_seconds_mean']:>11.3f}{row['n_parameters']:>11,}"
        )
    results = {
        "data": {
            "source": source,
            "X_shape": list(X.shape),
            "X_dtype": str(X.dtype),
            "y_shape": list(y.shape),
            "task": "classification" if classification else "regression",
        },
        "metric": "accuracy" if classification else "r2",
        "cv": args.cv,
        "random_state": args.random_state,
        "versions": {"sklearn_st": __version__, "python": platform.python_version()},
        "models": report,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    written = [out / "results.json"]
    try:
        from ._report import plot_comparison

        written.append(
            plot_comparison(report, X, metric=metric, path=out / "comparison.png")
        )
    except ImportError:
        print("no figure: matplotlib is not installed (pip install 'sklearn_st[plot]')")
    print("wrote " + ", ".join(str(path) for path in written))
    return results


def main(argv=None):
    """The command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, compare_parser = _parser()
    if not argv or argv[0] not in ("compare", "-h", "--help", "--version"):
        argv.insert(0, "compare")  # compare is the default command
    args = parser.parse_args(argv)
    if args.cv < 2:
        compare_parser.error("--cv must be at least 2")
    compare(args, compare_parser.error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
