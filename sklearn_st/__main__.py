"""Command line: ``python -m sklearn_st compare`` finds the best encoder for your
clips; ``python -m sklearn_st forecast`` forecasts their next frames.

``compare`` cross-validates each approach as a scikit-learn estimator on bundled
clips (a camera panning over photographs) or on your own arrays, shows a
progress bar, prints a table and writes ``results.json`` and a figure.
``forecast`` fits a ConvLSTMForecaster and scores it against naive forecasts,
with a progress bar over the epochs, a table, ``results.json`` and a picture.
``python -m sklearn_st`` alone runs ``compare`` with its defaults.
"""

import argparse
import importlib.util
import json
import platform
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from tqdm.auto import tqdm

from . import __version__
from ._compare import (
    DEFAULT_MODELS,
    MODELS,
    chance,
    default_models,
    describe_estimator,
    make_folds,
    make_models,
    run,
)
from ._forecasting import evaluate, forecast_table
from ._lazy_arrays import subset
from ._report import (
    moving_most,
    plot_comparison,
    plot_forecast,
    write_forecast_animation,
)
from ._validation import check_sequences, is_label_target
from .datasets import CAMERA_EFFECTS, make_moving_digits, make_panning_photos

_DESCRIPTION = """\
Compare sequence encoders by cross-validation: which way of encoding image
sequences predicts the target best, and at what cost? Every approach is a
scikit-learn estimator: CNNFeatureExtractor -> LSTM, an end-to-end CNN-LSTM and
a ConvLSTM, each also on frame differences (TemporalDifference), the optical flow
(OpticalFlow, where OpenCV is installed) into a PCA, a CNN or a ConvLSTM, and a
linear baseline on all pixels; on request (--models) an LSTM on the pixels of
each frame (FrameFlattener, FrameWise(PCA)). Scores are R^2 for numeric targets
and accuracy for labels, beside a chance row (a DummyRegressor or
DummyClassifier). Without --data it pans a camera over eight real photographs
(scikit-learn's two colour photographs, six of scikit-image's; with sensor noise
and whole-pixel motion, as footage has; target velocity or direction: needs
scikit-image); --data moving-digits moves scikit-learn's handwritten digits
across a frame (target velocity, digit or direction); --data clips.npz reads your
arrays; --video a.mp4 b.mp4 ... cuts your recordings into clips and asks which
recording each clip comes from.

Clips cut from one recording overlap: shuffled into both sides of a split they
leak. --video folds are contiguous stretches of time of every recording, and the
training clips that share frames with a test clip are left out; for a .npz,
--groups NAME holds out whole groups (e.g. recordings) and --test-data PATH tests
on clips of your own choosing."""

_FORECAST_DESCRIPTION = """\
Forecast the next frames of clips with a ConvLSTMForecaster (the encoder-forecaster
ConvLSTM of Shi et al., 2015, which starts from flow extrapolation where OpenCV
is installed) and score it against the forecasts to beat: the last frame
repeated (persistence) and the last frame moved on along its optical flow (flow
extrapolation, with OpenCV: the flow extra). The clips are split into training
and test clips; each test clip's last --horizon frames are forecast from the
frames before them, and the table gives the mean squared error at each step,
the mean absolute error and the structural similarity (SSIM: 1 is the truth,
lower is blurred or misplaced). Without
--data it runs on the bundled moving digits; --video a.mp4 ... forecasts your own
recordings, no labels needed, training on the first part of each and testing on
the rest; --data panning-photos forecasts a camera's pan over photographs."""


class _Formatter(
    argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter
):
    """Descriptions as written, and every option's default in ``--help``, once:
    an option without one (None) says in its help what happens instead."""

    def _get_help_string(self, action):
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


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


def _indices(value):
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated clip numbers, got {value!r}"
        ) from None


def _model_keys(value):
    keys = [key.strip() for key in value.split(",") if key.strip()]
    unknown = [key for key in keys if key not in MODELS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {', '.join(unknown) or '(none given)'}; choose from "
            f"{','.join(MODELS)}"
        )
    return list(dict.fromkeys(keys))


