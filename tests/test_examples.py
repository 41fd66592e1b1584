"""Smoke tests: every script in examples/ runs, in a reduced size."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_are_all_smoke_tested():
    assert {path.stem for path in EXAMPLES.glob("*.py")} == {
        "three_approaches",
        "grid_search_encoder",
        "read_video",
        "plot_forecast_digits",
    }


def _bars(err):
    """The labels of the epoch progress bars drawn on stderr."""
    return set(re.findall(r"([\w -]+): +\d+%\|", err))


def test_example_three_approaches(capsys):
    scores = _load("three_approaches").main(
        n_samples=24, frame_size=16, max_epochs=1, cv=2
    )
    assert len(scores) == 4 and all(np.isfinite(list(scores.values())))
    # progress inside the fits: every neural model draws its epochs
    assert _bars(capsys.readouterr().err) == {
        "LSTM",
        "CNN autoencoder",
        "CNN-LSTM",
        "ConvLSTM",
    }


def test_example_grid_search_swaps_the_encoder(capsys):
    search = _load("grid_search_encoder").main(
        n_samples=24, frame_size=16, max_epochs=1, cv=2
    )
    captured = capsys.readouterr()
    assert "Fitting 2 folds for each of 6 candidates, totalling 12 fits" in captured.out
    assert _bars(captured.err) == {"LSTM", "CNN autoencoder"}
    encoders = {type(p["encoder"]).__name__ for p in search.cv_results_["params"]}
    assert encoders == {"FrameFlattener", "CNNFeatureExtractor"}
    assert len(search.cv_results_["params"]) == 6


def test_example_read_video(capsys):
    pytest.importorskip("av")
    clips, score = _load("read_video").main(n_frames=48, max_epochs=1)
    assert clips.shape == (2 * 21, 8, 32, 32, 3) and np.isfinite(score)
    assert _bars(capsys.readouterr().err) == {"ConvLSTM"}


def test_example_plot_forecast_digits(capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("cv2")
    import matplotlib

    matplotlib.use("Agg")
    scores = _load("plot_forecast_digits").main(n_samples=210, max_epochs=1, show=False)
    assert set(scores) == {"ConvLSTMForecaster", "flow extrapolation", "persistence"}
    mse = {name: s["mse"].mean() for name, s in scores.items()}
    assert all(np.isfinite(list(mse.values())))
    assert all(0 < s["ssim"].mean() <= 1 for s in scores.values())
    # the forecaster starts at flow extrapolation and keeps it unless it beats it
    # on its validation clips: one epoch does not lose much
    assert mse["ConvLSTMForecaster"] < 1.5 * mse["flow extrapolation"]
    assert _bars(capsys.readouterr().err) == {"ConvLSTMForecaster"}
