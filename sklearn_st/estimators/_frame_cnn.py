"""The per-frame CNN's parameters, shared by CNNFeatureExtractor and the CNN-LSTMs."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import FrameDecoder, FrameEncoder
from ._base import frame_kernel_size, positive_ints

__all__ = [
    "FRAME_CNN_CONSTRAINTS",
    "FRAME_CNN_PARAMS_DOC",
    "build_frame_decoder",
    "build_frame_encoder",
]

FRAME_CNN_CONSTRAINTS = {
    "channels": [tuple, list],
    "n_features": [Interval(Integral, 1, None, closed="left")],
    "pooling": [StrOptions({"avg", "flatten"})],
}

FRAME_CNN_PARAMS_DOC = """\
    channels : tuple of int, default=%(channels)r
        Output channels of the CNN's blocks (3x3 convolution, ReLU, 2x2 average
        pooling), one entry per block.

    n_features : int, default=%(n_features)r
        Features the CNN extracts from each frame.

    pooling : {'avg', 'flatten'}, default=%(pooling)r
        How the CNN's last feature map becomes a vector: 'avg' averages it over
        space (what is in the frame, wherever it is), 'flatten' keeps every
        position (what is where; needed to read motion)."""


def build_frame_encoder(estimator, input_shape):
    """The :class:`~sklearn_st.nn.FrameEncoder` that ``estimator``'s parameters name.

    ``input_shape`` is ``(time, channels, height, width)``; kernels are 3x3, 1x1
    on 1x1 frames (:func:`frame_kernel_size`).
    """
    channels = tuple(estimator.channels)
    if not positive_ints(channels):
        raise ValueError(
            f"channels must be a non-empty tuple of positive ints, got {channels!r}."
        )
    _, in_channels, height, width = input_shape
    return FrameEncoder(
        in_channels=in_channels,
        frame_size=(height, width),
        channels=channels,
        n_features=estimator.n_features,
        pooling=estimator.pooling,
        kernel_size=frame_kernel_size(3, input_shape),
    )


def build_frame_decoder(estimator, input_shape):
    """The :class:`~sklearn_st.nn.FrameDecoder` mirroring
    :func:`build_frame_encoder`'s encoder for the same ``estimator`` and shape."""
    _, channels, height, width = input_shape
    return FrameDecoder(
        n_features=estimator.n_features,
        out_channels=channels,
        frame_size=(height, width),
        channels=tuple(estimator.channels),
        kernel_size=frame_kernel_size(3, input_shape),
    )
