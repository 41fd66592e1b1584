"""PersistenceForecaster and FlowExtrapolationForecaster, and the warp and
advection behind the second."""

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from sklearn_st import FlowExtrapolationForecaster, PersistenceForecaster
from sklearn_st.nn import advect, warp


def _texture(side, seed=0):
    noise = np.random.RandomState(seed).randint(0, 256, (side, side)).astype(float)
    smooth = gaussian_filter(noise, 1.5)
    return np.rint(255 * (smooth - smooth.min()) / np.ptp(smooth)).astype(np.uint8)


@pytest.fixture(scope="module")
def shifted():
    """A clip of 6 frames of 32x32 whose picture moves 1 pixel up and 2 left a
    frame: frame t shows the texture at (row + 30 + t, col + 10 + 2 t)."""
    texture = _texture(96)
    clip = np.stack(
        [texture[30 + t : 62 + t, 10 + 2 * t : 42 + 2 * t] for t in range(6)]
    )
    return clip[None]


def test_warp_reads_each_pixel_at_its_displacement():
    frames = torch.arange(2 * 3 * 4 * 5, dtype=torch.float64).reshape(2, 3, 4, 5)
    shift = torch.zeros(2, 2, 4, 5, dtype=torch.float64)
    shift[:, 0], shift[:, 1] = 1.0, -2.0  # read one row down, two columns left
    out = warp(frames, shift)
    torch.testing.assert_close(out[:, :, :3, 2:], frames[:, :, 1:, :3])
    # beyond the frame: its nearest edge
    torch.testing.assert_close(out[:, :, 3, 2:], frames[:, :, 3, :3])
    torch.testing.assert_close(out[:, :, :3, 0], frames[:, :, 1:, 0])
    half = warp(frames, shift / 2)  # bilinear between the pixels
    torch.testing.assert_close(half[:, :, 0, 1], frames[:, :, :2, 0].mean(2))
    # one-pixel frames (sequences of numbers) stay as they are
    torch.testing.assert_close(
        warp(frames[:, :, :1, :1], shift[:, :, :1, :1]), frames[:, :, :1, :1]
    )


def test_advect_traces_paths_back_through_the_flow():
    flow = torch.zeros(1, 2, 1, 8, dtype=torch.float64)
    flow[0, 1, 0, :4] = 1.0  # the left half reads one pixel right, the rest stays
    d1, d2, d3 = advect(flow, 3)
    torch.testing.assert_close(d1, flow)
    # column 2: one step to 3, one more to 4, where the flow is 0
    assert d2[0, 1, 0].tolist() == [2, 2, 2, 1, 0, 0, 0, 0]
    assert d3[0, 1, 0].tolist() == [3, 3, 2, 1, 0, 0, 0, 0]


def test_flow_extrapolation_of_a_rigid_whole_pixel_shift_is_exact_inside(shifted):
    model = FlowExtrapolationForecaster(horizon=2).fit(shifted)
    forecast = model.predict(shifted[:, :4])
    truth = shifted[:, 4:].astype(np.float64)
    error = np.abs(forecast - truth)
    # away from the border the picture enters at (4 pixels in 2 steps), within
    # DIS's sub-pixel error (<0.01 px here): a fraction of a grey level
    assert error[:, :, 8:-8, 8:-8].max() < 1.0, error[:, :, 8:-8, 8:-8].max()
    persistence = PersistenceForecaster(horizon=2).fit(shifted).predict(shifted[:, :4])
    assert np.abs(persistence - truth)[:, :, 8:-8, 8:-8].mean() > 20
    assert model.score(shifted) > 20 * PersistenceForecaster(horizon=2).fit(
        shifted
    ).score(shifted)


def test_flow_extrapolation_averages_the_flow_of_n_pairs(shifted):
    jerky = shifted.copy()
    jerky[:, 1] = jerky[:, 2]  # a frame repeated: no motion in the second pair
    one = FlowExtrapolationForecaster(horizon=1).fit(jerky).predict(jerky[:, :4])
    two = FlowExtrapolationForecaster(horizon=1, n_pairs=2).fit(jerky)
    # half the motion on average: between persistence and the shift
    truth = shifted[:, 4].astype(float)
    half = two.predict(jerky[:, :4])
    assert np.abs(one - truth).mean() < np.abs(half - truth).mean()
    assert np.abs(half - jerky[:, 3]).mean() < np.abs(truth - jerky[:, 3]).mean()


@pytest.mark.parametrize("cls", [PersistenceForecaster, FlowExtrapolationForecaster])
@pytest.mark.parametrize(
    "shape", [(5, 6, 12, 12, 3), (5, 6, 12, 12), (5, 6, 4), (5, 6)]
)
def test_baselines_forecast_in_the_layout_and_scale_of_the_input(cls, shape):
    X = np.random.RandomState(0).uniform(-3, 7, size=shape).astype(np.float32)
    model = cls(horizon=3).fit(X)
    forecast = model.predict(X)
    assert forecast.shape == (5, 3, *shape[2:]) and forecast.dtype == np.float64
    # a forecast moves the last frame's values, never outside their range
    assert X.min() <= forecast.min() and forecast.max() <= X.max()
    if len(shape) < 4 or cls is PersistenceForecaster:  # no motion in one pixel
        np.testing.assert_array_equal(forecast[:, -1], X[:, -1])


def test_persistence_repeats_the_last_frame_and_scores_minus_the_mse():
    X = np.arange(2 * 4 * 3, dtype=np.uint8).reshape(2, 4, 3)
    model = PersistenceForecaster(horizon=2).fit(X)
    np.testing.assert_array_equal(model.predict(X[:, :2]), X[:, [1, 1]])
    expected = -np.mean((X[:, [1, 1]].astype(float) - X[:, 2:]) ** 2)
    assert model.score(X) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"at least 5 frames, but X has 4"):
        PersistenceForecaster(horizon=4).fit(X).score(X)


def test_baselines_read_an_indexable_array_in_chunks(shifted):
    from indexable import Indexable

    clips = np.repeat(shifted, 5, axis=0)
    model = FlowExtrapolationForecaster(horizon=2).fit(clips)
    lazy = Indexable(clips)
    np.testing.assert_allclose(model.predict(lazy), model.predict(clips))
    assert lazy.samples_read >= len(clips)


def test_flow_extrapolation_forecasts_by_its_fitted_settings(shifted):
    model = FlowExtrapolationForecaster(horizon=2).fit(shifted)
    before = model.predict(shifted)
    model.set_params(horizon=3, n_pairs=3)
    np.testing.assert_array_equal(model.predict(shifted), before)
