"""The encoder-forecaster ConvLSTM of Shi et al. (2015) for predicting frames."""

import itertools

import torch
from torch import nn

from ._convlstm import ConvLSTMCell
from ._sizes import frame_kernel_size, positive_int, positive_ints

__all__ = ["ConvLSTMForecastNet", "ForecastFrames", "ForecastSquaredError"]


class ConvLSTMForecastNet(nn.Module):
    """Stacked ConvLSTM layers read the context frames; a forecaster stack of the
    same sizes, started from their last states, rolls forward ``horizon`` steps,
    and a 1x1 convolution maps its hidden states at each step to a frame.

    As in Shi et al. (2015), the forecaster's layers start from the encoder's
    states and each predicted frame is a 1x1 convolution of all its layers' hidden
    states. Its first layer reads the frame it predicted last (the last context
    frame at the first step), so that a forecast moves on from what it showed.

    With ``residual=True`` each step forecasts the change from the frame before
    it: the 1x1 convolution's output is added to the last frame (on the logit
    scale for ``output='sigmoid'``), and the convolution starts at zero, so that
    the untrained module forecasts persistence (the last frame repeated) and
    training only has to learn what moves. ``residual=False`` is Shi et al.'s
    direct forecast of the frame.

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
    residual : bool, default=True
        Forecast each frame as the one before it plus a learned change.

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
        residual: bool = True,
    ):
        super().__init__()
        if output not in ("linear", "sigmoid"):
            raise ValueError(f"output must be 'linear' or 'sigmoid', got {output!r}")
        in_channels = positive_int("in_channels", in_channels)
        filters = positive_ints("filters", filters)
        kernel_size = frame_kernel_size(kernel_size, frame_size)
        self.horizon = positive_int("horizon", horizon)
        self.output = output
        sizes = list(itertools.pairwise((in_channels, *filters)))

        def stack():
            return nn.ModuleList(
                ConvLSTMCell(in_channels=n_in, filters=n_out, kernel_size=kernel_size)
                for n_in, n_out in sizes
            )

        self.encoder = stack()
        self.forecaster = stack()
        self.head = nn.Conv2d(sum(filters), in_channels, 1)
        self.residual = bool(residual)
        if self.residual:  # no change yet: the untrained forecast is persistence
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

    def forward(self, x: torch.Tensor, horizon: int | None = None) -> torch.Tensor:
        horizon = self.horizon if horizon is None else positive_int("horizon", horizon)
        states = []
        inputs = x
        for cell in self.encoder:
            inputs, state = cell.sequence_with_state(inputs)
            states.append(state)
        frame = x[:, -1]
        out = self._output_of(frame) if self.residual else None
        frames = []
        for _ in range(horizon):
            inputs, hidden = frame, []
            for layer, cell in enumerate(self.forecaster):
                states[layer] = cell(inputs, states[layer])
                inputs = states[layer][0]
                hidden.append(inputs)
            change = self.head(torch.cat(hidden, dim=1))
            out = out + change if self.residual else change
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