def _add_data_arguments(command, *, arrays, n_frames, data):
    """--data (default ``data``), --video, the clips' size and the split's data:
    ``arrays`` says what a .npz holds."""
    command.add_argument(
        "--data",
        default=data,
        help="bundled clips: 'panning-photos' (a camera over photographs; needs "
        "scikit-image) or 'moving-digits'; or a .npz file holding "
        f"{arrays}",
    )
    command.add_argument(
        "--video",
        nargs="+",
        metavar="PATH",
        help="video files to cut into clips instead of --data (needs PyAV: the "
        "video extra)",
    )
    command.add_argument(
        "--n-samples", type=_positive, default=300, help="bundled data: clips"
    )
    command.add_argument(
        "--n-frames",
        type=_positive,
        default=n_frames,
        help="frames per clip (bundled data and --video)",
    )
    command.add_argument(
        "--frame-size",
        type=_positive,
        default=32,
        help="bundled data: frame side; --video: the shorter side, scaled to it",
    )
    command.add_argument(
        "--stride",
        type=_positive,
        default=None,
        help="--video: frames between clip starts (default: half a clip)",
    )
    command.add_argument(
        "--groups",
        metavar="NAME",
        help="a .npz's array of each clip's group (e.g. its recording): whole "
        "groups are held out",
    )
    command.add_argument(
        "--test-data",
        metavar="PATH",
        help="a .npz of clips to test on (same arrays as --data) instead of a split",
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
    command.add_argument(
        "--resume",
        action="store_true",
        help="go on from a stopped run of the same command in --out: skip the "
        "fits it finished, resume a fit it was in the middle of",
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
        data="panning-photos",
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
        default=None,
        help="comma-separated approaches from "
        f"{','.join(MODELS)} (the flow- ones need OpenCV: the flow extra); "
        f"default: {','.join(DEFAULT_MODELS)} (the flow- ones where OpenCV is "
        "installed)",
    )
    compare.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="parallel fits (joblib; -1: all; default: one at a time)",
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
        forecast,
        arrays="an array X (n_samples, n_frames, ...)",
        n_frames=20,
        data="moving-digits",
    )
    forecast.add_argument(
        "--horizon", type=_positive, default=10, help="frames to forecast"
    )
    forecast.add_argument(
        "--test-size",
        type=float,
        default=0.2,
        help="share of clips to test on (--video: the last part of each recording)",
    )
    forecast.add_argument(
        "--clips",
        type=_indices,
        default=None,
        help="test clips to draw, e.g. 0,5,9 (default: the 3 that move most)",
    )
    forecast.add_argument(
        "--keep-scene-cuts",
        action="store_true",
        help="--video: keep the clips that span a cut to another shot (left out "
        "by default: their last frames show another scene, which no forecast "
        "can foresee)",
    )
    forecast.add_argument(
        "--animation",
        choices=["gif", "mp4"],
        default=None,
        help="also write the drawn clips' forecasts as an animation (mp4 needs PyAV)",
    )
    _add_run_arguments(
        forecast,
        epochs_help="epochs (default: the forecaster's own)",
        out="sklearn_st_forecast",
    )
    return parser, {"compare": compare, "forecast": forecast}


