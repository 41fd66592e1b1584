"""ConvLSTMRegressor."""

import numpy as np
import pytest
from fast import assert_batch_invariant
from sklearn.model_selection import cross_validate

from sklearn_st import ConvLSTMClassifier, ConvLSTMRegressor
from sklearn_st.datasets import make_moving_digits

FAST = {"filters": 4, "max_epochs": 2, "batch_size": 8, "random_state": 0}


@pytest.fixture(scope="module")
def fitted(clips):
    X, y = clips
    return ConvLSTMRegressor(**FAST).fit(X, y)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64, np.int64])
def test_convlstm_regressor_dtypes(clips, fitted, dtype):
    X, _ = clips
    np.testing.assert_allclose(
        fitted.predict(X.astype(dtype)), fitted.predict(X), rtol=1e-6, atol=1e-6
    )


def test_convlstm_regressor_multi_output_and_pooling(clips):
    X, y = clips
    for pooling in ["avg", "max", "flatten"]:
        model = ConvLSTMRegressor(**FAST, pooling=pooling).fit(X, y)
        assert model.predict(X).shape == (24, 2)
    # the default strides=2 halves the 12x12 frames; strides=1 keeps them
    head = ConvLSTMRegressor(**FAST, pooling="flatten").fit(X, y).net_.module_.head
    assert head.in_features == 4 * 6 * 6
    full = ConvLSTMRegressor(**FAST, pooling="flatten", strides=1).fit(X, y)
    assert full.net_.module_.head.in_features == 4 * 12 * 12


def test_convlstm_regressor_stacked_valid_dropout(clips):
    X, y = clips
    params = {**FAST, "filters": (3, 5), "padding": "valid", "dropout": 0.2}
    model = ConvLSTMRegressor(**params, recurrent_dropout=0.2).fit(X, y)
    assert len(model.net_.module_.convlstm.cells) == 2
    again = ConvLSTMRegressor(**params, recurrent_dropout=0.2).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), again.predict(X))


def test_convlstm_regressor_parameter_errors(clips):
    X, y = clips
    with pytest.raises(ValueError, match="filters must be a positive int"):
        ConvLSTMRegressor(filters=(4, 0), max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"padding='valid' .* leaves nothing"):
        ConvLSTMRegressor(padding="valid", kernel_size=7, filters=(2, 2)).fit(X, y)
    with pytest.raises(ValueError, match="'pooling' parameter"):
        ConvLSTMRegressor(pooling="sum").fit(X, y)


def test_convlstm_regressor_reproducible_and_batch_invariant(clips, fitted):
    X, y = clips
    again = ConvLSTMRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))
    one_by_one = np.concatenate([fitted.predict(X[i : i + 1]) for i in range(5)])
    assert_batch_invariant(one_by_one, fitted.predict(X)[:5])


def test_convlstm_regressor_learns_motion():
    # the velocity of a moving digit needs several frames: a real temporal task
    X, y = make_moving_digits(160, n_frames=4, frame_size=12, random_state=0)
    model = ConvLSTMRegressor(filters=8, max_epochs=15, lr=1e-2, random_state=0)
    scores = cross_validate(model, X, y, cv=2)["test_score"]
    assert scores.mean() > 0.5


def test_convlstm_classifier_learns_the_direction_of_motion():
    X, velocity = make_moving_digits(160, n_frames=4, frame_size=12, random_state=0)
    y = np.where(velocity[:, 1] > 0, "right", "left")
    model = ConvLSTMClassifier(filters=8, max_epochs=15, random_state=0)
    scores = cross_validate(model, X, y, cv=2)["test_score"]
    assert scores.mean() > 0.8


def test_convlstm_classifier_outputs(clips):
    X, _ = clips
    y = np.arange(len(X)) % 3
    model = ConvLSTMClassifier(**FAST, class_weight="balanced").fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), proba.argmax(axis=1))
