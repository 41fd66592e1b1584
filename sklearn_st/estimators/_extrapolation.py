"""The forecasts a forecasting user runs first: the last frame repeated, and the
last frame moved on along its optical flow."""

from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._dense_flow import PRESETS, backward_flow, require_cv2
from .._facade._forecaster import ForecasterMixin
from .._fitted_params import FittedParamsMixin, fit_context
from .._lazy_arrays import sample_chunks, value_range
from .._validation import validate_sequences
from ..nn import advect, warp

__all__ = ["FlowExtrapolationForecaster", "PersistenceForecaster"]

#: Bytes of input a chunk of ``predict`` and ``score`` reads at once
_CHUNK_BYTES = 1 << 25


def _as_nthwc(x):
    """Validated clips as ``(n, T, H, W, C)``: 2-D and 3-D sequences are frames of
    one pixel, 4-D frames of one channel."""
    if x.ndim == 2:
        return x[:, :, None, None, None]
    if x.ndim == 3:
        return x[:, :, None, None, :]
    if x.ndim == 4:
        return x[..., None]
    return x


class _ExtrapolatingForecaster(ForecasterMixin, FittedParamsMixin, BaseEstimator):
    """A forecaster that learns nothing but the clips' shape and value range: a
    subclass gives ``_extrapolate``."""

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the per-sample shape and the value range of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Clips of more than ``horizon`` frames, 2-D to 5-D, any real dtype
            (as :class:`ConvLSTMForecaster` learns from).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        self._check_fit()
        X = validate_sequences(self, X, reset=True, any_n_frames=True)
        # the clips a forecaster learns from: a context and the frames after it
        self._check_n_frames(X.shape[1], self.horizon)
        low, high = value_range(X)
        self.data_range_ = (float(low), float(high))
        self._record_fitted_params()
        return self

    def _check_fit(self):
        """Hook: an error when the forecaster cannot run here."""

    def predict(self, X):
        """Forecast the ``horizon`` frames after the last frame of each clip.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Clips with the frame shape seen in ``fit`` (2-D: the same length).

        Returns
        -------
        frames : ndarray of shape (n_samples, horizon, ...)
            The forecast frames, float64, in the layout and value range of
            ``X``.
        """
        check_is_fitted(self)
        X = validate_sequences(self, X, reset=False, any_n_frames=True)
        return self._forecast(X, slice(None))

    def score(self, X, y=None):
        """Minus the mean squared error of forecasting the last ``horizon``
        frames of each clip from the frames before them, in the value range of
        ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Clips of more than ``horizon`` frames.
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``-MSE``: higher is better, as scikit-learn's scorers want.
        """
        check_is_fitted(self)
        X = validate_sequences(self, X, reset=False, any_n_frames=True)
        horizon = int(self._fitted("horizon"))
        self._check_n_frames(X.shape[1], horizon)
        total, count = 0.0, 0
        for chunk in sample_chunks(X, _CHUNK_BYTES):
            forecast = self._forecast(chunk, slice(None, -horizon))
            error = forecast - chunk[:, -horizon:].astype(np.float64)
            total += float(np.square(error).sum())
            count += error.size
        return -total / count

    def _forecast(self, X, frames):
        """The forecast of the frames ``frames`` of each clip of validated
        ``X``, chunk by chunk, in ``X``'s layout, float64."""
        horizon = int(self._fitted("horizon"))
        out = []
        for chunk in sample_chunks(X, _CHUNK_BYTES):
            clips = _as_nthwc(chunk[:, frames])
            forecast = self._extrapolate(clips, horizon)  # (n, horizon, H, W, C)
            out.append(forecast.reshape(len(chunk), horizon, *X.shape[2:]))
        return np.concatenate(out)

    def _extrapolate(self, clips, horizon):
        raise NotImplementedError


class PersistenceForecaster(_ExtrapolatingForecaster):
    """Forecast that nothing changes: every future frame is the last frame.

    The first baseline of any forecast ("persistence", or the naive forecast):
    a learned forecaster that does not beat it has learned nothing useful.
    ``predict`` returns the last frame of each clip ``horizon`` times, with the
    forecasters' API (:class:`ConvLSTMForecaster`), so that it sits beside them
    in a comparison, a ``Pipeline`` or ``cross_validate``.

    Parameters
    ----------
    horizon : int, default=1
        Frames to forecast after the last frame of a clip.

    Attributes
    ----------
    n_features_in_ : int
        Number of frames of the clips seen in ``fit``.

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit``.

    data_range_ : tuple of (float, float)
        The smallest and largest value seen in ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a data frame.

    See Also
    --------
    FlowExtrapolationForecaster : The last frame moved on along its motion.
    ConvLSTMForecaster : The learned forecaster.

    Examples
    --------
    >>> from sklearn_st import PersistenceForecaster
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, _ = make_moving_digits(8, n_frames=6, frame_size=16, random_state=0)
    >>> model = PersistenceForecaster(horizon=2).fit(X)
    >>> model.predict(X).shape
    (8, 2, 16, 16, 1)
    >>> bool((model.predict(X)[:, 1] == X[:, -1]).all())
    True
    """

    def __init__(self, *, horizon=1):
        self.horizon = horizon

    def _extrapolate(self, clips, horizon):
        last = np.asarray(clips[:, -1], dtype=np.float64)
        return np.repeat(last[:, None], horizon, axis=1)


