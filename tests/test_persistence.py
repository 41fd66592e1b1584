"""Saving and loading fitted models: pickle, joblib and skops, each weight stored
once, on the CPU and from a GPU."""

import pickle

import joblib
import numpy as np
import pytest
import skorch
import torch
from fast import FAST, fast, fit_data, output
from sklearn.base import clone

from sklearn_st import ConvLSTMClassifier, LSTMRegressor
from sklearn_st._facade._net_state import state_nbytes

sio = pytest.importorskip("skops.io")


def _round_trip(fitted, how, tmp_path):
    if how == "pickle":
        return pickle.loads(pickle.dumps(fitted))
    if how == "joblib":
        joblib.dump(fitted, tmp_path / "model.joblib")
        return joblib.load(tmp_path / "model.joblib")
    path = tmp_path / "model.skops"
    sio.dump(fitted, path)
    untrusted = sio.get_untrusted_types(file=path)
    # nothing but the estimator's own class needs the user's trust
    cls = type(fitted)
    assert untrusted == [f"{cls.__module__}.{cls.__qualname__}"]
    return sio.load(path, trusted=untrusted)


@pytest.mark.parametrize("how", ["pickle", "joblib", "skops"])
@pytest.mark.parametrize("name", list(FAST))
def test_every_class_round_trips_with_identical_outputs(name, how, clips, tmp_path):
    estimator = fast(name)
    X, y = fit_data(estimator, clips[0])
    fitted = estimator.fit(X, y)
    restored = _round_trip(fitted, how, tmp_path)
    np.testing.assert_array_equal(output(restored, X), output(fitted, X))
    assert restored.get_params().keys() == fitted.get_params().keys()
    if hasattr(fitted, "net_"):
        assert list(restored.net_.history) == list(fitted.net_.history)


@pytest.mark.parametrize(
    "model",
    [
        LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0),
        ConvLSTMClassifier(filters=2, max_epochs=2, random_state=0),
    ],
    ids=lambda m: type(m).__name__,
)
def test_a_loaded_model_trains_on_as_the_original(model, clips, tmp_path):
    X, y = fit_data(model, clips[0])
    original = clone(model).set_params(warm_start=True).fit(X, y)
    restored = _round_trip(original, "skops", tmp_path)
    # the weights, Adam's moments and the history were all restored
    original.fit(X, y)
    restored.fit(X, y)
    assert len(restored.net_.history) == 4
    np.testing.assert_array_equal(output(restored, X), output(original, X))


def test_pickle_stores_the_weights_once():
    # a small model with a long history: the history must not dominate either
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(256, 6, 3)), rng.normal(size=256)
    model = LSTMRegressor(hidden_size=64, random_state=0).fit(X, y)
    assert len(model.net_.history) == 100
    size = len(pickle.dumps(model))
    needed = sum(state_nbytes(model.net_))
    assert size <= 1.2 * needed, (size, needed)


class Count(skorch.callbacks.Callback):
    def __init__(self, epochs=0):
        self.epochs = epochs

    def on_epoch_end(self, net, **kwargs):
        self.epochs += 1


def test_the_user_callbacks_keep_what_they_recorded(sequences):
    X, y = sequences
    model = LSTMRegressor(hidden_size=4, max_epochs=3, callbacks=[Count()]).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert dict(restored.net_.callbacks_)["Count"].epochs == 3


GPU_MODELS = ["LSTMRegressor", "ConvLSTMRegressor", "CNNFeatureExtractor"]


@pytest.mark.parametrize("name", GPU_MODELS)
def test_a_model_saved_from_cuda_loads_on_a_cpu_only_machine(name, clips, monkeypatch):
    # what a CUDA-fitted model's saved state differs in is the device it names
    # (its weights are stored as NumPy arrays); the CUDA test below does it for
    # real where a GPU is present
    model = fast(name)
    X, y = fit_data(model, clips[0])
    expected = output(model.fit(X, y), X)
    state = model.__getstate__()
    state["net_"]["device"] = "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    restored = type(model).__new__(type(model))
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        restored.__setstate__(state)
    assert restored.net_.device == "cpu"
    np.testing.assert_array_equal(output(restored, X), expected)
