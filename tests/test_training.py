"""Continued training (warm_start, partial_fit) and what the current parameters
change in it, shared by every model through the facade."""

import pickle
import re

import numpy as np
import pytest
import skorch
import torch
from fast import NET_CLASSES, assert_batch_invariant, fast
from sklearn.base import clone, is_classifier

from sklearn_st import LSTMClassifier, LSTMRegressor
from sklearn_st._facade._estimator import CPU_PREDICT_BATCH

MODELS = [fast(name, max_epochs=3) for name in NET_CLASSES if "Extractor" not in name]
ids = lambda e: type(e).__name__  # noqa: E731


def _y(model, data):
    _, y = data
    return np.where(y > 0, "up", "down") if is_classifier(model) else y


def _weights(model):
    return [p.detach().clone() for p in model.net_.module_.parameters()]


def _adam_steps(model):
    state = model.net_.optimizer_.state_dict()["state"]
    return int(state[0]["step"])


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_warm_start_trains_on_from_the_fitted_state(model, sequences):
    X, _ = sequences
    y = _y(model, sequences)
    cold = clone(model).fit(X, y)
    cold.fit(X, y)
    assert len(cold.net_.history) == 3  # refit from scratch

    warm = clone(model).set_params(warm_start=True).fit(X, y)
    module, before = warm.net_.module_, _weights(warm)
    steps = _adam_steps(warm)
    warm.fit(X, y)
    assert warm.net_.module_ is module and len(warm.net_.history) == 6
    assert any(
        not torch.equal(a, b) for a, b in zip(before, _weights(warm), strict=True)
    )
    assert _adam_steps(warm) == 2 * steps  # Adam's state went on, not restarted
    losses = warm.net_.history[:, "train_loss"]
    assert losses[3] < losses[0]  # the fourth epoch starts where the third ended


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_continued_training_refuses_other_data_saying_what_differs(model, sequences):
    X, _ = sequences
    y = _y(model, sequences)
    warm = clone(model).set_params(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"per-sample shape \(4, 2\).*\(4, 3\)"):
        warm.fit(X[:, :, :2], y)
    if is_classifier(model):
        with pytest.raises(ValueError, match=r"labels not in classes .*\['flat'\]"):
            warm.fit(X, np.where(y == "up", "up", "flat"))
    elif warm.__sklearn_tags__().target_tags.required:  # not the forecaster's
        with pytest.raises(ValueError, match=r"y has 2 outputs, but .* fitted on 1"):
            warm.fit(X, np.column_stack([y, y]))
    assert len(warm.net_.history) == 3  # nothing was trained by the refused fits


def test_warm_start_applies_the_current_lr_weight_decay_and_callbacks(sequences):
    X, y = sequences
    model = LSTMRegressor(hidden_size=4, max_epochs=2, warm_start=True, random_state=0)
    model.fit(X, y)
    seen = []

    class Record(skorch.callbacks.Callback):
        def on_epoch_begin(self, net, **kwargs):
            group = net.optimizer_.param_groups[0]
            seen.append((group["lr"], group["weight_decay"]))

    model.set_params(lr=1e-3, weight_decay=0.5, callbacks=[Record()])
    model.fit(X, y)
    # Record is cloned: the class-level list `seen` gets the clone's calls
    assert seen == [(1e-3, 0.5), (1e-3, 0.5)]
    assert type(model.net_.optimizer_) is torch.optim.Adam
    assert _adam_steps(model) == 4 * 2  # 2 batches of 32 and 8, 4 epochs


def test_warm_start_with_another_optimizer_starts_its_state_afresh(sequences):
    X, y = sequences
    model = LSTMRegressor(hidden_size=4, max_epochs=2, warm_start=True, random_state=0)
    module = model.fit(X, y).net_.module_
    model.set_params(optimizer="sgd", lr=0.05).fit(X, y)
    opt = model.net_.optimizer_
    assert type(opt) is torch.optim.SGD and model.net_.module_ is module
    assert opt.param_groups[0]["lr"] == 0.05 and opt.param_groups[0]["nesterov"]
    assert len(model.net_.history) == 4


