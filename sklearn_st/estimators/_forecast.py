"""Forecasting the next frames of image sequences with a ConvLSTM."""

import math
from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._dense_flow import require_cv2
from .._facade import BaseSequenceEstimator
from .._facade._dataset import ForecastDataset
from .._facade._forecaster import ForecasterMixin
from .._fitted_params import fit_context
from ..nn import (
    BackwardFlow,
    ConvLSTMForecastNet,
    ForecastSquaredError,
    SSIMLoss,
    from_btchw,
)

__all__ = ["ConvLSTMForecaster"]

#: The weight of 1 - SSIM against the squared error of standardized frames in
#: loss='mse+ssim' (chosen on the tuning footage of benchmarks/bench_forecast.py)
_SSIM_WEIGHT = 1.5

_LOSSES = {
    "mse": torch.nn.MSELoss,
    "mae": torch.nn.L1Loss,
    "bce": torch.nn.BCEWithLogitsLoss,
}


class ConvLSTMForecaster(ForecasterMixin, BaseSequenceEstimator):
    """Forecast the next frames of image sequences with a convolutional LSTM.

    The encoder-forecaster of Shi et al. (2015), the model that introduced the
    ConvLSTM for precipitation nowcasting: stacked ConvLSTM layers read the context
    frames; a forecaster stack of the same sizes, started from their last states,
    rolls forward ``horizon`` steps, and a 1x1 convolution of its hidden states
    gives each frame. By default (``start='extrapolation'``) it starts from the
    forecast of precipitation nowcasting, flow extrapolation
    (:class:`FlowExtrapolationForecaster`): the last frame moved on along its
    optical flow. The forecaster reads those moved frames and the motion, and
    its convolution gives a correction of the motion (the frame is read through
    a differentiable warp) and a change of the frame, both starting at zero, so
    that the untrained model is flow extrapolation and training learns what it
    misses: motion that changes, objects that move otherwise, what comes into
    view. The loss (``'mse+ssim'``) adds to the squared error the structural
    dissimilarity, which keeps the forecast sharp where the squared error alone
    rewards blur; and the fit keeps its start unless the trained model beats it
    on held-out clips (``keep_start``). ``fit`` learns from the sequences
    themselves: every training clip is split into ``n_context`` context frames
    and the ``horizon`` frames that follow them.

    Input ``(n_samples, n_frames, height, width, n_channels)``; 4-D is one channel,
    3-D ``(n_samples, n_frames, n_features)`` is 1x1 frames with ``n_features``
    channels, 2-D a univariate sequence. ``predict`` returns the ``horizon`` frames
    after the last frame of each clip, in the layout and value range of the input
    (uint8 clips give frames on the 0-255 scale). Clips of frames or feature
    vectors (3-D and up) may have another number of frames at ``predict`` than in
    ``fit``; a 2-D sequence is scikit-learn's ``(n_samples, n_features)`` and keeps
    its length, as every scikit-learn estimator keeps ``n_features_in_``.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    sklearn_st.nn.ConvLSTMForecastNet : The torch module.
    FlowExtrapolationForecaster, PersistenceForecaster : The forecasts to beat.
    sklearn_st.metrics.forecast_scores : MSE, MAE and SSIM per forecast step.
    ConvLSTMRegressor : The ConvLSTM for numeric targets of whole clips.

    References
    ----------
    X. Shi, Z. Chen, H. Wang, D.-Y. Yeung, W. Wong and W. Woo, "Convolutional LSTM
    Network: A Machine Learning Approach for Precipitation Nowcasting", NeurIPS
    28, 2015. https://arxiv.org/abs/1506.04214

    G. Ayzel, M. Heistermann and T. Winterrath, "Optical flow models as an open
    benchmark for radar-based precipitation nowcasting (rainymotion v0.1)",
    Geoscientific Model Development 12, 2019.

    Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image quality
    assessment: from error visibility to structural similarity", IEEE
    Transactions on Image Processing 13(4), 2004.

    Examples
    --------
    >>> from sklearn_st import ConvLSTMForecaster
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, _ = make_moving_digits(32, n_frames=6, frame_size=16, random_state=0)
    >>> model = ConvLSTMForecaster(
    ...     horizon=2, filters=4, max_epochs=2, random_state=0
    ... ).fit(X)
    >>> model.predict(X[:3]).shape  # the 2 frames after each clip's 6
    (3, 2, 16, 16, 1)
    >>> score = model.score(X)  # minus the MSE of forecasting each clip's last 2
    """

    _parameter_constraints: dict = {
        "n_context": [Interval(Integral, 1, None, closed="left"), None],
        # sizes are checked where the module is built (sklearn_st.nn._sizes)
        "filters": "no_validation",
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({*_LOSSES, "mse+ssim"})],
        "start": [StrOptions({"extrapolation", "persistence"}), None],
        "keep_start": ["boolean"],
    }
    _any_n_frames = True  # forecasts continue clips of any length
    _param_docs = {
        "horizon": ("int", "Frames to forecast after the last frame of a clip."),
        "n_context": (
            "int or None",
            "Context frames the model reads. None: in ``fit`` every frame but the "
            "last ``horizon`` of each clip, in ``predict`` every frame of it. An "
            "int: the last ``n_context`` frames before the forecast, in both.",
        ),
        "filters": (
            "int or tuple of int",
            "Filters of each ConvLSTM layer of the encoder and of the forecaster; "
            "a tuple stacks one layer per entry.",
        ),
        "kernel_size": (
            "int",
            "Side of the convolution kernels (1 on 1x1 frames). With 'same' "
            "padding and stride 1 a step sees ``kernel_size // 2`` pixels around "
            "each pixel: motion of more pixels per frame needs more layers.",
        ),
        "loss": (
            "{'mse', 'mae', 'mse+ssim', 'bce'}",
            "Training loss: mean squared or absolute error of the standardized "
            "frames; 'mse+ssim', their mean squared error plus one minus their "
            "structural similarity (SSIM, with the range of values seen in "
            "``fit``), which does not reward the blur that the squared error "
            "alone does (:class:`sklearn_st.nn.SSIMLoss`); or binary "
            "cross-entropy of frames whose values lie in [0, 1] (as Shi et al. "
            "trained on radar echoes), predicted through a sigmoid.",
        ),
        "start": (
            "{'extrapolation', 'persistence'} or None",
            "What the untrained model forecasts, and training corrects: "
            "'extrapolation', the last frame moved on along its optical flow "
            "(:class:`FlowExtrapolationForecaster`; the network reads the moved "
            "frames and learns a correction of the motion and a change of the "
            "frame; needs OpenCV, the ``flow`` extra, and cannot be exported to "
            "ONNX); 'persistence', the last frame repeated (the network learns "
            "each frame's change from the one before); None, nothing: the frames "
            "themselves, as Shi et al. (2015).",
        ),
        "keep_start": (
            "bool",
            "Never end a fit worse than it starts: ``fit`` holds out "
            "``validation_fraction`` of the clips (as ``early_stopping`` does), "
            "scores the model it starts from on them before the first epoch (the "
            "untrained model: ``start``'s forecast; with ``warm_start``, the "
            "fitted one) and the trained model at the end, and keeps the start "
            "unless training scores lower (``kept_start_`` says which). False: "
            "train on every clip (unless ``early_stopping``) and keep the "
            "trained model. ``partial_fit`` trains one epoch on its chunk "
            "without this check.",
        ),
    }
    _attribute_docs = {
        "n_context_": ("int", "Context frames of the training clips."),
        "kept_start_": (
            "bool or None",
            "Whether the last fit kept the model it started from (``start``'s "
            "forecast, untrained; a warm start's model) because the trained "
            "model did not score lower on the validation clips "
            "(``keep_start``); None when nothing was compared (``keep_start="
            "False``, ``partial_fit``).",
        ),
    }
    _dataset_class = ForecastDataset
    _keeps_start = True  # what the untrained model forecasts is worth keeping
    # a forecast of one clip is the common call: 4 clips at once took 25 ms
    # against 44 ms for 8 (6.2 against 5.5 ms a clip in a long run; AMD EPYC, 2
    # cores, the default model at 32x32)
    _cpu_predict_batch = 4
    _training_params = BaseSequenceEstimator._training_params | {"keep_start"}

    def __init__(
        self,
        *,
        horizon=1,
        n_context=None,
        filters=(16, 16),
        kernel_size=3,
        loss="mse+ssim",
        start="extrapolation",
        keep_start=True,
        max_epochs=25,
        batch_size=16,
        lr=3e-3,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        device="cpu",
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint=None,
    ):
        self._set_init_params(locals())

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Learn to forecast the last ``horizon`` frames of each clip of ``X`` from
        the frames before them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training clips of more than ``horizon`` frames (at least
            ``n_context + horizon`` when ``n_context`` is set); any real dtype.
        y : None
            Ignored: the clips are their own targets.
        %(sample_weight)s

        %(returns_self)s
        """
        return self._fit(X, y, partial=False, sample_weight=sample_weight)

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train one epoch on the clips ``X``, starting from the fitted state.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training clips, with the frame shape of the first fit.
        y : None
            Ignored.
        %(sample_weight)s

        %(returns_self)s
        """
        return self._fit(X, y, partial=True, sample_weight=sample_weight)

    def predict(self, X):
        """Forecast the ``horizon`` frames after the last frame of each clip.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Clips with the frame shape seen in ``fit`` (2-D: the same length).

        Returns
        -------
        frames : ndarray of shape (n_samples, horizon, ...)
            The forecast frames, float64, in the layout and value range of ``X``.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        n_context = self._fitted("n_context")
        frames = None if n_context is None else slice(-int(n_context), None)
        return self._forecast(X, frames)

    def score(self, X, y=None):
        """Minus the mean squared error of forecasting the last ``horizon`` frames
        of each clip from the frames before them, in the value range of ``X``.

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
        X = self._validate(X, reset=False)
        horizon, n_context = int(self._fitted("horizon")), self._fitted("n_context")
        stop = self._check_n_frames(X.shape[1], horizon, n_context) - horizon
        start = 0 if n_context is None else stop - int(n_context)
        # one read of each clip: its context and the frames that followed
        error = ForecastSquaredError(
            self.net_.module_,
            n_context=stop - start,
            horizon=horizon,
            mean=self._x_mean,
            scale=self._x_scale,
            sigmoid=self._fitted("loss") == "bce",
        )
        squared = self._forward(X, error, frames=slice(start, None), check_input=False)
        n_values = len(X) * horizon * math.prod(self.sample_shape_[1:])
        return -float(squared.astype(np.float64).sum()) / n_values

    @property
    def kept_start_(self):
        check_is_fitted(self)
        return self.net_.history[-1].get("kept_start")

    def _fit(self, X, y, *, partial, sample_weight=None):
        if self.start == "extrapolation":
            require_cv2(f"{type(self).__name__}(start='extrapolation')")
        continues = self._begin_fit(partial)
        X = self._validate(X, reset=not continues)
        weight = self._check_weights(sample_weight, X)
        n_frames = self._check_n_frames(X.shape[1], self.horizon, self.n_context)
        if self.n_context is None:
            self.n_context_ = n_frames - int(self.horizon)
        else:
            self.n_context_ = int(self.n_context)
        return self._fit_net(
            X, None, continues=continues, partial=partial, sample_weight=weight
        )

    def _forecast(self, X, frames):
        """The forecast frames of the frames ``frames`` of validated ``X``, in its
        layout and value range."""
        horizon = int(self._fitted("horizon"))
        out = self._forward(X, frames=frames, check_input=False, horizon=horizon)
        out = out.astype(np.float64)  # (n, horizon, channels, height, width)
        if self._fitted("loss") == "bce":
            out = 1.0 / (1.0 + np.exp(-out))
        else:
            # per channel, on the channel axis of the torch layout
            out = out * np.reshape(self._x_scale, (-1, 1, 1))
            out += np.reshape(self._x_mean, (-1, 1, 1))
        return from_btchw(torch.from_numpy(out), len(self.sample_shape_) + 1).numpy()

    def _criterion(self):
        if self.loss == "mse+ssim":
            low, high = self._x_range
            return SSIMLoss(
                mean=self._x_mean,
                scale=self._x_scale,
                data_range=(high - low) or 1.0,
                weight=_SSIM_WEIGHT,
            )
        return _LOSSES[self.loss]()

    def _dataset_params(self):
        return {"n_context": self.n_context_, "horizon": int(self.horizon)}

    def _input_scaling(self, mean, scale):
        if self.loss == "bce":  # frames in [0, 1] (checked) are the sigmoid's range
            return 0.0, 1.0
        return mean, scale

    def _check_fit_values(self, value_range):
        low, high = value_range
        if self.loss == "bce" and (low < 0 or high > 1):
            raise ValueError(
                f"loss='bce' needs frames with values in [0, 1], but X ranges from "
                f"{low:g} to {high:g}; scale it (e.g. X / 255 for uint8 video) or "
                "use loss='mse'."
            )

    def _n_module_outputs(self):
        return None

    def _build_module(self, input_shape, n_outputs):
        _, channels, height, width = input_shape
        moves = self.start == "extrapolation"
        return ConvLSTMForecastNet(
            in_channels=channels,
            frame_size=(height, width),
            filters=self.filters,
            kernel_size=self.kernel_size,
            horizon=self.horizon,
            output="sigmoid" if self.loss == "bce" else "linear",
            start=self.start,
            flow=BackwardFlow(channels) if moves else None,
        )

    def _prepare_module(self, module, X):
        if module.flow is not None:  # the flow of the frames in their own units
            uint8 = X.dtype == np.uint8  # as they are: 0-255
            flow_range = (0.0, 255.0) if uint8 else self._x_range
            module.flow.set_input_scaling(
                self._x_mean, self._x_scale, *flow_range, integers=X.dtype.kind in "biu"
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
