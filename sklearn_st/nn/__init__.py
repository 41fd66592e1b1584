"""Pure PyTorch modules; nothing here imports scikit-learn or skorch.

Sequence modules (:class:`ConvLSTM`, :class:`ConvLSTMNet`,
:class:`ConvLSTMForecastNet`, :class:`LSTMNet`,
:class:`CNNLSTMNet`, :class:`FrameAutoencoder`, :class:`FrameFeatures`,
:class:`TimeMeanNet`) take ``(batch, time, channels, height, width)``; frame modules
(:class:`FrameEncoder`, :class:`FrameDecoder`) and :class:`ConvLSTMCell`'s single
step take single frames ``(batch, channels, height, width)``, and :func:`per_frame`
applies a frame module to every frame of a sequence (:func:`stack_frames` gives
each frame the ones before it on the channel axis first). :func:`to_btchw` converts the
channel-last arrays of the scikit-learn estimators to that layout, :func:`from_btchw`
back. Module sizes are
checked where the modules are built (``sklearn_st.nn._sizes``) and may be NumPy
integers.
"""

from ._cnn import (
    CNNLSTMNet,
    FrameAutoencoder,
    FrameDecoder,
    FrameEncoder,
    FrameFeatures,
    SpatialSoftArgmax,
    TimeMeanNet,
    per_frame,
    stack_frames,
)
from ._convlstm import ConvLSTM, ConvLSTMCell, ConvLSTMNet
from ._flow import BackwardFlow
from ._forecast import ConvLSTMForecastNet, ForecastFrames, ForecastSquaredError
from ._layout import btchw_shape, from_btchw, to_btchw
from ._losses import SSIMLoss, weighted_mean_loss
from ._lstm import LSTMNet
from ._sizes import frame_kernel_size
from ._warp import advect, warp

__all__ = [
    "BackwardFlow",
    "CNNLSTMNet",
    "ConvLSTM",
    "ConvLSTMCell",
    "ConvLSTMForecastNet",
    "ConvLSTMNet",
    "ForecastFrames",
    "ForecastSquaredError",
    "FrameAutoencoder",
    "FrameDecoder",
    "FrameEncoder",
    "FrameFeatures",
    "LSTMNet",
    "SSIMLoss",
    "SpatialSoftArgmax",
    "TimeMeanNet",
    "advect",
    "btchw_shape",
    "frame_kernel_size",
    "from_btchw",
    "per_frame",
    "stack_frames",
    "to_btchw",
    "warp",
    "weighted_mean_loss",
]
