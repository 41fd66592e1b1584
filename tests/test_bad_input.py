"""Bad input, for every public class (the table of ``fast.py``): each bad value or
type gets a ValueError or TypeError with scikit-learn's message, from ``fit`` and
from ``predict``/``transform`` after a good fit, in memory and behind an
indexable array; another per-sample shape after fit gets a message naming both
shapes. ``check_sequences`` itself is tested in ``test_validation.py``."""

import re
from functools import cache

import numpy as np
import pytest
from fast import FAST, fast, fit_data, output
from indexable import Indexable
from scipy import sparse
from sklearn.base import clone

from sklearn_st import LSTMRegressor

#: good clips of the contract's full layout; the LSTMs get them flattened
GOOD = np.random.RandomState(0).normal(size=(6, 4, 3, 3, 1))


def _with(value):
    X = GOOD.copy()
    X[1, 2, 0, 1, 0] = value
    return X


BAD_INPUTS = {
    "nan": (_with(np.nan), ValueError, "Input X contains NaN"),
    "inf": (_with(np.inf), ValueError, "Input X contains infinity"),
    "-inf": (_with(-np.inf), ValueError, "Input X contains infinity"),
    "complex": (GOOD + 1j, ValueError, "Complex data not supported"),
    "strings": (GOOD.astype(str), ValueError, "bytes/strings"),
    "objects": (
        np.full(GOOD.shape, {"a": 1}, dtype=object),
        TypeError,
        "argument must be a string or a( real)? number",
    ),
    "no samples": (GOOD[:0], ValueError, "0 sample"),
    "no frames": (GOOD[:, :0], ValueError, "empty per-sample dimension"),
    "1-D": (GOOD[:, 0, 0, 0, 0], ValueError, "Reshape your data"),
    "6-D": (GOOD[..., None], ValueError, "got a 6-D array"),
}
#: the values an indexable array (h5py, zarr) can hold and still be bad
LAZY = ["nan", "inf", "-inf"]


@cache
def _fitted(name):
    estimator = fast(name)
    return estimator.fit(*fit_data(estimator, GOOD))


def _as_read(estimator, X):
    """``X`` in the layout ``estimator`` reads, if it has samples of the layout."""
    if X.ndim == GOOD.ndim and 5 not in getattr(estimator, "_input_ndims", (5,)):
        return X.reshape(*X.shape[:2], np.prod(X.shape[2:], dtype=int))
    return X


@pytest.mark.parametrize("name", FAST)
@pytest.mark.parametrize("case", [*BAD_INPUTS, *(f"{c} (indexable)" for c in LAZY)])
def test_bad_input_in_fit_and_after(name, case):
    X, error, match = BAD_INPUTS[case.removesuffix(" (indexable)")]
    estimator = fast(name)
    X = _as_read(estimator, X)
    if case.endswith("(indexable)"):
        X = Indexable(X)
    y = fit_data(estimator, GOOD)[1][: max(len(X), 1)]
    with pytest.raises(error, match=match) as fit_error:
        estimator.fit(X, y)
    # refused by the input checks, before the data reaches torch
    assert "/torch/" not in str(fit_error.traceback[-1].path)
    with pytest.raises(error, match=match):
        output(_fitted(name), X)


@pytest.mark.parametrize("name", FAST)
def test_bad_input_sparse(name):
    estimator = fast(name)
    X = sparse.csr_array(GOOD[:, :, 0, 0, 0])
    with pytest.raises(TypeError, match="Sparse data was passed"):
        estimator.fit(X, fit_data(estimator, GOOD)[1])


@pytest.mark.parametrize("name", FAST)
def test_bad_input_other_sample_shape_names_both(name):
    fitted = _fitted(name)
    other = _as_read(fitted, np.zeros((2, 4, 3, 2, 1)))
    wanted, got = fitted.sample_shape_, other.shape[1:]
    # a Pipeline's first step names itself
    owner = type(fitted[0] if hasattr(fitted, "steps") else fitted).__name__
    match = (
        rf"X has per-sample shape {re.escape(str(got))}, but {owner} was fitted "
        rf"on per-sample shape {re.escape(str(wanted))}"
    )
    with pytest.raises(ValueError, match=match):
        output(fitted, other)


def test_bad_targets_for_regressors():
    X = GOOD.reshape(6, 4, -1)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        LSTMRegressor().fit(X, np.full(6, np.nan))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LSTMRegressor().fit(X, np.arange(5.0))
    with pytest.raises(ValueError, match="requires y to be passed"):
        LSTMRegressor().fit(X, None)


@pytest.mark.parametrize(
    "name", ["LSTMRegressor", "CNNLSTMRegressor", "CNNFeatureExtractor"]
)
def test_diverging_fit_stops_with_an_error_naming_the_learning_rate(name):
    estimator = fast(name, max_epochs=5, lr=1e6, optimizer="sgd")
    X = fit_data(estimator, GOOD)[0]
    with pytest.raises(
        ValueError, match=r"diverged: .* Lower the learning rate \(lr=1e\+06"
    ):
        clone(estimator).fit(X * 1e3, np.arange(6.0) * 1e3)
