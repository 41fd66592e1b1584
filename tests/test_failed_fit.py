"""A fit either succeeds or changes nothing: for every public class, a fitted
estimator whose refit fails (bad values, a new setting with bad values, a
continued fit stopped by an error mid-training) predicts exactly what it did
before and still pickles, as the first fit left it."""

import pickle

import numpy as np
import pytest
import skorch
from fast import FAST, NET_CLASSES, fast, fit_data
from sklearn.decomposition import PCA

#: a setting of each class that changes the fitted model (recorded at fit)
OTHER_SETTING = {
    "FrameFlattener": {"flatten_time": True},
    "TemporalDifference": {"order": 2},
    "FrameWise": {"transformer": PCA(2)},
    "OpticalFlow": {"preset": "fast"},
    "CNNFeatureExtractor": {"n_features": 4},
    "LSTMRegressor": {"hidden_size": 5},
    "LSTMClassifier": {"hidden_size": 5},
    "CNNLSTMRegressor": {"n_features": 4},
    "CNNLSTMClassifier": {"n_features": 4},
    "ConvLSTMRegressor": {"filters": 3},
    "ConvLSTMClassifier": {"filters": 3},
    "ConvLSTMForecaster": {"loss": "bce"},
    "PersistenceForecaster": {"horizon": 2},
    "FlowExtrapolationForecaster": {"n_pairs": 2},
}


def _data(estimator):
    X = np.random.RandomState(0).randint(0, 256, size=(16, 5, 8, 8, 1))
    return fit_data(estimator, X.astype(np.float32))


def _outputs(estimator, X):
    return [
        getattr(estimator, method)(X)
        for method in ("predict", "predict_proba", "transform")
        if hasattr(estimator, method)
    ]


def _assert_unchanged(estimator, before, X):
    for old, new in zip(before, _outputs(estimator, X), strict=True):
        np.testing.assert_array_equal(new, old)
    loaded = pickle.loads(pickle.dumps(estimator))
    for old, new in zip(before, _outputs(loaded, X), strict=True):
        np.testing.assert_array_equal(new, old)


def _fitted(name):
    if name in ("OpticalFlow", "FlowExtrapolationForecaster", "ConvLSTMForecaster"):
        pytest.importorskip("cv2")
    estimator = fast(name)
    X, y = _data(estimator)
    return estimator.fit(X, y), X, y


class FailAfterOneBatch(skorch.callbacks.Callback):
    """Raises once a batch has trained: a fit that fails halfway."""

    def on_batch_end(self, net, **kwargs):
        raise RuntimeError("stopped after one batch")


def test_every_public_class_is_checked():
    assert set(OTHER_SETTING) == set(FAST)


@pytest.mark.parametrize("name", list(FAST))
@pytest.mark.parametrize("setting", ["same", "other"])
def test_a_refit_on_bad_values_leaves_the_model_as_it_was(name, setting):
    estimator, X, y = _fitted(name)
    attributes = set(vars(estimator))
    before = _outputs(estimator, X)
    if setting == "other":
        estimator.set_params(**OTHER_SETTING[name])
    bad = X.copy()
    bad[3, 2] = np.nan
    bad_values = [bad]
    if name == "ConvLSTMForecaster" and setting == "other":
        # the new loss's own check (loss='bce' needs values in [0, 1]) fails
        # after the input's statistics are taken
        bad_values.append(X)
    for values in bad_values:
        with pytest.raises(ValueError):
            estimator.fit(values, y)
        assert set(vars(estimator)) == attributes
        _assert_unchanged(estimator, before, X)
    if hasattr(estimator, "partial_fit"):
        with pytest.raises(ValueError):
            estimator.partial_fit(bad, y)
        _assert_unchanged(estimator, before, X)


@pytest.mark.parametrize("name", NET_CLASSES)
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_continued_fit_that_fails_mid_training_puts_the_net_back(name, how):
    estimator, X, y = _fitted(name)
    if how == "partial_fit" and not hasattr(estimator, "partial_fit"):
        pytest.skip(f"{name} has no partial_fit")
    before = _outputs(estimator, X)
    n_epochs = estimator.n_iter_
    estimator.set_params(callbacks=[FailAfterOneBatch()], warm_start=True)
    with pytest.raises(RuntimeError, match="stopped after one batch"):
        if how == "partial_fit":
            estimator.partial_fit(X, y)
        else:
            estimator.fit(X, y)
    assert estimator.n_iter_ == n_epochs
    _assert_unchanged(estimator, before, X)
    # and it trains on from there as one that never failed does
    estimator.set_params(callbacks=None)
    again, _, _ = _fitted(name)
    again.set_params(warm_start=True)
    np.testing.assert_allclose(
        _outputs(estimator.fit(X, y), X)[-1], _outputs(again.fit(X, y), X)[-1]
    )
