"""Shape tests of the torch modules and the layout helper."""

import math

import numpy as np
import pytest
import torch

from sklearn_st.nn import (
    CNNLSTMNet,
    ConvLSTM,
    ConvLSTMCell,
    ConvLSTMNet,
    FrameAutoencoder,
    FrameDecoder,
    FrameEncoder,
    FrameFeatures,
    LSTMNet,
    SpatialSoftArgmax,
    TimeMeanNet,
    btchw_shape,
    frame_kernel_size,
    stack_frames,
    to_btchw,
)
from sklearn_st.nn._convlstm import force_path
from sklearn_st.nn._sizes import positive_int, positive_ints


@pytest.mark.parametrize(
    "shape, expected",
    [
        ((2, 5), (2, 5, 1, 1, 1)),
        ((2, 5, 3), (2, 5, 3, 1, 1)),
        ((2, 5, 8, 6), (2, 5, 1, 8, 6)),
        ((2, 5, 8, 6, 3), (2, 5, 3, 8, 6)),
    ],
)
def test_to_btchw_shapes(shape, expected):
    x = torch.randn(shape)
    out = to_btchw(x)
    assert out.shape == expected
    assert btchw_shape(shape[1:]) == expected[1:]


def test_to_btchw_moves_channels_not_pixels():
    x = torch.arange(2 * 3 * 4 * 5 * 2).reshape(2, 3, 4, 5, 2)
    out = to_btchw(x)
    assert out[1, 2, 1, 3, 4] == x[1, 2, 3, 4, 1]


def test_to_btchw_rejects_other_ranks():
    with pytest.raises(ValueError, match="2-D to 5-D"):
        to_btchw(torch.zeros(2))


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_lstm_net_shape(bidirectional, num_layers):
    net = LSTMNet(
        n_features=3 * 4 * 4,
        n_outputs=2,
        hidden_size=5,
        num_layers=num_layers,
        bidirectional=bidirectional,
        dropout=0.1,
    )
    out = net(torch.randn(7, 6, 3, 4, 4))
    assert out.shape == (7, 2)


def test_lstm_net_reads_the_whole_sequence():
    torch.manual_seed(0)
    net = LSTMNet(n_features=1, n_outputs=1).eval()
    x = torch.randn(1, 6, 1, 1, 1)
    changed = x.clone()
    changed[0, 0] += 5.0  # the first step must reach the output
    assert not torch.allclose(net(x), net(changed))


# --- ConvLSTM -----------------------------------------------------------------