def test_partial_fit_regressor_one_epoch_per_call(sequences):
    X, y = sequences
    model = LSTMRegressor(hidden_size=4, random_state=0)
    for calls in range(1, 4):
        model.partial_fit(X[:20] if calls == 1 else X, y[:20] if calls == 1 else y)
        assert len(model.net_.history) == calls
    # the target scaling of the first call is kept
    np.testing.assert_allclose(model._y_mean, [y[:20].mean()])
    model.set_params(lr=0.123).partial_fit(X, y)  # takes effect on the next call
    assert model.net_.optimizer_.param_groups[0]["lr"] == 0.123
    assert model.predict(X).shape == (40,)
    with pytest.raises(ValueError, match=r"y has 2 outputs, but .* fitted on 1"):
        model.partial_fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="per-sample shape"):
        model.partial_fit(X[:, :3], y)


def test_partial_fit_classifier_needs_classes_first(labelled):
    X, y = labelled
    model = LSTMClassifier(hidden_size=4, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    # the first batch may lack a class: classes says which exist
    only_up = y == "up"
    model.partial_fit(X[only_up], y[only_up], classes=["up", "down", "flat"])
    np.testing.assert_array_equal(model.classes_, ["down", "flat", "up"])
    model.partial_fit(X, y)
    assert len(model.net_.history) == 2
    assert model.predict_proba(X).shape == (40, 3)
    with pytest.raises(ValueError, match=r"labels not in classes .*\['sideways'\]"):
        model.partial_fit(X[:2], ["up", "sideways"])


def test_partial_fit_balanced_class_weight_needs_every_class_first(labelled):
    X, y = labelled
    model = LSTMClassifier(hidden_size=4, class_weight="balanced", random_state=0)
    only_up = y == "up"
    with pytest.raises(
        ValueError,
        match=r"class_weight='balanced' .* the first partial_fit call's y, which "
        r"lacks \['down'\]. Pass a dict",
    ):
        model.partial_fit(X[only_up], y[only_up], classes=["up", "down"])
    assert not hasattr(model, "net_")
    # with every class in the first call, its frequencies set the weights for good
    model.partial_fit(X, y, classes=["up", "down"])
    weight = model.net_.criterion_.weight.numpy()
    np.testing.assert_allclose(weight, len(y) / (2 * np.bincount(y == "up")))
    model.partial_fit(X[only_up], y[only_up])
    np.testing.assert_array_equal(model.net_.criterion_.weight.numpy(), weight)
    # a dict of weights is taken as it is now
    model.set_params(class_weight={"up": 1.0, "down": 3.0}).partial_fit(X, y)
    np.testing.assert_array_equal(model.net_.criterion_.weight.numpy(), [3.0, 1.0])


def test_prediction_batches_follow_batch_size_up_to_the_cpus_cap(sequences):
    X, y = sequences
    model = LSTMRegressor(hidden_size=4, max_epochs=1, batch_size=16).fit(X, y)
    seen = []
    model.net_.module_.register_forward_pre_hook(
        lambda module, args: seen.append(len(args[0]))
    )
    before = model.predict(X)
    model.set_params(batch_size=7)
    after = model.predict(X)
    # 40 samples, the last batch padded; a CPU computes at most CPU_PREDICT_BATCH
    assert CPU_PREDICT_BATCH == 8
    assert seen == [8] * 5 + [7] * 6
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-6)
    # one clip is computed in one batch of that size, not of batch_size, and
    # gives the same output as among others
    seen.clear()
    alone = model.set_params(batch_size=16).predict(X[:1])
    assert seen == [8]
    assert_batch_invariant(alone[0], before[0])


