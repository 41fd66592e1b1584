"""sample_weight in fit and partial_fit of every net: the loss is the weighted
mean, zero weight equals dropping a sample and integer weights equal repeating it
(full-batch training, fixed seed), the early-stopping split keeps the weights,
metadata routing carries them through GridSearchCV, cross_validate and a
Pipeline, and bad weights get scikit-learn's errors."""

import numpy as np
import pytest
import skorch
import torch
from fast import NET_CLASSES, fast, fit_data
from sklearn import clone, config_context
from sklearn.metrics import make_scorer, r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_st import FrameFlattener
from sklearn_st.nn import weighted_mean_loss

X_CLIPS = np.random.RandomState(0).normal(size=(12, 4, 3, 3, 1))
#: weights with zeros (samples left out) and integers above 1 (repeated)
WEIGHTS = np.array([0, 1, 2, 3, 1, 0, 2, 1, 3, 1, 0, 2])


def _full_batch(name, **params):
    """A seeded fast model that trains on all samples in one batch (so that the
    batches of weighted and repeated data hold the same samples), none held out
    to check the forecaster's start (weighted and repeated data split apart)."""
    if "keep_start" in fast(name).get_params():
        params = {"keep_start": False, **params}
    return fast(name, batch_size=64, max_epochs=3, **params)


def _outputs(estimator, X):
    for method in ("predict_proba", "transform", "predict"):
        if hasattr(estimator, method):
            return getattr(estimator, method)(X)
    raise AssertionError(type(estimator).__name__)


@pytest.mark.parametrize("name", NET_CLASSES)
def test_sample_weight_equals_dropping_and_repeating_samples(name):
    weighted = _full_batch(name)
    X, y = fit_data(weighted, X_CLIPS)
    if name == "CNNFeatureExtractor":  # its supervised objective
        weighted.set_params(objective="supervised")
    weighted.fit(X, y, sample_weight=WEIGHTS)
    repeated = clone(weighted)
    repeated.fit(X.repeat(WEIGHTS, axis=0), y.repeat(WEIGHTS, axis=0))
    # the same loss, summed in another order in float32
    np.testing.assert_allclose(
        _outputs(weighted, X), _outputs(repeated, X), rtol=1e-4, atol=1e-5
    )
    # and not what unweighted training gives
    unweighted = clone(weighted).fit(X, y)
    assert not np.allclose(_outputs(weighted, X), _outputs(unweighted, X), atol=1e-5)


def test_sample_weight_weighs_the_input_and_target_scaling():
    X, y = fit_data(fast("LSTMRegressor"), X_CLIPS)
    model = _full_batch("LSTMRegressor").fit(X, y, sample_weight=WEIGHTS)
    kept = X.repeat(WEIGHTS, axis=0)
    np.testing.assert_allclose(model._x_mean, kept.reshape(-1, 9).mean(axis=0))
    np.testing.assert_allclose(model._x_scale, kept.reshape(-1, 9).std(axis=0))
    np.testing.assert_allclose(model._y_mean, [y.repeat(WEIGHTS).mean()])


def test_balanced_class_weight_counts_weighted_samples():
    X, y = fit_data(fast("LSTMClassifier"), X_CLIPS)
    y = np.array(["a", "a", "b"] * 4)
    model = _full_batch("LSTMClassifier", class_weight="balanced")
    model.fit(X, y, sample_weight=WEIGHTS)
    repeated = clone(model).fit(X.repeat(WEIGHTS, axis=0), y.repeat(WEIGHTS))
    np.testing.assert_allclose(model._class_weights, repeated._class_weights)


