"""Convolutional LSTM models that read the frames themselves."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import ConvLSTMNet
from ._base import (
    BaseSequenceClassifier,
    BaseSequenceRegressor,
    fill_facade_doc,
    frame_kernel_size,
    positive_ints,
)

__all__ = ["ConvLSTMClassifier", "ConvLSTMRegressor"]


_CONVLSTM_CONSTRAINTS = {
    "filters": [Interval(Integral, 1, None, closed="left"), tuple],
    "kernel_size": [Interval(Integral, 1, None, closed="left")],
    "padding": [StrOptions({"same", "valid"})],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
    "pooling": [StrOptions({"avg", "max", "flatten"})],
}


class _ConvLSTMModel:
    """What the ConvLSTM regressor and classifier share: parameters and module."""

    _model_params_doc = """\
    filters : int or tuple of int, default=%(filters)r
        Channels of the hidden state; a tuple stacks one layer per entry.

    kernel_size : int, default=%(kernel_size)r
        Side of the convolution kernels.

    padding : {'same', 'valid'}, default=%(padding)r
        Padding of each layer's input convolution.

    dropout : float, default=%(dropout)r
        Dropout on each layer's input, one mask per sequence.

    recurrent_dropout : float, default=%(recurrent_dropout)r
        Dropout on the hidden state fed back to the recurrent convolution.

    pooling : {'avg', 'max', 'flatten'}, default=%(pooling)r
        How the last hidden state becomes the head's input."""

    def _build_module(self, input_shape, n_outputs):
        layers = self.filters if isinstance(self.filters, tuple) else (self.filters,)
        if not positive_ints(layers):
            raise ValueError(
                "filters must be a positive int or a tuple of them, got "
                f"{self.filters!r}."
            )
        _, channels, height, width = input_shape
        kernel_size = frame_kernel_size(self.kernel_size, input_shape)
        n_layers = len(layers)
        if self.padding == "valid" and min(height, width) <= n_layers * (
            kernel_size - 1
        ):
            raise ValueError(
                f"padding='valid' with kernel_size={kernel_size} and {n_layers} "
                f"layer(s) leaves nothing of {height}x{width} frames; use "
                "padding='same' or a smaller kernel."
            )
        return ConvLSTMNet(
            in_channels=channels,
            frame_size=(height, width),
            n_outputs=n_outputs,
            pooling=self.pooling,
            filters=self.filters,
            kernel_size=kernel_size,
            padding=self.padding,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
        )


@fill_facade_doc
class ConvLSTMRegressor(_ConvLSTMModel, BaseSequenceRegressor):
    """Convolutional LSTM regressor for image sequences.

    A ConvLSTM (the gate math and parameter meaning of Keras' ``ConvLSTM2D``) reads
    the frames themselves; the last hidden state is pooled over space and a linear
    layer regresses one or more targets. Input ``(n_samples, n_frames, height,
    width, n_channels)``; 4-D is one channel, 3-D ``(n_samples, n_frames,
    n_features)`` is 1x1 frames with ``n_features`` channels, 2-D a univariate
    sequence.

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
    sklearn_st.nn.ConvLSTM : The torch module, for use outside scikit-learn.
    ConvLSTMClassifier : The same model for class labels.

    Examples
    --------
    >>> from sklearn_st import ConvLSTMRegressor
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(32, n_frames=4, frame_size=16, random_state=0)
    >>> model = ConvLSTMRegressor(filters=4, max_epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        **BaseSequenceRegressor._parameter_constraints,
        **_CONVLSTM_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        filters=8,
        kernel_size=3,
        padding="same",
        dropout=0.0,
        recurrent_dropout=0.0,
        pooling="avg",
        max_epochs=50,
        batch_size=16,
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
        self.filters = filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.pooling = pooling


@fill_facade_doc
class ConvLSTMClassifier(_ConvLSTMModel, BaseSequenceClassifier):
    """Convolutional LSTM classifier for image sequences.

    The model of :class:`ConvLSTMRegressor` with a softmax head and cross-entropy
    loss: any labels (integers, strings), ``classes_``, ``predict_proba`` and
    ``class_weight``. Input ``(n_samples, n_frames, height, width, n_channels)``;
    4-D is one channel, 3-D ``(n_samples, n_frames, n_features)`` is 1x1 frames with
    ``n_features`` channels, 2-D a univariate sequence.

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
    ConvLSTMRegressor : The same model for numeric targets.

    Examples
    --------
    >>> from sklearn_st import ConvLSTMClassifier
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(
    ...     32, n_frames=4, frame_size=16, target="direction", random_state=0
    ... )
    >>> model = ConvLSTMClassifier(filters=4, max_epochs=2, random_state=0).fit(X, y)
    >>> model.predict_proba(X[:3]).shape[0], model.predict(X[:3]).dtype.kind
    (3, 'U')
    """

    _parameter_constraints: dict = {
        **BaseSequenceClassifier._parameter_constraints,
        **_CONVLSTM_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        filters=16,
        kernel_size=3,
        padding="same",
        dropout=0.0,
        recurrent_dropout=0.0,
        pooling="max",
        class_weight=None,
        max_epochs=35,
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
        self.filters = filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.pooling = pooling
        self.class_weight = class_weight
