"""Convolutional LSTM with the gate math and parameter meaning of Keras' ConvLSTM2D.

The convolutional LSTM is the model of Shi et al. (2015), "Convolutional LSTM
Network: A Machine Learning Approach for Precipitation Nowcasting", NeurIPS 28
(https://arxiv.org/abs/1506.04214), without its peephole connections, as in Keras.
Per step, with ``*`` a convolution and ``∘`` the elementwise product::

    i = sigmoid(W_xi * x_t + W_hi * h_{t-1} + b_i)
    f = sigmoid(W_xf * x_t + W_hf * h_{t-1} + b_f)
    g = tanh(W_xc * x_t + W_hc * h_{t-1} + b_c)
    o = sigmoid(W_xo * x_t + W_ho * h_{t-1} + b_o)
    c_t = f ∘ c_{t-1} + i ∘ g
    h_t = o ∘ tanh(c_t)

Gates are stacked in Keras' order (i, f, c, o) along the output channels of both
convolutions; the input convolution has the bias (forget part initialised to 1), the
recurrent one has none and is always 'same'-padded, as in Keras.

How it is computed (``benchmarks/bench_convlstm.py`` measures it against the
straightforward loop that convolves ``cat([x_t, h_{t-1}])`` every step):

- Convolutions run channels-last, oneDNN's native layout on CPU: a gate tensor is
  then a ``(pixels, 4 * filters)`` matrix in memory.
- With few input channels (fewer than 8; video frames have 1 to 3) the input part is
  a matrix product of the step's im2col columns, added in place into the recurrent
  convolution's output (``baddbmm_``): oneDNN's kernels are slow for such channel
  counts, most of all the weight gradient, and the patch matrix is small. The
  columns of all steps are made at once, as one copy of a strided view of the
  padded frames (``F.unfold`` took about 40 times longer). With more input
  channels one convolution over ``[x_t, h_{t-1}]`` does both parts.
- The first step has ``h_0 = 0`` and skips the recurrent convolution.
- On feature sequences (1x1 frames, where the kernel is 1x1) the cell is an LSTM,
  computed on the CPU by one call of PyTorch's fused LSTM in full precision,
  unless a path is forced (``benchmarks/bench_feature_sequences.py`` measures the two).
- The gate nonlinearities and the state update are one autograd function with a
  hand-written backward that works in place: the sigmoid overwrites the gate
  pre-activations, and the backward writes the gate gradients into one buffer.
  The c gate's weights are doubled on the fly, so that one sigmoid pass gives all
  four gates (``tanh(z) = 2 sigmoid(2 z) - 1``); PyTorch's CPU ``tanh`` is several
  times slower than its ``sigmoid``.

That is the ``'fused'`` path. The ``'batched'`` path computes the input part of
all steps as one convolution over every frame, then per step the recurrent
convolution and the gate math in PyTorch's own operations, the usual choice on
GPUs; measured on an NVIDIA H200 (``benchmarks/gpu_check.sh``: 1,024 clips of 20
frames of 64x64, 64 filters, batches of 64) it trained an epoch in 4.14 s in
float32 and 2.95 s in bfloat16, the fused path in 2.10 s and 1.78 s, so the fused
path runs on every device. Under autocast (``precision='bfloat16'`` or
``'float16'`` of the estimators) both paths compute the convolutions and im2col
products in the low precision and the gates' nonlinearities and the cell state in
float32; the weights and the input are cast once a sequence (not by autocast at
every step) and the hidden states are handed on in the low precision, as the
next convolutions read them (on an AMD Zen 4 with AVX512_BF16 this took a
bfloat16 fit from 1.97 to 1.63 s, against 2.28 s in float32; PyTorch's CPU
elementwise kernels are slower in bfloat16 than in float32 there, so the gate
math stays in float32). ``force_path`` picks a path by hand, so that each is
checked on every machine.
"""

import contextlib
import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn

from ._sizes import frame_kernel_size, positive_int, positive_ints

__all__ = ["ConvLSTM", "ConvLSTMCell", "ConvLSTMNet"]

_CHANNELS_LAST = torch.channels_last
_IM2COL_MAX_CHANNELS = 8
_PATHS = ("fused", "batched")
_forced_path = None


