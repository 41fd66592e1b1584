"""Inference graphs over channel-last clips, for export (ONNX): the input scaling,
the trained module and the output conversion of an estimator's ``predict`` or
``transform`` as one module, on ``(batch, *sample_shape)`` input of any real
dtype."""

import torch
from torch import nn

from ._layout import from_btchw, to_btchw

__all__ = [
    "Affine",
    "FlattenFrames",
    "FrameDifferences",
    "FrameLinear",
    "Frames",
    "LabelsAndProbabilities",
    "Standardized",
]


def _buffer(module, name, value):
    module.register_buffer(name, torch.as_tensor(value, dtype=torch.float32))


class Standardized(nn.Module):
    """``module`` on standardized input: channel-last ``x`` cast to float32,
    ``(x - mean) / scale`` per channel (the last axis), laid out as ``(batch, time,
    channels, height, width)`` and cut to the frames ``frames`` (a slice)."""

    def __init__(self, module, mean, scale, *, frames=None):
        super().__init__()
        self.module = module
        _buffer(self, "mean", mean)
        _buffer(self, "scale", scale)
        self.frames = slice(None) if frames is None else frames

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x.to(torch.float32) - self.mean) / self.scale
        return self.module(to_btchw(x)[:, self.frames])


class Affine(nn.Module):
    """``x * scale + mean`` on the last axis; ``squeeze``: a single last column
    as a vector."""

    def __init__(self, scale, mean, *, squeeze=False):
        super().__init__()
        _buffer(self, "scale", torch.as_tensor(scale).reshape(-1))
        _buffer(self, "mean", torch.as_tensor(mean).reshape(-1))
        self.squeeze = squeeze

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x * self.scale + self.mean
        return x[..., 0] if self.squeeze else x


class Frames(nn.Module):
    """``(batch, time, channels, height, width)`` frames back in the channel-last
    layout of ``ndim`` dimensions."""

    def __init__(self, ndim):
        super().__init__()
        self.ndim = ndim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return from_btchw(x, self.ndim)


class LabelsAndProbabilities(nn.Module):
    """Logits ``(batch, n_classes)`` -> the index of the likeliest class (int64)
    and the class probabilities."""

    def forward(self, logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return logits.argmax(dim=1), torch.softmax(logits, dim=1)


class FrameDifferences(nn.Module):
    """The ``order``-th differences along time of a channel-last batch (float32);
    with ``keep_first`` preceded by the lower-order differences at the first
    frame."""

    def __init__(self, order, *, keep_first=False):
        super().__init__()
        self.order = order
        self.keep_first = keep_first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(torch.float32)
        last = torch.diff(x, n=self.order, dim=1)
        if not self.keep_first:
            return last
        parts = [x[:, :1]] + [
            torch.diff(x[:, : k + 1], n=k, dim=1) for k in range(1, self.order)
        ]
        return torch.cat([*parts, last], dim=1)


class FlattenFrames(nn.Module):
    """Every frame of a channel-last batch flattened, ``(batch, time, n_values)``,
    or with ``flatten_time`` the whole sample, ``(batch, n_values)``."""

    def __init__(self, *, flatten_time=False):
        super().__init__()
        self.flatten_time = flatten_time

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(torch.float32)
        if self.flatten_time:
            return x.reshape(x.shape[0], -1)
        return x.reshape(x.shape[0], x.shape[1], -1)


class FrameLinear(nn.Module):
    """A linear map of every frame: channel-last ``(batch, time, ...)`` frames
    flattened to ``(batch, time, n_values)``, then ``frames @ weight + bias``."""

    def __init__(self, weight, bias):
        super().__init__()
        _buffer(self, "weight", weight)
        _buffer(self, "bias", bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(torch.float32).flatten(2)
        return x @ self.weight + self.bias
