"""ConvLSTM against keras.layers.ConvLSTM2D (torch backend) with transplanted weights.

Skipped when keras is not installed.
"""

import os

import numpy as np
import pytest
import torch

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

from sklearn_st.nn import ConvLSTM  # noqa: E402

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "torch", reason="keras runs on another backend"
)


def _transplant(cell, layer):
    """Our cell's weights into a built Keras ConvLSTM2D layer."""
    to_keras = (2, 3, 1, 0)  # (out, in, kh, kw) -> (kh, kw, in, out)
    layer.set_weights(
        [
            cell.input_conv.weight.detach().permute(to_keras).numpy(),
            cell.recurrent_conv.weight.detach().permute(to_keras).numpy(),
            cell.input_conv.bias.detach().numpy(),
        ]
    )


@pytest.mark.parametrize(
    "in_channels, filters, kernel_size, padding, strides, return_sequences",
    [
        (1, 4, 3, "same", 1, False),
        (3, 5, 3, "valid", 1, True),
        (2, 3, 2, "same", 1, True),
        (3, 4, 3, "same", 2, True),
        (1, 2, 3, "valid", 2, False),
        (9, 3, 3, "same", 2, True),
    ],
)
def test_convlstm_matches_keras_convlstm2d(
    in_channels, filters, kernel_size, padding, strides, return_sequences
):
    torch.manual_seed(0)
    ours = ConvLSTM(
        in_channels=in_channels,
        filters=filters,
        kernel_size=kernel_size,
        padding=padding,
        strides=strides,
        return_sequences=return_sequences,
    ).eval()
    x = np.random.RandomState(0).normal(size=(2, 5, 7, 6, in_channels))
    x = x.astype(np.float32)  # Keras layout: (batch, time, height, width, channels)

    layer = keras.layers.ConvLSTM2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        return_sequences=return_sequences,
    )
    layer(x)  # builds the weights
    _transplant(ours.cells[0], layer)
    expected = keras.ops.convert_to_numpy(layer(x))

    with torch.no_grad():
        got = ours(torch.from_numpy(x).permute(0, 1, 4, 2, 3))
    got = got.movedim(-3, -1).numpy()  # channels last, like Keras
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_convlstm_keras_initialisation_meaning():
    layer = keras.layers.ConvLSTM2D(3, 3)
    layer(np.zeros((1, 2, 5, 5, 2), dtype=np.float32))
    bias = keras.ops.convert_to_numpy(layer.weights[2])
    ours = ConvLSTM(in_channels=2, filters=3).cells[0].input_conv.bias.detach()
    np.testing.assert_array_equal(ours.numpy(), bias)  # zeros, forget gate ones