@contextlib.contextmanager
def force_path(path):
    """Run every ConvLSTM in the block on ``path``, ``'fused'`` or ``'batched'``
    (None: each picks its own: PyTorch's LSTM on feature sequences, the fused path
    elsewhere), whatever the device and input."""
    global _forced_path
    if path is not None and path not in _PATHS:
        raise ValueError(f"path must be one of {_PATHS} or None, got {path!r}")
    previous, _forced_path = _forced_path, path
    try:
        yield
    finally:
        _forced_path = previous


def _path():
    """The computation to run: the fused one, on every device and in every
    precision measured (see the module's docstring), unless one is forced."""
    return _forced_path or "fused"


def _full_precision(gates):
    """Gates from a low-precision convolution in float32 (the gate math and the
    cell state stay in float32 under autocast); other gates as they are."""
    if gates.dtype in (torch.bfloat16, torch.float16):
        return gates.float()
    return gates


def _tanh(x):
    """tanh(x) = 2 sigmoid(2x) - 1, into a new tensor."""
    return torch.mul(x, 2).sigmoid_().mul_(2).sub_(1)


def _state_update(s, c_prev):
    """``c = f c_prev + i g`` and ``h = o tanh(c)`` from the gate sigmoids ``s``."""
    i, f, s_g, o = s.chunk(4, dim=1)
    # i * g with g = 2 s_g - 1, without a tensor for g
    c = torch.mul(i, s_g).mul_(2).sub_(i)
    if c_prev is not None:
        c.addcmul_(f, c_prev)
    tanh_c = _tanh(c)
    return tanh_c.mul(o), c, tanh_c


class _GateStep(torch.autograd.Function):
    """One step from the recurrent part of the gates to ``(h, c)``.

    ``gates`` is the channels-last ``(B, 4F, H, W)`` recurrent part (bias included);
    ``cols`` (the step's im2col columns, ``(B, C*k*k, H*W)``) times ``w_x`` (the
    input kernel as a ``(C*k*k, 4F)`` matrix), when given, is the input part and is
    added in place. The gates are ``(z_i, z_f, 2 z_c, z_o)``, see
    ``ConvLSTMCell._gate_weights``. Everything runs in place on ``gates``, which is
    marked dirty and handed back as a third output that callers drop. The backward
    is written by hand and reuses the saved activations for the gate gradients, so
    a graph through this step can be differentiated once.
    """

    @staticmethod
    def forward(ctx, gates, cols, w_x, c_prev):
        if cols is not None:
            _add_input_part(gates, cols, w_x)
        s = gates.sigmoid_()
        ctx.mark_dirty(gates)
        h, c, tanh_c = _state_update(s, c_prev)
        ctx.save_for_backward(s, c_prev, tanh_c, cols, w_x)
        ctx.set_materialize_grads(False)  # the last step's c gets no gradient
        return h, c, s

    @staticmethod
    def backward(ctx, dh, dc_next, _ds):
        s, c_prev, tanh_c, cols, w_x = ctx.saved_tensors
        i, f, s_g, o = s.chunk(4, dim=1)
        if dh is None:
            dh = torch.zeros_like(tanh_c)
        # dc = dh o (1 - tanh(c)^2) + dc_next
        dc = torch.mul(tanh_c, tanh_c).neg_().add_(1).mul_(o).mul_(dh)
        if dc_next is not None:
            dc.add_(dc_next)
        dc_prev = dc * f
        di_part = torch.mul(dc, i).mul_(2)  # d loss / d s_g, before i is reused
        # each sigmoid s becomes its pre-activation gradient (s - s^2) * upstream,
        # in place; the c gate's upstream carries the 2 of g = 2 s_g - 1
        o.addcmul_(o, o, value=-1).mul_(dh).mul_(tanh_c)
        f.addcmul_(f, f, value=-1).mul_(dc).mul_(c_prev)
        i.addcmul_(i, i, value=-1).mul_(dc).mul_(torch.mul(s_g, 2).sub_(1))
        s_g.addcmul_(s_g, s_g, value=-1).mul_(di_part)
        d_gates = s
        d_cols = d_w = None
        if cols is not None:
            d_pixels = _pixels(d_gates)  # (B, H*W, 4F)
            if ctx.needs_input_grad[1]:
                d_cols = torch.matmul(w_x, d_pixels.transpose(1, 2))
            if ctx.needs_input_grad[2]:
                d_w = torch.bmm(cols, d_pixels).sum(dim=0)
        return d_gates, d_cols, d_w, dc_prev


