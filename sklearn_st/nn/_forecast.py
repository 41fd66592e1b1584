"""The encoder-forecaster ConvLSTM of Shi et al. (2015) for predicting frames,
starting from flow extrapolation, persistence or nothing."""

import itertools

import torch
from torch import nn

from ._convlstm import ConvLSTMCell
from ._sizes import frame_kernel_size, positive_int, positive_ints
from ._warp import advect, warp

__all__ = ["ConvLSTMForecastNet", "ForecastFrames", "ForecastSquaredError"]


#: The forecast's starting points: what an untrained module forecasts
STARTS = ("extrapolation", "persistence", None)
#: Displacements (pixels) as the forecaster's input: a few pixels near 1
_DISPLACEMENT_INPUT_SCALE = 0.25


class ConvLSTMForecastNet(nn.Module):
    """Stacked ConvLSTM layers read the context frames; a forecaster stack of the
    same sizes, started from their last states, rolls forward ``horizon`` steps,
    and a 1x1 convolution maps its hidden states at each step to a frame.

    As in Shi et al. (2015), the forecaster's layers start from the encoder's
    states and each predicted frame is a 1x1 convolution of all its layers'
    hidden states. What that convolution gives depends on ``start``, the
    forecast the untrained module makes (its convolution starts at zero):

    - ``'extrapolation'``: the last frame moved on along its optical flow
      (``flow``: the backward flow of the last frame, given to ``forward`` or
      computed by the ``flow`` module), by semi-Lagrangian advection
      (:func:`~sklearn_st.nn.advect`): step ``k`` reads the last frame at each
      pixel plus its displacement ``D_k``. The forecaster reads that
      extrapolated frame and ``D_k`` at each step, and the convolution gives a
      correction of the displacement (2 channels) and a change added to the
      frame read there (on the logit scale for ``output='sigmoid'``); the frame
      is read through a differentiable warp (:func:`~sklearn_st.nn.warp`), so
      the correction is learned with the rest.
    - ``'persistence'``: the change from the frame before it, added to it; the
      forecaster reads the frame it predicted last (the last context frame at
      the first step).
    - None: the frame itself, Shi et al.'s direct forecast; the forecaster reads
      the frame it predicted last.

    Input ``(batch, time, channels, height, width)``; output ``(batch, horizon,
    channels, height, width)``: the frames after the last input frame.

    Parameters
    ----------
    in_channels : int
        Channels of each frame.
    frame_size : tuple of (int, int)
        ``(height, width)`` of the frames.
    filters : int or tuple of int
        Filters of each layer of both stacks.
    kernel_size : int, default=3
        Side of the convolution kernels; 1 on 1x1 frames.
    horizon : int, default=1
        Frames to forecast.
    output : {'linear', 'sigmoid'}, default='linear'
        What the predicted frame is: the 1x1 convolution's output itself, or its
        sigmoid (frames in [0, 1]). The module returns the convolution's output
        either way (the logits of the sigmoid, for a loss on logits); the frame fed
        back to the forecaster is the prediction.
    start : {'extrapolation', 'persistence'} or None, default='persistence'
        The forecast of the untrained module, see above.
    flow : torch.nn.Module or None, default=None
        With ``start='extrapolation'``: maps the input to the backward flow of
        its last frame, ``(batch, 2, height, width)`` in pixels
        (:class:`BackwardFlow`), when ``forward`` is not given one. Computed
        without gradients.

    References
    ----------
    X. Shi et al., "Convolutional LSTM Network: A Machine Learning Approach for
    Precipitation Nowcasting", NeurIPS 28, 2015. https://arxiv.org/abs/1506.04214
    """

    def __init__(
        self,
        *,
        in_channels: int,
        frame_size: tuple[int, int],
        filters: int | tuple[int, ...],
        kernel_size: int = 3,
        horizon: int = 1,
        output: str = "linear",
        start: str | None = "persistence",
        flow: nn.Module | None = None,
    ):
        super().__init__()
        if output not in ("linear", "sigmoid"):
            raise ValueError(f"output must be 'linear' or 'sigmoid', got {output!r}")
        if start not in STARTS:
            raise ValueError(f"start must be one of {STARTS}, got {start!r}")
        in_channels = positive_int("in_channels", in_channels)
        filters = positive_ints("filters", filters)
        kernel_size = frame_kernel_size(kernel_size, frame_size)
        self.horizon = positive_int("horizon", horizon)
        self.output = output
        self.start = start
        self.flow = flow
        moves = start == "extrapolation"  # reads and corrects displacements

        def stack(first):
            sizes = itertools.pairwise((first, *filters))
            return nn.ModuleList(
                ConvLSTMCell(in_channels=n_in, filters=n_out, kernel_size=kernel_size)
                for n_in, n_out in sizes
            )

        self.encoder = stack(in_channels)
        self.forecaster = stack(in_channels + 2 * moves)
        self.head = nn.Conv2d(sum(filters), in_channels + 2 * moves, 1)
        if start is not None:  # no change yet: the untrained forecast is the start
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def predicted_frame(self, out):
        """The frame that the module's output ``out`` stands for."""
        return torch.sigmoid(out) if self.output == "sigmoid" else out

    def _output_of(self, frame):
        """The module output that stands for ``frame`` (its logit for a sigmoid
        output, frames clamped into (0, 1))."""
        if self.output == "sigmoid":
            return torch.logit(frame.float(), eps=1e-4).to(frame.dtype)
        return frame

    def _displacements(self, x, flow, horizon):
        """The semi-Lagrangian displacements of ``horizon`` steps, float32."""
        if flow is None:
            if self.flow is None:
                raise ValueError(
                    "start='extrapolation' needs the backward flow of the last "
                    "frame: pass flow= or build the module with a flow module"
                )
            with torch.no_grad():
                flow = self.flow(x)
        return advect(flow.to(x.device, torch.float32), horizon)

    def forward(
        self,
        x: torch.Tensor,
        horizon: int | None = None,
        flow: torch.Tensor | None = None,
    ) -> torch.Tensor:
        horizon = self.horizon if horizon is None else positive_int("horizon", horizon)
        states = []
        inputs = x
        for cell in self.encoder:
            inputs, state = cell.sequence_with_state(inputs)
            states.append(state)
        last = x[:, -1]
        moves = self.start == "extrapolation"
        displacements = self._displacements(x, flow, horizon) if moves else None
        frame, out = last, None
        if self.start == "persistence":
            out = self._output_of(last)
        frames = []
        for step in range(horizon):
            if moves:
                shift = displacements[step]
                moved = warp(last, shift)
                inputs = torch.cat([moved, shift * _DISPLACEMENT_INPUT_SCALE], 1)
            else:
                inputs = frame
            hidden = []
            for layer, cell in enumerate(self.forecaster):
                states[layer] = cell(inputs, states[layer])
                inputs = states[layer][0]
                hidden.append(inputs)
            change = self.head(torch.cat(hidden, dim=1))
            if moves:
                correction, change = change[:, :2], change[:, 2:]
                out = self._output_of(warp(last, shift + correction)) + change
            elif self.start == "persistence":
                out = out + change
            else:
                out = change
            frames.append(out)
            frame = self.predicted_frame(out)
        return torch.stack(frames, dim=1)


