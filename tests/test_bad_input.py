"""Every bad input gets a ValueError or TypeError with a message, from every class."""

import numpy as np
import pytest
from scipy import sparse

from sklearn_st import (
    CNNFeatureExtractor,
    CNNLSTMRegressor,
    FrameFlattener,
    LSTMRegressor,
)

GOOD = np.random.RandomState(0).normal(size=(6, 4, 3))
Y = np.arange(6.0)


def _with(value):
    X = GOOD.copy()
    X[1, 2, 0] = value
    return X


BAD_INPUTS = [
    ("nan", _with(np.nan), ValueError, "Input X contains NaN"),
    ("inf", _with(np.inf), ValueError, "Input X contains infinity"),
    ("complex", GOOD + 1j, ValueError, "Complex data not supported"),
    ("strings", GOOD.astype(str), ValueError, "bytes/strings"),
    (
        "objects",
        np.array([[{"a": 1}] * 4] * 6, dtype=object),
        TypeError,
        "argument must be a string or a( real)? number",
    ),
    ("sparse", sparse.csr_array(GOOD[:, :, 0]), TypeError, "Sparse data was passed"),
    ("no samples", GOOD[:0], ValueError, "0 sample"),
    ("no frames", GOOD[:, :0], ValueError, "empty per-sample dimension"),
    ("1-D", GOOD[:, 0, 0], ValueError, "Reshape your data"),
    ("6-D", np.zeros((6, 4, 2, 2, 1, 1)), ValueError, "got a 6-D array"),
]
_CNN = {"channels": (2,), "n_features": 3, "max_epochs": 1}
ESTIMATORS = [
    FrameFlattener(),
    LSTMRegressor(max_epochs=1),
    CNNFeatureExtractor(**_CNN),
    CNNFeatureExtractor(objective="supervised", **_CNN),
    CNNLSTMRegressor(**_CNN),
]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "X, error, match", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_in_fit_and_after(estimator, X, error, match):
    y = Y[: X.shape[0]] if hasattr(X, "shape") and X.ndim else Y
    with pytest.raises(error, match=match):
        estimator.fit(X, y)
    fitted = estimator.fit(GOOD, Y)
    method = fitted.predict if hasattr(fitted, "predict") else fitted.transform
    with pytest.raises(error, match=match):
        method(X)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_bad_input_other_sample_shape(estimator):
    fitted = estimator.fit(GOOD, Y)
    method = fitted.predict if hasattr(fitted, "predict") else fitted.transform
    with pytest.raises(ValueError, match=r"per-sample shape \(4, 5\).*\(4, 3\)"):
        method(np.zeros((2, 4, 5)))


def test_bad_targets_for_regressors():
    with pytest.raises(ValueError, match="Input y contains NaN"):
        LSTMRegressor().fit(GOOD, np.full(6, np.nan))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LSTMRegressor().fit(GOOD, Y[:5])
    with pytest.raises(ValueError, match="requires y to be passed"):
        LSTMRegressor().fit(GOOD, None)


@pytest.mark.parametrize(
    "estimator",
    [
        LSTMRegressor(max_epochs=5),
        CNNLSTMRegressor(**{**_CNN, "max_epochs": 5}),
        CNNFeatureExtractor(**{**_CNN, "max_epochs": 5}),
    ],
    ids=lambda e: type(e).__name__,
)
def test_diverging_fit_stops_with_an_error_naming_the_learning_rate(estimator):
    estimator.set_params(lr=1e6, optimizer="sgd")
    with pytest.raises(
        ValueError, match=r"diverged: .* Lower the learning rate \(lr=1e\+06"
    ):
        estimator.fit(GOOD * 1e3, Y * 1e3)
