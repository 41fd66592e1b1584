"""Pure PyTorch modules. Every module takes ``(batch, time, channels, height, width)``.

Nothing here imports scikit-learn.
"""

from ._convlstm import ConvLSTM, ConvLSTMCell, ConvLSTMNet
from ._layout import btchw_shape, to_btchw
from ._lstm import LSTMNet

__all__ = [
    "ConvLSTM",
    "ConvLSTMCell",
    "ConvLSTMNet",
    "LSTMNet",
    "btchw_shape",
    "to_btchw",
]
