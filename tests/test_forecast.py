"""ConvLSTMForecaster, its module, the naive baselines and ``forecast`` command."""

import json
import pickle

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_validate

from sklearn_st import ConvLSTMForecaster
from sklearn_st.__main__ import main
from sklearn_st._forecasting import evaluate, linear_extrapolation, persistence
from sklearn_st.datasets import make_moving_digits
from sklearn_st.nn import ConvLSTMForecastNet

TINY = {"filters": 3, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def clips():
    """uint8 moving digits ``(24, 6, 12, 12, 1)``."""
    X, _ = make_moving_digits(24, n_frames=6, frame_size=12, random_state=0)
    X.flags.writeable = False
    return X


@pytest.mark.parametrize(
    "shape, out",
    [
        ((24, 6, 12, 12, 1), (5, 2, 12, 12, 1)),
        ((24, 6, 12, 12), (5, 2, 12, 12)),
        ((24, 6, 5), (5, 2, 5)),
        ((24, 6), (5, 2)),
    ],
)
def test_forecasts_frames_in_the_layout_of_the_input(clips, shape, out):
    X = {5: clips, 4: clips[..., 0], 3: clips[:, :, :5, 0, 0], 2: clips[:, :, 0, 0, 0]}
    X = X[len(shape)]
    model = ConvLSTMForecaster(horizon=2, **TINY).fit(X)
    forecast = model.predict(X[:5])
    assert forecast.shape == out and forecast.dtype == np.float64
    assert model.n_context_ == 4 and model.sample_shape_ == X.shape[1:]


def test_forecast_is_on_the_scale_of_the_input(clips):
    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    forecast = model.predict(clips)
    # frames on the 0-255 scale of the uint8 clips, not standardized ones
    assert 5 < forecast.mean() < 255 and forecast.std() > 1
    scaled = ConvLSTMForecaster(horizon=2, **TINY).fit(clips / 255.0)
    np.testing.assert_allclose(
        scaled.predict(clips / 255.0) * 255.0, forecast, rtol=1e-4, atol=1e-3
    )


def test_predict_takes_other_clip_lengths_but_the_frame_shape_of_fit(clips):
    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    assert model.predict(clips[:, :3]).shape == (24, 2, 12, 12, 1)
    assert model.predict(np.concatenate([clips, clips], 1)).shape[1] == 2
    with pytest.raises(ValueError, match=r"\(6, 12, 10, 1\).*\(6, 12, 12, 1\)"):
        model.predict(clips[:, :, :, :10])
    with pytest.raises(ValueError, match=r"\(3, 12, 10, 1\).*frame shape"):
        model.predict(clips[:, :3, :, :10])
    # a 2-D sequence's length is scikit-learn's n_features: fixed by fit
    flat = ConvLSTMForecaster(**TINY).fit(clips[:, :, 0, 0, 0])
    with pytest.raises(ValueError, match="X has 3 features, but"):
        flat.predict(clips[:, :3, 0, 0, 0])


@pytest.mark.parametrize("n_frames", [6, 4])
def test_predict_reads_an_indexable_array_once_to_check_it(clips, n_frames):
    from indexable import Indexable

    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    X = Indexable(clips[:, :n_frames].astype(np.float32))
    forecast = model.predict(X)
    # one pass for the NaN/inf check, one in batches for the forecast
    assert X.samples_read == 2 * len(clips)
    np.testing.assert_allclose(
        forecast, model.predict(clips[:, :n_frames]), rtol=1e-5, atol=1e-3
    )


def test_clips_need_more_frames_than_the_horizon(clips):
    with pytest.raises(ValueError, match=r"at least 7 frames, but X has 6 frame"):
        ConvLSTMForecaster(horizon=6, **TINY).fit(clips)
    with pytest.raises(ValueError, match=r"at least 6 frames, but X has 5"):
        ConvLSTMForecaster(horizon=2, n_context=4, **TINY).fit(clips[:, :5])


def test_n_context_limits_what_predict_reads(clips):
    changed = clips.copy()
    changed[:, 0] = 255  # the first frame only
    limited = ConvLSTMForecaster(horizon=2, n_context=3, **TINY).fit(clips)
    assert limited.n_context_ == 3
    np.testing.assert_array_equal(limited.predict(changed), limited.predict(clips))
    everything = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    assert not np.allclose(everything.predict(changed), everything.predict(clips))


def test_score_is_minus_the_mse_of_the_last_frames(clips):
    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    forecast = model.predict(clips[:, :-2])
    expected = -np.mean((forecast - clips[:, -2:].astype(np.float64)) ** 2)
    assert model.score(clips) == pytest.approx(expected)
    limited = ConvLSTMForecaster(horizon=2, n_context=2, **TINY).fit(clips)
    forecast = limited.predict(clips[:, :-2])  # reads frames 2 and 3
    expected = -np.mean((forecast - clips[:, -2:].astype(np.float64)) ** 2)
    assert limited.score(clips) == pytest.approx(expected)


def test_bce_loss_needs_unit_range_and_forecasts_in_it(clips):
    with pytest.raises(ValueError, match=r"loss='bce' needs frames with values in"):
        ConvLSTMForecaster(loss="bce", **TINY).fit(clips)
    model = ConvLSTMForecaster(loss="bce", horizon=2, **TINY).fit(clips / 255.0)
    forecast = model.predict(clips / 255.0)
    assert 0 <= forecast.min() and forecast.max() <= 1
    assert isinstance(model.net_.criterion_, torch.nn.BCEWithLogitsLoss)
    mae = ConvLSTMForecaster(loss="mae", **TINY).fit(clips)
    assert isinstance(mae.net_.criterion_, torch.nn.L1Loss)


def test_forecaster_learns_to_beat_persistence():
    X, _ = make_moving_digits(160, n_frames=6, frame_size=12, random_state=0)
    model = ConvLSTMForecaster(horizon=2, filters=(8,), max_epochs=15, random_state=0)
    report, forecasts = evaluate(model, X[:120], X[120:])
    by_name = {row["name"]: row for row in report}
    assert set(forecasts) == set(by_name)
    persist = by_name["persistence (last frame)"]
    assert persist["vs_persistence"] == 0
    learned = by_name["ConvLSTMForecaster"]
    assert learned["mse"] < 0.8 * persist["mse"], report
    assert len(learned["per_step_mse"]) == 2 and learned["fit_seconds"] > 0


def test_search_and_cross_validation_without_y(clips):
    search = GridSearchCV(ConvLSTMForecaster(**TINY), {"filters": [2, 3]}, cv=2)
    search.fit(clips)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0) and search.best_score_ == scores.max()
    result = cross_validate(ConvLSTMForecaster(**TINY), clips, cv=2)
    assert np.all(result["test_score"] < 0)