def _tf_same_pad(frames, k, stride):
    """TensorFlow's 'same' padding: ceil(side / stride) outputs, the extra pixel
    after."""
    pads = []
    for side in reversed(frames.shape[2:]):
        total = max((math.ceil(side / stride) - 1) * stride + k - side, 0)
        pads += [total // 2, total - total // 2]
    return torch.nn.functional.pad(frames, pads)


def _reference_sequence(cell, x, padding, stride=1):
    """The straightforward ConvLSTM loop: Keras' gate math, step by step."""
    w_x, w_h = cell.input_conv.weight, cell.recurrent_conv.weight
    bias, filters = cell.input_conv.bias, cell.filters
    k = w_x.shape[-1]
    h = c = None
    hidden = []
    for t in range(x.shape[1]):
        frame = _tf_same_pad(x[:, t], k, stride) if padding == "same" else x[:, t]
        gates = torch.nn.functional.conv2d(frame, w_x, bias, stride=stride)
        if h is None:
            h = c = gates.new_zeros(gates.shape[0], filters, *gates.shape[2:])
        gates = gates + torch.nn.functional.conv2d(h, w_h, padding="same")
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        hidden.append(h)
    return torch.stack(hidden, dim=1)


def _assert_same_gradients(got, expected, params):
    """``got`` and ``expected`` give ``params`` the same gradients (of a random
    weighting of their elements)."""
    weights = torch.randn_like(expected)
    grads = torch.autograd.grad((expected * weights).sum(), params)
    got_grads = torch.autograd.grad((got * weights).sum(), params)
    for g, e in zip(got_grads, grads, strict=True):
        torch.testing.assert_close(g, e)


@pytest.mark.parametrize(
    "in_channels, kernel_size, padding, strides",
    [
        (1, 3, "same", 1),
        (3, 3, "valid", 1),
        (2, 4, "same", 1),
        (8, 3, "same", 1),
        (9, 3, "valid", 1),
        (1, 3, "same", 2),
        (3, 4, "valid", 2),
        (2, 4, "same", 3),
        (8, 3, "same", 2),
        (9, 2, "valid", 2),
    ],
)
@pytest.mark.parametrize("path", ["fused", "batched"])
def test_convlstm_cell_matches_the_reference_loop(
    in_channels, kernel_size, padding, strides, path
):
    # the CPU's fused path (im2col input part below 8 channels, convolutions from
    # 8 up) and the GPU's batched path, forced here on the CPU
    torch.manual_seed(0)
    cell = ConvLSTMCell(
        in_channels=in_channels,
        filters=4,
        kernel_size=kernel_size,
        padding=padding,
        strides=strides,
    ).double()
    x = torch.randn(3, 5, in_channels, 7, 6, dtype=torch.double, requires_grad=True)
    expected = _reference_sequence(cell, x, padding, strides)
    with force_path(path):
        got = cell.sequence(x)
        torch.testing.assert_close(got, expected)
        with torch.no_grad():
            torch.testing.assert_close(cell.sequence(x), expected)

    _assert_same_gradients(got, expected, [x, *cell.parameters()])


@pytest.mark.parametrize("in_channels", [1, 3, 9])
def test_convlstm_cell_on_feature_sequences_is_pytorchs_lstm(in_channels, monkeypatch):
    # 1x1 frames under a 1x1 kernel: one call of torch.lstm, the reference's
    # values and gradients, from zeros and from a given state
    torch.manual_seed(0)
    cell = ConvLSTMCell(in_channels=in_channels, filters=4, kernel_size=1).double()
    x = torch.randn(3, 5, in_channels, 1, 1, dtype=torch.double, requires_grad=True)
    calls = []
    lstm = torch.lstm
    monkeypatch.setattr(torch, "lstm", lambda *a: calls.append(1) or lstm(*a))
    got = cell.sequence(x)
    assert calls == [1]
    expected = _reference_sequence(cell, x, "same")
    torch.testing.assert_close(got, expected)
    _assert_same_gradients(got, expected, [x, *cell.parameters()])
    # going on from a state: the steps after the first three, given their state
    state = cell.sequence(x[:, :3], return_state=True)
    h, c = cell.sequence(x[:, 3:], state=state, return_state=True)
    torch.testing.assert_close(h, expected[:, -1])
    with force_path("batched"):  # the step-by-step computation's cell state
        _, c_steps = cell.sequence(x, return_state=True)
    torch.testing.assert_close(c, c_steps)
    # recurrent dropout in training needs the steps; so does autocast
    calls.clear()
    cell.train()
    cell.sequence(x, recurrent_dropout=0.5)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        cell.float().sequence(x.detach().float())
    assert calls == []


def test_convlstm_cell_single_step_api():
    torch.manual_seed(0)
    cell = ConvLSTMCell(in_channels=2, filters=3).double()
    x = torch.randn(2, 4, 2, 5, 5, dtype=torch.double)
    expected = _reference_sequence(cell, x, "same")
    state = cell(x[:, 0])
    for t in range(1, 4):
        state = cell(x[:, t], state)
    torch.testing.assert_close(state[0], expected[:, -1])


def test_convlstm_cell_keras_initialisation():
    cell = ConvLSTMCell(in_channels=2, filters=5)
    bias = cell.input_conv.bias.detach()
    assert torch.equal(bias[5:10], torch.ones(5))  # unit forget bias
    assert torch.count_nonzero(bias[:5]) == 0 and torch.count_nonzero(bias[10:]) == 0
    w = cell.recurrent_conv.weight.detach().reshape(20, -1)
    torch.testing.assert_close(w @ w.T, torch.eye(20), atol=1e-5, rtol=0)


def test_convlstm_rejects_unknown_padding():
    with pytest.raises(ValueError, match="padding must be 'same' or 'valid'"):
        ConvLSTMCell(in_channels=1, filters=2, padding="causal")


@pytest.mark.parametrize(
    "filters, padding, return_sequences, expected",
    [
        (4, "same", False, (2, 4, 9, 8)),
        (4, "same", True, (2, 5, 4, 9, 8)),
        ((4, 6), "same", False, (2, 6, 9, 8)),
        ((4, 6), "valid", True, (2, 5, 6, 5, 4)),
    ],
)
def test_convlstm_shapes(filters, padding, return_sequences, expected):
    net = ConvLSTM(
        in_channels=3,
        filters=filters,
        padding=padding,
        return_sequences=return_sequences,
    )
    assert net(torch.randn(2, 5, 3, 9, 8)).shape == expected


def test_convlstm_stacked_layers_feed_each_other():
    torch.manual_seed(0)
    net = ConvLSTM(in_channels=2, filters=(3, 4), return_sequences=True).double()
    x = torch.randn(2, 4, 2, 6, 6, dtype=torch.double)
    first = _reference_sequence(net.cells[0], x, "same")
    expected = _reference_sequence(net.cells[1], first, "same")
    torch.testing.assert_close(net(x), expected)


def test_convlstm_dropout_only_in_training_and_seeded():
    net = ConvLSTM(in_channels=1, filters=3, dropout=0.5, recurrent_dropout=0.5)
    x = torch.randn(2, 4, 1, 6, 6)
    net.eval()
    torch.testing.assert_close(net(x), net(x))
    net.train()
    torch.manual_seed(1)
    a = net(x)
    torch.manual_seed(1)
    b = net(x)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, net.eval()(x))


