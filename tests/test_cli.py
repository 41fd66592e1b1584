"""What a new user of the command line met: videos of different sizes, a table
that did not say which approach won or why, a legend over the points, errors
that did not name the command."""

import types

import numpy as np
import pytest
from test_main import _error, _run

from sklearn_st.cli._compare import _quick_note, _winner


@pytest.fixture(scope="module")
def three_sizes(tmp_path_factory):
    """Footage at 32x32, 24x40 and 32x32 (two shapes; one the most common)."""
    pytest.importorskip("av")
    from sklearn_st.datasets import write_camera_video

    folder = tmp_path_factory.mktemp("sizes")
    paths = []
    for seed, size in enumerate([(32, 32), (24, 40), (32, 32)]):
        path = folder / f"video{seed}.mp4"
        write_camera_video(path, n_frames=20, frame_size=size, random_state=seed)
        paths.append(str(path))
    return paths


def test_compare_reads_videos_of_different_sizes_at_one_and_says_how(
    capsys, tmp_path, three_sizes
):
    args = ["--video", *three_sizes, "--n-frames", "4", "--models", "ridge"]
    args += ["--cv", "2", "--out", str(tmp_path), "--no-progress"]
    status, out, _ = _run(capsys, *args, "--frame-size", "16")
    assert status == 0
    # at side 16 the shapes are 16x16, 16x27 and 16x16: the common one wins
    assert (
        "the videos' frames differ in shape (32x32: video0.mp4 and 1 more, 24x40: "
        "video1.mp4); all are read at 16x16" in out
    )
    assert "all are read at 16x16, the shape most of them have" in out
    assert "uint8" in out and "X (27, 4, 16, 16, 3)" in out
    # HEIGHTxWIDTH (or HEIGHT,WIDTH) reads every video so, said by the shape alone
    status, out, _ = _run(capsys, *args, "--frame-size", "12x20")
    assert status == 0 and "X (27, 4, 12, 20, 3)" in out
    assert "differ in shape" not in out
    status, out, _ = _run(capsys, *args, "--frame-size", "12,20")
    assert status == 0 and "X (27, 4, 12, 20, 3)" in out


def test_video_clips_crop_keeps_the_aspect_ratio(three_sizes):
    from sklearn_st.video import VideoClips, read_video

    # 24x40 at (16, 16): scaled to cover it (16x27), its middle 16 columns kept
    clips = VideoClips(three_sizes[1], 20, size=(16, 16), crop=True)
    scaled = read_video(three_sizes[1], size=16)
    assert scaled.shape[1:3] == (16, 27)
    np.testing.assert_array_equal(clips[0], scaled[:, :, 5:21])
    assert repr(clips).endswith("size=(16, 16), crop=True): 1 clips of 16x16")
    stretched = VideoClips(three_sizes[1], 20, size=(16, 16))
    assert stretched.shape == clips.shape and not np.array_equal(stretched[0], clips[0])
    # an int size: the shape most files have at that side, the others cut to it
    common = VideoClips(three_sizes, 20, size=16, crop=True)
    assert common.frame_size == (16, 16)
    np.testing.assert_array_equal(common[1], scaled[:, :, 5:21])
    with pytest.raises(ValueError, match="differ in size"):
        VideoClips(three_sizes, 20, size=16)  # without crop: refused as before
    # a file of the asked aspect ratio is the same either way
    square = VideoClips(three_sizes[0], 20, size=(16, 16), crop=True)
    np.testing.assert_array_equal(square[0], read_video(three_sizes[0], size=16))


def test_too_few_frames_says_which_n_frames_fits(capsys, three_sizes):
    err = _error(capsys, "--video", *three_sizes[:2], "--n-frames", "500")
    assert (
        "python -m sklearn_st compare: error: --video: "
        f"{three_sizes[0]}: 20 frames are too few for one clip of 500 frames, "
        "which spans 500 frames; use --n-frames 20 or fewer." in err
    )


@pytest.mark.parametrize("command", ["compare", "forecast"])
def test_errors_name_the_command_and_the_option(capsys, command):
    err = _error(capsys, command, "--frame-size", "32", "32")
    assert err.startswith(
        f"python -m sklearn_st {command}: error: unrecognized arguments: 32 "
        "(--frame-size takes one value)"
    )
    err = _error(capsys, command, "--no-progress", "5")
    assert "unrecognized arguments: 5 (--no-progress takes no value)" in err
    err = _error(capsys, command, "--frame-size", "32x")
    assert "expected one side or HEIGHTxWIDTH in pixels, e.g. 32 or 32x48" in err
    # compare is the default command, and its errors say so
    err = _error(capsys, "--frame-size", "32", "32")
    assert err.startswith("python -m sklearn_st compare: error:")