def test_pickled_forecaster_forecasts_the_same(clips):
    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(clips), model.predict(clips))


def test_forecast_net_rolls_forward_from_its_own_frames():
    torch.manual_seed(0)
    net = ConvLSTMForecastNet(
        in_channels=2, frame_size=(6, 5), filters=(3, 4), horizon=3
    ).eval()
    x = torch.randn(2, 4, 2, 6, 5)
    out = net(x)
    assert out.shape == (2, 3, 2, 6, 5)
    assert net(x, horizon=5).shape == (2, 5, 2, 6, 5)
    # the first 3 of a 5-step forecast are the 3-step forecast
    torch.testing.assert_close(net(x, horizon=5)[:, :3], out)
    # the head reads the hidden states of both forecaster layers
    assert net.head.in_channels == 7
    with pytest.raises(ValueError, match="output must be"):
        ConvLSTMForecastNet(in_channels=1, frame_size=(4, 4), filters=2, output="x")


def test_baselines():
    context = np.array([[[1.0], [3.0]], [[5.0], [4.0]]])  # 2 clips of 2 steps
    np.testing.assert_array_equal(persistence(context, 2)[:, :, 0], [[3, 3], [4, 4]])
    np.testing.assert_array_equal(
        linear_extrapolation(context, 3)[:, :, 0], [[5, 7, 9], [3, 2, 1]]
    )
    clipped = linear_extrapolation(context, 3, low=2.0, high=8.0)
    np.testing.assert_array_equal(clipped[:, :, 0], [[5, 7, 8], [3, 2, 2]])


def test_main_forecast_prints_table_and_writes_results(capsys, tmp_path):
    args = ["forecast", "--n-samples", "20", "--n-frames", "5", "--frame-size", "12"]
    args += ["--horizon", "2", "--max-epochs", "1", "--out", str(tmp_path)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "moving digits: X (20, 5, 12, 12, 1) uint8" in captured.out
    for name in ("persistence (last frame)", "linear extrapolation", "ConvLSTM"):
        assert name in captured.out
    assert "epochs" in captured.err  # the progress bar inside the fit
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["horizon"] == 2 and results["n_test"] == 4
    assert [len(m["per_step_mse"]) for m in results["methods"]] == [2, 2, 2]
    assert (tmp_path / "forecast.png").read_bytes()[:4] == b"\x89PNG"


def test_main_forecast_refuses_bad_arguments(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["forecast", "--n-frames", "5", "--horizon", "5"])
    assert "need more than the horizon" in capsys.readouterr().err
    np.savez(tmp_path / "clips.npz", frames=np.zeros((4, 5, 8, 8)))
    with pytest.raises(SystemExit):
        main(["forecast", "--data", str(tmp_path / "clips.npz")])
    assert "no array named 'X' (it holds 'frames')" in capsys.readouterr().err