def test_warm_start_feature_extractor_every_objective(clips, sequences):
    X, _ = clips
    for objective in ("autoencoder", "none"):
        cnn = fast("CNNFeatureExtractor", objective=objective, warm_start=True)
        first = cnn.fit(X).transform(X)
        module = cnn.net_.module_
        cnn.fit(X)
        assert cnn.net_.module_ is module
        if objective == "none":  # nothing is trained: the features stay
            np.testing.assert_array_equal(cnn.transform(X), first)
            assert len(cnn.net_.history) == 0
        else:
            assert len(cnn.net_.history) == 2
    with pytest.raises(
        ValueError, match=r"objective is 'supervised' .* but .* fitted with 'none'"
    ):
        cnn.set_params(objective="supervised").fit(X, np.arange(len(X)) % 2)


def test_warm_start_supervised_feature_extractor_checks_its_targets(clips):
    X, velocity = clips
    labels = np.array(["left", "right"] * 12)
    cnn = fast("CNNFeatureExtractor", objective="supervised", warm_start=True)
    cnn.fit(X, labels).fit(X, labels[::-1])
    assert len(cnn.net_.history) == 2
    with pytest.raises(ValueError, match=r"labels not in classes .*\['up'\]"):
        cnn.fit(X, np.where(labels == "left", "left", "up"))
    with pytest.raises(ValueError, match=r"y holds numeric targets, but .* on labels"):
        cnn.fit(X, velocity)

    numeric = fast("CNNFeatureExtractor", objective="supervised", warm_start=True)
    numeric.fit(X, velocity)
    with pytest.raises(ValueError, match=r"y has 1 outputs, but .* fitted on 2"):
        numeric.fit(X, velocity[:, 0])
    with pytest.raises(ValueError, match=r"y holds labels, but .* on numeric"):
        numeric.fit(X, labels)


def test_refit_without_warm_start_forgets_the_previous_targets(clips):
    X, velocity = clips
    cnn = fast("CNNFeatureExtractor", objective="supervised")
    cnn.fit(X, np.array(["a", "b"] * 12))
    cnn.fit(X, velocity)  # a new fit: numeric targets are fine
    assert cnn.net_.module_.lstm.head.out_features == 2
    assert isinstance(cnn.net_.criterion_, torch.nn.MSELoss)


def test_compile_trains_and_predicts_as_the_plain_module(sequences):
    # a real torch.compile (inductor; about 40 s on 2 cores, once)
    X, y = sequences
    params = {"hidden_size": 4, "max_epochs": 2, "random_state": 0}
    compiled = LSTMRegressor(compile=True, **params).fit(X, y)
    assert type(compiled.net_.module_).__name__ == "OptimizedModule"
    plain = LSTMRegressor(**params).fit(X, y)
    np.testing.assert_allclose(compiled.predict(X), plain.predict(X), atol=1e-5)
    # saved without the compiled wrapper's name prefixes, and loaded compiled
    restored = pickle.loads(pickle.dumps(compiled))
    np.testing.assert_array_equal(restored.predict(X), compiled.predict(X))
    assert all(
        not k.startswith("_orig_mod") for k in compiled.__getstate__()["net_"]["module"]
    )
    # continued training compiles the same module afresh
    compiled.set_params(warm_start=True).fit(X, y)
    assert len(compiled.net_.history) == 4


def test_epoch_progress_draws_each_epoch_of_each_fit(sequences, capsys):
    from sklearn_st import EpochProgress

    X, y = sequences
    progress = EpochProgress("my LSTM")
    model = LSTMRegressor(max_epochs=3, callbacks=[progress], random_state=0)
    model.fit(X, y)
    err = capsys.readouterr().err
    for epoch in range(4):
        assert re.search(rf"my LSTM: +\d+%\|.*\| {epoch}/3 \[", err), epoch
    loss = model.net_.history[-1, "train_loss"]
    assert f"loss={loss:.4g}" in err
    # the user's instance is cloned for each fit: it holds no bar, and pickles
    assert not hasattr(progress, "bar_")
    pickle.loads(pickle.dumps(model))
    model.set_params(max_epochs=2).fit(X, y)
    assert re.search(r"my LSTM: +\d+%\|.*\| 2/2 \[", capsys.readouterr().err)