def test_balanced_class_weight_with_a_class_of_zero_weights_is_a_missing_class():
    # the samples of "c" all weigh 0: as if left out, so "balanced" cannot
    # weigh it (an infinite weight), and says so instead of diverging
    X, _ = fit_data(fast("LSTMClassifier"), X_CLIPS)
    y = np.array(["a", "b", "c"] * 4)
    weights = np.where(y == "c", 0.0, 1.0)
    model = _full_batch("LSTMClassifier", class_weight="balanced")
    message = r"lacks \['c'\] \(the samples of \['c'\] all have sample_weight 0\)"
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, sample_weight=weights)
    # as dropping them is: the same error, without the weights' note
    with pytest.raises(ValueError, match=r"lacks \['c'\]\. Pass a dict"):
        model.partial_fit(X[y != "c"], y[y != "c"], classes=["a", "b", "c"])
    # a dict of weights trains, and the weightless class counts for nothing
    model.set_params(class_weight={"a": 1.0, "b": 2.0, "c": 1.0})
    model.fit(X, y, sample_weight=weights)
    assert np.isfinite(model.net_.history[-1, "train_loss"])


def test_partial_fit_takes_sample_weight():
    X, y = fit_data(fast("LSTMClassifier"), X_CLIPS)
    model = _full_batch("LSTMClassifier")
    model.partial_fit(X, y, classes=np.unique(y), sample_weight=WEIGHTS)
    model.partial_fit(X, y, sample_weight=WEIGHTS)
    assert model.n_iter_ == 2


def test_weighted_mean_loss_counts_weights_as_copies():
    torch.manual_seed(0)
    logits, labels = torch.randn(5, 3), torch.tensor([0, 2, 1, 2, 0])
    weight = torch.tensor([0.0, 2.0, 1.0, 3.0, 1.0])
    class_weight = torch.tensor([1.0, 0.5, 2.0])
    criterion = torch.nn.CrossEntropyLoss(weight=class_weight)
    repeats = weight.long()
    expected = criterion(
        logits.repeat_interleave(repeats, 0), labels.repeat_interleave(repeats)
    )
    got = weighted_mean_loss(criterion, logits, labels, weight)
    torch.testing.assert_close(got, expected)
    assert criterion.reduction == "mean"  # restored
    # a batch of zero weights: no loss and no NaN
    mse = torch.nn.MSELoss()
    zero = weighted_mean_loss(mse, torch.randn(4, 2), torch.randn(4, 2), torch.zeros(4))
    assert zero.item() == 0.0


class _RecordValidationWeights(skorch.callbacks.Callback):
    def initialize(self):
        self.seen = []
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        if not training:
            self.seen.append(batch[0])


def test_early_stopping_validates_on_weighted_samples():
    X, y = fit_data(fast("LSTMRegressor"), X_CLIPS)
    recorder = _RecordValidationWeights()
    weights = np.arange(1.0, 13.0)  # each sample told apart by its weight
    model = fast(
        "LSTMRegressor",
        early_stopping=True,
        validation_fraction=0.25,
        max_epochs=2,
        callbacks=[("record", recorder)],
    ).fit(X, y, sample_weight=weights)
    batch = dict(model.net_.callbacks_)["record"].seen[0]  # the fitted clone's
    assert set(batch) == {"x", "sample_weight"}
    valid_weights = batch["sample_weight"].numpy()
    assert len(valid_weights) == 3
    # each validation sample carries its own weight
    standardized = (X - model._x_mean) / model._x_scale
    for w, x in zip(valid_weights, batch["x"][:, :, :, 0, 0].numpy(), strict=True):
        np.testing.assert_allclose(x, standardized[int(w) - 1], rtol=1e-5, atol=1e-6)
    assert len(model.validation_scores_) == 2
    # the score early stopping watches is the weighted R^2 of those samples,
    # as the model stood after that epoch: here the last, one epoch on
    model = fast(
        "LSTMRegressor", early_stopping=True, validation_fraction=0.25, max_epochs=1
    ).fit(X, y, sample_weight=weights)
    held = valid_weights.astype(int) - 1
    weighted = r2_score(y[held], model.predict(X[held]), sample_weight=weights[held])
    np.testing.assert_allclose(model.validation_scores_[-1], weighted, rtol=1e-5)
    assert not np.isclose(
        weighted, r2_score(y[held], model.predict(X[held])), rtol=1e-5
    )


