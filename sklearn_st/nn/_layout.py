"""The one conversion from the channel-last array contract to the torch layout."""

import torch

__all__ = ["btchw_shape", "from_btchw", "to_btchw"]


def to_btchw(x: torch.Tensor) -> torch.Tensor:
    """View a channel-last batch as ``(batch, time, channels, height, width)``.

    ``(B, T)`` is a univariate sequence (one channel, 1x1 frames); ``(B, T, F)`` a
    feature sequence (``F`` channels, 1x1 frames); ``(B, T, H, W)`` frames with one
    channel; ``(B, T, H, W, C)`` frames with ``C`` channels.
    """
    if x.ndim == 2:
        return x[:, :, None, None, None]
    if x.ndim == 3:
        return x[:, :, :, None, None]
    if x.ndim == 4:
        return x[:, :, None]
    if x.ndim == 5:
        return x.permute(0, 1, 4, 2, 3)
    raise ValueError(f"expected a 2-D to 5-D batch, got shape {tuple(x.shape)}")


def from_btchw(x: torch.Tensor, ndim: int) -> torch.Tensor:
    """The inverse of :func:`to_btchw`: a ``(batch, time, channels, height, width)``
    batch viewed as the channel-last batch of ``ndim`` dimensions (2 to 5) that
    would give it."""
    if ndim == 2:
        return x[:, :, 0, 0, 0]
    if ndim == 3:
        return x[:, :, :, 0, 0]
    if ndim == 4:
        return x[:, :, 0]
    if ndim == 5:
        return x.permute(0, 1, 3, 4, 2)
    raise ValueError(f"ndim must be 2 to 5, got {ndim}")


def btchw_shape(sample_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The ``(time, channels, height, width)`` shape of a channel-last sample shape."""
    # the shape comes from to_btchw itself, on a tensor that holds no data
    return tuple(to_btchw(torch.empty((1, *sample_shape), device="meta")).shape[1:])
