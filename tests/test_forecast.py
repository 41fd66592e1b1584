"""ConvLSTMForecaster, its module, and the ``forecast`` command with its
baselines."""

import json
import re

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_validate

from sklearn_st import (
    ConvLSTMForecaster,
    FlowExtrapolationForecaster,
    PersistenceForecaster,
)
from sklearn_st.cli import main
from sklearn_st.cli._forecast import evaluate
from sklearn_st.datasets import make_moving_digits, make_panning_photos
from sklearn_st.nn import BackwardFlow, ConvLSTMForecastNet

TINY = {"filters": 3, "max_epochs": 2, "random_state": 0}


def persistence(clips, horizon):
    return PersistenceForecaster(horizon=horizon).fit(clips).predict(clips)


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
    # the same model up to rounding (Adam's steps magnify the rounding of the two
    # standardizations in the near-zero gradients behind the zero-started head)
    np.testing.assert_allclose(
        scaled.predict(clips / 255.0) * 255.0, forecast, rtol=1e-2, atol=0.5
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
def test_predict_reads_an_indexable_array_once(clips, n_frames):
    from indexable import Indexable

    model = ConvLSTMForecaster(horizon=2, **TINY).fit(clips)
    X = Indexable(clips[:, :n_frames].astype(np.float32))
    forecast = model.predict(X)
    # one pass, in batches, that checks the values as it forecasts
    assert X.samples_read == len(clips)
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


@pytest.mark.parametrize("start", ["persistence", "extrapolation"])
def test_forecaster_learns_to_beat_its_start(start):
    X, _ = make_moving_digits(160, n_frames=6, frame_size=12, random_state=0)
    model = ConvLSTMForecaster(
        horizon=2, filters=(8,), max_epochs=15, start=start, random_state=0
    )
    report, forecasts, note = evaluate(model, X[:120], X[120:])
    by_name = {row["name"]: row for row in report}
    assert set(forecasts) == set(by_name) and note is None
    persist = by_name["persistence (last frame)"]
    flow = by_name["flow extrapolation (DIS + advection)"]
    learned = by_name["ConvLSTMForecaster"]
    assert [row["baseline"] for row in report] == [True, True, False]
    assert learned["mse"] < 0.8 * min(persist["mse"], flow["mse"]), report
    assert learned["vs_best_baseline"] > 0.2 and learned["kept_start"] is False
    for row in report:
        for metric in ("mse", "mae", "ssim"):
            assert len(row[f"per_step_{metric}"]) == 2
            assert row[metric] == pytest.approx(np.mean(row[f"per_step_{metric}"]))
    assert learned["fit_seconds"] > 0


def test_search_and_cross_validation_without_y(clips):
    search = GridSearchCV(ConvLSTMForecaster(**TINY), {"filters": [2, 3]}, cv=2)
    search.fit(clips)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0) and search.best_score_ == scores.max()
    result = cross_validate(ConvLSTMForecaster(**TINY), clips, cv=2)
    assert np.all(result["test_score"] < 0)


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


@pytest.mark.parametrize("output", ["linear", "sigmoid"])
def test_untrained_forecast_net_started_from_persistence_is_persistence(output):
    torch.manual_seed(0)
    net = ConvLSTMForecastNet(
        in_channels=2,
        frame_size=(6, 5),
        filters=(3, 4),
        horizon=3,
        output=output,
        start="persistence",
    ).eval()
    x = torch.rand(2, 4, 2, 6, 5) * 0.9 + 0.05
    frames = net.predicted_frame(net(x))
    torch.testing.assert_close(frames, x[:, -1:].expand(-1, 3, -1, -1, -1))
    direct = ConvLSTMForecastNet(
        in_channels=2, frame_size=(6, 5), filters=(3, 4), start=None
    ).eval()
    assert not torch.allclose(direct(x)[:, 0], x[:, -1], atol=0.05)


