"""scikit-learn's own conformance checks on every public estimator."""

import functools
import inspect
import re
import subprocess
import sys

import numpy as np
import pytest
from fast import FAST, NET_CLASSES, PLAIN_CLASSES, fast, output, targets
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import (
    check_classifiers_train,
    check_regressors_train,
    parametrize_with_checks,
)

import sklearn_st

ESTIMATOR_CLASSES = [
    obj
    for obj in (getattr(sklearn_st, name) for name in sklearn_st.__all__)
    if isinstance(obj, type) and issubclass(obj, BaseEstimator)
]
# default-constructed: the defaults themselves must pass, learning included
ESTIMATORS = [cls() for cls in ESTIMATOR_CLASSES]


def test_common_discovers_every_public_estimator():
    names = {cls.__name__ for cls in ESTIMATOR_CLASSES}
    assert {
        "FrameFlattener",
        "FrameWise",
        "TemporalDifference",
        "CNNFeatureExtractor",
        "CNNLSTMRegressor",
        "CNNLSTMClassifier",
        "LSTMRegressor",
        "LSTMClassifier",
        "ConvLSTMRegressor",
        "ConvLSTMClassifier",
    } <= names


def _expected_failed_checks(estimator):
    """What a class declares it cannot pass, with the reason: the nets, the
    sample-weight equivalence check (EXPECTED_FAILED_CHECKS); the others
    nothing. pytest's xfail_strict makes a declared check that passes fail."""
    return getattr(estimator, "_expected_failed_checks", {})


def _check_params(estimator, check):
    """Parameters a check runs with, as scikit-learn's own common tests set some
    per check (PER_ESTIMATOR_CHECK_PARAMS): the checks that fit nets only to
    compare input containers (data not an array) with 5 epochs, and the
    classifiers' learning check repeated on read-only memmaps with 20; the
    learning checks themselves run every default."""
    if "max_epochs" not in estimator.get_params():
        return {}
    name = getattr(check, "func", check).__name__
    if name.endswith("data_not_an_array"):
        return {"max_epochs": 5}
    if name == "check_classifiers_train" and check.keywords.get("readonly_memmap"):
        return {"max_epochs": 20}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    params = _check_params(estimator, check)
    check(clone(estimator).set_params(**params) if params else estimator)


def test_common_learning_checks_run_the_defaults():
    # the first of each learning check's runs, on plain arrays, sees every default
    for estimator in ESTIMATORS:
        for check in (check_classifiers_train, check_regressors_train):
            assert _check_params(estimator, functools.partial(check)) == {}
            assert (
                _check_params(estimator, functools.partial(check, X_dtype="float32"))
                == {}
            )


def test_common_declares_only_the_sample_weight_equivalence_check():
    declared = {type(e).__name__: set(_expected_failed_checks(e)) for e in ESTIMATORS}
    nets = {name: checks for name, checks in declared.items() if checks}
    assert set(nets) == set(NET_CLASSES)
    assert all(
        checks == {"check_sample_weight_equivalence_on_dense_data"}
        for checks in nets.values()
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_common_two_d_checks_are_not_turned_off(estimator):
    # two_d_array=False makes scikit-learn skip every check silently
    assert get_tags(estimator).input_tags.two_d_array


@pytest.mark.parametrize("cls", ESTIMATOR_CLASSES, ids=lambda c: c.__name__)
def test_common_docstrings_state_each_class_own_defaults(cls):
    # shared parameter docs are filled per class; a default changed in one class
    # must show in its own docstring
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        pattern = rf"\n    {name} : [^\n]*default={re.escape(repr(param.default))}\n"
        assert re.search(pattern, cls.__doc__), (cls.__name__, name)


def _as_numpy(value):
    """Python ints and floats (also inside tuples) as NumPy scalars; bools and
    everything else as they are."""
    if isinstance(value, tuple):
        return tuple(_as_numpy(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float64(value)
    return value


def test_common_fast_table_covers_every_public_estimator():
    assert {cls.__name__ for cls in ESTIMATOR_CLASSES} == set(FAST)


@pytest.mark.parametrize("name", list(FAST))
def test_common_numeric_parameters_accept_numpy_scalars(name, sequences):
    # what a GridSearchCV over np.arange or np.linspace passes
    # early stopping, so that validation_fraction and n_iter_no_change are used
    estimator = fast(name) if name in PLAIN_CLASSES else fast(name, early_stopping=True)
    params = {k: _as_numpy(v) for k, v in estimator.get_params().items()}
    converted = [k for k, v in params.items() if isinstance(v, np.generic | tuple)]
    if name not in PLAIN_CLASSES:
        assert {"lr", "max_epochs", "batch_size", "validation_fraction"} <= set(
            converted
        )
    estimator.set_params(**params)
    X, _ = sequences
    fitted = estimator.fit(X, targets(estimator, len(X)))
    assert np.isfinite(np.asarray(output(fitted, X), dtype=float)).all()


def test_common_grid_search_over_a_numpy_range(clips):
    X, y = clips
    search = GridSearchCV(
        fast("ConvLSTMRegressor"),
        {"filters": np.arange(2, 4), "kernel_size": np.array([1, 3])},
        cv=2,
        error_score="raise",
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_.net_.module_.convlstm.cells[0]
    assert best.filters == search.best_params_["filters"]
    assert type(best.filters) is int  # the module got a Python int


def test_common_nn_stands_alone_and_the_package_loads_lazily():
    code = (
        "import sys, sklearn_st.nn, sklearn_st\n"
        "loaded = sorted(m for m in ('sklearn', 'skorch', 'scipy') if m in "
        "sys.modules)\n"
        "assert not loaded, loaded\n"
        "sklearn_st.LSTMRegressor\n"
        "assert 'skorch' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
