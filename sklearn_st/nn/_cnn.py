"""Per-frame convolutional encoders, their decoder, and the CNN-LSTM built on them."""

import math

import torch
from torch import nn

from ._lstm import LSTMNet
from ._sizes import frame_kernel_size, positive_int, positive_ints

__all__ = [
    "CNNLSTMNet",
    "FrameAutoencoder",
    "FrameDecoder",
    "FrameEncoder",
    "FrameFeatures",
    "TimeMeanNet",
    "per_frame",
    "stack_frames",
]


def _block_sizes(frame_size, n_blocks):
    """Feature-map ``(height, width)`` after each of ``n_blocks`` 2x2 poolings.

    A map stops shrinking once a side is 1 pixel.
    """
    sizes, size = [], tuple(frame_size)
    for _ in range(n_blocks):
        if min(size) >= 2:
            size = (size[0] // 2, size[1] // 2)
        sizes.append(size)
    return sizes


class SpatialSoftArgmax(nn.Module):
    """Feature maps ``(N, channels, height, width)`` to keypoints ``(N, 2 *
    channels)``: each channel's softmax over space (at a learned temperature)
    and the expected row and column under it, in [-1, 1], rows first.

    The keypoint layer of deep spatial autoencoders (Finn et al., 2016): where a
    feature is, to a fraction of a pixel, rather than how strong it is. A frame
    module.

    References
    ----------
    C. Finn, X. Y. Tan, Y. Duan, T. Darrell, S. Levine and P. Abbeel, "Deep Spatial
    Autoencoders for Visuomotor Learning", ICRA 2016.
    https://arxiv.org/abs/1509.06113
    """

    def __init__(self, *, frame_size: tuple[int, int]):
        super().__init__()
        height = positive_int("frame height", frame_size[0])
        width = positive_int("frame width", frame_size[1])
        rows = torch.linspace(-1.0, 1.0, height) if height > 1 else torch.zeros(1)
        cols = torch.linspace(-1.0, 1.0, width) if width > 1 else torch.zeros(1)
        self.register_buffer("rows", rows, persistent=False)
        self.register_buffer("cols", cols, persistent=False)
        self.log_temperature = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        logits = x.float().flatten(2) / self.log_temperature.exp()
        weights = torch.softmax(logits, dim=-1).view(n, c, h, w)
        row = (weights.sum(dim=3) * self.rows).sum(dim=-1)
        col = (weights.sum(dim=2) * self.cols).sum(dim=-1)
        return torch.cat([row, col], dim=1)


class FrameEncoder(nn.Module):
    """A small CNN: frames ``(N, channels, height, width)`` to ``(N, n_features)``.

    A frame module: it takes single frames; :func:`per_frame` applies it to every
    frame of a ``(batch, time, channels, height, width)`` sequence. Each entry of
    ``channels`` is a block: a 'same' convolution, ReLU and 2x2 average pooling
    (skipped once a side of the map is 1 pixel). Average pooling, not max pooling,
    so that the maps keep where things are to a fraction of a pixel. The last map
    becomes a vector by global average pooling (``pooling='avg'``: what is there,
    wherever it is), by flattening (``'flatten'``: what is where) or by a spatial
    soft-argmax (``'keypoints'``: where each channel's feature is, see
    :class:`SpatialSoftArgmax`), then a linear layer gives ``n_features``.

    Parameters
    ----------
    in_channels : int
        Channels of the frames.
    frame_size : tuple of (int, int)
        ``(height, width)`` of the frames.
    channels : int or tuple of int, default=(16, 32)
        Output channels of each block.
    n_features : int, default=64
        Length of the feature vector.
    pooling : {'avg', 'flatten', 'keypoints'}, default='flatten'
        How the last feature map becomes a vector.
    kernel_size : int, default=3
        Side of the (odd) convolution kernels; 1 on 1x1 frames (see
        :func:`~sklearn_st.nn.frame_kernel_size`).
    """

    def __init__(
        self,
        *,
        in_channels: int,
        frame_size: tuple[int, int],
        channels: int | tuple[int, ...] = (16, 32),
        n_features: int = 64,
        pooling: str = "flatten",
        kernel_size: int = 3,
    ):
        super().__init__()
        if pooling not in ("avg", "flatten", "keypoints"):
            raise ValueError(
                f"pooling must be 'avg', 'flatten' or 'keypoints', got {pooling!r}"
            )
        channels = positive_ints("channels", channels)
        n_features = positive_int("n_features", n_features)
        kernel_size = frame_kernel_size(kernel_size, frame_size)
        layers, size = [], tuple(frame_size)
        n_in = positive_int("in_channels", in_channels)
        sizes = _block_sizes(frame_size, len(channels))
        for n_out, next_size in zip(channels, sizes, strict=True):
            layers += [nn.Conv2d(n_in, n_out, kernel_size, padding="same"), nn.ReLU()]
            if next_size != size:
                layers.append(nn.AvgPool2d(2))
            size, n_in = next_size, n_out
        if pooling == "avg":
            layers.append(nn.AdaptiveAvgPool2d(1))
            size = (1, 1)
        if pooling == "keypoints":
            layers.append(SpatialSoftArgmax(frame_size=size))
            layers.append(nn.Linear(2 * n_in, n_features))
        else:
            layers += [nn.Flatten(), nn.Linear(n_in * math.prod(size), n_features)]
        self.layers = nn.Sequential(*layers)
        self.n_features = n_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class FrameDecoder(nn.Module):
    """The mirror of :class:`FrameEncoder`: ``(N, n_features)`` to frames
    ``(N, out_channels, height, width)``.

    A frame module, as the encoder. A linear layer and ReLU give the encoder's
    last feature map; each block, in reverse, upsamples it (nearest) to the size it
    had before pooling and applies a 'same' convolution and ReLU; a last
    convolution gives ``out_channels`` (no activation: the frames it reconstructs
    are standardized).

    Parameters
    ----------
    n_features : int
        Length of the feature vector.
    out_channels : int
        Channels of the frames.
    frame_size : tuple of (int, int)
        ``(height, width)`` of the frames.
    channels : int or tuple of int, default=(16, 32)
        The encoder's ``channels`` (the decoder runs them backwards).
    kernel_size : int, default=3
        Side of the (odd) convolution kernels; 1 on 1x1 frames.
    """

    def __init__(
        self,
        *,
        n_features: int,
        out_channels: int,
        frame_size: tuple[int, int],
        channels: int | tuple[int, ...] = (16, 32),
        kernel_size: int = 3,
    ):
        super().__init__()
        channels = positive_ints("channels", channels)
        n_features = positive_int("n_features", n_features)
        kernel_size = frame_kernel_size(kernel_size, frame_size)
        sizes = [tuple(frame_size), *_block_sizes(frame_size, len(channels))]
        self.start = (channels[-1], *sizes[-1])
        self.project = nn.Sequential(
            nn.Linear(n_features, math.prod(self.start)), nn.ReLU()
        )
        layers, n_in = [], channels[-1]
        for i in reversed(range(len(channels))):
            n_out = channels[i - 1] if i > 0 else channels[0]
            if sizes[i] != sizes[i + 1]:
                layers.append(nn.Upsample(size=sizes[i], mode="nearest"))
            layers += [nn.Conv2d(n_in, n_out, kernel_size, padding="same"), nn.ReLU()]
            n_in = n_out
        out_channels = positive_int("out_channels", out_channels)
        layers.append(nn.Conv2d(n_in, out_channels, kernel_size, padding="same"))
        self.layers = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.layers(self.project(z).reshape(len(z), *self.start))


def per_frame(module, x: torch.Tensor) -> torch.Tensor:
    """``module`` applied to every frame: ``(B, T, C, H, W)`` to ``(B, T, ...)``.

    All ``B * T`` frames go through ``module`` as one batch.
    """
    batch, time = x.shape[:2]
    out = module(x.reshape(batch * time, *x.shape[2:]))
    return out.reshape(batch, time, *out.shape[1:])


def stack_frames(x: torch.Tensor, n: int) -> torch.Tensor:
    """Each frame with the ``n - 1`` frames before it, on the channel axis:
    ``(B, T, C, H, W)`` to ``(B, T, n * C, H, W)``, earliest frame first.

    Frame stacking, as in the Atari DQN (Mnih et al., 2015): a frame encoder given
    a stack sees what moves between its frames, which no encoder of single
    frames can. Frames before the first are the first frame again (no motion),
    so the sequence keeps its length.
    """
    n = positive_int("stacked frames", n)
    if n == 1:
        return x
    before = x[:, :1].expand(x.shape[0], n - 1, *x.shape[2:])
    padded = torch.cat([before, x], dim=1)
    time = x.shape[1]
    return torch.cat([padded[:, i : i + time] for i in range(n)], dim=2)


class FrameAutoencoder(nn.Module):
    """Encoder and decoder applied to every frame: ``(B, T, C, H, W)`` in and out.

    Trained to reproduce its input; ``encoder`` is what is kept. With
    ``stacked_frames`` > 1 the encoder sees each frame stacked with the ones
    before it (:func:`stack_frames`); the decoder gives the frame alone.
    """

    def __init__(
        self, *, encoder: nn.Module, decoder: nn.Module, stacked_frames: int = 1
    ):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.stacked_frames = stacked_frames

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = stack_frames(x, self.stacked_frames)
        return per_frame(lambda frames: self.decoder(self.encoder(frames)), x)


class FrameFeatures(nn.Module):
    """A frame encoder applied to every frame: ``(B, T, C, H, W)`` to ``(B, T, F)``;
    with ``stacked_frames`` > 1 to each frame stacked with the ones before it
    (:func:`stack_frames`)."""

    def __init__(self, encoder: nn.Module, stacked_frames: int = 1):
        super().__init__()
        self.encoder = encoder
        self.stacked_frames = stacked_frames

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return per_frame(self.encoder, stack_frames(x, self.stacked_frames))


class TimeMeanNet(nn.Module):
    """Frame encoder, mean of the features over time, linear head.

    ``(B, T, C, H, W)`` to ``(B, n_outputs)``: trains a frame encoder on a
    sequence-level target without a recurrent model.
    """

    def __init__(self, *, encoder: nn.Module, n_features: int, n_outputs: int):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(n_features, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(per_frame(self.encoder, x).mean(dim=1))


class CNNLSTMNet(nn.Module):
    """A frame encoder applied to every frame, then an LSTM over the features.

    Input ``(batch, time, channels, height, width)``; the encoder sees all
    ``batch * time`` frames at once, each stacked with the ``stacked_frames - 1``
    frames before it (:func:`stack_frames`); output ``(batch, n_outputs)``.

    Parameters
    ----------
    encoder : torch.nn.Module
        Maps ``(N, channels, height, width)`` to ``(N, n_features)``.
    n_features : int
        Length of the encoder's vectors.
    n_outputs : int
        Width of the head.
    stacked_frames : int, default=1
        Frames the encoder sees at each step: the frame and the ones before it,
        on the channel axis (its ``in_channels`` is this many times the frames').
    **lstm
        ``hidden_size``, ``num_layers``, ``bidirectional``, ``dropout`` of
        :class:`LSTMNet`.
    """

    def __init__(
        self,
        *,
        encoder: nn.Module,
        n_features: int,
        n_outputs: int,
        stacked_frames: int = 1,
        **lstm,
    ):
        super().__init__()
        self.encoder = encoder
        self.stacked_frames = stacked_frames
        self.lstm = LSTMNet(n_features=n_features, n_outputs=n_outputs, **lstm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = stack_frames(x, self.stacked_frames)
        return self.lstm(per_frame(self.encoder, x))