class FlowExtrapolationForecaster(_ExtrapolatingForecaster):
    """Forecast by moving the last frame on along its optical flow.

    The baseline of precipitation nowcasting and of satellite and microscopy
    sequences ("Lagrangian persistence", as rainymotion's and pySTEPS'
    extrapolation nowcasts): the dense optical flow of the last frame is
    estimated (OpenCV's DIS, as :class:`OpticalFlow`), taken to stay as it is,
    and the last frame is advected along it by the semi-Lagrangian scheme:
    every pixel of the ``k``-th forecast frame traces its path back ``k`` frames
    through the flow, and the last frame is read there (bilinearly), once per
    frame, so that the forecast stays as sharp as the last frame. Positions
    beyond the frame read its nearest edge. Needs OpenCV (the ``flow`` extra).

    Exact for a picture that moves rigidly by whole pixels, away from the
    border it enters at; it cannot know what moves into view, nor a change of
    motion.

    Parameters
    ----------
    horizon : int, default=1
        Frames to forecast after the last frame of a clip.

    n_pairs : int, default=1
        Frame pairs the flow is averaged over: the last frame to the one before
        it, then that one to its own, and so on (fewer when a clip has fewer
        frames). More pairs steady a flow against noise and blur a motion that
        changes; one was the best of 1-3 on the package's footage.

    preset : {'ultrafast', 'fast', 'medium'}, default='medium'
        OpenCV's DIS preset, as :class:`OpticalFlow`'s.

    Attributes
    ----------
    n_features_in_ : int
        Number of frames of the clips seen in ``fit``.

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit``.

    data_range_ : tuple of (float, float)
        The smallest and largest value seen in ``fit``: mapped to 0 and 255 for
        the flow (not used for uint8 frames).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a data frame.

    See Also
    --------
    PersistenceForecaster : The last frame repeated.
    ConvLSTMForecaster : The learned forecaster, which starts from this one.
    OpticalFlow : The flow between consecutive frames, as features.

    References
    ----------
    G. Ayzel, M. Heistermann and T. Winterrath, "Optical flow models as an open
    benchmark for radar-based precipitation nowcasting (rainymotion v0.1)",
    Geoscientific Model Development 12, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st import FlowExtrapolationForecaster
    >>> from sklearn_st.datasets import make_panning_photos
    >>> X, _ = make_panning_photos(4, n_frames=6, frame_size=32, random_state=0)
    >>> model = FlowExtrapolationForecaster(horizon=2).fit(X)
    >>> model.predict(X[:, :-2]).shape
    (4, 2, 32, 32, 3)
    >>> model.score(X) > PersistenceForecaster(horizon=2).fit(X).score(X)
    True
    """

    _parameter_constraints: dict = {
        **_ExtrapolatingForecaster._parameter_constraints,
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "preset": [StrOptions(set(PRESETS))],
    }

    def __init__(self, *, horizon=1, n_pairs=1, preset="medium"):
        self.horizon = horizon
        self.n_pairs = n_pairs
        self.preset = preset

    def _check_fit(self):
        require_cv2(type(self).__name__)

    def _extrapolate(self, clips, horizon):
        low, high = self.data_range_
        frames = clips[..., 0] if clips.shape[-1] == 1 else clips
        flow = backward_flow(
            frames, self._fitted("preset"), low, high, self._fitted("n_pairs")
        )
        flow = torch.from_numpy(flow.astype(np.float64)).permute(0, 3, 1, 2)
        last = np.array(clips[:, -1], dtype=np.float64)  # a copy torch may own
        last = torch.from_numpy(last).permute(0, 3, 1, 2)
        with torch.no_grad():
            out = torch.stack([warp(last, d) for d in advect(flow, horizon)], dim=1)
        return out.permute(0, 1, 3, 4, 2).numpy()