def test_residual_forecast_adds_the_learned_change_to_the_last_frame():
    torch.manual_seed(0)
    net = ConvLSTMForecastNet(
        in_channels=1, frame_size=(5, 5), filters=2, horizon=2
    ).eval()
    torch.nn.init.normal_(net.head.weight)
    x = torch.randn(3, 4, 1, 5, 5)
    moved = x.clone()
    moved[:, -1] += 10.0  # same history of states but for the last frame's input
    # each step is the previous frame plus the head's change: shifting the last
    # frame by 10 shifts the forecast by 10 plus whatever the states make of it
    assert not torch.allclose(net(x), net(moved) - 10.0)
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.fill_(0.5)
    torch.testing.assert_close(net(x)[:, 1], x[:, -1] + 1.0)


def test_forecaster_with_nothing_learned_is_persistence(clips):
    # lr so small that nothing moves: the forecast is the last frame repeated
    model = ConvLSTMForecaster(
        horizon=2, start="persistence", **{**TINY, "max_epochs": 1}, lr=1e-12
    )
    forecast = model.fit(clips).predict(clips)
    np.testing.assert_allclose(forecast, persistence(clips, 2), atol=1e-3)
    direct = ConvLSTMForecaster(horizon=2, start=None, **TINY, lr=1e-12)
    assert np.abs(direct.fit(clips).predict(clips) - persistence(clips, 2)).max() > 1


