"""LSTM models for feature sequences."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ..nn import LSTMNet
from ._base import BaseSequenceClassifier, BaseSequenceRegressor, fill_facade_doc

__all__ = ["LSTMClassifier", "LSTMRegressor"]

_LSTM_CONSTRAINTS = {
    "hidden_size": [Interval(Integral, 1, None, closed="left")],
    "num_layers": [Interval(Integral, 1, None, closed="left")],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
}


class _LSTMModel:
    """What the LSTM regressor and classifier share: inputs, parameters, module."""

    _model_params_doc = """\
    hidden_size : int, default=%(hidden_size)r
        Features in the LSTM's hidden state.

    num_layers : int, default=%(num_layers)r
        Stacked LSTM layers.

    bidirectional : bool, default=%(bidirectional)r
        Also read the sequence backwards; the head sees both final states.

    dropout : float, default=%(dropout)r
        Dropout between stacked layers and on the final hidden state."""
    _input_ndims = (2, 3)
    _input_hint = (
        "For image frames, put a frame encoder before it, e.g. "
        "make_pipeline(CNNFeatureExtractor(), LSTMRegressor()) or "
        "make_pipeline(FrameFlattener(), LSTMRegressor()), or use "
        "CNNLSTMRegressor() or ConvLSTMRegressor(), which read the frames "
        "themselves."
    )

    def _build_module(self, input_shape, n_outputs):
        _, channels, height, width = input_shape
        return LSTMNet(
            n_features=channels * height * width,
            n_outputs=n_outputs,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
        )


@fill_facade_doc
class LSTMRegressor(_LSTMModel, BaseSequenceRegressor):
    """LSTM regressor for feature sequences, trained with PyTorch through skorch.

    Reads ``(n_samples, n_frames, n_features)`` sequences (2-D ``(n_samples,
    n_frames)`` is a univariate sequence) and regresses one or more targets on the
    last hidden state. Inputs and targets are standardized with statistics learned
    in ``fit``. For image frames put a frame encoder first, e.g.
    ``make_pipeline(FrameFlattener(), LSTMRegressor())``.

    Parameters
    ----------
    %(model_params)s

    %(facade_params)s

    Attributes
    ----------
    net_ : skorch.NeuralNetRegressor
        The fitted net; ``net_.module_`` is the torch module, ``net_.history`` the
        training history.

    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a data frame.

    n_outputs_ : int
        Number of targets.

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

    _parameter_constraints: dict = {
        **BaseSequenceRegressor._parameter_constraints,
        **_LSTM_CONSTRAINTS,
    }

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
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        super().__init__(
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            weight_decay=weight_decay,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            warm_start=warm_start,
            device=device,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout


@fill_facade_doc
class LSTMClassifier(_LSTMModel, BaseSequenceClassifier):
    """LSTM classifier for feature sequences, trained with PyTorch through skorch.

    The model of :class:`LSTMRegressor` with a softmax head and cross-entropy loss:
    any labels (integers, strings), ``classes_``, ``predict_proba`` and
    ``class_weight``.

    Parameters
    ----------
    %(model_params)s

    %(class_weight)s

    %(facade_params)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.

    net_ : skorch.NeuralNetClassifier
        The fitted net; ``net_.module_`` is the torch module, ``net_.history`` the
        training history.

    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a data frame.

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

    _parameter_constraints: dict = {
        **BaseSequenceClassifier._parameter_constraints,
        **_LSTM_CONSTRAINTS,
    }

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
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        super().__init__(
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            weight_decay=weight_decay,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            warm_start=warm_start,
            device=device,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.class_weight = class_weight