def _gate_step(gates, c_prev, cols=None, w_x=None):
    """One step's state update; ``gates`` is overwritten."""
    gates = _full_precision(gates)
    if torch.is_grad_enabled():
        if c_prev is None:
            c_prev = torch.zeros_like(gates[:, : gates.shape[1] // 4])
        h, c, _ = _GateStep.apply(gates, cols, w_x, c_prev)
        return h, c
    if cols is not None:
        _add_input_part(gates, cols, w_x)
    # without autograd nothing is kept for later: c_prev and the gates are
    # overwritten, and h is the only new tensor
    i, f, g, o = gates.sigmoid_().chunk(4, dim=1)
    g.mul_(2).sub_(1)
    if c_prev is None:
        c = torch.mul(i, g)
    else:
        c = c_prev.mul_(f).addcmul_(i, g)
    return _tanh(c).mul_(o), c


def _im2col(padded, kernel_size, stride=1):
    """``F.unfold(padded, kernel_size, stride=stride)``, ``(N, C*k*k, H'*W')``, as
    one copy of a strided view: many times faster than ``F.unfold`` on the CPU."""
    n, channels, height, width = padded.shape
    k = kernel_size
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    s = padded.stride()
    patches = padded.as_strided(
        (n, channels, k, k, out_h, out_w),
        (s[0], s[1], s[2], s[3], s[2] * stride, s[3] * stride),
    )
    return patches.reshape(n, channels * k * k, out_h * out_w)


def _to_channels_last(x):
    return x.contiguous(memory_format=_CHANNELS_LAST)


def _same_padding(kernel_size, size=(1, 1), stride=1):
    """(left, right, top, bottom) as TensorFlow's 'same' for frames of ``size``
    ``(height, width)``: ``ceil(side / stride)`` outputs a side, the extra pixel
    of an odd total after."""
    pads = []
    for side in reversed(tuple(size)):  # width first, as F.pad wants
        total = max((-(-side // stride) - 1) * stride + kernel_size - side, 0)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


def _output_side(side, kernel_size, stride, padding):
    """Output side of a convolution over ``side`` pixels, as TensorFlow computes
    it."""
    if padding == "same":
        return -(-side // stride)
    return (side - kernel_size) // stride + 1


def _pixels(gates):
    """A channels-last ``(B, 4F, H, W)`` tensor as its ``(B, H*W, 4F)`` view."""
    return gates.permute(0, 2, 3, 1).view(gates.shape[0], -1, gates.shape[1])


def _add_input_part(gates, cols, w_x):
    """``gates += cols^T w_x`` per sample, in place: the input convolution as a
    product of the im2col columns ``(B, C*k*k, H*W)`` and the kernel matrix."""
    _pixels(gates).baddbmm_(cols.transpose(1, 2), w_x.expand(cols.shape[0], -1, -1))


def _with_input_part(gates, cols, w_x):
    """``gates + cols^T w_x`` per sample, a new channels-last tensor: the
    autocast form of :func:`_add_input_part` (the product in the low precision,
    differentiated by autograd)."""
    batch, channels, height, width = gates.shape
    pixels = torch.baddbmm(
        _pixels(gates), cols.transpose(1, 2), w_x.expand(batch, -1, -1)
    )
    return pixels.view(batch, height, width, channels).permute(0, 3, 1, 2)


def _native_gate_step(gates, c_prev):
    """One step's state update in PyTorch's own operations, from gates with the
    c gate not doubled (the batched path)."""
    i, f, g, o = _full_precision(gates).chunk(4, dim=1)
    c = torch.sigmoid(i) * torch.tanh(g)
    if c_prev is not None:
        c = c + torch.sigmoid(f) * c_prev
    return torch.sigmoid(o) * torch.tanh(c), c


class ConvLSTMCell(nn.Module):
    """One ConvLSTM layer (Shi et al., 2015): its two convolutions and its
    recurrence.

    Parameters
    ----------
    in_channels : int
        Channels of each input frame.
    filters : int
        Channels of the hidden and cell states.
    kernel_size : int, default=3
        Side of both convolution kernels.
    padding : {'same', 'valid'}, default='same'
        Padding of the input convolution (the recurrent one is always 'same').
    strides : int, default=1
        Stride of the input convolution (Keras' ``strides``): the states have
        ``ceil(side / strides)`` pixels a side with 'same' padding, and each step
        of the recurrence spans ``strides`` times as many input pixels.
    """

    def __init__(
        self,
        *,
        in_channels: int,
        filters: int,
        kernel_size: int = 3,
        padding: str = "same",
        strides: int = 1,
    ):
        super().__init__()
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
        in_channels = positive_int("in_channels", in_channels)
        filters = positive_int("filters", filters)
        kernel_size = positive_int("kernel_size", kernel_size)
        self.filters = filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.strides = positive_int("strides", strides)
        self.input_conv = nn.Conv2d(
            in_channels, 4 * filters, kernel_size, stride=self.strides
        )
        self.recurrent_conv = nn.Conv2d(filters, 4 * filters, kernel_size, bias=False)
        self.reset_parameters()
        self.to(memory_format=_CHANNELS_LAST)

    def reset_parameters(self):
        """Keras' initialisers: Glorot uniform, orthogonal, unit forget bias."""
        nn.init.xavier_uniform_(self.input_conv.weight)
        weight = self.recurrent_conv.weight
        with torch.no_grad():
            # Keras makes the (k * k * filters, 4 * filters) matrix orthogonal
            flat = torch.empty(weight.shape[0], math.prod(weight.shape[1:]))
            nn.init.orthogonal_(flat)
            weight.copy_(flat.reshape(weight.shape))
        nn.init.zeros_(self.input_conv.bias)
        nn.init.ones_(self.input_conv.bias[self.filters : 2 * self.filters])

    def _gate_weights(self):
        """Kernels and bias with the c gate's rows doubled (see ``_GateStep``)."""
        n = self.filters
        weight = self.input_conv.weight
        scale = torch.ones(4 * n, dtype=weight.dtype, device=weight.device)
        scale[2 * n : 3 * n] = 2
        w_x = weight * scale[:, None, None, None]
        w_h = _to_channels_last(self.recurrent_conv.weight * scale[:, None, None, None])
        return w_x, w_h, self.input_conv.bias * scale

    def _recurrent_part(self, h, w_h, bias=None):
        """The recurrent convolution, 'same'-padded as in TensorFlow."""
        k = self.kernel_size
        if k % 2:
            return F.conv2d(h, w_h, bias, padding=k // 2)
        return F.conv2d(F.pad(h, _same_padding(k)), w_h, bias)

    def _pad_input(self, x):
        """Pad frames ``(N, C, H, W)`` for the input convolution."""
        if self.padding == "valid":
            return x
        return F.pad(x, _same_padding(self.kernel_size, x.shape[2:], self.strides))

    def forward(self, x, state=None):
        """One step: ``x`` of shape ``(batch, channels, height, width)``.

        Returns ``(h, c)``, each ``(batch, filters, height', width')``; ``state`` is
        the previous ``(h, c)``, or None for zeros.
        """
        return self.sequence(x[:, None], state=state, return_state=True)

    def sequence(
        self,
        x,
        *,
        state=None,
        recurrent_dropout=0.0,
        return_sequences=True,
        return_state=False,
    ):
        """All steps: ``(batch, time, channels, height, width)`` -> the hidden states
        ``(batch, time, filters, height', width')``, or the last one.

        ``state`` is the initial ``(h, c)`` (None: zeros). ``recurrent_dropout`` (in
        training mode) drops elements of ``h_{t-1}`` before the recurrent
        convolution, with one mask for the whole sequence. With ``return_state``
        the result is the last ``(h, c)``.
        """
        hidden, h, c = self._run(x, state, recurrent_dropout)
        if return_state:
            return h, c
        return torch.stack(hidden, dim=1) if return_sequences else h

    def sequence_with_state(self, x, *, state=None, recurrent_dropout=0.0):
        """:meth:`sequence`'s hidden states of all steps ``(batch, time, filters,
        height', width')`` and the last ``(h, c)``, for stacks that go on from the
        state (an encoder-forecaster)."""
        hidden, h, c = self._run(x, state, recurrent_dropout)
        return torch.stack(hidden, dim=1), (h, c)

    def _run(self, x, state, recurrent_dropout):
        """The steps on this input's path: the list of hidden states, the last h
        and c."""
        if _path() == "batched":
            return self._batched_run(x, state, recurrent_dropout)
        if self._is_lstm(x, recurrent_dropout):
            return self._lstm_run(x, state)
        w_x, w_h, bias = self._gate_weights()
        low_precision = torch.is_autocast_enabled(x.device.type)
        if low_precision:
            # the weights and the input cast once, not at every step by autocast
            low = torch.get_autocast_dtype(x.device.type)
            w_x, w_h, bias, x = (t.to(low) for t in (w_x, w_h, bias, x))
        batch, time, channels = x.shape[:3]
        k, stride = self.kernel_size, self.strides
        if channels < _IM2COL_MAX_CHANNELS:
            # per step, the im2col columns of the padded frames, (B, C*k*k, H'*W'),
            # and w_x as the matching (C*k*k, 4F) matrix
            # time-major, so that each step's columns are one contiguous block
            frames = x.transpose(0, 1).reshape(batch * time, *x.shape[2:])
            frames = self._pad_input(frames)
            out_hw = tuple((n - k) // stride + 1 for n in frames.shape[2:])
            cols = _im2col(frames, k, stride).unflatten(0, (time, batch))
            w_x_matrix = w_x.reshape(w_x.shape[0], -1).t()
        else:
            frames = _to_channels_last(x.reshape(batch * time, *x.shape[2:]))
            frames = frames.reshape(batch, time, *frames.shape[1:]).unbind(1)
            joint = _to_channels_last(torch.cat([w_x, w_h], 1))
        h, c = (None, None) if state is None else state
        if c is not None:
            c = c.clone()  # the steps may update the cell state in place
        mask = None
        hidden = []
        for t in range(time):
            if h is not None:
                if mask is None and self.training and recurrent_dropout > 0:
                    mask = dropout_mask(recurrent_dropout, h)
                h = _to_channels_last(h if mask is None else h * mask)
            if channels < _IM2COL_MAX_CHANNELS:
                if h is None:  # h_0 = 0: the bias and the input part alone
                    gates = torch.empty(
                        (batch, bias.shape[0], *out_hw),
                        dtype=x.dtype,
                        device=x.device,
                        memory_format=_CHANNELS_LAST,
                    )
                    gates.copy_(bias[None, :, None, None].expand_as(gates))
                else:
                    gates = _to_channels_last(self._recurrent_part(h, w_h, bias))
                if low_precision:
                    # the product in the low precision, out of place
                    gates = _with_input_part(gates, cols[t], w_x_matrix)
                    h, c = _gate_step(gates, c)
                    h = h.to(low)  # what the next convolutions read
                else:
                    h, c = _gate_step(gates, c, cols[t], w_x_matrix)
                hidden.append(h)
                continue
            if h is None:
                gates = F.conv2d(self._pad_input(frames[t]), w_x, bias, stride)
            elif self.padding == "same" and stride == 1:
                both = self._pad_input(torch.cat([frames[t], h], 1))
                gates = F.conv2d(both, joint, bias)
            else:
                gates = F.conv2d(self._pad_input(frames[t]), w_x, bias, stride)
                gates = gates + self._recurrent_part(h, w_h)
            h, c = _gate_step(gates, c)
            if low_precision:
                h = h.to(low)
            hidden.append(h)
        return hidden, h, c

    def _is_lstm(self, x, recurrent_dropout):
        """Whether this input makes the cell an LSTM that PyTorch's own fused
        kernel computes: 1x1 frames (feature sequences) under a 1x1 kernel, on
        the CPU (where it is measured; cuDNN's LSTM wants its weights in one
        buffer), in full precision (under autocast the cell state stays in
        float32, which the fused kernel does not), without recurrent dropout in
        training (a mask on h), with no path forced, outside an export (ONNX
        graphs keep the cell's operations)."""
        return (
            _forced_path is None
            and not (self.training and recurrent_dropout > 0)
            and self.kernel_size == 1
            and x.shape[-2:] == (1, 1)
            and x.device.type == "cpu"
            and not torch.is_autocast_enabled(x.device.type)
            and not torch.onnx.is_in_onnx_export()
            and not torch.compiler.is_exporting()
        )

    def _lstm_run(self, x, state):
        """:meth:`_run` as one call of PyTorch's LSTM: with 1x1 frames and kernels
        the two convolutions are matrix products and the gates are an LSTM's
        (Keras' order i, f, c, o is PyTorch's i, f, g, o; no recurrent bias). Up to
        several times faster on short feature sequences, where the step-by-step
        path spends its time calling small kernels."""
        batch, time, channels = x.shape[:3]
        n = self.filters
        conv = self.input_conv
        weights = [
            conv.weight.view(4 * n, channels),
            self.recurrent_conv.weight.view(4 * n, n),
            conv.bias,
            torch.zeros_like(conv.bias),
        ]
        if state is None:
            zeros = x.new_zeros(1, batch, n)
            state = (zeros, zeros)
        else:
            state = tuple(s.reshape(1, batch, n) for s in state)
        hidden, h, c = torch.lstm(
            x.reshape(batch, time, channels),
            state,
            weights,
            True,  # has biases
            1,  # layers
            0.0,  # dropout
            self.training,
            False,  # bidirectional
            True,  # batch first
        )
        hidden = hidden.view(batch, time, n, 1, 1).unbind(1)
        return list(hidden), h.view(batch, n, 1, 1), c.view(batch, n, 1, 1)

    def _batched_run(self, x, state, recurrent_dropout):
        """:meth:`_run` on the batched path: one input convolution over the
        frames of all steps, then the recurrence in native operations."""
        batch, time = x.shape[:2]
        autocast = torch.is_autocast_enabled(x.device.type)
        low = torch.get_autocast_dtype(x.device.type) if autocast else None
        frames = self._pad_input(x.reshape(batch * time, *x.shape[2:]))
        conv = self.input_conv
        inputs = F.conv2d(frames, conv.weight, conv.bias, self.strides)
        inputs = inputs.unflatten(0, (batch, time))
        h, c = (None, None) if state is None else state
        mask = None
        hidden = []
        for t in range(time):
            gates = inputs[:, t]
            if h is not None:
                if mask is None and self.training and recurrent_dropout > 0:
                    mask = dropout_mask(recurrent_dropout, h)
                h_in = h if mask is None else h * mask
                gates = gates + self._recurrent_part(h_in, self.recurrent_conv.weight)
            h, c = _native_gate_step(gates, c)
            if low is not None:
                h = h.to(low)  # what the next convolutions read
            hidden.append(h)
        return hidden, h, c


def dropout_mask(p, like, shape=None):
    """Inverted-dropout mask of ``shape`` (default ``like.shape``)."""
    shape = like.shape if shape is None else shape
    keep = torch.empty(shape, dtype=like.dtype, device=like.device)
    return keep.bernoulli_(1 - p).div_(1 - p)


class ConvLSTM(nn.Module):
    """Stacked ConvLSTM layers (Shi et al., 2015) over ``(batch, time, channels,
    height, width)``.

    Parameters
    ----------
    in_channels : int
        Channels of each input frame.
    filters : int or tuple of int
        Filters of each stacked layer; an int is one layer.
    kernel_size : int, default=3
        Side of the convolution kernels.
    padding : {'same', 'valid'}, default='same'
        Padding of each layer's input convolution.
    strides : int, default=1
        Stride of the first layer's input convolution (Keras' ``strides``, on the
        frames): with 2 the states have half the frames' side, each step of the
        recurrence spans twice as many pixels and costs a quarter.
    dropout : float, default=0.0
        Dropout on each layer's input, one mask per sequence (as Keras).
    recurrent_dropout : float, default=0.0
        Dropout on the previous hidden state fed to the recurrent convolution, one
        mask per sequence.
    return_sequences : bool, default=False
        Return every step's hidden state ``(batch, time, filters, H', W')`` rather
        than the last one ``(batch, filters, H', W')``.

    Notes
    -----
    The backward pass reuses the saved gate activations for their gradients, so a
    graph through this module can be differentiated once: ``backward(
    retain_graph=True)`` followed by a second backward raises PyTorch's error about
    a tensor modified in place.
    """

    def __init__(
        self,
        *,
        in_channels: int,
        filters: int | tuple[int, ...],
        kernel_size: int = 3,
        padding: str = "same",
        strides: int = 1,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
    ):
        super().__init__()
        sizes = (in_channels, *positive_ints("filters", filters))
        self.cells = nn.ModuleList(
            ConvLSTMCell(
                in_channels=n_in,
                filters=n_out,
                kernel_size=kernel_size,
                padding=padding,
                strides=strides if layer == 0 else 1,
            )
            for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes))
        )
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.return_sequences = return_sequences

    def forward(self, x):
        last = len(self.cells) - 1
        for n, cell in enumerate(self.cells):
            if self.training and self.dropout > 0:
                # one mask per sequence: the same input elements dropped at every step
                x = x * dropout_mask(self.dropout, x, (x.shape[0], 1, *x.shape[2:]))
            x = cell.sequence(
                x,
                recurrent_dropout=self.recurrent_dropout,
                return_sequences=self.return_sequences or n < last,
            )
        return x


class ConvLSTMNet(nn.Module):
    """ConvLSTM, its last hidden state made a vector, then a linear head.

    Input ``(batch, time, channels, height, width)``, output ``(batch, n_outputs)``.

    Parameters
    ----------
    in_channels : int
        Channels of each input frame.
    frame_size : tuple of (int, int)
        ``(height, width)`` of the input frames.
    n_outputs : int
        Width of the linear head.
    filters : int or tuple of int
        Filters of each stacked layer, as in :class:`ConvLSTM`.
    kernel_size : int, default=3
        Side of the convolution kernels; 1 on 1x1 frames (feature sequences), see
        :func:`~sklearn_st.nn.frame_kernel_size`.
    padding : {'same', 'valid'}, default='same'
        Padding of each layer's input convolution.
    strides : int, default=1
        Stride of the first layer's input convolution, as in :class:`ConvLSTM`.
    dropout, recurrent_dropout : float, default=0.0
        As in :class:`ConvLSTM`.
    pooling : {'avg', 'max', 'flatten'}, default='avg'
        How the last hidden state ``(filters, H', W')`` becomes the head's input:
        averaged or maximised over space (``filters`` features), or flattened
        (``filters * H' * W'`` features: where things are, too).
    """

    def __init__(
        self,
        *,
        in_channels: int,
        frame_size: tuple[int, int],
        n_outputs: int,
        filters: int | tuple[int, ...],
        kernel_size: int = 3,
        padding: str = "same",
        strides: int = 1,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        pooling: str = "avg",
    ):
        super().__init__()
        if pooling not in ("avg", "max", "flatten"):
            raise ValueError(
                f"pooling must be 'avg', 'max' or 'flatten', got {pooling!r}"
            )
        filters = positive_ints("filters", filters)
        kernel_size = frame_kernel_size(kernel_size, frame_size)
        strides = positive_int("strides", strides)
        # the first layer strides; each 'valid' layer after it shrinks the map
        out_hw = tuple(
            _output_side(side, kernel_size, strides, padding)
            - (len(filters) - 1) * (kernel_size - 1) * (padding == "valid")
            for side in frame_size
        )
        if min(out_hw) < 1:
            height, width = frame_size
            raise ValueError(
                f"padding='valid' with kernel_size={kernel_size} and "
                f"{len(filters)} layer(s) leaves nothing of {height}x{width} "
                "frames; use padding='same' or a smaller kernel."
            )
        self.convlstm = ConvLSTM(
            in_channels=in_channels,
            filters=filters,
            kernel_size=kernel_size,
            padding=padding,
            strides=strides,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )
        self.pooling = pooling
        n_features = filters[-1] * (math.prod(out_hw) if pooling == "flatten" else 1)
        self.head = nn.Linear(n_features, positive_int("n_outputs", n_outputs))

    def forward(self, x):
        h = self.convlstm(x)  # (batch, filters, H', W')
        if self.pooling == "avg":
            features = h.mean(dim=(2, 3))
        elif self.pooling == "max":
            features = h.amax(dim=(2, 3))
        else:
            features = h.flatten(1)
        return self.head(features)
