"""sklearn_st.metrics: SSIM as scikit-image computes it, per-step errors and the
scoring of any forecaster."""

import numpy as np
import pytest

from sklearn_st import PersistenceForecaster
from sklearn_st.metrics import forecast_errors, forecast_scores, structural_similarity


@pytest.fixture(scope="module")
def frames():
    rng = np.random.RandomState(0)
    truth = rng.randint(0, 256, size=(3, 2, 20, 24, 3)).astype(np.uint8)
    noisy = np.clip(truth + rng.normal(0, 25, size=truth.shape), 0, 255)
    return truth, noisy


def test_structural_similarity_of_a_frame_with_itself_is_one(frames):
    truth, _ = frames
    np.testing.assert_allclose(structural_similarity(truth, truth), 1.0)


@pytest.mark.parametrize("channels", [3, 1, None])
def test_structural_similarity_is_scikit_images(frames, channels):
    skimage_metrics = pytest.importorskip("skimage.metrics")
    truth, noisy = frames
    if channels is None:  # 4-D: frames of one channel, no channel axis
        truth, noisy = truth[..., 0], noisy[..., 0]
    else:
        truth, noisy = truth[..., :channels], noisy[..., :channels]
    kwargs = {"channel_axis": -1} if channels else {}
    expected = [
        [
            skimage_metrics.structural_similarity(
                t.astype(np.float64), p, data_range=255, **kwargs
            )
            for t, p in zip(clip_t, clip_p, strict=True)
        ]
        for clip_t, clip_p in zip(truth, noisy, strict=True)
    ]
    ssim = structural_similarity(truth, noisy)
    assert ssim.shape == (3, 2)
    np.testing.assert_allclose(ssim, expected, rtol=1e-12)
    assert 0.5 < ssim.mean() < 0.99  # noise of sigma 25 on random pixels


def test_structural_similarity_tells_blur_from_sharpness(frames):
    from scipy.ndimage import uniform_filter

    truth, _ = frames
    truth = uniform_filter(truth.astype(float), size=(1, 1, 3, 3, 1))  # some texture
    shifted = np.roll(truth, 1, axis=3)
    blurred = uniform_filter(truth, size=(1, 1, 5, 5, 1))
    # the blurred frame is nearer in squared error, the sharp one in SSIM
    assert np.mean((blurred - truth) ** 2) < np.mean((shifted - truth) ** 2)
    ssim_blur = structural_similarity(truth, blurred, data_range=255).mean()
    ssim_shift = structural_similarity(truth, shifted, data_range=255).mean()
    assert ssim_blur < ssim_shift


def test_structural_similarity_data_range_and_small_frames(frames):
    truth, noisy = frames
    scaled = structural_similarity(truth / 255.0, noisy / 255.0, data_range=1.0)
    np.testing.assert_allclose(scaled, structural_similarity(truth, noisy))
    # frames of one pixel (sequences of numbers) have no SSIM
    assert np.isnan(structural_similarity(truth[:, :, 0, 0], noisy[:, :, 0, 0])).all()
    with pytest.raises(ValueError, match="same shape"):
        structural_similarity(truth, noisy[:, :1])
    with pytest.raises(ValueError, match="win_size must be odd"):
        structural_similarity(truth, noisy, win_size=6)


def test_forecast_errors_per_step():
    truth = np.zeros((2, 3, 8, 8), dtype=np.uint8)
    forecast = np.zeros((2, 3, 8, 8))
    forecast[:, 1] = 3.0
    forecast[0, 2] = -2.0
    errors = forecast_errors(truth, forecast)
    np.testing.assert_allclose(errors["mse"], [0.0, 9.0, 2.0])
    np.testing.assert_allclose(errors["mae"], [0.0, 3.0, 1.0])
    assert errors["ssim"].shape == (3,) and errors["ssim"][0] == 1.0


def test_forecast_scores_of_any_forecaster_read_in_chunks(frames):
    from indexable import Indexable

    truth, _ = frames
    clips = np.concatenate([truth, truth[:, ::-1]], axis=1)  # 4 frames a clip
    model = PersistenceForecaster(horizon=2).fit(clips)
    expected = forecast_errors(
        clips[:, -2:], np.repeat(clips[:, 1:2], 2, axis=1).astype(float)
    )
    lazy = Indexable(clips)
    scores = forecast_scores(model, lazy, chunk_bytes=clips[0].nbytes)
    for name in ("mse", "mae", "ssim"):
        np.testing.assert_allclose(scores[name], expected[name])
    assert lazy.samples_read == len(clips)  # each clip read once
    assert scores["mse"].mean() == pytest.approx(-model.score(clips))
    longer = PersistenceForecaster(horizon=3).fit(np.concatenate([clips, clips], 1))
    with pytest.raises(ValueError, match="forecasting the last 3 needs more"):
        forecast_scores(longer, clips[:, :3])
    model.set_params(horizon=1)  # predict goes by the fitted horizon, 2
    with pytest.raises(ValueError, match="forecasts 2 frames, but its horizon is 1"):
        forecast_scores(model, clips)
