"""Fitted state as scikit-learn's own: for every class that trains a net and every
one of its parameters (read from ``get_params``, so that a new parameter cannot
be left out), ``set_params`` after ``fit`` leaves the outputs unchanged, and
continued training (``warm_start``, ``partial_fit``) either takes the new value
(how to train) or refuses it with the parameter and both values named (what is
trained)."""

import copy
import os
import re
import tempfile
from functools import cache

import numpy as np
import pytest
import skorch
import torch
from fast import NET_CLASSES, PLAIN_CLASSES, fast, fit_data
from sklearn.decomposition import PCA

from sklearn_st._facade import TRAINING_PARAMS

#: Other valid values of every parameter; the first that differs from an
#: estimator's own is used.
ALTERNATIVES = {
    # how to train
    "max_epochs": [2, 3],
    "batch_size": [3, 5],
    "lr": [1e-4],
    "optimizer": ["sgd", "adam"],
    "weight_decay": [0.01],
    "early_stopping": [True, False],
    "validation_fraction": [0.3],
    "n_iter_no_change": [3],
    "warm_start": [True],
    "device": ["auto"],
    "compile": [True],
    "random_state": [1],
    "verbose": [1],
    "callbacks": [[skorch.callbacks.GradientNormClipping(1.0)]],
    "checkpoint": [os.path.join(tempfile.mkdtemp(), "fit.ckpt")],
    "class_weight": ["balanced"],
    "objective": ["autoencoder"],
    # what is trained
    "hidden_size": [5],
    "num_layers": [2],
    "bidirectional": [True],
    "dropout": [0.5],
    "recurrent_dropout": [0.5],
    "stacked_frames": [1, 3],
    "channels": [(3,)],
    "n_features": [4],
    "pooling": ["avg", "flatten"],
    "filters": [3],
    "kernel_size": [5],
    "padding": ["valid", "same"],
    "strides": [1, 2],
    "encoder": [torch.nn.Sequential(torch.nn.Flatten(), torch.nn.LazyLinear(2))],
    "horizon": [2],
    "n_context": [2],
    "loss": ["mae"],
    "start": ["persistence", "extrapolation"],
    "keep_start": [False, True],
    "n_pairs": [2],
    "precision": ["bfloat16", "auto"],
    # the transformers without a net
    "flatten_time": [True, False],
    "order": [2],
    "keep_first": [True],
    "preset": ["fast"],
    "transformer": [PCA(2)],
}
#: what a parameter needs beside it to fit on the tiny data
COMPANIONS = {"early_stopping": {"validation_fraction": 0.25}}


def _cases(classes=NET_CLASSES):
    return [
        pytest.param(name, param, id=f"{name}-{param}")
        for name in classes
        for param in sorted(fast(name).get_params(deep=False))
    ]


def _data(estimator):
    X = np.random.RandomState(0).randint(0, 256, size=(16, 5, 8, 8, 1))
    return fit_data(estimator, X.astype(np.uint8))


@cache
def _fitted(name):
    estimator = fast(name)
    X, y = _data(estimator)
    return estimator.fit(X, y)


def _other(estimator, param):
    if param not in ALTERNATIVES:
        pytest.fail(f"add another value of {param!r} to ALTERNATIVES")
    current = estimator.get_params()[param]
    for value in ALTERNATIVES[param]:
        if not (
            value is current or (type(value) is type(current) and value == current)
        ):
            return value
    pytest.fail(f"ALTERNATIVES[{param!r}] has no value other than {current!r}")


def _outputs(estimator, X):
    outputs = []
    for method in ("predict", "predict_proba", "transform", "score"):
        if hasattr(estimator, method):
            if method == "score":
                outputs.append(estimator.score(*_data(estimator)))
            else:
                outputs.append(getattr(estimator, method)(X))
    return outputs


@pytest.mark.parametrize("name, param", _cases([*NET_CLASSES, *PLAIN_CLASSES]))
def test_set_params_after_fit_leaves_the_outputs_unchanged(name, param):
    if name == "OpticalFlow":
        pytest.importorskip("cv2")
    fitted = _fitted(name)
    X, _ = _data(fitted)
    before = _outputs(fitted, X)
    changed = copy.deepcopy(fitted)
    changed.set_params(**{param: _other(fitted, param)})
    for old, new in zip(before, _outputs(changed, X), strict=True):
        numbers = np.asarray(old).dtype.kind == "f"
        if param == "batch_size" and numbers:  # new batches: float rounding only
            np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_array_equal(new, old)


