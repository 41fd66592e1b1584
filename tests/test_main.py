"""The command line, python -m sklearn_st."""

import re
import subprocess
import sys

import pytest

from sklearn_st.__main__ import main


def test_main_prints_a_table_of_every_model(capsys):
    status = main(
        [
            *("--n-samples", "24", "--n-frames", "3", "--frame-size", "16"),
            *("--cv", "2", "--max-epochs", "2"),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "X (24, 3, 16, 16, 1) uint8" in out
    rows = re.findall(r"^(flatten.*?)\s+(-?\d+\.\d+) ± (\d+\.\d+)\s+", out, re.M)
    assert [name for name, _, _ in rows] == [
        "flatten -> LSTMRegressor",
        "flatten(time) -> RidgeCV",
    ]
    for name in ["cnn -> LSTMRegressor", "CNNLSTMRegressor", "ConvLSTMRegressor"]:
        assert re.search(rf"^{name}\s+-?\d+\.\d+ ± \d+\.\d+", out, re.M), name


def test_main_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--cv", "1"])
    assert exc.value.code == 2
    assert "need --cv >= 2" in capsys.readouterr().err


def test_main_help_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_st", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "moving digits" in result.stdout
