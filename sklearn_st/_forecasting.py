"""Forecasts scored against the naive baselines: what ``python -m sklearn_st
forecast`` and ``benchmarks/bench_forecast.py`` report."""

import time

import numpy as np

from ._arrays import value_range

__all__ = ["BASELINES", "evaluate", "linear_extrapolation", "persistence"]


def persistence(context, horizon):
    """Every future frame is the last context frame, float64."""
    last = np.asarray(context[:, -1], dtype=np.float64)
    return np.repeat(last[:, None], horizon, axis=1)


def linear_extrapolation(context, horizon, *, low=-np.inf, high=np.inf):
    """The last two context frames' change carried on, ``x_T + k (x_T - x_{T-1})``
    for step ``k``, clipped to ``[low, high]`` (the data's range), float64."""
    last = np.asarray(context[:, -1], dtype=np.float64)
    step = last - np.asarray(context[:, -2], dtype=np.float64)
    k = np.arange(1, horizon + 1).reshape(1, -1, *([1] * (last.ndim - 1)))
    return np.clip(last[:, None] + k * step[:, None], low, high)


#: The naive forecasts, by name: ``f(context, horizon, low, high)``.
BASELINES = {
    "persistence (last frame)": lambda context, horizon, low, high: persistence(
        context, horizon
    ),
    "linear extrapolation (last two)": lambda context, horizon, low, high: (
        linear_extrapolation(context, horizon, low=low, high=high)
    ),
}


def _per_step_mse(forecast, truth):
    """Mean squared error of each forecast step over samples and values."""
    error = np.square(forecast - np.asarray(truth, dtype=np.float64))
    return error.reshape(*error.shape[:2], -1).mean(axis=(0, 2))


def evaluate(forecasters, X_train, X_test):
    """Fit each forecaster on ``X_train``, forecast the last ``horizon`` frames of
    each clip of ``X_test`` from the frames before them, and score the forecasts
    and the baselines against those frames.

    ``forecasters`` is one forecaster (named by its class) or a dict of them by
    name, all of one ``horizon``.

    Returns a list of dicts, one per method: ``name``, ``per_step_mse`` (one per
    forecast step), ``mse`` (their mean), ``vs_persistence`` (1 - mse /
    persistence's mse: the share of persistence's error removed), ``fit_seconds``
    and ``predict_seconds``; and the forecasts by name, for a figure.
    """
    if X_train.ndim == 2:  # a univariate sequence: one feature a step, so that
        # the forecaster reads contexts shorter than the training clips
        X_train, X_test = X_train[..., None], X_test[..., None]
    if not isinstance(forecasters, dict):
        forecasters = {type(forecasters).__name__: forecasters}
    horizon = int(next(iter(forecasters.values())).horizon)
    context, truth = X_test[:, :-horizon], X_test[:, -horizon:]
    low, high = map(float, value_range(X_train))
    forecasts, rows = {}, []
    for name, baseline in BASELINES.items():
        start = time.perf_counter()
        forecasts[name] = baseline(context, horizon, low, high)
        rows.append((name, 0.0, time.perf_counter() - start))
    for name, forecaster in forecasters.items():
        start = time.perf_counter()
        forecaster.fit(X_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        forecasts[name] = forecaster.predict(context)
        rows.append((name, fit_s, time.perf_counter() - start))
    reference = None
    report = []
    for name, fit_s, predict_s in rows:
        per_step = _per_step_mse(forecasts[name], truth)
        reference = per_step.mean() if reference is None else reference
        report.append(
            {
                "name": name,
                "per_step_mse": per_step.tolist(),
                "mse": float(per_step.mean()),
                "vs_persistence": float(1 - per_step.mean() / reference),
                "fit_seconds": fit_s,
                "predict_seconds": predict_s,
            }
        )
    return report, forecasts
