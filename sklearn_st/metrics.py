"""Scores of forecast frames beyond the squared error: the absolute error and the
structural similarity (SSIM) that tells a sharp forecast from a blurred one,
per forecast step."""

from numbers import Integral, Real

import numpy as np
from scipy.ndimage import uniform_filter
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_is_fitted

from ._lazy_arrays import sample_chunks, value_range

__all__ = ["forecast_errors", "forecast_scores", "structural_similarity"]

#: SSIM's constants (Wang et al., 2004), as scikit-image's
_K1, _K2 = 0.01, 0.03


def _frames(x):
    """``(n, T, H, W, C)`` float64 of a sequence batch of the array contract: 2-D
    and 3-D sequences are frames of one pixel, 4-D one channel."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        return x[:, :, None, None, None]
    if x.ndim == 3:
        return x[:, :, None, None, :]
    if x.ndim == 4:
        return x[..., None]
    if x.ndim == 5:
        return x
    raise ValueError(
        f"expected frames of shape (n_samples, n_frames, ...) with 2 to 5 "
        f"dimensions, got shape {x.shape}"
    )


def _check_pair(frames_true, frames_pred):
    true, pred = _frames(frames_true), _frames(frames_pred)
    if true.shape != pred.shape:
        raise ValueError(
            f"frames_true and frames_pred must have the same shape, got "
            f"{np.shape(frames_true)} and {np.shape(frames_pred)}"
        )
    return true, pred


def _default_range(frames, data_range):
    """``data_range``, or the full range of integer ``frames``, or their largest
    minus their smallest value (read in chunks: ``frames`` may be lazy)."""
    if data_range is not None:
        return float(data_range)
    frames = frames if hasattr(frames, "dtype") else np.asarray(frames)
    if frames.dtype.kind in "ui":
        info = np.iinfo(frames.dtype)
        return float(info.max) - float(info.min)
    if frames.dtype.kind == "b":
        return 1.0
    low, high = value_range(frames)
    return float(high - low) or 1.0  # constant frames: any range


@validate_params(
    {
        "frames_true": ["array-like"],
        "frames_pred": ["array-like"],
        "data_range": [Interval(Real, 0, None, closed="neither"), None],
        "win_size": [Interval(Integral, 3, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def structural_similarity(frames_true, frames_pred, *, data_range=None, win_size=7):
    """The mean structural similarity (SSIM) of each frame with its reference.

    The SSIM of Wang et al. (2004) as scikit-image's ``structural_similarity``
    computes it by default (a ``win_size`` x ``win_size`` uniform window, the
    sample covariance, ``K1=0.01``, ``K2=0.03``, the border of half a window left
    out of the mean), channel by channel and averaged over the channels, as with
    its ``channel_axis``, but for every frame of a batch of sequences at once.
    1 is a perfect match; blur, noise and misplaced texture lower it, so beside
    the squared error (which a blurred forecast can lower) it tells whether a
    forecast stays sharp.

    Parameters
    ----------
    frames_true : array-like of shape (n_samples, n_frames, height, width[, \
n_channels])
        The reference frames, in the layout of the array contract.
    frames_pred : array-like of the same shape
        The frames to score, e.g. a forecaster's ``predict``.
    data_range : float or None, default=None
        The range of values the frames can take: None is the full range of an
        integer ``frames_true`` (255 for uint8), or its largest minus its
        smallest value when it holds floats; pass the range explicitly for
        frames in [0, 1] or scores comparable across batches.
    win_size : int, default=7
        Side of the window, odd.

    Returns
    -------
    ssim : ndarray of shape (n_samples, n_frames)
        float64; NaN for frames smaller than the window (sequences of numbers or
        feature vectors, whose frames are one pixel).

    References
    ----------
    Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image quality
    assessment: from error visibility to structural similarity", IEEE
    Transactions on Image Processing 13(4), 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st.metrics import structural_similarity
    >>> frames = np.random.RandomState(0).randint(0, 256, (2, 3, 16, 16, 3))
    >>> frames = frames.astype(np.uint8)
    >>> structural_similarity(frames, frames).round(6)
    array([[1., 1., 1.],
           [1., 1., 1.]])
    """
    if win_size % 2 == 0:
        raise ValueError(f"win_size must be odd, got {win_size}")
    true, pred = _check_pair(frames_true, frames_pred)
    data_range = _default_range(frames_true, data_range)
    n, n_frames, height, width, _ = true.shape
    if height < win_size or width < win_size:
        return np.full((n, n_frames), np.nan)
    c1, c2 = (_K1 * data_range) ** 2, (_K2 * data_range) ** 2
    size = (1, 1, win_size, win_size, 1)
    cov_norm = win_size**2 / (win_size**2 - 1)  # the sample covariance

    def mean(x):
        return uniform_filter(x, size=size)

    mu_t, mu_p = mean(true), mean(pred)
    var_t = cov_norm * (mean(true * true) - mu_t * mu_t)
    var_p = cov_norm * (mean(pred * pred) - mu_p * mu_p)
    cov = cov_norm * (mean(true * pred) - mu_t * mu_p)
    ssim = ((2 * mu_t * mu_p + c1) * (2 * cov + c2)) / (
        (mu_t**2 + mu_p**2 + c1) * (var_t + var_p + c2)
    )
    pad = (win_size - 1) // 2
    return ssim[:, :, pad : height - pad, pad : width - pad].mean(axis=(2, 3, 4))


def forecast_errors(frames_true, frames_pred, *, data_range=None):
    """Mean squared error, mean absolute error and SSIM of forecast frames, per
    forecast step.

    Parameters
    ----------
    frames_true : array-like of shape (n_samples, horizon, ...)
        The frames that followed each clip, in the layout of the array contract.
    frames_pred : array-like of the same shape
        Their forecasts.
    data_range : float or None, default=None
        SSIM's range of values, see :func:`structural_similarity`.

    Returns
    -------
    errors : dict
        ``'mse'``, ``'mae'`` and ``'ssim'``, each an ndarray of shape
        ``(horizon,)``: the mean over the samples (and pixels) at each forecast
        step. Their mean over the horizon is ``errors[name].mean()``; the SSIM
        is NaN for frames smaller than its window.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st.metrics import forecast_errors
    >>> truth = np.zeros((4, 2, 8, 8), dtype=np.uint8)
    >>> errors = forecast_errors(truth, truth + 2.0)
    >>> errors["mse"], errors["mae"]
    (array([4., 4.]), array([2., 2.]))
    """
    data_range = _default_range(frames_true, data_range)
    true, pred = _check_pair(frames_true, frames_pred)
    error = (pred - true).reshape(*true.shape[:2], -1)
    return {
        "mse": np.square(error).mean(axis=(0, 2)),
        "mae": np.abs(error).mean(axis=(0, 2)),
        "ssim": structural_similarity(true, pred, data_range=data_range).mean(axis=0),
    }


def forecast_scores(forecaster, X, *, data_range=None, chunk_bytes=1 << 26):
    """Score a fitted forecaster on whole clips: forecast the last ``horizon``
    frames of each clip of ``X`` from the frames before them and measure the
    forecast against them, per forecast step.

    Works with any estimator whose ``predict(context)`` returns the
    ``horizon`` frames after each clip (:class:`~sklearn_st.ConvLSTMForecaster`,
    :class:`~sklearn_st.FlowExtrapolationForecaster`,
    :class:`~sklearn_st.PersistenceForecaster` or one of your own). ``X`` is
    read a chunk of clips at a time, so a :class:`~sklearn_st.VideoClips`
    or a memmap is never read whole.

    Parameters
    ----------
    forecaster : estimator
        A fitted forecaster with a ``horizon`` parameter.
    X : array-like of shape (n_samples, n_frames, ...)
        Clips of more than ``horizon`` frames.
    data_range : float or None, default=None
        SSIM's range of values: None is the full range of an integer dtype (255
        for uint8), else the largest minus the smallest value of ``X``.
    chunk_bytes : int, default=64 MiB
        About how much of ``X`` is read at once.

    Returns
    -------
    scores : dict
        As :func:`forecast_errors`: ``'mse'``, ``'mae'`` and ``'ssim'`` per
        forecast step, over every clip of ``X``.

    Examples
    --------
    >>> from sklearn_st import PersistenceForecaster
    >>> from sklearn_st.datasets import make_moving_digits
    >>> from sklearn_st.metrics import forecast_scores
    >>> X, _ = make_moving_digits(20, n_frames=6, frame_size=16, random_state=0)
    >>> model = PersistenceForecaster(horizon=2).fit(X)
    >>> sorted(forecast_scores(model, X))
    ['mae', 'mse', 'ssim']
    """
    check_is_fitted(forecaster)
    X = X if hasattr(X, "shape") else np.asarray(X)
    horizon = int(forecaster.horizon)
    if X.shape[1] <= horizon:
        raise ValueError(
            f"X has {X.shape[1]} frames a clip; forecasting the last "
            f"{horizon} needs more (the frames before them are the context)."
        )
    if data_range is None:
        data_range = _default_range(X, None)
    totals, n_seen = None, 0
    for chunk in sample_chunks(X, chunk_bytes):
        context, truth = chunk[:, :-horizon], chunk[:, -horizon:]
        forecast = forecaster.predict(context)
        if forecast.shape[1] != horizon:
            raise ValueError(
                f"{type(forecaster).__name__} forecasts {forecast.shape[1]} "
                f"frames, but its horizon is {horizon} (set after its fit?)."
            )
        errors = forecast_errors(truth, forecast, data_range=data_range)
        weighted = {name: value * len(chunk) for name, value in errors.items()}
        if totals is None:
            totals = weighted
        else:
            totals = {name: totals[name] + weighted[name] for name in totals}
        n_seen += len(chunk)
    return {name: total / n_seen for name, total in totals.items()}