def _load_npz(path, fail, *, with_y=True, groups=None, option="--data"):
    """``X``, ``y`` (None unless ``with_y``) and the array named ``groups`` (None
    unless given) from a .npz file, or a call to ``fail`` saying what is wrong
    (of the file given to ``option``)."""
    names = ("X", "y") if with_y else ("X",)
    save = f"np.savez(path, {', '.join(f'{n}={n}' for n in names)})"
    if groups is not None:
        names = (*names, groups)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        fail(
            f"{option} {path}: this is a .npy file, which holds one array; save "
            f"the arrays together in a .npz file with {save}"
        )
    if magic[:4] != b"PK\x03\x04":
        fail(
            f"{option} {path}: not a .npz file (a zip archive of .npy arrays, as "
            f"{save} writes)"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [name for name in names if name not in data.files]
            if missing:
                fail(
                    f"{option} {path}: the file has no array named "
                    f"{' or '.join(repr(m) for m in missing)} (it holds "
                    f"{', '.join(repr(f) for f in data.files) or 'nothing'}); save "
                    f"it with {save}"
                )
            X, y = data["X"], data["y"] if with_y else None
            g = None if groups is None else data[groups]
    except (OSError, ValueError) as exc:
        fail(f"{option} {path}: cannot read it as a .npz file ({exc})")
    try:
        check_sequences(X)
    except (ValueError, TypeError) as exc:
        fail(
            f"{option} {path}: X {X.shape} {X.dtype} is not a batch of sequences: {exc}"
        )
    if with_y and (y.ndim not in (1, 2) or len(y) != len(X)):
        fail(
            f"{option} {path}: y must have shape (n_samples,) or (n_samples, "
            f"n_outputs) with n_samples = {len(X)} like X, got {y.shape}"
        )
    if with_y and y.dtype.kind in "fc" and not np.isfinite(y).all():
        bad = int(np.size(y) - np.isfinite(y).sum())
        fail(f"{option} {path}: y holds {bad} NaN or infinite value(s)")
    if with_y and y.dtype.kind not in "biufcUSO":
        fail(f"{option} {path}: y has dtype {y.dtype}; numbers or labels are needed")
    if g is not None and g.shape != (len(X),):
        fail(
            f"{option} {path}: --groups {groups} must have shape (n_samples,) = "
            f"({len(X)},), got {g.shape}"
        )
    return X, y, g


class _Data(NamedTuple):
    """Clips and what decides their split: ``groups`` (each clip's group, or
    None), ``recordings`` (clips cut from recordings, split in time), and
    ``X_test``/``y_test`` (given test clips, or None)."""

    X: Any
    y: Any
    source: str
    groups: Any = None
    recordings: bool = False
    X_test: Any = None
    y_test: Any = None


def _video_clips(args, fail):
    """The clips of ``args.video``, or a call to ``fail`` naming a bad file."""
    try:
        from .video import VideoClips

        n_frames = args.n_frames
        stride = args.stride or max(1, n_frames // 2)
        # a forecast across a cut to another shot is no forecast of the video
        cuts = args.command == "forecast" and not args.keep_scene_cuts
        return VideoClips(
            args.video,
            n_frames,
            stride=stride,
            size=args.frame_size,
            drop_scene_cuts=cuts,
        )
    except (ImportError, OSError, ValueError) as exc:
        fail(f"--video: {exc}")


def _data(args, fail, *, with_y=True):
    """The clips of ``args`` as a :class:`_Data`: bundled clips with the target
    ``args.target`` (velocity where there is none), a .npz file (``y`` None
    unless ``with_y``) with its groups and test data, or the clips of videos
    (``y``: which video, where ``with_y``)."""
    target = getattr(args, "target", "velocity")
    about = f", target {target}" if with_y else ""
    if (args.groups or args.test_data) and (args.video or not _is_file(args.data)):
        fail("--groups and --test-data go with --data PATH.npz")
    if args.video:
        clips = _video_clips(args, fail)
        names = [Path(p).stem for p in clips.paths]
        if len(set(names)) < len(names):
            names = list(clips.paths)
        y = np.asarray(names)[clips.groups] if with_y else None
        if with_y and len(names) < 2:
            fail(
                "--video: compare needs two or more videos (the target is which "
                "video a clip comes from); to forecast one, use the forecast command"
            )
        about = ", target: which video" if with_y else ""
        return _Data(clips, y, f"{len(names)} video(s){about}", recordings=True)
    if args.data == "moving-digits":
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=target,
            clutter=getattr(args, "clutter", False),
            random_state=args.random_state,
        )
        return _Data(X, y, f"moving digits{about}")
    if args.data == "panning-photos":
        if target == "digit":
            fail("--data panning-photos: the targets are velocity and direction")
        try:
            X, y = make_panning_photos(
                args.n_samples,
                args.n_frames,
                args.frame_size,
                target=target,
                photos="held-out",
                random_state=args.random_state,
                **CAMERA_EFFECTS,
            )
        except ImportError as exc:
            fail(f"{exc}; or run on --data moving-digits")
        return _Data(X, y, f"panning photos (camera noise, whole-pixel motion){about}")
    if not _is_file(args.data):
        fail(
            f"--data {args.data}: no such file (or use --data moving-digits or "
            "--data panning-photos)"
        )
    X, y, groups = _load_npz(args.data, fail, with_y=with_y, groups=args.groups)
    X_test = y_test = None
    if args.test_data:
        if not _is_file(args.test_data):
            fail(f"--test-data {args.test_data}: no such file")
        X_test, y_test, _ = _load_npz(
            args.test_data, fail, with_y=with_y, option="--test-data"
        )
        if X_test.shape[1:] != X.shape[1:]:
            fail(
                f"--test-data {args.test_data}: X {X_test.shape} needs the "
                f"per-clip shape of --data's X {X.shape}"
            )
    return _Data(X, y, f"{args.data}", groups=groups, X_test=X_test, y_test=y_test)


def _is_file(path):
    return Path(path).is_file()


def _markdown_table(report, metric, chance):
    """The comparison as a Markdown table, the best score in bold (README's), the
    chance row last, in italics."""
    best = max(row["score_mean"] for row in report)
    lines = [
        f"| approach | {metric} (mean ± std) | fit s | predict s | weights |",
        "|---|---|---|---|---|",
    ]
    for row in [*report, chance]:
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        name = row["name"]
        if row is chance:
            name, score = f"*{name}*", f"*{score}*"
        elif row["score_mean"] == best:
            score = f"**{score}**"
        lines.append(
            f"| {name} | {score} | {row['fit_seconds_mean']:.2f} | "
            f"{row['predict_seconds_mean']:.3f} | {row['n_parameters']:,} |"
        )
    return "\n".join(lines) + "\n"


def _chance_warning(report, chance, metric):
    """What to say when the best approach does not clearly beat chance, or None."""
    best = max(report, key=lambda row: row["score_mean"])
    margin = best["score_mean"] - chance["score_mean"]
    if margin <= 0:
        return (
            f"warning: no approach beats chance: the best, {best['name']}, scores "
            f"{best['score_mean']:.3f} {metric} against {chance['score_mean']:.3f} "
            f"for {chance['name']}"
        )
    spread = best["score_std"] + chance["score_std"]
    if margin <= spread:
        return (
            f"warning: the best approach, {best['name']}, beats chance by "
            f"{margin:.3f} {metric}, within the spread of the scores over folds "
            f"({spread:.3f}): the ranking may be noise"
        )
    return None


def _split(data, args, classification, fail):
    """The folds of ``compare`` for ``data`` and what they are, in words."""
    if data.X_test is not None:
        n, m = len(data.X), len(data.X_test)
        folds = [(np.arange(n), np.arange(n, n + m))]
        return folds, f"trained on --data, tested on --test-data {args.test_data}"
    if data.recordings:
        what = (
            f"{args.cv}-fold cross-validation in time: each fold tests on a "
            "stretch of every recording; training clips that share frames with a "
            "test clip are left out"
        )
    elif data.groups is not None:
        if len(np.unique(data.groups)) < args.cv:
            fail(
                f"--groups {args.groups}: {len(np.unique(data.groups))} group(s) "
                f"for {args.cv} folds"
            )
        what = (
            f"{args.cv}-fold cross-validation holding out whole groups ({args.groups})"
        )
    else:
        what = (
            f"{args.cv}-fold cross-validation, shuffled (clips taken as independent; "
            "if they are cut from longer recordings, pass --groups)"
        )
    folds = make_folds(
        data.X,
        data.y,
        cv=args.cv,
        classification=classification,
        groups=data.groups,
        recordings=data.recordings,
        random_state=args.random_state,
    )
    return folds, what


def _write_results(out, results, *, files=None, figures=None):
    """Write ``results`` as ``results.json``, each of ``files`` (name: text) and
    the pictures that ``figures(folder)`` draws and returns the paths of into the
    folder ``out``; say what was written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    try:  # every fit ended and removed its checkpoint
        (out / "checkpoints").rmdir()
    except OSError:
        pass
    written = []
    texts = {"results.json": json.dumps(results, indent=2) + "\n", **(files or {})}
    for name, text in texts.items():
        (out / name).write_text(text)
        written.append(out / name)
    if figures is not None:
        try:
            written += figures(out)
        except ImportError:
            print(
                "no figure: matplotlib is not installed (pip install "
                '"sklearn_st[plot]", or ".[plot]" from a checkout)'
            )
    print("wrote " + ", ".join(str(path) for path in written))


def _checkpoints(args):
    """``OUT/checkpoints``, where each learned model's fit saves its epochs:
    emptied unless ``--resume`` (which goes on from them)."""
    folder = Path(args.out) / "checkpoints"
    if not args.resume:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _fit_log(args, n_fits):
    """The fits a ``--resume`` finds done in ``OUT/fits.jsonl`` (by
    :func:`fit_signature`), and a function that appends each new fit's result
    to that file as it finishes, so that a stopped run keeps what it did."""
    path = Path(args.out) / "fits.jsonl"
    done = {}
    if args.resume and path.exists():
        for line in path.read_text().splitlines():
            try:
                entry = json.loads(line)
                done[entry["signature"]] = entry["result"]
            except (ValueError, KeyError):  # a line cut short by the stop
                continue
        print(f"resuming: {len(done)} of {n_fits} fits are done in {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not args.resume:
        path.write_text("")
    elif done:  # rewrite without a line that a stop cut short
        path.write_text(
            "".join(
                json.dumps({"signature": k, "result": v}) + "\n"
                for k, v in done.items()
            )
        )

    def record(key, signature, result):
        fold, score, fit_s, predict_s, n_params = result
        result = [int(fold), float(score), float(fit_s), float(predict_s)]
        result.append(int(n_params))
        with open(path, "a") as f:
            f.write(
                json.dumps({"model": key, "signature": signature, "result": result})
                + "\n"
            )

    return done, record


def compare(args, fail):
    """Run the comparison that ``args`` describe; returns the results dict."""
    from ._facade import EpochProgress

    keys, note = (args.models, None) if args.models else default_models()
    if any(key.startswith("flow-") for key in keys):
        try:
            from ._dense_flow import require_cv2

            require_cv2("OpticalFlow")
        except ImportError as exc:
            fail(f"--models: {exc}")
    data = _data(args, fail)
    X, y = data.X, data.y
    classification = is_label_target(y)
    if data.X_test is None and not data.recordings:
        if classification:
            smallest = np.unique(y, return_counts=True)[1].min()
            if smallest < args.cv:
                fail(f"--cv {args.cv}: the rarest class has only {smallest} samples")
        elif len(y) < 2 * args.cv:
            fail(f"--cv {args.cv}: needs at least {2 * args.cv} samples, got {len(y)}")
    metric = "accuracy" if classification else "R^2"
    folds, split = _split(data, args, classification, fail)
    if data.X_test is not None:
        X = np.concatenate([X, data.X_test])
        y = np.concatenate([y, data.y_test])
        classification = is_label_target(y)
    # a bar over the epochs inside each fit, where the fits run in this process
    inner = not args.no_progress and args.n_jobs in (None, 1)
    models = make_models(
        keys,
        classification=classification,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
        callbacks=[EpochProgress()] if inner else None,
    )
    checkpoints = _checkpoints(args)
    for model in models.values():  # a fit stopped midway resumes its epochs
        model.set_params(
            **{
                name: checkpoints
                for name in model.get_params()
                if name == "checkpoint" or name.endswith("__checkpoint")
            }
        )
    chance_name, models["chance"] = chance(classification)
    print(
        f"{data.source}: X {X.shape} {X.dtype}, y {y.shape} "
        f"({'classification' if classification else 'regression'}, {metric}); "
        f"{split}"
    )
    if note:
        print(note)
    done, record = _fit_log(args, len(models) * len(folds))
    with tqdm(
        total=len(models) * len(folds),
        initial=len(done),
        desc="model folds",
        unit="fit",
        disable=args.no_progress,
        file=sys.stderr,
    ) as bar:
        report = run(
            models,
            X,
            y,
            folds=folds,
            names={**MODELS, "chance": chance_name},
            n_jobs=args.n_jobs,
            progress=bar.update,
            done=done,
            on_result=record,
        )
    *report, chance_row = report
    width = max(len(row["name"]) for row in [*report, chance_row]) + 2
    header = (
        f"{'approach':<{width}}{metric + ' (mean ± std)':>22}{'fit s':>9}"
        f"{'predict s':>11}{'weights':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in [*report, chance_row]:
        if row is chance_row:
            print("-" * len(header))
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        print(
            f"{row['name']:<{width}}{score:>22}{row['fit_seconds_mean']:>9.2f}"
            f"{row['predict_seconds_mean']:>11.3f}{row['n_parameters']:>11,}"
        )
    warning = _chance_warning(report, chance_row, metric)
    if warning:
        print(warning, file=sys.stderr)
    results = {
        "data": {
            "source": data.source,
            "X_shape": list(X.shape),
            "X_dtype": str(X.dtype),
            "y_shape": list(y.shape),
            "task": "classification" if classification else "regression",
        },
        "metric": "accuracy" if classification else "r2",
        "cv": len(folds),
        "split": split,
        "random_state": args.random_state,
        "versions": _versions(),
        "models": report,
        "chance": chance_row,
        "beats_chance": warning is None,
    }
    _write_results(
        args.out,
        results,
        files={"table.md": _markdown_table(report, metric, chance_row)},
        figures=lambda out: [
            plot_comparison(
                report, X, metric=metric, path=out / "comparison.png", chance=chance_row
            )
        ],
    )
    return results


def _forecast_split(data, args):
    """Training and test clips of ``forecast`` for ``data``, and the split in
    words."""
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    from .model_selection import recording_train_test_split

    X = data.X
    if data.X_test is not None:
        return X, data.X_test, f"tested on --test-data {args.test_data}"
    if data.recordings:
        train, test = recording_train_test_split(X, test_size=args.test_size)
        share = round(100 * (1 - args.test_size))
        what = (
            f"trained on the first {share}% of each recording, tested on the rest "
            "(no training clip shares a frame with a test clip)"
        )
        return subset(X, train), X[test], what
    if data.groups is not None:
        splitter = GroupShuffleSplit(
            1, test_size=args.test_size, random_state=args.random_state
        )
        train, test = next(splitter.split(X, groups=data.groups))
        return X[train], X[test], f"whole groups ({args.groups}) held out"
    X_train, X_test = train_test_split(
        X, test_size=args.test_size, random_state=args.random_state
    )
    what = (
        "clips split at random (taken as independent; if they are cut from longer "
        "recordings, pass --groups or --video)"
    )
    return X_train, X_test, what


def forecast(args, fail):
    """Run the forecast that ``args`` describe; returns the results dict."""
    from ._facade import EpochProgress
    from .estimators import ConvLSTMForecaster

    data = _data(args, fail, with_y=False)
    X = data.X
    if X.shape[1] <= args.horizon:
        fail(
            f"--horizon {args.horizon}: the clips have {X.shape[1]} frames; they "
            "need more than the horizon (the frames before it are the context)"
        )
    if not 0 < args.test_size < 1:
        fail(f"--test-size must lie between 0 and 1, got {args.test_size}")
    X_train, X_test, split = _forecast_split(data, args)
    bad = [i for i in args.clips or () if not 0 <= i < len(X_test)]
    if bad:  # before the fit, not after it
        fail(f"--clips {bad}: there are {len(X_test)} test clips")
    params = {"horizon": args.horizon, "random_state": args.random_state}
    if args.max_epochs:
        params["max_epochs"] = args.max_epochs
    if not args.no_progress:
        params["callbacks"] = [EpochProgress()]
    if importlib.util.find_spec("cv2") is None:  # no flow to extrapolate
        params["start"] = "persistence"
    # a fit stopped midway resumes its epochs with --resume
    forecaster = ConvLSTMForecaster(**params, checkpoint=_checkpoints(args))
    print(
        f"{data.source}: X {X.shape} {X.dtype}; {len(X_train)} training and "
        f"{len(X_test)} test clips, {split}; the last {args.horizon} frames of "
        f"each test clip forecast from the {X.shape[1] - args.horizon} before them"
    )
    report, forecasts, note = evaluate(forecaster, X_train, X_test)
    if note:
        print(f"{note}; the ConvLSTMForecaster starts from persistence")
    print(forecast_table(report, args.horizon), end="")
    learned = report[-1]
    if "kept_start" in learned:
        start = forecaster.start or "the untrained network"
        print(
            f"{learned['name']} kept its start ({start}): the trained model did "
            "not beat it on the validation clips"
            if learned["kept_start"]
            else f"{learned['name']} beat its start ({start}) on the validation clips"
        )
    best = min((row for row in report if row["baseline"]), key=lambda r: r["mse"])
    if learned["mse"] >= best["mse"]:
        print(
            f"warning: {learned['name']} does not beat {best['name']}: MSE "
            f"{learned['mse']:.4g} against {best['mse']:.4g}",
            file=sys.stderr,
        )
    results = {
        "data": {
            "source": data.source,
            "X_shape": list(X.shape),
            "X_dtype": str(X.dtype),
        },
        "horizon": args.horizon,
        "split": split,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "random_state": args.random_state,
        "forecaster": describe_estimator(
            forecaster.set_params(callbacks=None, checkpoint=None)
        ),
        "versions": _versions(),
        "methods": report,
        "beats_persistence": learned["vs_persistence"] > 0,
        "beats_baselines": learned["mse"] < best["mse"],
    }
    context = X_test[:, : -args.horizon]
    truth = X_test[:, -args.horizon :]
    samples = args.clips or moving_most(context, truth)

    def figures(out):
        paths = [
            plot_forecast(
                context, truth, forecasts, path=out / "forecast.png", samples=samples
            )
        ]
        if args.animation:
            paths.append(
                write_forecast_animation(
                    context,
                    truth,
                    forecasts,
                    path=out / f"forecast.{args.animation}",
                    samples=samples,
                )
            )
        return paths

    # pictures where the samples are frames
    _write_results(args.out, results, figures=figures if X.ndim >= 4 else None)
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
