"""Every Python snippet in README.md and in the user guide (docs/guide/*.md)
runs, each in a process of its own in an empty folder, and so does README's "On your own
data" block of shell commands. The snippets that are sized for minutes of training
(the quick example) or for GPUs (the multi-GPU one) run with their sizes shrunk by
named replacements, each of which must still match the text."""

import inspect
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from forked import run_forked

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
GUIDE = {path.name: path.read_text() for path in (ROOT / "docs" / "guide").glob("*.md")}
SNIPPETS = [
    code
    for text in (README, *GUIDE.values())
    for code in re.findall(r"```python\n(.*?)```", text, re.S)
]


def _snippet(marker):
    """The one Python snippet of README.md or the guide that contains ``marker``."""
    found = [code for code in SNIPPETS if marker in code]
    assert len(found) == 1, f"{len(found)} README snippets contain {marker!r}"
    return found[0]


def _shrink(code, replacements):
    for old, new in replacements:
        assert old in code, f"README's snippet no longer contains {old!r}"
        code = code.replace(old, new)
    return code


def _run(code, folder, fresh=False):
    """Run ``code`` as a script in ``folder``; its stdout. In a child forked from
    this process, so that it starts without importing torch and the package again
    (seconds each); ``fresh``: in a new interpreter, for a snippet whose own
    worker processes import the script (dask's)."""
    script = folder / "snippet.py"
    script.write_text(code)
    if fresh:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout
    exitcode = run_forked(_run_script, script)
    assert exitcode == 0, (folder / "stderr.txt").read_text()[-3000:]
    return (folder / "stdout.txt").read_text()


def _run_script(script):
    """In the child: run ``script`` as ``__main__`` in its folder, its output and
    errors (Python's and the libraries') into stdout.txt and stderr.txt there."""
    os.chdir(script.parent)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        with open(name, "wb") as file:
            os.dup2(file.fileno(), fd)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    sys.argv = [str(script)]
    # an exception: multiprocessing prints it to sys.stderr, flushes both streams
    # and exits with 1
    runpy.run_path(str(script), run_name="__main__")


# marker of each snippet: the test below that runs it
MARKERS = {
    "ConvLSTMForecaster(horizon=4": "test_readme_quick_example",
    "skops.io": "test_readme_skops",
    "h5py.File": "test_readme_hdf5",
    "LocalCluster": "test_readme_dask",
    "AccelerateMixin": "test_readme_accelerate",
    "RecordingTimeSplit(3)": "test_readme_video",
    "to_onnx(model, X[:2]": "test_guide_onnx",
    "lstm.ckpt": "test_guide_checkpoint",
}


def test_readme_every_python_snippet_is_run():
    for code in SNIPPETS:
        assert [m for m in MARKERS if m in code], code
    assert len(SNIPPETS) == len(MARKERS)
    # and the test named for each marker runs that snippet
    for marker, name in MARKERS.items():
        assert f'_snippet("{marker}")' in inspect.getsource(globals()[name]), name


def test_readme_quick_example(tmp_path):
    code = _shrink(
        _snippet("ConvLSTMForecaster(horizon=4"),
        [
            ("make_moving_digits(300,", "make_moving_digits(60,"),
            ("max_epochs=10", "max_epochs=1"),
            ("max_epochs=5", "max_epochs=1"),
            ("X[:250]", "X[:40]"),
            ("X[250:]", "X[40:]"),
        ],
    )
    out = _run(code, tmp_path)
    printed = README.split("It prints:", 1)[1].split("```")[1].strip().splitlines()
    labels = [line.rsplit(":", 1)[0] for line in printed]
    lines = out.strip().splitlines()
    assert [line.rsplit(":", 1)[0] for line in lines] == labels
    assert lines[2].endswith(": (20, 4, 32, 32, 1)")
    for line in (lines[0], lines[1], lines[3]):
        float(line.rsplit(":", 1)[1])


def test_guide_checkpoint(tmp_path):
    out = _run(_snippet("lstm.ckpt"), tmp_path)
    assert out.split() == ["3"]
    assert not (tmp_path / "lstm.ckpt").exists()  # removed when the fit ended


