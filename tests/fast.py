"""Fast test settings for every public class, and how to fit and use one.

A table as imbalanced-learn keeps one: each class's parameters for tiny data and
few epochs, so that a test over all classes stays quick.
"""

import numpy as np
from sklearn.base import is_classifier

import sklearn_st

FAST = {
    "FrameFlattener": {},
    "TemporalDifference": {},
    "FrameWise": {},
    "OpticalFlow": {},
    "CNNFeatureExtractor": {"channels": (2,), "n_features": 3, "max_epochs": 1},
    "LSTMRegressor": {"hidden_size": 4, "max_epochs": 1},
    "LSTMClassifier": {"hidden_size": 4, "max_epochs": 1},
    "CNNLSTMRegressor": {"channels": (2,), "n_features": 3, "max_epochs": 1},
    "CNNLSTMClassifier": {"channels": (2,), "n_features": 3, "max_epochs": 1},
    "ConvLSTMRegressor": {"filters": 2, "max_epochs": 1},
    "ConvLSTMClassifier": {"filters": 2, "max_epochs": 1},
    "ConvLSTMForecaster": {"filters": 2, "max_epochs": 1},
    "PersistenceForecaster": {},
    "FlowExtrapolationForecaster": {},
}
#: the public classes without a torch module, and those that train one
PLAIN_CLASSES = [
    "FrameFlattener",
    "TemporalDifference",
    "FrameWise",
    "OpticalFlow",
    "PersistenceForecaster",
    "FlowExtrapolationForecaster",
]
NET_CLASSES = [name for name in FAST if name not in PLAIN_CLASSES]


def assert_batch_invariant(actual, expected):
    """A prediction computed among other clips and alone (or in another order):
    the same within float32 rounding, the tolerance the user guide states (bit
    for bit on AVX2 and AVX-512 CPUs; an AMX CPU rounds a row by its place in
    the batch)."""
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def fast(name, **params):
    """A fast, seeded instance of the public class ``name``."""
    cls = getattr(sklearn_st, name)
    seeded = {} if name in PLAIN_CLASSES else {"random_state": 0}
    return cls(**{**seeded, **FAST[name], **params})


def targets(estimator, n_samples):
    """Labels for a classifier, numbers for anything else."""
    if is_classifier(estimator):
        return np.array(["a", "b"] * n_samples)[:n_samples]
    return np.linspace(-1.0, 1.0, n_samples)


def fit_data(estimator, X):
    """``X`` as ``estimator`` reads it (flattened frames for the LSTMs, which take
    feature sequences) and :func:`targets` for it."""
    if 5 not in getattr(estimator, "_input_ndims", (5,)):
        X = X.reshape(*X.shape[:2], -1)
    return X, targets(estimator, len(X))


def output(fitted, X):
    """What a fitted estimator gives for ``X``: probabilities, predictions or
    features."""
    for method in ("predict_proba", "predict", "transform"):
        if hasattr(fitted, method):
            return getattr(fitted, method)(X)
    raise AssertionError(f"{type(fitted).__name__} has no output method")