@pytest.mark.parametrize(
    "pooling, features", [("avg", 4), ("max", 4), ("flatten", 4 * 36)]
)
def test_convlstm_net_head(pooling, features):
    net = ConvLSTMNet(
        in_channels=2, frame_size=(6, 6), n_outputs=3, pooling=pooling, filters=4
    )
    assert net.head.in_features == features
    assert net(torch.randn(5, 4, 2, 6, 6)).shape == (5, 3)


def test_convlstm_net_valid_padding_flatten_size():
    net = ConvLSTMNet(
        in_channels=1,
        frame_size=(9, 8),
        n_outputs=1,
        pooling="flatten",
        filters=(2, 3),
        padding="valid",
    )
    assert net.head.in_features == 3 * 5 * 4
    assert net(torch.randn(2, 3, 1, 9, 8)).shape == (2, 1)


def test_convlstm_graph_is_differentiated_once():
    # documented: the backward reuses the saved activations in place
    net = ConvLSTM(in_channels=1, filters=2)
    loss = net(torch.randn(2, 3, 1, 4, 4)).sum()
    loss.backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# --- per-frame CNN and CNN-LSTM ---------------------------------------------------


@pytest.mark.parametrize(
    "frame_size, channels, pooling",
    [
        ((16, 12), (4, 8), "avg"),
        ((16, 12), (4, 8), "flatten"),
        ((5, 3), (2, 3, 4), "flatten"),
        ((1, 1), (3,), "avg"),
    ],
)
def test_frame_encoder_and_decoder_shapes(frame_size, channels, pooling):
    kernel = 1 if frame_size == (1, 1) else 3
    encoder = FrameEncoder(
        in_channels=2,
        frame_size=frame_size,
        channels=channels,
        n_features=5,
        pooling=pooling,
        kernel_size=kernel,
    )
    decoder = FrameDecoder(
        n_features=5,
        out_channels=2,
        frame_size=frame_size,
        channels=channels,
        kernel_size=kernel,
    )
    frames = torch.randn(7, 2, *frame_size)
    assert encoder(frames).shape == (7, 5)
    assert decoder(encoder(frames)).shape == frames.shape


