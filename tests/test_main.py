"""The command line, python -m sklearn_st compare."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from sklearn_st.cli import main
from sklearn_st.cli._approaches import DEFAULT_MODELS, MODELS, default_models
from sklearn_st.datasets import make_moving_digits

TINY = [
    *("--n-samples", "24", "--n-frames", "3", "--frame-size", "16"),
    *("--cv", "2", "--max-epochs", "1"),
]


def _run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _error(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_main_compare_prints_table_and_writes_json_and_figure(capsys, tmp_path):
    pytest.importorskip("skimage")
    pytest.importorskip("cv2")
    status, out, err = _run(capsys, "compare", *TINY, "--out", str(tmp_path))
    assert status == 0
    # the default data: a camera panning over photographs, with camera effects
    assert "panning photos (camera noise, whole-pixel motion)" in out
    assert "X (24, 3, 16, 16, 3) uint8" in out and "regression, R^2" in out
    assert "left out" not in out  # OpenCV is there: every default approach ran
    for name in (MODELS[key] for key in DEFAULT_MODELS):
        row = re.search(rf"^{re.escape(name)}\s+(-?\d+\.\d+) ± (\d+\.\d+)\s", out, re.M)
        assert row, name
    # the progress bar counts model folds, the chance row's too
    n_fits = (len(DEFAULT_MODELS) + 1) * 2
    assert f"{n_fits}/{n_fits}" in err

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["metric"] == "r2" and results["cv"] == 2
    assert results["data"]["X_shape"] == [24, 3, 16, 16, 3]
    assert results["data"]["task"] == "regression"
    assert [m["key"] for m in results["models"]] == DEFAULT_MODELS
    assert results["chance"]["name"] == "chance (the training mean)"
    assert (
        results["chance"]["score_mean"] <= 0 and results["chance"]["n_parameters"] == 0
    )
    assert "shuffled (clips taken as independent" in results["split"]
    assert re.search(r"^-+\nchance \(the training mean\)\s+-?\d\.\d+", out, re.M)
    for model in results["models"]:
        assert set(model) == {
            "key",
            "name",
            "estimator",
            "scores",
            "score_mean",
            "score_std",
            "fit_seconds_mean",
            "predict_seconds_mean",
            "n_parameters",
        }
        assert len(model["scores"]) == 2
        assert model["score_mean"] == pytest.approx(np.mean(model["scores"]))
        assert model["fit_seconds_mean"] > 0 and model["n_parameters"] > 0
    ridge = results["models"][DEFAULT_MODELS.index("ridge")]
    # two outputs' coefficients on every pixel of every frame, and intercepts
    assert ridge["n_parameters"] == 2 * (3 * 16 * 16 * 3) + 2

    table = (tmp_path / "table.md").read_text().splitlines()
    assert table[0].startswith("| approach | R^2 (mean ± std) |")
    assert (
        len(table) == 3 + len(DEFAULT_MODELS) and sum("**" in row for row in table) >= 1
    )
    assert table[-1].startswith("| *chance (the training mean)* | *")
    figure = (tmp_path / "comparison.png").read_bytes()
    assert figure[:8] == b"\x89PNG\r\n\x1a\n" and len(figure) > 10_000


def test_main_compare_pans_over_photographs(capsys, tmp_path):
    pytest.importorskip("skimage")
    args = [
        *TINY,
        "--data",
        "panning-photos",
        "--models",
        "framewise-pca,diff-convlstm",
    ]
    status, out, _ = _run(capsys, "compare", *args, "--out", str(tmp_path))
    assert status == 0 and "panning photos" in out
    assert "X (24, 3, 16, 16, 3) uint8" in out
    results = json.loads((tmp_path / "results.json").read_text())
    framewise, diff = results["models"]
    # parameters, not reprs: the steps' classes and their parameters
    assert framewise["estimator"]["steps"]["framewise"]["class"] == "FrameWise"
    assert diff["estimator"]["steps"]["temporaldifference"] == {
        "class": "TemporalDifference",
        "params": {"keep_first": False, "order": 1},
    }
    lstm = framewise["estimator"]["steps"]["lstmregressor"]["params"]
    assert lstm["random_state"] == 0 and isinstance(lstm["max_epochs"], int)
    # PCA's 16 components of 768 values and their mean, then the LSTM
    assert framewise["n_parameters"] > 16 * 768 + 768
    err = _error(capsys, "compare", "--data", "panning-photos", "--target", "digit")
    assert "targets are velocity and direction" in err


def test_main_compare_classifies_labels_with_accuracy(capsys, tmp_path):
    args = [*TINY, "--data", "moving-digits", "--target", "digit"]
    args += ["--models", "flatten,ridge"]
    # every digit needs a sample in each of the 2 folds
    args[1] = "100"
    status, out, _ = _run(capsys, *args, "--out", str(tmp_path), "--no-progress")
    assert status == 0 and "classification, accuracy" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["metric"] == "accuracy"
    assert [m["key"] for m in results["models"]] == ["flatten", "ridge"]
    assert all(0 <= s <= 1 for m in results["models"] for s in m["scores"])


def test_main_compare_on_a_users_npz(capsys, tmp_path):
    X, y = make_moving_digits(20, n_frames=3, frame_size=12, random_state=0)
    path = tmp_path / "clips.npz"
    np.savez(path, X=X[..., 0], y=y[:, 0])  # 4-D frames, one target
    out_dir = tmp_path / "out"
    status, out, _ = _run(
        capsys,
        *("--data", str(path), "--cv", "2", "--models", "ridge,convlstm"),
        *("--max-epochs", "1", "--out", str(out_dir), "--no-progress"),
    )
    assert status == 0 and f"{path}: X (20, 3, 12, 12) uint8, y (20,)" in out
    results = json.loads((out_dir / "results.json").read_text())
    assert results["data"]["source"] == str(path)
    assert (out_dir / "comparison.png").is_file()


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"X": np.zeros((6, 3, 4))}, "no array named 'y' (it holds 'X')"),
        ({"images": np.zeros((6, 3)), "y": np.zeros(6)}, "no array named 'X'"),
        ({"X": np.zeros(6), "y": np.zeros(6)}, "is not a batch of sequences"),
        ({"X": np.full((6, 3), np.nan), "y": np.zeros(6)}, "contains NaN"),
        ({"X": np.zeros((6, 3)), "y": np.zeros(5)}, "n_samples = 6 like X, got (5,)"),
        (
            {"X": np.zeros((6, 3)), "y": np.r_[np.nan, np.zeros(4), np.inf]},
            "y holds 2 NaN or infinite value(s)",
        ),
    ],
    ids=["no y", "no X", "1-D X", "NaN", "short y", "NaN in y"],
)
def test_main_compare_names_what_is_wrong_with_a_npz(capsys, tmp_path, arrays, message):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    assert message in _error(capsys, "compare", "--data", str(path))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cv", "1"], "--cv must be at least 2"),
        (["--cv", "0"], "must be a positive integer"),
        (["--models", "flatten,lstm3d"], "unknown model(s) lstm3d"),
        (["--target", "colour"], "invalid choice: 'colour'"),
        (["--data", "missing.npz"], "no such file"),
        (["--n-samples", "3"], "needs at least 6 samples"),
    ],
)
def test_main_compare_rejects_bad_arguments(capsys, tmp_path, args, message):
    assert message in _error(capsys, *args, "--out", str(tmp_path))


def test_main_compare_rejects_a_text_file_and_a_npy_file(capsys, tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("not numpy")
    err = _error(capsys, "--data", str(path))
    assert "not a .npz file (a zip archive of .npy arrays" in err
    assert "pickle" not in err  # numpy's own message misleads here
    np.save(tmp_path / "X.npy", np.zeros((6, 3)))
    err = _error(capsys, "--data", str(tmp_path / "X.npy"))
    assert "this is a .npy file, which holds one array" in err
    assert "np.savez(path, X=X, y=y)" in err


def test_main_errors_are_short(capsys):
    err = _error(capsys, "compare", "--cv", "0")
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "(see python -m sklearn_st compare --help)" in lines[1]
    assert "usage" not in err


def test_main_help_shows_defaults_without_importing_torch():
    code = (
        "import sys\n"
        "from sklearn_st.cli import main\n"
        "for args in (['--help'], ['compare', '--help'], ['forecast', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO TORCH')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().endswith("NO TORCH")
    assert "(default: 3)" in out  # --cv
    # each default once, and no "None" for options whose help says what happens
    words = " ".join(out.split())  # as argparse wraps it
    assert "default: None" not in words and "(the flow- ones where OpenCV" in words
    assert "--random-state RANDOM_STATE" in out and "seed of the bundled data" in out
    assert "--quick" in out and "--horizon" in out


def test_main_quick_is_a_small_run(capsys, tmp_path):
    pytest.importorskip("skimage")
    args = ["--quick", "--models", "ridge", "--out", str(tmp_path), "--no-progress"]
    status, out, _ = _run(capsys, *args)
    assert status == 0 and "X (120, 8, 32, 32, 3)" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["cv"] == 2
    versions = results["versions"]
    assert {"numpy", "scikit-learn", "torch", "skorch"} <= set(versions)
    assert all(versions.values())


def test_main_help_runs_as_a_module():
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "sklearn_st", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    top = run("--help")
    assert "compare" in top and "pans a camera over eight real photographs" in top
    detail = run("compare", "--help")
    for option in ["--data", "--target", "--models", "--cv", "--out", "--n-jobs"]:
        assert option in detail


def test_main_without_matplotlib_writes_the_rest_and_says_how_to_install(
    capsys, tmp_path, monkeypatch
):
    import sklearn_st.cli._compare as cli

    def no_matplotlib(*args, **kwargs):
        raise ImportError("No module named 'matplotlib'")

    monkeypatch.setattr(cli, "plot_comparison", no_matplotlib)
    args = [*TINY, "--models", "ridge", "--out", str(tmp_path), "--no-progress"]
    status, out, _ = _run(capsys, *args)
    assert status == 0
    assert (
        'no figure: matplotlib is not installed (pip install "sklearn_st[plot]", '
        'or ".[plot]" from a checkout)' in out
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["fits.jsonl", "results.json", "table.md"]

    assert f"wrote {tmp_path / 'results.json'}, {tmp_path / 'table.md'}\n" in out


def test_main_compare_warns_when_nothing_beats_chance(capsys, tmp_path):
    # constant clips: ridge can only learn the majority class, which is chance
    path = tmp_path / "flat.npz"
    np.savez(path, X=np.zeros((30, 3, 4, 4)), y=np.array(["a"] * 20 + ["b"] * 10))
    args = ["--data", str(path), "--models", "ridge", "--cv", "2"]
    status, out, err = _run(capsys, *args, "--out", str(tmp_path), "--no-progress")
    assert status == 0
    assert "chance (most frequent class)" in out
    assert "warning: no approach beats chance: the best, FrameFlattener(time)" in err
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["beats_chance"] is False
    assert results["chance"]["score_mean"] == pytest.approx(2 / 3, abs=0.02)


def test_chance_warning_says_when_the_margin_is_within_the_spread():
    from sklearn_st.cli._compare import _chance_warning

    chance = {"name": "chance", "score_mean": 0.5, "score_std": 0.02}
    row = {"name": "A", "score_mean": 0.55, "score_std": 0.04}
    assert "beats chance by 0.050 accuracy, within the spread" in _chance_warning(
        [row], chance, "accuracy"
    )
    assert _chance_warning([{**row, "score_mean": 0.7}], chance, "accuracy") is None


def _grouped_npz(tmp_path, name="clips.npz", n=24, seed=0):
    X, y = make_moving_digits(n, n_frames=3, frame_size=12, random_state=seed)
    path = tmp_path / name
    np.savez(path, X=X, y=y, recording=np.repeat(np.arange(4), n // 4))
    return path


def test_main_compare_holds_out_whole_groups(capsys, tmp_path, monkeypatch):
    import sklearn_st.cli._approaches as compare

    seen = []
    fit_and_score = compare._fit_and_score

    def spy(key, fold, model, X, y, train, test, signature):
        seen.append((train, test))
        return fit_and_score(key, fold, model, X, y, train, test, signature)

    monkeypatch.setattr(compare, "_fit_and_score", spy)
    path = _grouped_npz(tmp_path)
    args = ["--data", str(path), "--groups", "recording", "--models", "ridge"]
    status, out, _ = _run(capsys, *args, "--cv", "2", "--out", str(tmp_path))
    assert status == 0 and "holding out whole groups (recording)" in out
    groups = np.repeat(np.arange(4), 6)
    assert len(seen) == 4  # ridge and chance, 2 folds each
    for train, test in seen:
        assert not set(groups[train]) & set(groups[test])
    err = _error(capsys, "--data", str(path), "--groups", "session")
    assert "no array named 'session'" in err
    err = _error(capsys, "--data", str(path), "--groups", "recording", "--cv", "5")
    assert "4 group(s) for 5 folds" in err


def test_main_compare_tests_on_given_test_data(capsys, tmp_path):
    train = _grouped_npz(tmp_path, "train.npz", n=24, seed=0)
    test = _grouped_npz(tmp_path, "test.npz", n=8, seed=1)
    args = ["--data", str(train), "--test-data", str(test), "--models", "ridge"]
    status, out, _ = _run(capsys, *args, "--out", str(tmp_path), "--no-progress")
    assert status == 0 and f"tested on --test-data {test}" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["cv"] == 1 and len(results["models"][0]["scores"]) == 1
    np.savez(tmp_path / "other.npz", X=np.zeros((4, 3, 10, 12, 1)), y=np.zeros(4))
    err = _error(
        capsys, "--data", str(train), "--test-data", str(tmp_path / "other.npz")
    )
    assert "needs the per-clip shape of --data's X (24, 3, 12, 12, 1)" in err
    err = _error(capsys, "--test-data", str(test))
    assert "--groups and --test-data go with --data PATH.npz" in err


@pytest.fixture(scope="module")
def two_videos(tmp_path_factory):
    pytest.importorskip("av")
    from sklearn_st.datasets import write_moving_squares_video

    folder = tmp_path_factory.mktemp("videos")
    paths = []
    for seed, name in enumerate(("left.mp4", "right.mp4")):
        write_moving_squares_video(folder / name, 40, random_state=seed)
        paths.append(str(folder / name))
    return paths


def test_main_compare_on_videos_splits_each_recording_in_time(
    capsys, tmp_path, two_videos, monkeypatch
):
    import sklearn_st.cli._approaches as compare

    seen = []
    fit_and_score = compare._fit_and_score

    def spy(key, fold, model, X, y, train, test, signature):
        seen.append((X, train, test))
        return fit_and_score(key, fold, model, X, y, train, test, signature)

    monkeypatch.setattr(compare, "_fit_and_score", spy)
    args = ["--video", *two_videos, "--n-frames", "4", "--frame-size", "16"]
    args += ["--models", "ridge", "--cv", "2", "--out", str(tmp_path)]
    status, out, _ = _run(capsys, *args, "--no-progress")
    assert status == 0
    assert "2 video(s), target: which video: X (38, 4, 16, 16, 3) uint8" in out
    assert "2-fold cross-validation in time" in out
    for X, train, test in seen:
        frames = [
            {(X.groups[i], X.start_frames[i] + t) for i in ids for t in range(4)}
            for ids in (train, test)
        ]
        assert not frames[0] & frames[1]  # no test frame trained on
        assert set(X.groups[test]) == {0, 1}
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["chance"]["name"] == "chance (most frequent class)"
    err = _error(capsys, "--video", two_videos[0])
    assert "compare needs two or more videos" in err
    err = _error(capsys, "--video", two_videos[0], str(tmp_path / "none.mp4"))
    assert f"--video: {tmp_path / 'none.mp4'}: no such video file" in err


def test_main_compare_offers_the_flow_pipelines(capsys, tmp_path):
    pytest.importorskip("cv2")
    args = [*TINY, "--models", "flow-pca,flow-cnn,flow-convlstm", "--no-progress"]
    status, out, _ = _run(capsys, "compare", *args, "--out", str(tmp_path))
    assert status == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert [m["key"] for m in results["models"]] == [
        "flow-pca",
        "flow-cnn",
        "flow-convlstm",
    ]
    assert all(
        next(iter(m["estimator"]["steps"].values()))["class"] == "OpticalFlow"
        for m in results["models"]
    )
    assert "OpticalFlow -> ConvLSTM" in out


def test_compare_leaves_the_flow_out_by_default_without_opencv(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 fails
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "cv2" else real(name, *a),
    )
    keys, note = default_models()
    assert keys == [key for key in DEFAULT_MODELS if not key.startswith("flow-")]
    assert "flow-pca, flow-cnn, flow-convlstm left out" in note
    assert 'pip install "sklearn_st[flow]"' in note
    # asked for by name, they fail before any work, naming the extra
    err = _error(capsys, "compare", *TINY, "--models", "ridge,flow-cnn")
    assert "--models: OpticalFlow needs OpenCV" in err and "[flow]" in err


def test_compare_records_each_fit_and_resume_skips_the_finished_ones(
    capsys, tmp_path, monkeypatch
):
    import sklearn_st.cli._approaches as compare_module

    X, y = make_moving_digits(20, n_frames=3, frame_size=12, random_state=0)
    path = tmp_path / "clips.npz"
    np.savez(path, X=X[..., 0], y=y[:, 0])
    args = [
        *("--data", str(path), "--cv", "2", "--models", "ridge,flatten"),
        *("--max-epochs", "1", "--out", str(tmp_path / "out"), "--no-progress"),
    ]
    fitted = []
    fit_and_score = compare_module._fit_and_score

    def counting(key, fold, *rest):
        fitted.append((key, fold))
        return fit_and_score(key, fold, *rest)

    monkeypatch.setattr(compare_module, "_fit_and_score", counting)
    assert _run(capsys, *args)[0] == 0
    first = json.loads((tmp_path / "out" / "results.json").read_text())
    log = tmp_path / "out" / "fits.jsonl"
    lines = log.read_text().splitlines()
    assert len(lines) == len(fitted) == 6  # 3 approaches (chance too) x 2 folds
    assert not (tmp_path / "out" / "checkpoints").exists()
    # a run stopped after 4 fits, the fifth line cut short by the stop
    log.write_text("\n".join(lines[:4]) + "\n" + lines[4][:20])
    fitted.clear()
    status, out, _ = _run(capsys, *args, "--resume")
    assert status == 0 and "resuming: 4 of 6 fits are done" in out
    assert len(fitted) == 2  # only the fits not finished
    again = json.loads((tmp_path / "out" / "results.json").read_text())
    for row, before in zip(again["models"], first["models"], strict=True):
        assert row["scores"] == pytest.approx(before["scores"])
    assert len(log.read_text().splitlines()) == 6
    # without --resume a run starts afresh
    fitted.clear()
    _run(capsys, *args)
    assert len(fitted) == 6


def test_forecast_resume_goes_on_from_a_stopped_fit(capsys, tmp_path, monkeypatch):
    import skorch

    from sklearn_st import ConvLSTMForecaster

    out = tmp_path / "out"
    args = [
        "forecast",
        *("--n-samples", "16", "--n-frames", "5", "--frame-size", "12"),
        *("--horizon", "2", "--max-epochs", "3", "--out", str(out), "--no-progress"),
    ]
    epochs = []
    fit = ConvLSTMForecaster.fit

    class Stop(skorch.callbacks.Callback):
        def on_epoch_begin(self, net, **kwargs):
            epochs.append(len(net.history))
            if stop and len(net.history) == 3:
                raise KeyboardInterrupt  # as a user's Ctrl-C reaches the fit

    def fit_with_stop(self, X, y=None, sample_weight=None):
        self.set_params(callbacks=[Stop()])
        return fit(self, X, y, sample_weight)

    monkeypatch.setattr(ConvLSTMForecaster, "fit", fit_with_stop)
    stop = True
    _run(capsys, *args)  # skorch ends a fit on Ctrl-C: 2 epochs, then scored
    assert epochs == [1, 2, 3]  # the third began, and stopped
    assert len(list((out / "checkpoints").iterdir())) == 1  # the stopped fit's
    stop, epochs[:] = False, []
    assert _run(capsys, *args, "--resume")[0] == 0
    assert epochs == [3]  # the third epoch only
    assert not (out / "checkpoints").exists()