def test_metadata_routing_carries_sample_weight():
    X, y = fit_data(fast("LSTMRegressor"), X_CLIPS)
    with config_context(enable_metadata_routing=True):
        model = (
            fast("LSTMRegressor")
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        cv = cross_validate(
            model,
            X,
            y,
            cv=KFold(2),
            params={"sample_weight": WEIGHTS},
            return_estimator=True,
        )
        train = np.arange(6, 12)  # KFold(2)'s first training fold
        by_hand = fast("LSTMRegressor").fit(
            X[train], y[train], sample_weight=WEIGHTS[train]
        )
        np.testing.assert_array_equal(cv["estimator"][0].predict(X), by_hand.predict(X))
        # the search scores with the weights too (a scorer that asks for them:
        # scikit-learn 1.6's Pipeline.score routes nothing)
        pipe = make_pipeline(
            FrameFlattener(), fast("LSTMRegressor").set_fit_request(sample_weight=True)
        )
        scoring = make_scorer(r2_score).set_score_request(sample_weight=True)
        search = GridSearchCV(
            pipe, {"lstmregressor__hidden_size": [2, 4]}, cv=2, scoring=scoring
        )
        search.fit(X_CLIPS, y, sample_weight=WEIGHTS)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()
        # without the request, routing refuses the weights
        with pytest.raises(ValueError, match="sample_weight"):
            cross_validate(
                fast("LSTMRegressor"), X, y, params={"sample_weight": WEIGHTS}
            )


@pytest.mark.parametrize("name", NET_CLASSES)
@pytest.mark.parametrize(
    "weights, match",
    [
        (-np.ones(12), "Negative values in data passed to `sample_weight`"),
        (np.full(12, np.nan), "Input sample_weight contains NaN"),
        (np.ones(11), r"sample_weight.shape == \(11,\), expected \(12,\)"),
        (np.zeros(12), "Sample weights must contain at least one non-zero number"),
    ],
    ids=["negative", "nan", "length", "all-zero"],
)
def test_bad_sample_weight_gets_scikit_learns_error(name, weights, match):
    estimator = fast(name)
    X, y = fit_data(estimator, X_CLIPS)
    with pytest.raises(ValueError, match=match):
        estimator.fit(X, y, sample_weight=weights)
    assert not hasattr(estimator, "net_")  # refused before training


@pytest.mark.parametrize("name", NET_CLASSES)
def test_every_net_takes_routed_sample_weight(name):
    # with metadata routing on, a Pipeline hands the weights to a net that
    # requests them: the same fit as given directly, not the unweighted one
    from sklearn.pipeline import Pipeline

    direct = _full_batch(name)
    X, y = fit_data(direct, X_CLIPS)
    if name == "CNNFeatureExtractor":
        direct.set_params(objective="supervised")
    with config_context(enable_metadata_routing=True):
        routed = Pipeline([("net", clone(direct).set_fit_request(sample_weight=True))])
        routed.fit(X, y, sample_weight=WEIGHTS)
    direct.fit(X, y, sample_weight=WEIGHTS)
    unweighted = clone(direct).fit(X, y)
    np.testing.assert_array_equal(_outputs(routed[-1], X), _outputs(direct, X))
    assert not np.allclose(_outputs(routed[-1], X), _outputs(unweighted, X), atol=1e-5)


def test_lstm_regressor_sample_weight_ones_equal_none():
    X, y = fit_data(fast("LSTMRegressor"), X_CLIPS)
    plain = fast("LSTMRegressor").fit(X, y)
    ones = fast("LSTMRegressor").fit(X, y, sample_weight=np.ones(12))
    np.testing.assert_allclose(plain.predict(X), ones.predict(X), rtol=1e-5, atol=1e-6)
