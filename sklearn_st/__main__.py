"""Command line: ``python -m sklearn_st compare`` finds the best encoder for your
clips; ``python -m sklearn_st forecast`` forecasts their next frames.

``compare`` cross-validates each approach as a scikit-learn estimator on the bundled
moving digits or on your own arrays, shows a progress bar, prints a table and
writes ``results.json`` and a figure. ``forecast`` fits a ConvLSTMForecaster and
scores it against naive forecasts, with a progress bar over the epochs, a table,
``results.json`` and a picture. ``python -m sklearn_st`` alone runs ``compare``
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
from ._forecasting import evaluate
from ._report import plot_comparison, plot_forecast
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

_FORECAST_DESCRIPTION = """\
Forecast the next frames of clips with a ConvLSTMForecaster (the encoder-forecaster
ConvLSTM of Shi et al., 2015) and score it against two naive forecasts: the last
frame repeated (persistence) and the last two frames' change carried on (linear
extrapolation). The clips are split into training and test clips; each test clip's
last --horizon frames are forecast from the frames before them, and the table gives
the mean squared error at each step. Without --data it runs on the bundled moving
digits."""


class _Formatter(
    argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter
):
    """Descriptions as written, and every option's default in ``--help``."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and a pointer to --help."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def _versions():
    """The versions that decide a result, read without importing the packages."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"sklearn_st": __version__, "python": platform.python_version()}
    for name in ("numpy", "scikit-learn", "torch", "skorch"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - a broken environment
            found[name] = None
    return found


#: What --quick sets, where the options are left at their defaults.
_QUICK = {"n_samples": 120, "cv": 2, "max_epochs": 10}


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


def _add_data_arguments(command, *, arrays, n_frames):
    """--data and the bundled data's size: ``arrays`` says what a .npz holds."""
    command.add_argument(
        "--data",
        default="moving-digits",
        help="'moving-digits' (bundled), 'panning-photos' (needs scikit-image) or a "
        f".npz file holding {arrays}",
    )
    command.add_argument(
        "--n-samples", type=_positive, default=300, help="bundled data: clips"
    )
    command.add_argument(
        "--n-frames",
        type=_positive,
        default=n_frames,
        help="bundled data: frames per clip",
    )
    command.add_argument(
        "--frame-size", type=_positive, default=32, help="bundled data: frame side"
    )


def _add_run_arguments(command, *, epochs_help, out):
    """--max-epochs, --out, --random-state and --no-progress."""
    command.add_argument("--max-epochs", type=_positive, default=None, help=epochs_help)
    command.add_argument("--out", default=out, help="folder for the results")
    command.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the bundled data, the splits and every model",
    )
    command.add_argument(
        "--no-progress", action="store_true", help="no progress bar (for logs)"
    )


def _parser():
    parser = _Parser(
        prog="python -m sklearn_st",
        description=_DESCRIPTION,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="{compare,forecast}")
    compare = commands.add_parser(
        "compare",
        help="cross-validated comparison of the encoders (the default command)",
        description=_DESCRIPTION,
        formatter_class=_Formatter,
    )
    _add_data_arguments(
        compare,
        arrays="arrays X (n_samples, n_frames, ...) and y (n_samples,) or "
        "(n_samples, n_outputs)",
        n_frames=8,
    )
    compare.add_argument(
        "--target",
        choices=["velocity", "digit", "direction"],
        default="velocity",
        help="the bundled data's target: velocity, digit (moving digits only) or "
        "direction (ignored with a .npz file)",
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
        "--n-jobs", type=int, default=None, help="parallel fits (joblib; -1: all)"
    )
    compare.add_argument(
        "--quick",
        action="store_true",
        help=f"a first look: {_QUICK['n_samples']} clips, {_QUICK['cv']} folds, "
        f"{_QUICK['max_epochs']} epochs per model (where those options are not "
        "given)",
    )
    _add_run_arguments(
        compare,
        epochs_help="epochs of the neural models (default: each model's own)",
        out="sklearn_st_results",
    )
    forecast = commands.add_parser(
        "forecast",
        help="forecast the next frames and score against naive forecasts",
        description=_FORECAST_DESCRIPTION,
        formatter_class=_Formatter,
    )
    _add_data_arguments(
        forecast, arrays="an array X (n_samples, n_frames, ...)", n_frames=20
    )
    forecast.add_argument(
        "--horizon", type=_positive, default=10, help="frames to forecast"
    )
    forecast.add_argument(
        "--test-size", type=float, default=0.2, help="share of clips to test on"
    )
    _add_run_arguments(
        forecast,
        epochs_help="epochs (default: the forecaster's own)",
        out="sklearn_st_forecast",
    )
    return parser, {"compare": compare, "forecast": forecast}


