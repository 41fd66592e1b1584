"""Parsing the command line and running the command it names; answers ``--help``
without importing torch (the commands load their models when they run)."""

import argparse
import sys

from .. import __version__
from ._approaches import DEFAULT_MODELS, MODELS

__all__ = ["main"]

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


#: What --quick sets, where the options are left at their defaults.
_QUICK = {"n_samples": 120, "cv": 2, "max_epochs": 10}


def _positive(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return number


def _frame_size(value):
    """``--frame-size``: ``32`` (one side) or ``32x48`` / ``32,48``."""
    parts = value.lower().replace(",", "x").split("x")
    try:
        sides = [int(part) for part in parts]
    except ValueError:
        sides = []
    if len(sides) not in (1, 2) or min(sides) < 1:
        raise argparse.ArgumentTypeError(
            f"expected one side or HEIGHTxWIDTH in pixels, e.g. 32 or 32x48, got "
            f"{value!r}"
        )
    return sides[0] if len(sides) == 1 else tuple(sides)


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
        type=_frame_size,
        default=32,
        metavar="SIDE or HxW",
        help="frame size: one side (bundled data: square frames; --video: each "
        "video's shorter side, scaled to it, videos of other shapes cut to the "
        "most common shape) or HEIGHTxWIDTH (--video: each scaled to cover it "
        "and cut to its middle)",
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


def main(argv=None):
    """The command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    if not argv or argv[0] not in ("compare", "forecast", "-h", "--help", "--version"):
        argv.insert(0, "compare")  # compare is the default command
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command, with the option that took fewer values
        command = commands[args.command]
        taken = argv[: argv.index(extra[0])]
        option = next((a for a in reversed(taken) if a.startswith("-")), None)
        action = command._option_string_actions.get(option)
        hint = ""
        if action is not None:
            hint = f" ({option} takes {'no' if action.nargs == 0 else 'one'} value)"
        command.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    if args.command == "forecast":
        from ._forecast import forecast

        forecast(args, commands["forecast"].error)
        return 0
    args.quick_set = []  # the options that --quick chose
    if args.quick:
        for name, value in _QUICK.items():
            if getattr(args, name) == commands["compare"].get_default(name):
                setattr(args, name, value)
                args.quick_set.append(name)
    if args.cv < 2:
        commands["compare"].error("--cv must be at least 2")
    from ._compare import compare

    compare(args, commands["compare"].error)
    return 0