@pytest.mark.parametrize("name, param", _cases())
def test_continued_training_takes_how_to_train_and_refuses_what_is_trained(name, param):
    fitted = _fitted(name)
    X, y = _data(fitted)
    value = _other(fitted, param)
    if param == "compile":
        pytest.skip("test_training continues a compiled model (inductor: 40 s)")
    warm = copy.deepcopy(fitted).set_params(warm_start=True)
    warm.set_params(**{param: value, **COMPANIONS.get(param, {})})
    if param in warm._training_params and param != "objective":
        epochs = len(fitted.net_.history)
        warm.fit(X, y)
        # trained on, with the new value where the net holds it
        assert len(warm.net_.history) == epochs + warm.max_epochs
        if param in ("max_epochs", "batch_size", "lr"):
            assert getattr(warm.net_, param) == value
        return
    fitted_value = fitted.get_params()[param]
    message = (
        f"objective is {value!r}"
        if param == "objective"
        else rf"fitted with {param}={re.escape(repr(fitted_value))}, but {param} "
        rf"is {re.escape(repr(value))} now"
    )
    with pytest.raises(ValueError, match=message):
        warm.fit(X, y)
    if hasattr(fitted, "partial_fit"):
        partial = copy.deepcopy(fitted).set_params(**{param: value})
        with pytest.raises(ValueError, match=message):
            partial.partial_fit(X, y)


@pytest.mark.parametrize("name", [n for n in NET_CLASSES if n != "CNNFeatureExtractor"])
def test_partial_fit_refuses_early_stopping(name):
    estimator = fast(name, early_stopping=True)
    X, y = _data(estimator)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        estimator.partial_fit(X, y)


def test_every_facade_training_parameter_is_known_to_the_tests():
    assert TRAINING_PARAMS <= set(ALTERNATIVES)


def test_a_loaded_model_is_rebuilt_as_fitted_not_as_set():
    import pickle

    fitted = copy.deepcopy(_fitted("ConvLSTMRegressor"))
    X, _ = _data(fitted)
    expected = fitted.predict(X)
    fitted.set_params(filters=7)  # not refitted: the module keeps its filters
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), expected)


@pytest.mark.parametrize(
    "name, early_stopping",
    [
        ("LSTMRegressor", True),
        ("LSTMClassifier", True),
        ("ConvLSTMForecaster", True),
        ("LSTMRegressor", False),
    ],
)
def test_fitted_attributes_as_mlp_has_them(name, early_stopping):
    settings = {"max_epochs": 3, "early_stopping": early_stopping}
    estimator = fast(name, **settings, validation_fraction=0.25)
    X, y = _data(estimator)
    estimator.fit(X, y)
    history = estimator.net_.history
    assert estimator.n_iter_ == 3
    assert estimator.loss_curve_ == pytest.approx(list(history[:, "train_loss"]))
    if not early_stopping:
        assert estimator.validation_scores_ is None
        assert estimator.best_validation_score_ is None
    else:
        scores = estimator.validation_scores_
        assert len(scores) == 3 and estimator.best_validation_score_ == max(scores)
        if name == "ConvLSTMForecaster":  # minus the validation loss
            assert scores == pytest.approx([-v for v in history[:, "valid_loss"]])
        else:  # R^2 or accuracy of the held-out clips, as MLP's
            assert all(s <= 1 for s in scores)
            if name == "LSTMClassifier":
                assert all(s * 4 == int(s * 4) for s in scores)  # 4 clips held out
    # a warm start counts on
    estimator.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert estimator.n_iter_ == 5 and len(estimator.loss_curve_) == 5
    assert not hasattr(fast(name), "n_iter_")  # not fitted


def test_a_users_early_stopping_and_progress_bar_replace_the_built_in_ones():
    mine = skorch.callbacks.EarlyStopping(patience=1, load_best=False)
    estimator = fast(
        "LSTMRegressor",
        max_epochs=20,
        early_stopping=True,
        validation_fraction=0.25,
        verbose=1,
        lr=0.5,
        callbacks=[mine, skorch.callbacks.ProgressBar(batches_per_epoch="count")],
    )
    X, y = _data(estimator)
    estimator.fit(X, y)  # skorch refused two callbacks of one name before
    callbacks = dict(estimator.net_.callbacks_)
    assert callbacks["EarlyStopping"].patience == 1
    assert callbacks["ProgressBar"].batches_per_epoch == "count"
    assert [type(cb).__name__ for cb in callbacks.values()].count("EarlyStopping") == 1


def test_loading_leaves_numpys_global_generator_alone():
    import pickle

    estimator = fast("LSTMRegressor", random_state=None)  # None: the global one
    saved = pickle.dumps(estimator.fit(*_data(estimator)))
    state = np.random.get_state()
    pickle.loads(saved)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1])