def _load_npz(path, fail, *, with_y=True):
    """``X`` and ``y`` (None unless ``with_y``) from a .npz file, or a call to
    ``fail`` saying what is wrong."""
    names = ("X", "y") if with_y else ("X",)
    save = f"np.savez(path, {', '.join(f'{n}={n}' for n in names)})"
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        fail(
            f"--data {path}: this is a .npy file, which holds one array; save "
            f"the arrays together in a .npz file with {save}"
        )
    if magic[:4] != b"PK\x03\x04":
        fail(
            f"--data {path}: not a .npz file (a zip archive of .npy arrays, as "
            f"{save} writes)"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [name for name in names if name not in data.files]
            if missing:
                fail(
                    f"--data {path}: the file has no array named "
                    f"{' or '.join(repr(m) for m in missing)} (it holds "
                    f"{', '.join(repr(f) for f in data.files) or 'nothing'}); save "
                    f"it with {save}"
                )
            X, y = data["X"], data["y"] if with_y else None
    except (OSError, ValueError) as exc:
        fail(f"--data {path}: cannot read it as a .npz file ({exc})")
    try:
        check_sequences(X)
    except (ValueError, TypeError) as exc:
        fail(f"--data {path}: X {X.shape} {X.dtype} is not a batch of sequences: {exc}")
    if with_y and (y.ndim not in (1, 2) or len(y) != len(X)):
        fail(
            f"--data {path}: y must have shape (n_samples,) or (n_samples, "
            f"n_outputs) with n_samples = {len(X)} like X, got {y.shape}"
        )
    if with_y and y.dtype.kind in "fc" and not np.isfinite(y).all():
        bad = int(np.size(y) - np.isfinite(y).sum())
        fail(f"--data {path}: y holds {bad} NaN or infinite value(s)")
    if with_y and y.dtype.kind not in "biufcUSO":
        fail(f"--data {path}: y has dtype {y.dtype}; numbers or labels are needed")
    return X, y


def _data(args, fail, *, with_y=True):
    """``X``, ``y`` and a description of the data of ``args``: bundled clips with
    the target ``args.target`` (velocity where there is none), or a .npz file
    (``y`` None unless ``with_y``)."""
    target = getattr(args, "target", "velocity")
    about = f", target {target}" if with_y else ""
    if args.data == "moving-digits":
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=target,
            clutter=getattr(args, "clutter", False),
            random_state=args.random_state,
        )
        return X, y, f"moving digits{about}"
    if args.data == "panning-photos":
        if target == "digit":
            fail("--data panning-photos: the targets are velocity and direction")
        try:
            X, y = make_panning_photos(
                args.n_samples,
                args.n_frames,
                args.frame_size,
                target=target,
                random_state=args.random_state,
            )
        except ImportError as exc:
            fail(str(exc))
        return X, y, f"panning photos{about}"
    if not Path(args.data).is_file():
        fail(
            f"--data {args.data}: no such file (or use --data moving-digits or "
            "--data panning-photos)"
        )
    X, y = _load_npz(args.data, fail, with_y=with_y)
    return X, y, f"{args.data}"


def _markdown_table(report, metric):
    """The comparison as a Markdown table, the best score in bold (README's)."""
    best = max(row["score_mean"] for row in report)
    lines = [
        f"| approach | {metric} (mean ± std) | fit s | predict s | weights |",
        "|---|---|---|---|---|",
    ]
    for row in report:
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        if row["score_mean"] == best:
            score = f"**{score}**"
        lines.append(
            f"| {row['name']} | {score} | {row['fit_seconds_mean']:.2f} | "
            f"{row['predict_seconds_mean']:.3f} | {row['n_parameters']:,} |"
        )
    return "\n".join(lines) + "\n"


