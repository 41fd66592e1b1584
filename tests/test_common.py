"""scikit-learn's own conformance checks on every public estimator."""

import inspect
import re

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn_st

ESTIMATOR_CLASSES = [
    obj
    for obj in (getattr(sklearn_st, name) for name in sklearn_st.__all__)
    if isinstance(obj, type) and issubclass(obj, BaseEstimator)
]
# default-constructed: the defaults themselves must pass, learning included
ESTIMATORS = [cls() for cls in ESTIMATOR_CLASSES]
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


def test_common_discovers_every_public_estimator():
    names = {cls.__name__ for cls in ESTIMATOR_CLASSES}
    assert {
        "FrameFlattener",
        "CNNFeatureExtractor",
        "CNNLSTMRegressor",
        "CNNLSTMClassifier",
        "LSTMRegressor",
        "LSTMClassifier",
        "ConvLSTMRegressor",
        "ConvLSTMClassifier",
    } <= names


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_common_has_no_expected_failures():
    assert EXPECTED_FAILED_CHECKS == {}


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
