"""CNN-LSTM models: a per-frame CNN and an LSTM trained end to end."""

from .._facade import BaseSequenceClassifier, BaseSequenceRegressor, FrameCNNMixin
from .._validation import SEQUENCE_NDIMS
from ..nn import CNNLSTMNet
from ._lstm import LSTMMixin

__all__ = ["CNNLSTMClassifier", "CNNLSTMMixin", "CNNLSTMRegressor"]


class CNNLSTMMixin(FrameCNNMixin, LSTMMixin):
    """The per-frame CNN's and the LSTM's parameters, and the module joining them,
    shared by the CNN-LSTM regressor and classifier."""

    _input_ndims = SEQUENCE_NDIMS
    _input_hint = ""

    def _build_module(self, input_shape, n_outputs):
        return CNNLSTMNet(
            encoder=self._frame_encoder(input_shape),
            n_features=self.n_features,
            n_outputs=n_outputs,
            stacked_frames=self._n_stacked(),
            **self._lstm_params(),
        )


class CNNLSTMRegressor(CNNLSTMMixin, BaseSequenceRegressor):
    """CNN-LSTM regressor: a per-frame CNN and an LSTM, trained end to end.

    Every frame goes through the same small CNN (:class:`sklearn_st.nn.FrameEncoder`),
    stacked with the frame before it (``stacked_frames=2``), and the LSTM reads the
    sequence of frame features; both are trained jointly on the target. The stack
    lets the CNN see how the picture moves from one frame to the next, also when
    all of it moves (a panning camera); the default ``pooling='flatten'`` keeps
    where things are in each frame, which position targets need. Input
    ``(n_samples, n_frames, height, width, n_channels)``; 4-D is one channel, 3-D
    ``(n_samples, n_frames, n_features)`` is 1x1 frames with ``n_features``
    channels, 2-D a univariate sequence.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

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

    def __init__(
        self,
        *,
        stacked_frames=2,
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
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint=None,
    ):
        self._set_init_params(locals())


class CNNLSTMClassifier(CNNLSTMMixin, BaseSequenceClassifier):
    """CNN-LSTM classifier: a per-frame CNN and an LSTM, trained end to end.

    The model of :class:`CNNLSTMRegressor` with a softmax head and cross-entropy
    loss: any labels (integers, strings), ``classes_``, ``predict_proba`` and
    ``class_weight``. Its defaults ``stacked_frames=1`` (each frame alone) and
    ``pooling='avg'`` (each frame's CNN features averaged over space) suit telling
    shapes apart (which digit, which object) wherever they are; for classes
    defined by position or motion (which direction something moves, or the
    camera) use ``stacked_frames=2`` and ``pooling='flatten'``, the regressor's
    defaults.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

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

    def __init__(
        self,
        *,
        stacked_frames=1,
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
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint=None,
    ):
        self._set_init_params(locals())
