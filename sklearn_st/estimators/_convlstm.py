"""Convolutional LSTM models that read the frames themselves."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .._facade import BaseSequenceClassifier, BaseSequenceRegressor
from ..nn import ConvLSTMNet

__all__ = ["ConvLSTMClassifier", "ConvLSTMMixin", "ConvLSTMRegressor"]


class ConvLSTMMixin:
    """The ConvLSTM's parameters and module, shared by its regressor and
    classifier."""

    _parameter_constraints: dict = {
        # sizes are checked where the module is built (sklearn_st.nn._sizes)
        "filters": "no_validation",
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "padding": [StrOptions({"same", "valid"})],
        "strides": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"avg", "max", "flatten"})],
    }
    _param_docs = {
        "filters": (
            "int or tuple of int",
            "Channels of the hidden state; a tuple stacks one layer per entry.",
        ),
        "kernel_size": (
            "int",
            "Side of the convolution kernels (1 on 1x1 frames, where any kernel "
            "acts through its centre alone).",
        ),
        "padding": ("{'same', 'valid'}", "Padding of each layer's input convolution."),
        "strides": (
            "int",
            "Stride of the first layer's input convolution over the frames (Keras' "
            "``strides``): with 2 the states have half the frames' side, so that a "
            "step of the recurrence reaches twice as far (for motion of several "
            "pixels per frame) at a quarter of the cost.",
        ),
        "dropout": ("float", "Dropout on each layer's input, one mask per sequence."),
        "recurrent_dropout": (
            "float",
            "Dropout on the hidden state fed back to the recurrent convolution.",
        ),
        "pooling": (
            "{'avg', 'max', 'flatten'}",
            "How the last hidden state becomes the head's input: averaged over "
            "space ('avg': motion and texture anywhere in the frame), maximised over "
            "space ('max': whether something is present, for shapes), or flattened "
            "('flatten': where things are; more weights).",
        ),
    }

    def _build_module(self, input_shape, n_outputs):
        _, channels, height, width = input_shape
        return ConvLSTMNet(
            in_channels=channels,
            frame_size=(height, width),
            n_outputs=n_outputs,
            filters=self.filters,
            kernel_size=self.kernel_size,
            padding=self.padding,
            strides=self.strides,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            pooling=self.pooling,
        )


class ConvLSTMRegressor(ConvLSTMMixin, BaseSequenceRegressor):
    """Convolutional LSTM regressor for image sequences.

    A ConvLSTM (Shi et al., 2015, with the gate math and parameter meaning of
    Keras' ``ConvLSTM2D``) reads the frames themselves; its last hidden state
    becomes a vector (``pooling``) and a linear layer regresses one or more
    targets. Input ``(n_samples, n_frames, height, width, n_channels)``; 4-D is one
    channel, 3-D ``(n_samples, n_frames, n_features)`` is 1x1 frames with
    ``n_features`` channels, 2-D a univariate sequence.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    sklearn_st.nn.ConvLSTM : The torch module, for use outside scikit-learn.
    ConvLSTMClassifier : The same model for class labels.

    References
    ----------
    X. Shi, Z. Chen, H. Wang, D.-Y. Yeung, W. Wong and W. Woo, "Convolutional LSTM
    Network: A Machine Learning Approach for Precipitation Nowcasting", NeurIPS
    28, 2015. https://arxiv.org/abs/1506.04214

    Examples
    --------
    >>> from sklearn_st import ConvLSTMRegressor
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(32, n_frames=4, frame_size=16, random_state=0)
    >>> model = ConvLSTMRegressor(filters=4, max_epochs=2, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape
    (3, 2)
    """

    def __init__(
        self,
        *,
        filters=16,
        kernel_size=3,
        padding="same",
        strides=2,
        dropout=0.0,
        recurrent_dropout=0.0,
        pooling="avg",
        max_epochs=50,
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


class ConvLSTMClassifier(ConvLSTMMixin, BaseSequenceClassifier):
    """Convolutional LSTM classifier for image sequences.

    The model of :class:`ConvLSTMRegressor` with a softmax head and cross-entropy
    loss: any labels (integers, strings), ``classes_``, ``predict_proba`` and
    ``class_weight``. Its defaults (``pooling='max'``, 16 filters) suit telling
    shapes apart; for motion (direction, speed) ``pooling='avg'`` or
    ``'flatten'`` serves better. Input ``(n_samples, n_frames, height, width,
    n_channels)``; 4-D is one channel, 3-D ``(n_samples, n_frames, n_features)``
    is 1x1 frames with ``n_features`` channels, 2-D a univariate sequence.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

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

    def __init__(
        self,
        *,
        filters=16,
        kernel_size=3,
        padding="same",
        strides=2,
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
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint=None,
    ):
        self._set_init_params(locals())
