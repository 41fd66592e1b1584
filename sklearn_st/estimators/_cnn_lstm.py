"""CNN-LSTM models: a per-frame CNN and an LSTM trained end to end."""

from ..nn import CNNLSTMNet
from ._base import BaseSequenceClassifier, BaseSequenceRegressor, fill_facade_doc
from ._frame_cnn import (
    FRAME_CNN_CONSTRAINTS,
    FRAME_CNN_PARAMS_DOC,
    build_frame_encoder,
)
from ._lstm import _LSTM_CONSTRAINTS, _LSTMModel

__all__ = ["CNNLSTMClassifier", "CNNLSTMRegressor"]


class _CNNLSTMModel:
    """What the CNN-LSTM regressor and classifier share: parameters and module."""

    _constraints = {**FRAME_CNN_CONSTRAINTS, **_LSTM_CONSTRAINTS}

    _model_params_doc = FRAME_CNN_PARAMS_DOC + "\n\n" + _LSTMModel._model_params_doc

    def _build_module(self, input_shape, n_outputs):
        return CNNLSTMNet(
            encoder=build_frame_encoder(self, input_shape),
            n_features=self.n_features,
            n_outputs=n_outputs,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
        )


@fill_facade_doc
class CNNLSTMRegressor(_CNNLSTMModel, BaseSequenceRegressor):
    """CNN-LSTM regressor: a per-frame CNN and an LSTM, trained end to end.

    Every frame goes through the same small CNN (:class:`sklearn_st.nn.FrameEncoder`)
    and the LSTM reads the sequence of frame features; both are trained jointly on
    the target. Input ``(n_samples, n_frames, height, width, n_channels)``; 4-D is
    one channel, 3-D ``(n_samples, n_frames, n_features)`` is 1x1 frames with
    ``n_features`` channels, 2-D a univariate sequence.

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
    CNNLSTMClassifier : The same model for class labels.
    ConvLSTMRegressor : A convolutional LSTM on the frames.

    Examples
    --------
    >>> from sklearn_st import CNNLSTMRegressor
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(32, n_frames=4, frame_size=16, random_state=0)
    >>> model = CNNLSTMRegressor(max_epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        **BaseSequenceRegressor._parameter_constraints,
        **_CNNLSTMModel._constraints,
    }

    def __init__(
        self,
        *,
        channels=(16, 32),
        n_features=64,
        pooling="flatten",
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=40,
        batch_size=32,
        lr=3e-3,
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
        self.channels = channels
        self.n_features = n_features
        self.pooling = pooling
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout


@fill_facade_doc
class CNNLSTMClassifier(_CNNLSTMModel, BaseSequenceClassifier):
    """CNN-LSTM classifier: a per-frame CNN and an LSTM, trained end to end.

    The model of :class:`CNNLSTMRegressor` with a softmax head and cross-entropy
    loss: any labels (integers, strings), ``classes_``, ``predict_proba`` and
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
    CNNLSTMRegressor : The same model for numeric targets.

    Examples
    --------
    >>> from sklearn_st import CNNLSTMClassifier
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(32, n_frames=3, frame_size=16, target="digit")
    >>> model = CNNLSTMClassifier(max_epochs=2, random_state=0).fit(X, y)
    >>> model.predict_proba(X[:3]).shape[0]
    3
    """

    _parameter_constraints: dict = {
        **BaseSequenceClassifier._parameter_constraints,
        **_CNNLSTMModel._constraints,
    }

    def __init__(
        self,
        *,
        channels=(16, 32),
        n_features=64,
        pooling="avg",
        hidden_size=32,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        class_weight=None,
        max_epochs=40,
        batch_size=32,
        lr=3e-3,
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
        self.channels = channels
        self.n_features = n_features
        self.pooling = pooling
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.class_weight = class_weight
