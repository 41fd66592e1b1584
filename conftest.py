"""Test configuration shared by the tests and the doctests."""

import os

# scikit-learn's array API check skips itself unless SciPy sees this at import time;
# set it before anything imports SciPy so that no check is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed_everything():
    """Each test starts from the same global random state."""
    np.random.seed(0)
    torch.manual_seed(0)
