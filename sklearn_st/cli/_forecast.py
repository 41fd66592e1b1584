"""``python -m sklearn_st forecast``: a ConvLSTMForecaster fitted on training
clips and scored beside the forecasts to beat (persistence, flow extrapolation)
on the frames that follow each test clip's context."""

import importlib.util
import sys
import time

from .._lazy_arrays import subset
from ._data import load
from ._report import (
    checkpoints,
    describe_estimator,
    forecast_table,
    moving_most,
    plot_forecast,
    versions,
    write_forecast_animation,
    write_results,
)

__all__ = ["baselines", "evaluate", "forecast"]


def baselines(horizon):
    """The baseline forecasters by name: persistence, and flow extrapolation
    where OpenCV is installed; and a note when it is not (else None)."""
    from ..estimators import FlowExtrapolationForecaster, PersistenceForecaster

    models = {"persistence (last frame)": PersistenceForecaster(horizon=horizon)}
    if importlib.util.find_spec("cv2") is None:
        return models, (
            "note: no flow extrapolation row: it needs OpenCV (pip install "
            '"sklearn_st[flow]", or ".[flow]" from a checkout)'
        )
    name = "flow extrapolation (DIS + advection)"
    models[name] = FlowExtrapolationForecaster(horizon=horizon)
    return models, None


def evaluate(forecasters, X_train, X_test):
    """Fit each forecaster and the baselines on ``X_train``, forecast the last
    ``horizon`` frames of each clip of ``X_test`` from the frames before them,
    and score the forecasts against those frames.

    ``forecasters`` is one forecaster (named by its class) or a dict of them by
    name, all of one ``horizon``.

    Returns a list of dicts, one per method, the baselines first: ``name``,
    ``baseline`` (whether it is one), ``per_step_mse``, ``per_step_mae`` and
    ``per_step_ssim`` (one per forecast step; the SSIM None for frames of one
    pixel), ``mse``, ``mae`` and ``ssim`` (their means over the horizon),
    ``vs_persistence`` and ``vs_best_baseline`` (1 - mse / that one's mse: the
    share of its error removed), ``fit_seconds``, ``predict_seconds`` and, for
    a learned forecaster that scored where it started, ``kept_start``; then the
    forecasts by name, for a figure; then a note on a missing baseline, or None.
    """
    from ..metrics import _default_range, forecast_errors

    if X_train.ndim == 2:  # a univariate sequence: one feature a step, so that
        # the forecasters read contexts shorter than the training clips
        X_train, X_test = X_train[..., None], X_test[..., None]
    if not isinstance(forecasters, dict):
        forecasters = {type(forecasters).__name__: forecasters}
    horizon = int(next(iter(forecasters.values())).horizon)
    models, note = baselines(horizon)
    is_baseline = dict.fromkeys(models, True)
    models.update(forecasters)
    context, truth = X_test[:, :-horizon], X_test[:, -horizon:]
    data_range = _default_range(X_train, None)
    forecasts, rows = {}, []
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        forecasts[name] = model.predict(context)
        predict_s = time.perf_counter() - start
        errors = forecast_errors(truth, forecasts[name], data_range=data_range)
        row = {"name": name, "baseline": name in is_baseline}
        for metric, values in errors.items():
            row[f"per_step_{metric}"] = [
                None if v != v else float(v)  # NaN: no SSIM of one-pixel frames
                for v in values
            ]
            row[metric] = None if values[0] != values[0] else float(values.mean())
        row["fit_seconds"], row["predict_seconds"] = fit_s, predict_s
        if not row["baseline"] and getattr(model, "kept_start_", None) is not None:
            row["kept_start"] = bool(model.kept_start_)
        rows.append(row)
    persistence = rows[0]["mse"]
    best_baseline = min(row["mse"] for row in rows if row["baseline"])
    for row in rows:
        row["vs_persistence"] = _share_removed(row["mse"], persistence)
        row["vs_best_baseline"] = _share_removed(row["mse"], best_baseline)
    return rows, forecasts, note


def _share_removed(mse, reference):
    """The share of ``reference``'s error that ``mse`` removes (0 for none)."""
    return 1 - mse / reference if reference > 0 else 0.0


def _forecast_split(data, args):
    """Training and test clips of ``forecast`` for ``data``, and the split in
    words."""
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    from ..model_selection import recording_train_test_split

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
    from .._facade import EpochProgress
    from ..estimators import ConvLSTMForecaster

    data = load(args, fail, with_y=False)
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
    forecaster = ConvLSTMForecaster(**params, checkpoint=checkpoints(args))
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
        "versions": versions(),
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
    write_results(args.out, results, figures=figures if X.ndim >= 4 else None)
    return results
