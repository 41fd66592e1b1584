"""CNNLSTMRegressor and CNNLSTMClassifier."""

import numpy as np
import pytest
from sklearn.model_selection import cross_validate

from sklearn_st import CNNLSTMClassifier, CNNLSTMRegressor
from sklearn_st.datasets import make_moving_digits

FAST = {"channels": (4,), "n_features": 8, "max_epochs": 2, "random_state": 0}


def test_cnn_lstm_regressor_trains_cnn_and_lstm_jointly(clips):
    X, y = clips
    model = CNNLSTMRegressor(**{**FAST, "max_epochs": 1}).fit(X, y)
    module = model.net_.module_
    # both parts are in the one optimizer
    optimized = {
        id(p) for group in model.net_.optimizer_.param_groups for p in group["params"]
    }
    assert {id(p) for p in module.encoder.parameters()} <= optimized
    assert {id(p) for p in module.lstm.parameters()} <= optimized


def test_cnn_lstm_regressor_pooling_and_errors(clips):
    X, y = clips
    for pooling in ["avg", "flatten"]:
        model = CNNLSTMRegressor(**FAST, pooling=pooling).fit(X, y)
        assert model.predict(X).shape == (24, 2)
    with pytest.raises(ValueError, match="channels must be a positive int or a non-"):
        CNNLSTMRegressor(channels=(), max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="'pooling' parameter"):
        CNNLSTMRegressor(pooling="max").fit(X, y)


def test_cnn_lstm_regressor_learns_motion():
    X, y = make_moving_digits(160, n_frames=4, frame_size=12, random_state=0)
    model = CNNLSTMRegressor(max_epochs=15, random_state=0)
    assert cross_validate(model, X, y, cv=2)["test_score"].mean() > 0.5


def test_cnn_lstm_classifier(clips):
    X, _ = clips
    y = np.array(["a", "b", "c"])[np.arange(len(X)) % 3]
    model = CNNLSTMClassifier(**FAST, class_weight="balanced").fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(1)])