def test_frame_encoder_keeps_position_with_flatten_only():
    torch.manual_seed(0)
    kwargs = {"in_channels": 1, "frame_size": (8, 8), "channels": (4,)}
    dot = torch.zeros(2, 1, 8, 8)
    dot[0, 0, 2, 2] = dot[1, 0, 2, 4] = 1.0  # the same dot, moved
    avg = FrameEncoder(**kwargs, pooling="avg")
    flat = FrameEncoder(**kwargs, pooling="flatten")
    with torch.no_grad():
        torch.testing.assert_close(avg(dot)[0], avg(dot)[1])
        assert not torch.allclose(flat(dot)[0], flat(dot)[1])


def test_frame_encoder_rejects_unknown_pooling():
    with pytest.raises(
        ValueError, match="pooling must be 'avg', 'flatten' or 'keypoints'"
    ):
        FrameEncoder(in_channels=1, frame_size=(4, 4), pooling="max")


def test_per_frame_modules_apply_the_encoder_to_every_frame():
    torch.manual_seed(0)
    encoder = FrameEncoder(in_channels=1, frame_size=(8, 8), channels=(4,))
    x = torch.randn(2, 5, 1, 8, 8)
    features = FrameFeatures(encoder)(x)
    assert features.shape == (2, 5, 64)
    torch.testing.assert_close(features[1, 3], encoder(x[1, 3:4])[0])
    net = CNNLSTMNet(encoder=encoder, n_features=64, n_outputs=3, hidden_size=6)
    assert net(x).shape == (2, 3)
    mean_net = TimeMeanNet(encoder=encoder, n_features=64, n_outputs=3)
    torch.testing.assert_close(mean_net(x), mean_net.head(features.mean(dim=1)))
    decoder = FrameDecoder(
        n_features=64, out_channels=1, frame_size=(8, 8), channels=(4,)
    )
    autoencoder = FrameAutoencoder(encoder=encoder, decoder=decoder)
    assert autoencoder(x).shape == x.shape


def test_sizes_accept_numpy_integers_and_refuse_anything_else():
    assert positive_ints("filters", np.int64(3)) == (3,)
    sizes = positive_ints("channels", (np.int32(4), 8))
    assert sizes == (4, 8) and all(type(s) is int for s in sizes)
    assert positive_int("hidden_size", np.uint8(5)) == 5
    for bad in [0, (), (4, 0), (True,), "8", 2.0, None]:
        with pytest.raises(ValueError, match=r"filters must be a positive int or a "):
            positive_ints("filters", bad)
    with pytest.raises(ValueError, match="hidden_size must be a positive int, got 0"):
        positive_int("hidden_size", 0)


def test_frame_kernel_size_is_one_on_one_by_one_frames():
    assert frame_kernel_size(np.int64(5), (1, 1)) == 1
    assert frame_kernel_size(5, (1, 2)) == 5
    with pytest.raises(ValueError, match="kernel_size must be a positive int"):
        frame_kernel_size(0, (4, 4))


def test_modules_take_numpy_sizes():
    net = ConvLSTMNet(
        in_channels=np.int64(1),
        frame_size=(6, 6),
        n_outputs=np.int64(2),
        filters=(np.int64(2), np.int64(3)),
        kernel_size=np.int64(3),
    )
    assert net(torch.randn(2, 3, 1, 6, 6)).shape == (2, 2)
    lstm = LSTMNet(
        n_features=np.int64(3), n_outputs=1, hidden_size=np.int64(4), dropout=0.5
    )
    assert lstm(torch.randn(2, 5, 3, 1, 1)).shape == (2, 1)
    with pytest.raises(ValueError, match=r"padding='valid' .* leaves nothing of 4x4"):
        ConvLSTMNet(
            in_channels=1,
            frame_size=(4, 4),
            n_outputs=1,
            filters=(2, 2),
            kernel_size=3,
            padding="valid",
        )


