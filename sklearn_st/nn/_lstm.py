"""An LSTM over per-frame feature vectors."""

import torch
from torch import nn

from ._hardware import cpu_has_native_bfloat16
from ._sizes import positive_int

__all__ = ["LSTMNet"]


class LSTMNet(nn.Module):
    """LSTM over flattened frames, then a linear head on the last hidden state.

    Input ``(batch, time, channels, height, width)``; each frame is flattened to
    ``channels * height * width`` features. Output ``(batch, n_outputs)``.

    Parameters
    ----------
    n_features : int
        ``channels * height * width`` of one frame.
    n_outputs : int
        Width of the linear head.
    hidden_size, num_layers, bidirectional :
        As in :class:`torch.nn.LSTM`; sizes may be NumPy integers.
    dropout : float
        Dropout between stacked LSTM layers and on the final hidden state.

    Notes
    -----
    Under CUDA autocast the LSTM runs in cuDNN's low precision. Under CPU autocast
    it runs in oneDNN's bfloat16 LSTM where the CPU has native bfloat16 (AMX or
    AVX512_BF16), with float32 input as oneDNN wants it; elsewhere oneDNN has no
    bfloat16 LSTM and it runs in float32 (the head still follows autocast).
    """

    def __init__(
        self,
        *,
        n_features: int,
        n_outputs: int,
        hidden_size: int = 32,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
    ):
        super().__init__()
        hidden_size = positive_int("hidden_size", hidden_size)
        num_layers = positive_int("num_layers", num_layers)
        self.lstm = nn.LSTM(
            positive_int("n_features", n_features),
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=float(dropout) if num_layers > 1 else 0.0,
        )
        self.n_directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(float(dropout))
        self.head = nn.Linear(
            self.n_directions * hidden_size, positive_int("n_outputs", n_outputs)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, time = x.shape[:2]
        _, (h_n, _) = self._lstm(x.reshape(batch, time, -1))
        # the last layer's final state of each direction, side by side
        last = h_n[-self.n_directions :].transpose(0, 1).reshape(batch, -1)
        return self.head(self.dropout(last))

    def _lstm(self, x):
        if x.device.type != "cpu" or not torch.is_autocast_enabled("cpu"):
            return self.lstm(x)
        x = x.float()
        if cpu_has_native_bfloat16():
            return self.lstm(x)
        with torch.autocast("cpu", enabled=False):
            return self.lstm(x)
