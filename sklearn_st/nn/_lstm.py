"""An LSTM over per-frame feature vectors."""

import torch
from torch import nn

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
        _, (h_n, _) = self.lstm(x.reshape(batch, time, -1))
        # the last layer's final state of each direction, side by side
        last = h_n[-self.n_directions :].transpose(0, 1).reshape(batch, -1)
        return self.head(self.dropout(last))
