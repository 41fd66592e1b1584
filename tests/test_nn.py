"""Shape tests of the torch modules and the layout helper."""

import pytest
import torch

from sklearn_st.nn import LSTMNet, btchw_shape, to_btchw


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
