"""Pure PyTorch modules. Every module takes ``(batch, time, channels, height, width)``.

Nothing here imports scikit-learn.
"""

from ._cnn import (
    CNNLSTMNet,
    FrameAutoencoder,
    FrameDecoder,
    FrameEncoder,
    FrameFeatures,
    TimeMeanNet,
    per_frame,
)
from ._convlstm import ConvLSTM, ConvLSTMCell, ConvLSTMNet
from ._layout import btchw_shape, to_btchw
from ._lstm import LSTMNet

__all__ = [
    "CNNLSTMNet",
    "ConvLSTM",
    "ConvLSTMCell",
    "ConvLSTMNet",
    "FrameAutoencoder",
    "FrameDecoder",
    "FrameEncoder",
    "FrameFeatures",
    "LSTMNet",
    "TimeMeanNet",
    "btchw_shape",
    "per_frame",
    "to_btchw",
]