def _blob_frames(shift, side=16):
    """A frame with a bright square away from the borders, and the frame shifted."""
    frame = torch.zeros(1, 1, side, side)
    frame[..., side // 4 : side // 4 + 4, side // 4 : side // 4 + 4] = 1.0
    return frame, torch.roll(frame, shifts=shift, dims=(2, 3))


def _seeded_encoder(pooling, side):
    """A seeded two-block encoder of ``side`` x ``side`` frames, 8 features."""
    torch.manual_seed(0)
    return FrameEncoder(
        in_channels=1,
        frame_size=(side, side),
        channels=(4, 4),
        n_features=8,
        pooling=pooling,
    ).eval()


@pytest.mark.parametrize("pooling", ["flatten", "keypoints"])
def test_frame_encoder_pooling_that_keeps_position_sees_a_shift(pooling):
    encoder = _seeded_encoder(pooling, 16)
    frame, shifted = _blob_frames((2, 2))
    assert encoder(frame).shape == (1, 8)
    assert not torch.allclose(encoder(frame), encoder(shifted), atol=1e-4)


def test_frame_encoder_average_pooling_is_blind_to_a_shift():
    encoder = _seeded_encoder("avg", 32)
    # a shift by the pooling's stride, away from the borders: the same features
    frame, shifted = _blob_frames((4, 4), side=32)
    torch.testing.assert_close(encoder(frame), encoder(shifted))


def test_spatial_soft_argmax_gives_where_each_channel_peaks():
    maps = torch.full((2, 2, 5, 9), -20.0)
    maps[:, 0, 4, 0] = 20.0  # bottom left
    maps[:, 1, 2, 8] = 20.0  # middle right
    keypoints = SpatialSoftArgmax(frame_size=(5, 9))(maps)
    # rows of both channels, then their columns, on [-1, 1]
    expected = torch.tensor([[1.0, 0.0, -1.0, 1.0]]).expand(2, -1)
    torch.testing.assert_close(keypoints, expected, atol=1e-4, rtol=0)
    one_pixel = SpatialSoftArgmax(frame_size=(1, 1))(torch.randn(3, 4, 1, 1))
    torch.testing.assert_close(one_pixel, torch.zeros(3, 8))


def test_stack_frames_puts_the_frames_before_each_on_its_channels():
    x = torch.arange(2 * 4 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 4, 3, 2, 2)
    assert stack_frames(x, 1) is x
    stacked = stack_frames(x, 3)
    assert stacked.shape == (2, 4, 9, 2, 2)
    for t in range(4):
        # earliest first; before the first frame, the first frame again
        expected = [x[:, max(t - k, 0)] for k in (2, 1, 0)]
        torch.testing.assert_close(stacked[:, t], torch.cat(expected, dim=1))
    with pytest.raises(ValueError, match="stacked frames"):
        stack_frames(x, 0)


@pytest.mark.parametrize("stacked", [1, 2])
def test_stacked_frames_let_the_features_see_the_frame_before(stacked):
    torch.manual_seed(0)
    encoder = FrameEncoder(
        in_channels=stacked, frame_size=(8, 8), channels=(4,), pooling="avg"
    ).eval()
    x = torch.rand(1, 3, 1, 8, 8)
    moved = x.clone()
    moved[:, 1] = torch.roll(x[:, 1], shifts=2, dims=-1)  # only frame 1 changes
    features = FrameFeatures(encoder, stacked_frames=stacked)
    before, after = features(x), features(moved)
    assert before.shape == (1, 3, 64)
    torch.testing.assert_close(before[:, 0], after[:, 0])
    # step 2 sees frame 1 only through the stack
    assert torch.allclose(before[:, 2], after[:, 2]) == (stacked == 1)
    # the CNN-LSTM and the autoencoder give their encoder the stack (it takes
    # ``stacked`` channels), and the decoder gives back the frame alone
    net = CNNLSTMNet(
        encoder=encoder, n_features=64, n_outputs=2, stacked_frames=stacked
    )
    assert net(x).shape == (1, 2)
    decoder = FrameDecoder(
        n_features=64, out_channels=1, frame_size=(8, 8), channels=(4,)
    )
    autoencoder = FrameAutoencoder(
        encoder=encoder, decoder=decoder, stacked_frames=stacked
    )
    assert autoencoder(x).shape == x.shape
