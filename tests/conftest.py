"""Fixtures shared by the test files (the seeding fixture is in the root
conftest.py, shared with the doctests)."""

import numpy as np
import pytest

from sklearn_st.datasets import make_moving_digits


@pytest.fixture(scope="session")
def clips():
    """Tiny moving-digit clips: uint8 ``(24, 3, 12, 12, 1)``, velocity ``(24, 2)``."""
    X, y = make_moving_digits(24, n_frames=3, frame_size=12, random_state=0)
    X.flags.writeable = False  # shared by many tests: none may change it
    return X, y


@pytest.fixture(scope="session")
def sequences():
    """Feature sequences ``(40, 4, 3)`` with a learnable sum as target."""
    X = np.random.RandomState(0).normal(size=(40, 4, 3))
    X.flags.writeable = False
    return X, X[:, :, 0].sum(axis=1)


@pytest.fixture(scope="session")
def labelled(sequences):
    """The same sequences with labels 'up'/'down' (the sign of the sum)."""
    X, y = sequences
    return X, np.where(y > 0, "up", "down")