def _row(key, name, score, std=0.01, seconds=1.0):
    return {
        "key": key,
        "name": name,
        "score_mean": score,
        "score_std": std,
        "scores": [score, score],
        "fit_seconds_mean": seconds,
        "predict_seconds_mean": 0.01,
        "n_parameters": 10,
        "estimator": {"class": name},
    }


CHANCE = _row("chance", "chance (the training mean)", -0.01)


def test_the_winner_and_its_margins_are_said():
    report = [
        _row("ridge", "Ridge", 0.60),
        _row("convlstm", "ConvLSTM", 0.81, std=0.02),
        _row("cnn", "CNN", 0.75, std=0.02),
    ]
    assert _winner(report, CHANCE, "R^2") == (
        "best: ConvLSTM, 0.810 R^2: 0.820 above chance (the training mean), 0.060 "
        "above the runner-up, CNN (0.750)"
    )
    close = [_row("convlstm", "ConvLSTM", 0.81, 0.05), _row("cnn", "CNN", 0.78, 0.05)]
    assert "within the spread of their scores over folds (0.100)" in _winner(
        close, CHANCE, "R^2"
    )
    worse = [_row("ridge", "Ridge", -0.05)]
    assert _winner(worse, CHANCE, "R^2") == (
        "best: Ridge, -0.050 R^2: 0.040 below chance (the training mean)"
    )


def test_compare_prints_the_best_row_and_the_winner(capsys, tmp_path):
    args = ["--data", "moving-digits", "--n-samples", "24", "--n-frames", "3"]
    args += ["--frame-size", "12x16", "--cv", "2", "--models", "ridge"]
    status, out, _ = _run(capsys, *args, "--out", str(tmp_path), "--no-progress")
    assert status == 0 and "X (24, 3, 12, 16, 1)" in out  # HxW for bundled data
    ridge = next(line for line in out.splitlines() if line.startswith("FrameFlat"))
    assert ridge.endswith("<- best")
    chance = next(line for line in out.splitlines() if line.startswith("chance"))
    assert "best" not in chance
    table_end = out.index("<- best")
    assert "best: FrameFlattener(time) -> Ridge, " in out[table_end:]
    assert "above chance (the training mean)" in out


def test_quick_says_when_short_training_is_why_deep_rows_are_low(
    capsys, tmp_path, monkeypatch
):
    import sklearn_st.cli._compare as compare

    def scored(models, X, y, **kwargs):  # no training: the rows as --quick left them
        scores = {"ridge": 0.70, "convlstm": 0.05, "cnn-lstm": 0.66}
        rows = [_row(key, key, scores[key]) for key in models if key != "chance"]
        return [*rows, CHANCE]

    monkeypatch.setattr(compare, "run", scored)
    args = ["--quick", "--data", "moving-digits", "--n-samples", "24", "--n-frames"]
    args += ["3", "--frame-size", "12", "--models", "ridge,convlstm,cnn-lstm"]
    status, out, _ = _run(capsys, *args, "--out", str(tmp_path), "--no-progress")
    assert status == 0
    assert (
        "note: --quick trains every neural approach for 10 epochs, far fewer than "
        "their defaults: convlstm may score low for that alone" in out
    )
    # the epochs given by hand: no such note
    status, out, _ = _run(capsys, *args, "--max-epochs", "3", "--out", str(tmp_path))
    assert "note: --quick" not in out
    args = types.SimpleNamespace(quick_set=["max_epochs"], max_epochs=10)
    near = [_row("ridge", "ridge", 0.70), _row("convlstm", "ConvLSTM", 0.65)]
    assert _quick_note(near, args) is None  # deep rows not low: nothing to say


def test_the_legend_never_hides_a_point(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.figure

    from sklearn_st.cli._report import plot_comparison

    drawn = []
    save = matplotlib.figure.Figure.savefig

    def keep(fig, *args, **kwargs):
        drawn.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    # points in every corner, where a legend inside the axes would go
    report = [
        _row(f"m{i}", f"approach number {i}", score, seconds=seconds)
        for i, (score, seconds) in enumerate(
            [(0.95, 0.5), (0.95, 200.0), (0.05, 0.5), (0.05, 200.0), (0.5, 10.0)]
        )
    ]
    X = np.zeros((2, 3, 8, 8))
    plot_comparison(report, X, metric="R^2", path=tmp_path / "c.png", chance=CHANCE)
    (fig,) = drawn
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    points = ax.transData.transform(
        [(row["fit_seconds_mean"], row["score_mean"]) for row in report]
    )
    assert not any(legend.contains(x, y) for x, y in points)
    assert not legend.overlaps(ax.get_window_extent())
