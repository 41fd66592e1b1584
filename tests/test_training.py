"""Training on: warm_start and partial_fit, shared by every model through the facade."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_st import (
    CNNFeatureExtractor,
    CNNLSTMClassifier,
    CNNLSTMRegressor,
    ConvLSTMClassifier,
    ConvLSTMRegressor,
    LSTMClassifier,
    LSTMRegressor,
)

X = np.random.RandomState(0).normal(size=(40, 4, 3))
Y = X[:, :, 0].sum(axis=1)
LABELS = np.where(Y > 0, "up", "down")
SMALL = {"random_state": 0, "max_epochs": 3}
REGRESSORS = [
    LSTMRegressor(**SMALL),
    CNNLSTMRegressor(channels=(4,), n_features=4, **SMALL),
    ConvLSTMRegressor(filters=2, **SMALL),
]
CLASSIFIERS = [
    LSTMClassifier(**SMALL),
    CNNLSTMClassifier(channels=(4,), n_features=4, **SMALL),
    ConvLSTMClassifier(filters=2, **SMALL),
]
ids = lambda e: type(e).__name__  # noqa: E731


def _weights(model):
    return [p.detach().clone() for p in model.net_.module_.parameters()]


@pytest.mark.parametrize("model", [*REGRESSORS, *CLASSIFIERS], ids=ids)
def test_warm_start_trains_on_from_the_fitted_state(model):
    y = LABELS if hasattr(model, "class_weight") else Y
    cold = clone(model).fit(X, y)
    assert len(cold.net_.history) == 3
    cold.fit(X, y)
    assert len(cold.net_.history) == 3  # refit from scratch

    warm = clone(model).set_params(warm_start=True).fit(X, y)
    net, before = warm.net_, _weights(warm)
    warm.fit(X, y)
    assert warm.net_ is net and len(net.history) == 6
    assert any(
        not torch.equal(a, b) for a, b in zip(before, _weights(warm), strict=True)
    )
    losses = net.history[:, "train_loss"]
    assert losses[3] < losses[0]  # the fourth epoch starts where the third ended
    with pytest.raises(ValueError, match=r"per-sample shape \(4, 2\)"):
        warm.fit(X[:, :, :2], y)


@pytest.mark.parametrize("model", REGRESSORS, ids=ids)
def test_partial_fit_regressor_one_epoch_per_call(model):
    model = clone(model)
    for calls in range(1, 4):
        model.partial_fit(X[:20] if calls == 1 else X, Y[:20] if calls == 1 else Y)
        assert len(model.net_.history) == calls
    # the target scaling of the first call is kept
    np.testing.assert_allclose(model._y_mean, [Y[:20].mean()])
    assert model.predict(X).shape == (40,)
    with pytest.raises(ValueError, match=r"y has 2 outputs, but .* fitted on 1"):
        model.partial_fit(X, np.column_stack([Y, Y]))
    with pytest.raises(ValueError, match="per-sample shape"):
        model.partial_fit(X[:, :3], Y)


@pytest.mark.parametrize("model", CLASSIFIERS, ids=ids)
def test_partial_fit_classifier_needs_classes_first(model):
    model = clone(model)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, LABELS)
    # the first batch may lack a class: classes says which exist
    only_up = LABELS == "up"
    model.partial_fit(X[only_up], LABELS[only_up], classes=["up", "down", "flat"])
    np.testing.assert_array_equal(model.classes_, ["down", "flat", "up"])
    model.partial_fit(X, LABELS)
    assert len(model.net_.history) == 2
    assert model.predict_proba(X).shape == (40, 3)
    with pytest.raises(ValueError, match=r"labels not in classes .*\['sideways'\]"):
        model.partial_fit(X[:2], ["up", "sideways"])


def test_warm_start_feature_extractor():
    cnn = CNNFeatureExtractor(channels=(2,), n_features=3, warm_start=True, **SMALL)
    cnn.fit(X)
    net = cnn.net_
    cnn.fit(X)
    assert cnn.net_ is net and len(net.history) == 6


@pytest.mark.parametrize(
    "model",
    [
        LSTMClassifier(class_weight="balanced", **SMALL),
        ConvLSTMRegressor(filters=2, **SMALL),
        CNNFeatureExtractor(channels=(2,), n_features=3, **SMALL),
    ],
    ids=ids,
)
def test_model_fitted_on_cuda_unpickles_and_predicts_on_cpu(model):
    y = LABELS if hasattr(model, "class_weight") else Y
    model = clone(model).fit(X, y)
    predict = (
        model.predict_proba
        if hasattr(model, "classes_")
        else (getattr(model, "predict", None) or model.transform)
    )
    expected = predict(X)
    # what a model fitted with device='cuda' carries; skorch's unpickling maps the
    # net's tensors to the CPU when CUDA is absent (torch.load's map_location)
    model.set_params(device="cuda")
    model.net_.device = "cuda"
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        restored = pickle.loads(pickle.dumps(model))
    assert torch.device(restored.net_.device).type == "cpu"
    restored_predict = getattr(restored, predict.__name__)
    np.testing.assert_array_equal(restored_predict(X), expected)