def test_readme_skops(tmp_path):
    pytest.importorskip("skops")
    out = _run(_snippet("skops.io"), tmp_path)
    assert out.splitlines() == [
        "['sklearn_st.estimators._convlstm.ConvLSTMRegressor']",
        "True",
    ]


def test_readme_hdf5(tmp_path):
    pytest.importorskip("h5py")
    out = _run(_snippet("h5py.File"), tmp_path)
    assert float(out.split("held-out R^2:")[1]) > 0.5


def test_readme_dask(tmp_path):
    pytest.importorskip("distributed")
    code = _shrink(
        _snippet("LocalCluster"),
        [
            ("make_moving_digits(200,", "make_moving_digits(40,"),
            ("max_epochs=20", "max_epochs=2"),
        ],
    )
    out = _run(code, tmp_path, fresh=True)
    assert out.strip().splitlines()[-1] in {
        "{'lstmregressor__hidden_size': 16}",
        "{'lstmregressor__hidden_size': 32}",
    }


def test_readme_accelerate(tmp_path):
    pytest.importorskip("accelerate")
    code = _shrink(
        _snippet("AccelerateMixin"),
        [
            ("make_moving_digits(4096,", "make_moving_digits(32,"),
            ("frame_size=64", "frame_size=16"),
            ("(64, 64)", "(16, 16)"),
            ("max_epochs=20", "max_epochs=2"),
        ],
    )
    out = _run(code, tmp_path)
    # skorch's epoch table: both epochs trained on the accelerator's device
    assert re.search(r"^ +2 +\S+", out, re.M), out


def test_readme_video(tmp_path):
    pytest.importorskip("av")
    pytest.importorskip("skimage")
    code = _shrink(
        _snippet("RecordingTimeSplit(3)"),
        [("n_frames=400", "n_frames=60"), ("max_epochs=5", "max_epochs=1")],
    )
    out = _run(code, tmp_path).splitlines()
    assert out[0].endswith(": 28 clips of 32x32")  # 14 clips of each recording
    scores = out[-1].split("[")[1].strip("]").split()
    assert len(scores) == 3 and all(0 <= float(s) <= 1 for s in scores)


def test_guide_onnx(tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    code = _shrink(
        _snippet("to_onnx(model, X[:2]"),
        [
            ("make_moving_digits(200,", "make_moving_digits(60,"),
            ("max_epochs=5", "max_epochs=1"),
        ],
    )
    assert _run(code, tmp_path).split() == ["True", "True"]


def _own_data_block(text):
    """The shell block of ``text`` that starts "# your clips as arrays X"."""
    blocks = re.findall(r"```bash\n(# your clips as arrays X.*?)```", text, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_readme_on_your_own_data_runs_as_printed(tmp_path):
    pytest.importorskip("av")
    pytest.importorskip("skimage")
    block = _own_data_block(README)
    # the guide shows the same commands
    assert _own_data_block(GUIDE["performance.md"]) == block
    # it installs what it uses: the video extra before the first --video
    lines = block.splitlines()
    first_video = next(i for i, line in enumerate(lines) if "--video" in line)
    assert 'pip install ".[video]"' in lines[:first_video]
    script = _shrink(
        block,
        [
            ("make_moving_digits(300,", "make_moving_digits(40,"),
            ("np.arange(300) // 30", "np.arange(40) // 10"),
            ("--cv 5", "--cv 2 --max-epochs 1 --no-progress"),
            ("--groups recording", "--groups recording --max-epochs 1 --no-progress"),
            ('pip install ".[video]"', 'python -c "import av"'),  # installed here
            ("w('walk.mp4', 400,", "w('walk.mp4', 40,"),
            ("w('run.mp4', 400,", "w('run.mp4', 40,"),
            (
                "--frame-size 64",
                "--frame-size 16 --max-epochs 1 --models ridge --no-progress",
            ),
        ],
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "results" / "results.json").exists()
    # three comparisons, each ending with its chance row
    assert done.stdout.count("chance") >= 3, done.stdout[-2000:]
    # the two videos' frames differ in shape: read at one, and said so
    assert "all are read at 16x16" in done.stdout, done.stdout[-2000:]
