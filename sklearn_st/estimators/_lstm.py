"""LSTM models for feature sequences."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from .._facade import BaseSequenceClassifier, BaseSequenceRegressor
from ..nn import LSTMNet

__all__ = ["LSTMClassifier", "LSTMMixin", "LSTMRegressor"]


class LSTMMixin:
    """The LSTM's parameters and module, shared by its regressor and classifier."""

    _parameter_constraints: dict = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }
    _param_docs = {
        "hidden_size": ("int", "Features in the LSTM's hidden state."),
        "num_layers": ("int", "Stacked LSTM layers."),
        "bidirectional": (
            "bool",
            "Also read the sequence backwards; the head sees both final states.",
        ),
        "dropout": (
            "float",
            "Dropout between stacked layers and on the final hidden state.",
        ),
    }
    _input_ndims = (2, 3)
    _input_hint = (
        "For image frames, put a frame encoder before it, e.g. "
        "make_pipeline(CNNFeatureExtractor(), LSTMRegressor()) or "
        "make_pipeline(FrameFlattener(), LSTMRegressor()), or use "
        "CNNLSTMRegressor() or ConvLSTMRegressor(), which read the frames "
        "themselves."
    )

    def _lstm_params(self):
        return {
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
        }

    def _build_module(self, input_shape, n_outputs):
        _, channels, height, width = input_shape
        return LSTMNet(
            n_features=channels * height * width,
            n_outputs=n_outputs,
            **self._lstm_params(),
        )


class LSTMRegressor(LSTMMixin, BaseSequenceRegressor):
    """LSTM regressor for feature sequences, trained with PyTorch through skorch.

    Reads ``(n_samples, n_frames, n_features)`` sequences (2-D ``(n_samples,
    n_frames)`` is a univariate sequence) and regresses one or more targets on the
    last hidden state. Inputs and targets are standardized with statistics learned
    in ``fit``. For image frames put a frame encoder first, e.g.
    ``make_pipeline(FrameFlattener(), LSTMRegressor())``.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    FrameFlattener : Turns image frames into feature vectors for this model.
    ConvLSTMRegressor : Reads image frames directly.
    LSTMClassifier : The same model for class labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st import LSTMRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(64, 6, 3))
    >>> y = X[:, :, 0].sum(axis=1)
    >>> model = LSTMRegressor(max_epochs=5, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)
    """

    def __init__(
        self,
        *,
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=100,
        batch_size=32,
        lr=1e-2,
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


class LSTMClassifier(LSTMMixin, BaseSequenceClassifier):
    """LSTM classifier for feature sequences, trained with PyTorch through skorch.

    The model of :class:`LSTMRegressor` with a softmax head and cross-entropy loss:
    any labels (integers, strings), ``classes_``, ``predict_proba`` and
    ``class_weight``.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    LSTMRegressor : The same model for numeric targets.
    ConvLSTMClassifier : Reads image frames directly.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(64, 6, 3))
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> model = LSTMClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> model.classes_
    array(['down', 'up'], dtype='<U4')
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        *,
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        class_weight=None,
        max_epochs=100,
        batch_size=32,
        lr=1e-2,
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