def test_main_forecast_prints_table_and_writes_results(capsys, tmp_path):
    args = ["forecast", "--n-samples", "20", "--n-frames", "5", "--frame-size", "12"]
    args += ["--horizon", "2", "--max-epochs", "1", "--out", str(tmp_path)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "moving digits: X (20, 5, 12, 12, 1) uint8" in captured.out
    assert "clips split at random (taken as independent" in captured.out
    for name in ("persistence (last frame)", "flow extrapolation", "ConvLSTM"):
        assert name in captured.out
    for metric in ("MSE", "MAE", "SSIM"):  # a block each, per forecast step
        assert re.search(rf"^{metric} +t\+1 +t\+2 +mean", captured.out, re.M)
    assert "epochs" in captured.err  # the progress bar inside the fit
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["horizon"] == 2 and results["n_test"] == 4
    assert [len(m["per_step_ssim"]) for m in results["methods"]] == [2, 2, 2]
    assert results["forecaster"]["class"] == "ConvLSTMForecaster"
    assert (tmp_path / "forecast.png").read_bytes()[:4] == b"\x89PNG"


def test_main_forecast_refuses_bad_arguments(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["forecast", "--n-frames", "5", "--horizon", "5"])
    assert "need more than the horizon" in capsys.readouterr().err
    np.savez(tmp_path / "clips.npz", frames=np.zeros((4, 5, 8, 8)))
    with pytest.raises(SystemExit):
        main(["forecast", "--data", str(tmp_path / "clips.npz")])
    assert "no array named 'X' (it holds 'frames')" in capsys.readouterr().err


def test_main_forecast_on_a_video_trains_on_its_start_and_draws_what_moves(
    capsys, tmp_path
):
    pytest.importorskip("av")
    from sklearn_st.datasets import write_moving_squares_video

    video = tmp_path / "squares.mp4"
    write_moving_squares_video(video, 80, random_state=0)
    args = ["forecast", "--video", str(video), "--n-frames", "6", "--horizon", "2"]
    args += ["--frame-size", "16", "--max-epochs", "1", "--out", str(tmp_path)]
    assert main([*args, "--animation", "gif", "--no-progress"]) == 0
    out = capsys.readouterr().out
    # 25 clips, one every 3 frames (half a clip); the last 5 test, the one clip
    # that shares frames with them is left out of training
    assert "1 video(s): X (25, 6, 16, 16, 3) uint8; 19 training and 5 test" in out
    assert "trained on the first 80% of each recording, tested on the rest" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["n_train"] == 19 and results["n_test"] == 5
    assert (tmp_path / "forecast.png").is_file()
    from PIL import Image

    with Image.open(tmp_path / "forecast.gif") as gif:
        assert gif.n_frames == 4 + 2  # the 4 context frames, then 2 forecast

    assert main([*args, "--clips", "1,4", "--animation", "mp4", "--no-progress"]) == 0
    assert (tmp_path / "forecast.mp4").stat().st_size > 0
    with pytest.raises(SystemExit):
        main([*args, "--clips", "5"])
    assert "--clips [5]: there are 5 test clips" in capsys.readouterr().err


def test_moving_most_picks_the_clips_whose_future_changes_most():
    from sklearn_st.cli._report import moving_most

    context = np.zeros((4, 3, 2, 2))
    truth = np.zeros((4, 2, 2, 2))
    truth[2] = 5.0
    truth[0, 1] = 1.0
    assert moving_most(context, truth, n=2) == [2, 0]


def test_main_forecast_warns_when_a_baseline_wins(capsys, tmp_path, monkeypatch):
    import sklearn_st.cli._forecast as cli

    best = []

    def losing(forecaster, X_train, X_test):
        report, forecasts, note = evaluate(forecaster, X_train, X_test)
        best.append(min(report[:2], key=lambda row: row["mse"]))
        report[-1]["mse"] = best[0]["mse"] * 1.01  # the better baseline wins
        report[-1]["vs_persistence"] = -0.5
        return report, forecasts, note

    monkeypatch.setattr(cli, "evaluate", losing)
    args = ["forecast", "--n-samples", "20", "--n-frames", "5", "--frame-size", "12"]
    args += ["--horizon", "2", "--max-epochs", "1", "--out", str(tmp_path)]
    assert main([*args, "--no-progress"]) == 0
    warning = f"warning: ConvLSTMForecaster does not beat {best[0]['name']}: MSE"
    assert warning in capsys.readouterr().err
    results = json.loads((tmp_path / "results.json").read_text())
    assert not results["beats_persistence"] and not results["beats_baselines"]


@pytest.fixture(scope="module")
def panning():
    """uint8 clips of a camera over photographs ``(40, 6, 16, 16, 3)``."""
    X, _ = make_panning_photos(40, n_frames=6, frame_size=16, random_state=0)
    X.flags.writeable = False
    return X


def test_untrained_forecast_net_started_from_extrapolation_advects_the_last_frame():
    from sklearn_st.nn import advect, warp

    torch.manual_seed(0)
    net = ConvLSTMForecastNet(
        in_channels=2,
        frame_size=(6, 5),
        filters=(3, 4),
        horizon=3,
        start="extrapolation",
    ).eval()
    x = torch.randn(2, 4, 2, 6, 5)
    flow = torch.randn(2, 2, 6, 5)
    expected = torch.stack([warp(x[:, -1], d) for d in advect(flow, 3)], dim=1)
    torch.testing.assert_close(net(x, flow=flow), expected)
    # the head corrects the displacement (2 channels) and changes the frame
    assert net.head.out_channels == 2 + 2
    assert net.forecaster[0].input_conv.in_channels == 2 + 2
    with torch.no_grad():
        net.head.bias.copy_(torch.tensor([0.0, 0.0, 1.0, -1.0]))
    moved = net(x, flow=flow)
    torch.testing.assert_close(moved[:, :, 0], expected[:, :, 0] + 1.0)
    with pytest.raises(ValueError, match="needs the backward flow of the last frame"):
        net(x)


def test_backward_flow_module_is_the_flow_of_the_frames_in_their_units(panning):
    from sklearn_st._dense_flow import backward_flow
    from sklearn_st.nn import to_btchw

    pytest.importorskip("cv2")
    mean, scale = np.array([100.0, 110.0, 120.0]), np.array([50.0, 60.0, 70.0])
    module = BackwardFlow(3, n_pairs=2)
    module.set_input_scaling(mean, scale, 0.0, 255.0)
    x = to_btchw(torch.from_numpy(((panning - mean) / scale).astype(np.float32)))
    flow = module(x)
    assert flow.shape == (40, 2, 16, 16) and flow.dtype == torch.float32
    expected = backward_flow(panning, "medium", 0, 255, n_pairs=2)
    np.testing.assert_allclose(flow.permute(0, 2, 3, 1).numpy(), expected, atol=1e-4)
    # restored with the module's weights: the scaling is part of its state
    copy = BackwardFlow(3, n_pairs=2)
    copy.load_state_dict(module.state_dict())
    torch.testing.assert_close(copy(x), flow)


def test_untrained_forecaster_started_from_extrapolation_is_flow_extrapolation(
    panning,
):
    model = ConvLSTMForecaster(
        horizon=2, **{**TINY, "max_epochs": 1}, lr=1e-12, keep_start=False
    ).fit(panning)
    baseline = FlowExtrapolationForecaster(horizon=2).fit(panning)
    np.testing.assert_allclose(
        model.predict(panning[:, :4]), baseline.predict(panning[:, :4]), atol=1e-3
    )
    assert model.kept_start_ is None  # no validation split, nothing compared
    scaled = panning / 255.0  # floats: the flow sees them mapped from their range
    model = ConvLSTMForecaster(horizon=2, **TINY, lr=1e-12).fit(scaled)
    baseline = FlowExtrapolationForecaster(horizon=2).fit(scaled)
    np.testing.assert_allclose(
        model.predict(scaled[:, :4]), baseline.predict(scaled[:, :4]), atol=1e-5
    )


def test_a_fit_that_does_not_beat_its_start_keeps_it(panning):
    start = FlowExtrapolationForecaster(horizon=2).fit(panning).predict(panning)
    # a step far too large: every epoch ends worse than flow extrapolation
    wild = ConvLSTMForecaster(
        horizon=2, filters=3, max_epochs=2, lr=5.0, random_state=0
    )
    wild.fit(panning)
    last = wild.net_.history[-1]
    assert wild.kept_start_ is True
    assert last["end_valid_loss"] >= last["start_valid_loss"]
    assert last["end_valid_loss"] == pytest.approx(last["valid_loss"])
    np.testing.assert_allclose(wild.predict(panning), start, atol=1e-3)
    # from persistence, three epochs beat the start
    trained = ConvLSTMForecaster(
        horizon=2, filters=4, max_epochs=3, start="persistence", random_state=0
    ).fit(panning)
    last = trained.net_.history[-1]
    assert trained.kept_start_ is False
    assert last["end_valid_loss"] < last["start_valid_loss"]
    assert not np.allclose(trained.predict(panning), persistence(panning, 2), atol=1)
    # partial_fit trains one epoch on its chunk: nothing held out or compared
    assert trained.partial_fit(panning).kept_start_ is None
    assert "valid_loss" not in trained.net_.history[-1]


def test_main_forecast_leaves_out_clips_across_a_scene_cut(capsys, tmp_path):
    pytest.importorskip("av")
    pytest.importorskip("skimage")
    from sklearn_st.datasets import write_camera_video

    video = write_camera_video(
        tmp_path / "cuts.mp4", 60, (64, 64), scene_length=30, random_state=0
    )
    args = ["forecast", "--video", str(video), "--n-frames", "6", "--horizon", "2"]
    args += ["--frame-size", "16", "--max-epochs", "1", "--no-progress"]
    args += ["--out", str(tmp_path)]
    assert main(args) == 0
    # clips of 6 frames every 3: 19 in all; the one from frame 27 spans the cut
    # to another photograph at frame 30
    assert "X (18, 6, 16, 16, 3)" in capsys.readouterr().out
    assert main([*args, "--keep-scene-cuts"]) == 0
    assert "X (19, 6, 16, 16, 3)" in capsys.readouterr().out