def _write_results(out, results, *, files=None, figure=None):
    """Write ``results`` as ``results.json``, each of ``files`` (name: text) and
    the figure that ``figure(folder)`` draws and returns the path of into the
    folder ``out``; say what was written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    texts = {"results.json": json.dumps(results, indent=2) + "\n", **(files or {})}
    for name, text in texts.items():
        (out / name).write_text(text)
        written.append(out / name)
    if figure is not None:
        try:
            written.append(figure(out))
        except ImportError:
            print(
                "no figure: matplotlib is not installed (pip install "
                '"sklearn_st[plot]", or ".[plot]" from a checkout)'
            )
    print("wrote " + ", ".join(str(path) for path in written))


def compare(args, fail):
    """Run the comparison that ``args`` describe; returns the results dict."""
    from ._facade import EpochProgress

    X, y, source = _data(args, fail)
    classification = is_label_target(y)
    if classification:
        smallest = np.unique(y, return_counts=True)[1].min()
        if smallest < args.cv:
            fail(f"--cv {args.cv}: the rarest class has only {smallest} samples")
    elif len(y) < 2 * args.cv:
        fail(f"--cv {args.cv}: needs at least {2 * args.cv} samples, got {len(y)}")
    metric = "accuracy" if classification else "R^2"
    # a bar over the epochs inside each fit, where the fits run in this process
    inner = not args.no_progress and args.n_jobs in (None, 1)
    models = make_models(
        args.models,
        classification=classification,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
        callbacks=[EpochProgress()] if inner else None,
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
    width = max(len(row["name"]) for row in report) + 2
    header = (
        f"{'approach':<{width}}{metric + ' (mean ± std)':>22}{'fit s':>9}"
        f"{'predict s':>11}{'weights':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in report:
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        print(
            f"{row['name']:<{width}}{score:>22}{row['fit_seconds_mean']:>9.2f}"
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
        "versions": _versions(),
        "models": report,
    }
    _write_results(
        args.out,
        results,
        files={"table.md": _markdown_table(report, metric)},
        figure=lambda out: plot_comparison(
            report, X, metric=metric, path=out / "comparison.png"
        ),
    )
    return results


def forecast(args, fail):
    """Run the forecast that ``args`` describe; returns the results dict."""
    from sklearn.model_selection import train_test_split

    from ._facade import EpochProgress
    from .estimators import ConvLSTMForecaster

    X, _, source = _data(args, fail, with_y=False)
    if X.shape[1] <= args.horizon:
        fail(
            f"--horizon {args.horizon}: the clips have {X.shape[1]} frames; they "
            "need more than the horizon (the frames before it are the context)"
        )
    if not 0 < args.test_size < 1:
        fail(f"--test-size must lie between 0 and 1, got {args.test_size}")
    X_train, X_test = train_test_split(
        X, test_size=args.test_size, random_state=args.random_state
    )
    params = {"horizon": args.horizon, "random_state": args.random_state}
    if args.max_epochs:
        params["max_epochs"] = args.max_epochs
    if not args.no_progress:
        params["callbacks"] = [EpochProgress()]
    forecaster = ConvLSTMForecaster(**params)
    print(
        f"{source}: X {X.shape} {X.dtype}; {len(X_train)} training and {len(X_test)} "
        f"test clips; the last {args.horizon} frames of each test clip forecast "
        f"from the {X.shape[1] - args.horizon} before them"
    )
    report, forecasts = evaluate(forecaster, X_train, X_test)
    steps = [k for k in (1, 5, 10) if k <= args.horizon]
    header = f"{'forecast':<34}" + "".join(f"{f'MSE t+{k}':>11}" for k in steps)
    header += f"{'MSE mean':>11}{'vs persistence':>16}{'fit s':>8}"
    print(header)
    print("-" * len(header))
    for row in report:
        cells = "".join(f"{row['per_step_mse'][k - 1]:>11.4g}" for k in steps)
        print(
            f"{row['name']:<34}{cells}{row['mse']:>11.4g}"
            f"{100 * row['vs_persistence']:>15.1f}%{row['fit_seconds']:>8.1f}"
        )
    results = {
        "data": {"source": source, "X_shape": list(X.shape), "X_dtype": str(X.dtype)},
        "horizon": args.horizon,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "random_state": args.random_state,
        "forecaster": repr(forecaster.set_params(callbacks=None)),
        "versions": _versions(),
        "methods": report,
    }
    context, truth = X_test[:, : -args.horizon], X_test[:, -args.horizon :]

    def figure(out):
        return plot_forecast(context, truth, forecasts, path=out / "forecast.png")

    # a picture where the samples are frames
    _write_results(args.out, results, figure=figure if X.ndim >= 4 else None)
    return results


def main(argv=None):
    """The command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    if not argv or argv[0] not in ("compare", "forecast", "-h", "--help", "--version"):
        argv.insert(0, "compare")  # compare is the default command
    args = parser.parse_args(argv)
    if args.command == "forecast":
        forecast(args, commands["forecast"].error)
        return 0
    if args.quick:
        for name, value in _QUICK.items():
            if getattr(args, name) == commands["compare"].get_default(name):
                setattr(args, name, value)
    if args.cv < 2:
        commands["compare"].error("--cv must be at least 2")
    compare(args, commands["compare"].error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
