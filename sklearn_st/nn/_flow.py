"""The optical flow of a clip's last frame as a torch module: OpenCV's DIS on
the frames in their own units, outside autograd."""

import numpy as np
import torch
from torch import nn

__all__ = ["BackwardFlow"]


class BackwardFlow(nn.Module):
    """The backward optical flow of the last frame of standardized clips.

    Maps ``(batch, time, channels, height, width)`` clips to ``(batch, 2,
    height, width)`` float32: the last frame shows at ``x`` what the frame
    before it showed at ``x + flow[x]``, channels ``(down, right)`` in pixels
    (the mean over the last ``n_pairs`` frame pairs). The frames are taken back
    to their own units (``frame * scale + mean`` per channel, the buffers that
    :meth:`set_input_scaling` fills; rounded for integer frames) and the flow
    is computed by OpenCV's DIS on
    their grey values mapped from ``[low, high]`` to 0-255, on the CPU, as
    :class:`~sklearn_st.FlowExtrapolationForecaster` computes it: not
    differentiable, and not exportable to ONNX. Needs OpenCV (the ``flow``
    extra of sklearn_st).

    Parameters
    ----------
    in_channels : int
        Channels of each frame.
    n_pairs : int, default=1
        Frame pairs the flow is averaged over.
    preset : {'ultrafast', 'fast', 'medium'}, default='medium'
        OpenCV's DIS preset.
    """

    def __init__(self, in_channels: int, *, n_pairs: int = 1, preset: str = "medium"):
        super().__init__()
        self.n_pairs = int(n_pairs)
        self.preset = preset
        self.register_buffer("mean", torch.zeros(in_channels, dtype=torch.float64))
        self.register_buffer("scale", torch.ones(in_channels, dtype=torch.float64))
        self.register_buffer("value_range", torch.tensor([0.0, 255.0]))
        self.register_buffer("integers", torch.tensor(False))

    def set_input_scaling(self, mean, scale, low, high, *, integers=False):
        """The standardization of the input (per channel), the values mapped to
        0 and 255 for the flow, and whether the frames hold integers (video:
        rounded back to them, so that the flow sees the very frames)."""
        with torch.no_grad():
            self.mean.copy_(torch.as_tensor(np.asarray(mean, dtype=np.float64)))
            self.scale.copy_(torch.as_tensor(np.asarray(scale, dtype=np.float64)))
            self.value_range.copy_(torch.tensor([float(low), float(high)]))
            self.integers.fill_(bool(integers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from .._dense_flow import backward_flow  # NumPy and OpenCV, no torch

        frames = x[:, -1 - self.n_pairs :].detach().to("cpu", torch.float64)
        frames = frames * self.scale.cpu().view(-1, 1, 1) + self.mean.cpu().view(
            -1, 1, 1
        )
        if self.integers:
            frames = frames.round()
        frames = frames.permute(0, 1, 3, 4, 2).numpy()  # (B, T, H, W, C)
        if frames.shape[-1] == 1:
            frames = frames[..., 0]
        low, high = self.value_range.tolist()
        flow = backward_flow(frames, self.preset, low, high, self.n_pairs)
        return torch.from_numpy(flow).permute(0, 3, 1, 2).to(x.device)
