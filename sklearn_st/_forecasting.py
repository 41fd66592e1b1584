"""Forecasters scored beside the baselines a forecasting user runs first: what
``python -m sklearn_st forecast`` and ``benchmarks/bench_forecast.py`` report."""

import importlib.util
import time

__all__ = ["baselines", "evaluate", "forecast_table"]


def baselines(horizon):
    """The baseline forecasters by name: persistence, and flow extrapolation
    where OpenCV is installed; and a note when it is not (else None)."""
    from .estimators import FlowExtrapolationForecaster, PersistenceForecaster

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
    from .metrics import _default_range, forecast_errors

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


def forecast_table(report, horizon):
    """:func:`evaluate`'s report as text: per metric (MSE, MAE, SSIM), a row per
    method with the score at each forecast step (steps 1, 5, 10, ... and the
    last, for long horizons) and over the horizon; the MSE's block also with the
    share of persistence's error removed and the fit's seconds."""
    steps = list(range(1, horizon + 1))
    if horizon > 6:
        steps = sorted({1, *range(5, horizon, 5), horizon})
    width = max(len(row["name"]) for row in report) + 2
    lines = []
    for metric, label in (("mse", "MSE"), ("mae", "MAE"), ("ssim", "SSIM")):
        if report[0][metric] is None:  # no SSIM of frames of one pixel
            continue
        form = ".3f" if metric == "ssim" else ".4g"  # errors of any scale
        header = f"{label:<{width}}" + "".join(f"{f't+{k}':>9}" for k in steps)
        header += f"{'mean':>9}"
        if metric == "mse":
            header += f"{'vs persistence':>16}{'fit s':>8}"
        lines += [header, "-" * len(header)]
        for row in report:
            cells = "".join(
                f"{row[f'per_step_{metric}'][k - 1]:>9{form}}" for k in steps
            )
            line = f"{row['name']:<{width}}{cells}{row[metric]:>9{form}}"
            if metric == "mse":
                line += f"{100 * row['vs_persistence']:>15.1f}%"
                line += f"{row['fit_seconds']:>8.1f}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)