class ForecastFrames(nn.Module):
    """A forecaster's frames in the input's units: standardized context frames
    ``(batch, time, channels, height, width)`` to the ``horizon`` frames after
    them, float32, the forecaster's logits through a sigmoid (``sigmoid``) or its
    outputs with the standardization undone per channel.

    Parameters
    ----------
    forecaster : torch.nn.Module
        Maps context frames and ``horizon=`` to the forecast frames' outputs
        (:class:`ConvLSTMForecastNet`).
    horizon : int
        Frames to forecast.
    mean, scale : float or sequence of float
        The standardization of the frames (per channel).
    sigmoid : bool, default=False
        The forecaster's outputs are logits of frames in [0, 1].
    """

    def __init__(self, forecaster, *, horizon, mean, scale, sigmoid=False):
        super().__init__()
        self.forecaster = forecaster
        self.horizon = positive_int("horizon", horizon)
        self.sigmoid = sigmoid
        for name, value in (("mean", mean), ("scale", scale)):
            value = torch.as_tensor(value, dtype=torch.float32).reshape(-1, 1, 1)
            self.register_buffer(name, value, persistent=False)

    def unstandardize(self, x: torch.Tensor) -> torch.Tensor:
        """Standardized frames back in the input's units, float32."""
        return x.float() * self.scale + self.mean

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        out = self.forecaster(context, horizon=self.horizon).float()
        return torch.sigmoid(out) if self.sigmoid else self.unstandardize(out)


class ForecastSquaredError(nn.Module):
    """A forecaster scored on whole clips: ``(batch, time, channels, height,
    width)`` standardized clips to each clip's sum of squared errors of the
    forecast of its last ``horizon`` frames from the ``n_context`` before them,
    in the input's units (:class:`ForecastFrames`).

    One read of each clip gives both the context and the truth (the score of a
    forecaster on an array that is not in memory).

    Parameters
    ----------
    forecaster : torch.nn.Module
        As :class:`ForecastFrames`.
    n_context, horizon : int
        The clips hold ``n_context + horizon`` frames.
    mean, scale, sigmoid
        As :class:`ForecastFrames`.
    """

    def __init__(self, forecaster, *, n_context, horizon, mean, scale, sigmoid=False):
        super().__init__()
        self.n_context = positive_int("n_context", n_context)
        self.frames = ForecastFrames(
            forecaster, horizon=horizon, mean=mean, scale=scale, sigmoid=sigmoid
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        context, truth = x[:, : self.n_context], x[:, self.n_context :]
        out = self.frames(context)
        truth = self.frames.unstandardize(truth)
        return (out - truth).square().flatten(1).sum(dim=1)
