"""Property-based tests: any shape and dtype of the contract works, for every
public estimator, in memory and behind an indexable array (bad values:
``test_bad_input.py``)."""

import numpy as np
import pytest
from fast import FAST, fast, targets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from indexable import Indexable
from sklearn.base import clone

ESTIMATORS = [fast(name) for name in FAST]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DTYPES = st.sampled_from(
    [np.uint8, np.int16, np.int64, np.float32, np.float64, np.bool_]
)


@st.composite
def sequences(draw):
    """A batch of the array contract: 2-D to 5-D, small sides, any real dtype."""
    ndim = draw(st.integers(2, 5))
    n_samples = draw(st.integers(4, 6))
    sides = draw(st.lists(st.integers(1, 4), min_size=ndim - 1, max_size=ndim - 1))
    dtype = draw(DTYPES)
    elements = (
        st.floats(-100, 100, width=32)
        if np.dtype(dtype).kind == "f"
        else None  # every value of the integer or bool dtype
    )
    return draw(hnp.arrays(dtype, (n_samples, *sides), elements=elements))


def _output(fitted, X):
    out = fitted.predict(X) if hasattr(fitted, "predict") else fitted.transform(X)
    return np.asarray(out)  # a lazy FlatFrames read


def _maybe_indexable(X, wrap):
    """``X``, or (3-D and up) ``X`` behind an indexable that is not an ndarray."""
    return Indexable(X) if wrap and X.ndim >= 3 else X


def _accepts(estimator, X):
    return X.ndim in getattr(estimator, "_input_ndims", (2, 3, 4, 5))


def _too_short(estimator, X):
    """Too few frames for ``TemporalDifference``'s order, the forecaster's horizon
    or a flow between two frames."""
    lost = 1 if type(estimator).__name__ == "OpticalFlow" else 0
    return X.shape[1] <= getattr(
        estimator, "order", getattr(estimator, "horizon", lost)
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@SETTINGS
@given(X=sequences(), wrap=st.booleans())
def test_property_every_contract_shape_and_dtype(estimator, X, wrap):
    estimator = clone(estimator)
    y = targets(estimator, len(X))
    X_in = _maybe_indexable(X, wrap)
    if not _accepts(estimator, X):
        with pytest.raises(ValueError, match=r"\d-D"):
            estimator.fit(X_in, y)
        return
    if _too_short(estimator, X):
        with pytest.raises(ValueError, match=r"needs (more than|clips of at least)"):
            estimator.fit(X_in, y)
        return
    out = _output(estimator.fit(X_in, y), X_in)
    assert len(out) == len(X)
    if out.dtype.kind == "f":
        assert np.isfinite(out).all()
    assert estimator.sample_shape_ == X.shape[1:]
