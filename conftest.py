"""Test configuration shared by the tests and the doctests."""

import os

# scikit-learn's array API check skips itself unless SciPy sees this at import time;
# set it before anything imports SciPy so that no check is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
# pytest-xdist runs the tests in one process per core (``-n auto``): one torch
# thread each, set before torch is imported, so that they do not slow each
# other down by sharing the cores
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed_everything():
    """Each test starts from the same global random state."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(autouse=True)
def _doctests_write_into_a_temporary_folder(request, tmp_path, monkeypatch):
    """Doctests that write files (videos) write them into a fresh folder."""
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(tmp_path)
