"""Moving frames along a displacement field: the differentiable warp and the
semi-Lagrangian advection of flow extrapolation."""

import torch
from torch.nn import functional as F

__all__ = ["advect", "warp"]


def _normalized(coords: torch.Tensor, size: int) -> torch.Tensor:
    """Pixel coordinates ``0 .. size - 1`` as grid_sample's ``-1 .. 1``
    (``align_corners=True``); a side of one pixel maps to its centre, 0."""
    return coords * (2.0 / max(size - 1, 1)) - (1.0 if size > 1 else 0.0)


def warp(frames: torch.Tensor, displacement: torch.Tensor) -> torch.Tensor:
    """``frames`` read at each pixel plus ``displacement``: the backward warp
    ``out[x] = frames[x + displacement[x]]``, bilinear, positions beyond the
    frame read from its nearest edge.

    Parameters
    ----------
    frames : torch.Tensor of shape (batch, channels, height, width)
        The frames to sample.
    displacement : torch.Tensor of shape (batch, 2, height, width)
        Where each output pixel reads from, relative to itself, in pixels:
        channel 0 down (rows), channel 1 right (columns).

    Returns
    -------
    torch.Tensor of shape (batch, channels, height, width)
        Differentiable in both inputs (``torch.nn.functional.grid_sample``).
    """
    _, _, height, width = frames.shape
    dtype, device = displacement.dtype, displacement.device
    rows = torch.arange(height, dtype=dtype, device=device).view(1, height, 1)
    cols = torch.arange(width, dtype=dtype, device=device).view(1, 1, width)
    grid = torch.stack(
        (  # grid_sample wants (x, y) = (right, down), last
            _normalized(cols + displacement[:, 1], width),
            _normalized(rows + displacement[:, 0], height),
        ),
        dim=-1,
    )
    return F.grid_sample(
        frames,
        grid.to(frames.dtype),
        mode="bilinear",
        padding_mode="border",
        align_corners=True,
    )


def advect(flow: torch.Tensor, steps: int) -> list[torch.Tensor]:
    """The backward trajectories of ``steps`` frames through a motion field that
    stays as it is (semi-Lagrangian advection, as precipitation nowcasting
    extrapolates radar echoes).

    ``flow`` is the backward flow of the last frame: the last frame at ``x``
    shows what the frame before it showed at ``x + flow[x]``. Step ``k`` reads
    the last frame at ``x + D_k[x]``, with ``D_1 = flow`` and ``D_k = D_{k-1} +
    flow[x + D_{k-1}[x]]``: each pixel's path is traced back through the field,
    and the last frame is then sampled once per step (:func:`warp`), not warped
    step after step, so the forecast stays as sharp as the last frame.

    Parameters
    ----------
    flow : torch.Tensor of shape (batch, 2, height, width)
        Channels ``(down, right)`` in pixels.
    steps : int
        Frames to extrapolate.

    Returns
    -------
    list of torch.Tensor of shape (batch, 2, height, width)
        ``D_1 .. D_steps``.
    """
    displacements = [flow]
    for _ in range(steps - 1):
        previous = displacements[-1]
        displacements.append(previous + warp(flow, previous))
    return displacements
