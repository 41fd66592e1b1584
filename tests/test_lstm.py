"""LSTMRegressor and, through it, the shared skorch facade."""

import tracemalloc

import numpy as np
import pytest
import skorch
import torch
from fast import assert_batch_invariant
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline

from sklearn_st import FrameFlattener, LSTMClassifier, LSTMRegressor
from sklearn_st.datasets import make_moving_digits

FAST = {"max_epochs": 3, "batch_size": 16, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    """Small moving-digit clips: 5-D uint8 frames and 2-D velocity targets."""
    return make_moving_digits(48, n_frames=4, frame_size=16, random_state=0)


@pytest.fixture(scope="module")
def fitted(digits):
    X, y = digits
    return make_pipeline(FrameFlattener(), LSTMRegressor(**FAST)).fit(X, y)


def _sequences(n=40, n_frames=5, n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_frames, n_features))
    return X, X[:, :, 0].sum(axis=1)


def test_lstm_regressor_learns_a_sequence_sum():
    X, y = _sequences(n=200)
    model = LSTMRegressor(max_epochs=40, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9


def test_lstm_regressor_univariate_and_multi_output():
    X, y = _sequences()
    model = LSTMRegressor(**FAST).fit(X[:, :, 0], y)
    assert model.sample_shape_ == (5,)
    assert model.n_features_in_ == 5
    pred = model.predict(X[:, :, 0])
    assert pred.shape == (40,)
    assert pred.dtype == np.float64

    Y = np.column_stack([y, -3 * y + 100])
    model = LSTMRegressor(**FAST).fit(X, Y)
    assert model.n_outputs_ == 2
    pred = model.predict(X)
    assert pred.shape == (40, 2)
    assert pred.dtype == np.float64
    # targets are standardized inside and restored: the offset of 100 comes back
    assert abs(pred[:, 1].mean() - 100) < 20


@pytest.mark.parametrize("shape", [(4, 3, 8, 8), (4, 3, 8, 8, 1)])
def test_lstm_regressor_rejects_frames_with_a_hint(shape):
    with pytest.raises(
        ValueError,
        match=r"CNNFeatureExtractor\(\).*FrameFlattener\(\).*ConvLSTMRegressor",
    ):
        LSTMRegressor().fit(np.zeros(shape), np.zeros(4))


@pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.float32, np.float64])
def test_lstm_regressor_pipeline_dtypes(digits, fitted, dtype):
    X, y = digits
    # the fixture was fitted on uint8: the same values in other dtypes predict alike
    pred = fitted.predict(X.astype(dtype))
    np.testing.assert_allclose(pred, fitted.predict(X), rtol=1e-6, atol=1e-6)
    model = make_pipeline(FrameFlattener(), LSTMRegressor(**FAST)).fit(
        X.astype(dtype), y
    )
    np.testing.assert_allclose(model.predict(X), fitted.predict(X), atol=1e-5)


def test_lstm_regressor_memmap(digits, fitted, tmp_path):
    X, y = digits
    mm = np.memmap(tmp_path / "x.dat", dtype=np.uint8, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    mm = np.memmap(tmp_path / "x.dat", dtype=np.uint8, mode="r", shape=X.shape)
    model = make_pipeline(FrameFlattener(), LSTMRegressor(**FAST)).fit(mm, y)
    np.testing.assert_allclose(model.predict(mm), fitted.predict(X), atol=1e-5)


def test_lstm_regressor_converts_one_batch_at_a_time():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 255, size=(1024, 4, 1024)).astype(np.uint8)  # 4 MiB
    y = rng.normal(size=1024)
    model = LSTMRegressor(max_epochs=1, batch_size=32, hidden_size=4)
    model.fit(X[:8], y[:8])  # first use imports parts of torch: keep that out
    tracemalloc.start()
    model.fit(X, y)
    model.predict(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # any whole float copy of X (float32: 16 MiB) would exceed this
    assert peak < 4 * X.nbytes


def test_lstm_regressor_rejects_other_shape_in_predict(fitted):
    with pytest.raises(
        ValueError,
        match=r"X has per-sample shape \(4, 12, 12, 1\), but FrameFlattener was "
        r"fitted on per-sample shape \(4, 16, 16, 1\)",
    ):
        fitted.predict(np.zeros((2, 4, 12, 12, 1)))


def test_lstm_regressor_is_reproducible(digits):
    X, y = digits
    a = make_pipeline(FrameFlattener(), LSTMRegressor(**FAST)).fit(X, y).predict(X)
    b = make_pipeline(FrameFlattener(), LSTMRegressor(**FAST)).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    other = {**FAST, "random_state": 1}
    c = make_pipeline(FrameFlattener(), LSTMRegressor(**other)).fit(X, y).predict(X)
    assert not np.allclose(a, c)


def test_lstm_regressor_dropout_and_shuffle_are_seeded():
    X, y = _sequences()
    params = {**FAST, "dropout": 0.5, "num_layers": 2}
    a = LSTMRegressor(**params).fit(X, y).predict(X)
    b = LSTMRegressor(**params).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    # dropout is on: from the same seed (the same initial weights and batch
    # order) it changes the fit, so the identical refits above drew identical masks
    no_dropout = LSTMRegressor(**{**params, "dropout": 0.0}).fit(X, y).predict(X)
    assert not np.allclose(a, no_dropout)


def test_lstm_regressor_leaves_global_torch_state_alone():
    X, y = _sequences()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    LSTMRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_lstm_regressor_in_grid_search_and_cross_validate(digits):
    X, y = digits
    pipe = Pipeline([("frames", FrameFlattener()), ("lstm", LSTMRegressor(**FAST))])
    # a learning rate too small to learn anything in 3 epochs loses
    search = GridSearchCV(pipe, {"lstm__lr": [1e-7, 3e-2]}, cv=2).fit(X, y)
    assert search.best_params_ == {"lstm__lr": 3e-2}
    low, high = search.cv_results_["mean_test_score"]
    assert high > low + 0.05
    assert search.predict(X).shape == y.shape
    scores = cross_validate(pipe, X, y, cv=KFold(3))
    assert scores["test_score"].shape == (3,)
    assert np.all(np.isfinite(scores["test_score"]))


def test_lstm_regressor_clone_keeps_params():
    model = LSTMRegressor(hidden_size=7, optimizer="sgd", callbacks=[])
    copy = clone(model)
    assert copy.get_params() == model.get_params()


@pytest.mark.parametrize(
    "optimizer, cls",
    [
        ("adam", torch.optim.Adam),
        ("adamw", torch.optim.AdamW),
        ("sgd", torch.optim.SGD),
    ],
)
def test_lstm_regressor_optimizer_and_weight_decay(optimizer, cls):
    X, y = _sequences()
    model = LSTMRegressor(
        max_epochs=1, optimizer=optimizer, lr=0.05, weight_decay=0.01
    ).fit(X, y)
    opt = model.net_.optimizer_
    assert type(opt) is cls
    group = opt.param_groups[0]
    assert group["lr"] == 0.05
    assert group["weight_decay"] == 0.01
    if optimizer == "sgd":
        assert group["momentum"] == 0.9
        assert group["nesterov"]


def test_lstm_regressor_early_stopping():
    X, y = _sequences(n=60)
    y = np.random.RandomState(0).normal(size=60)  # nothing to learn: stops early
    model = LSTMRegressor(
        max_epochs=60,
        early_stopping=True,
        n_iter_no_change=2,
        validation_fraction=0.25,
        random_state=0,
    ).fit(X, y)
    history = model.net_.history
    assert len(history) < 60
    assert "valid_loss" in history[-1]
    # the validation split is a quarter of the data
    assert history[-1]["batches"][-1]["valid_batch_size"] <= 15
    assert not np.any([h.get("valid_loss") is None for h in history])


def test_lstm_regressor_without_early_stopping_trains_every_epoch():
    X, y = _sequences()
    model = LSTMRegressor(max_epochs=4).fit(X, y)
    assert len(model.net_.history) == 4
    assert "valid_loss" not in model.net_.history[-1]


def test_lstm_regressor_verbose(capsys):
    X, y = _sequences()
    LSTMRegressor(max_epochs=2).fit(X, y)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    LSTMRegressor(max_epochs=2, verbose=1).fit(X, y)
    loud = capsys.readouterr()
    assert "train_loss" in loud.out  # skorch's epoch table
    assert "it/s" in loud.err or "it/s" in loud.out  # tqdm's progress bar


class _CountEpochs(skorch.callbacks.Callback):
    def __init__(self, count=0):
        self.count = count

    def on_epoch_end(self, net, **kwargs):
        self.count += 1


def test_lstm_regressor_extra_callbacks_are_cloned_and_run():
    X, y = _sequences()
    counter = _CountEpochs()
    model = LSTMRegressor(max_epochs=3, callbacks=[counter]).fit(X, y)
    assert counter.count == 0  # the user's instance is left as it was
    used = [cb for _, cb in model.net_.callbacks_ if isinstance(cb, _CountEpochs)]
    assert len(used) == 1 and used[0].count == 3


def test_lstm_regressor_device_errors_and_auto():
    X, y = _sequences()
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            LSTMRegressor(max_epochs=1, device="cuda").fit(X, y)
    model = LSTMRegressor(max_epochs=1, device="auto").fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(model.net_.module_.parameters()).device.type == expected


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_lstm_regressor_on_cuda(digits):
    X, y = digits
    model = make_pipeline(FrameFlattener(), LSTMRegressor(**FAST, device="cuda"))
    pred = model.fit(X, y).predict(X)
    assert pred.shape == y.shape and np.all(np.isfinite(pred))


def test_lstm_regressor_rejects_bad_parameters():
    X, y = _sequences()
    with pytest.raises(ValueError, match="'optimizer' parameter"):
        LSTMRegressor(optimizer="rmsprop").fit(X, y)
    with pytest.raises(ValueError, match="'hidden_size' parameter"):
        LSTMRegressor(hidden_size=0).fit(X, y)


def test_lstm_regressor_prediction_does_not_depend_on_the_batch(fitted, digits):
    X, _ = digits
    full = fitted.predict(X)
    one_by_one = np.concatenate([fitted.predict(X[i : i + 1]) for i in range(len(X))])
    assert_batch_invariant(one_by_one, full)
    order = np.random.RandomState(0).permutation(len(X))
    assert_batch_invariant(fitted.predict(X[order]), full[order])


# --- LSTMClassifier (and, through it, the facade's classifier base) -------------


def _labelled(n=120, seed=0):
    X, total = _sequences(n=n, seed=seed)
    return X, np.where(total > 0, "up", "down")


def test_lstm_classifier_string_labels_and_probabilities():
    X, y = _labelled()
    model = LSTMClassifier(max_epochs=20, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["down", "up"])
    proba = model.predict_proba(X)
    assert proba.shape == (120, 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = model.predict(X)
    np.testing.assert_array_equal(pred, model.classes_[proba.argmax(axis=1)])
    assert model.score(X, y) > 0.9


def test_lstm_classifier_integer_labels_multiclass():
    X, total = _sequences(n=150)
    y = np.digitize(total, [-1.0, 1.0]) * 10  # labels 0, 10, 20
    model = LSTMClassifier(max_epochs=20, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 10, 20])
    assert set(model.predict(X)) <= {0, 10, 20}
    assert model.predict_proba(X).shape == (150, 3)


def test_lstm_classifier_class_weight():
    X, y = _labelled()
    weighted = LSTMClassifier(
        max_epochs=5, class_weight={"down": 1000.0, "up": 1e-4}, random_state=0
    ).fit(X, y)
    assert np.mean(weighted.predict(X) == "down") > 0.9
    balanced = LSTMClassifier(max_epochs=1, class_weight="balanced").fit(X, y)
    expected = len(y) / (2 * np.bincount(y == "up"))
    np.testing.assert_allclose(
        balanced.net_.criterion_.weight.numpy(), expected, rtol=1e-6
    )


def test_lstm_classifier_target_errors():
    X, _ = _labelled()
    with pytest.raises(ValueError, match=r"at least 2 classes.*only one class: 'up'"):
        LSTMClassifier(max_epochs=1).fit(X, np.full(len(X), "up"))
    with pytest.raises(ValueError, match="Unknown label type"):
        LSTMClassifier(max_epochs=1).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="y should be a 1d array"):
        LSTMClassifier(max_epochs=1).fit(X, np.zeros((len(X), 2), dtype=int))


def test_lstm_classifier_early_stopping_keeps_class_proportions():
    X, y = _labelled(n=100)
    model = LSTMClassifier(
        max_epochs=30, early_stopping=True, n_iter_no_change=3, random_state=0
    ).fit(X, y)
    assert "valid_loss" in model.net_.history[-1]
    assert model.net_.train_split.stratified


def test_lstm_classifier_pipeline_on_frames():
    # which way the digit moves, from flattened frames: learnable (0.82 and 0.83
    # held-out accuracy when written; chance is about 0.5)
    X, velocity = make_moving_digits(120, n_frames=4, frame_size=12, random_state=0)
    y = np.where(velocity[:, 1] > 0, "right", "left")
    pipe = make_pipeline(
        FrameFlattener(), LSTMClassifier(max_epochs=30, random_state=0)
    )
    cv = KFold(2, shuffle=True, random_state=0)
    scores = cross_validate(pipe, X, y, cv=cv)["test_score"]
    assert scores.shape == (2,) and np.all(scores > 0.7)
