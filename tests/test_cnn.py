"""CNNFeatureExtractor."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

from sklearn_st import CNNFeatureExtractor, LSTMClassifier
from sklearn_st.datasets import make_moving_digits

FAST = {"channels": (4,), "n_features": 6, "max_epochs": 2, "random_state": 0}


class _Recorder(torch.nn.Module):
    """A user encoder: mean and max of every frame, with the largest batch seen."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(2))
        self.largest_batch = 0

    def forward(self, x):
        self.largest_batch = max(self.largest_batch, len(x))
        flat = x.flatten(1)
        return torch.stack([flat.mean(1), flat.amax(1)], dim=1) * self.scale


@pytest.mark.parametrize("objective", ["autoencoder", "supervised", "none"])
@pytest.mark.parametrize(
    "shape", [(10, 3, 6, 5, 2), (10, 3, 6, 5), (10, 3, 4), (10, 3)], ids=str
)
def test_cnn_feature_extractor_every_layout_and_objective(objective, shape):
    X = np.random.RandomState(0).normal(size=shape)
    y = X.reshape(10, -1).sum(axis=1)
    cnn = CNNFeatureExtractor(objective=objective, **FAST).fit(X, y)
    Z = cnn.transform(X)
    assert Z.shape == (10, 3, 6) and Z.dtype == np.float64
    assert cnn.n_features_out_ == 6
    assert np.isfinite(Z).all()


def test_cnn_feature_extractor_uint8_like_float(clips):
    X, _ = clips
    cnn = CNNFeatureExtractor(**FAST).fit(X)
    np.testing.assert_allclose(
        cnn.transform(X), cnn.transform(X.astype(np.float32)), rtol=1e-6, atol=1e-6
    )


def test_cnn_feature_extractor_autoencoder_learns_to_reconstruct(clips):
    X, _ = clips
    cnn = CNNFeatureExtractor(
        channels=(4,), n_features=16, max_epochs=30, random_state=0
    ).fit(X)
    loss = cnn.net_.history[:, "train_loss"]
    # standardized frames: predicting zeros gives a loss of about 1
    assert loss[0] > 0.8
    assert loss[-1] < 0.7 * loss[0]
    # the decoder mirrors the encoder and reproduces the input's shape
    module = cnn.net_.module_
    x = torch.zeros(2, 3, 1, 12, 12)
    assert module(x).shape == x.shape


def test_cnn_feature_extractor_supervised_regression_and_labels(clips):
    X, y = clips
    cnn = CNNFeatureExtractor(objective="supervised", **FAST).fit(X, y)
    assert cnn.net_.module_.lstm.head.out_features == 2
    labels = np.array(["a", "b", "c"])[np.arange(len(X)) % 3]
    cnn = CNNFeatureExtractor(objective="supervised", **FAST).fit(X, labels)
    assert cnn.net_.module_.lstm.head.out_features == 3
    assert isinstance(cnn.net_.criterion_, torch.nn.CrossEntropyLoss)
    with pytest.raises(ValueError, match="requires y to be passed"):
        CNNFeatureExtractor(objective="supervised", **FAST).fit(X)


def test_cnn_feature_extractor_supervised_serves_the_target():
    X, y = make_moving_digits(
        200, n_frames=3, frame_size=12, target="digit", random_state=0
    )
    params = {**FAST, "channels": (8,), "n_features": 16, "max_epochs": 30, "lr": 1e-2}
    scores = {}
    for objective in ["none", "supervised"]:
        cnn = CNNFeatureExtractor(objective=objective, **params).fit(X[:150], y[:150])
        Z = cnn.transform(X).mean(axis=1)
        linear = LogisticRegression(max_iter=2000).fit(Z[:150], y[:150])
        scores[objective] = linear.score(Z[150:], y[150:])
    # seen: 0.14 for random features, 0.62 for supervised ones
    assert scores["supervised"] > scores["none"] + 0.25, scores


def test_cnn_feature_extractor_supervised_learns_through_time():
    # velocity is in no single frame: features trained through an LSTM over the
    # frames carry it (a linear probe on all frames' features), random ones less
    X, y = make_moving_digits(200, n_frames=4, frame_size=12, random_state=0)
    params = {**FAST, "channels": (8,), "n_features": 8, "max_epochs": 20}
    scores = {}
    for objective in ["none", "supervised"]:
        cnn = CNNFeatureExtractor(objective=objective, **params).fit(X[:150], y[:150])
        Z = cnn.transform(X).reshape(len(X), -1)
        scores[objective] = Ridge().fit(Z[:150], y[:150]).score(Z[150:], y[150:])
    assert scores["supervised"] > max(0.8, scores["none"] + 0.2), scores


def test_cnn_feature_extractor_auto_objective_follows_y(clips):
    X, y = clips
    with_y = CNNFeatureExtractor(**FAST).fit(X, y)
    assert with_y._objective == "supervised"
    assert with_y.net_.module_.lstm.head.out_features == 2
    without = CNNFeatureExtractor(**FAST).fit(X)
    assert without._objective == "autoencoder"
    assert without.net_.module_(torch.zeros(1, 3, 1, 12, 12)).shape == (1, 3, 1, 12, 12)


def test_cnn_feature_extractor_user_encoder_is_copied_and_used(clips):
    X, _ = clips
    user = _Recorder()
    cnn = CNNFeatureExtractor(objective="none", encoder=user, batch_size=4).fit(X)
    assert cnn.n_features_out_ == 2
    Z = cnn.transform(X)
    # the features are the user's function of the standardized frames
    frames = (X.astype(np.float64) - X.mean()) / X.std()
    flat = frames.reshape(len(X), 3, -1)
    np.testing.assert_allclose(Z[..., 0], flat.mean(axis=2), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(Z[..., 1], flat.max(axis=2), rtol=1e-5, atol=1e-5)
    # transform ran batch by batch: batch_size clips of 3 frames at a time
    assert cnn.net_.module_.encoder.largest_batch == 4 * 3
    # fit worked on a copy: the user's module is untouched
    assert user.largest_batch == 0
    assert cnn.net_.module_.encoder is not user

    trained = CNNFeatureExtractor(
        objective="supervised", encoder=user, max_epochs=3, lr=0.1, random_state=0
    ).fit(X, np.arange(len(X), dtype=float))
    assert not torch.equal(trained.net_.module_.encoder.scale, user.scale)
    np.testing.assert_array_equal(user.scale.detach().numpy(), [1.0, 1.0])


def test_cnn_feature_extractor_encoder_errors(clips):
    X, _ = clips
    bad = torch.nn.Conv2d(1, 2, 3)  # returns maps, not vectors
    with pytest.raises(ValueError, match=r"returned \(1, 2, 10, 10\)"):
        CNNFeatureExtractor(objective="none", encoder=bad).fit(X)
    with pytest.raises(ValueError, match="needs the built-in CNN"):
        CNNFeatureExtractor(encoder=_Recorder()).fit(X)
    with pytest.raises(ValueError, match="channels must be a positive int or a non-"):
        CNNFeatureExtractor(channels=()).fit(X)
    with pytest.raises(ValueError, match="'objective' parameter"):
        CNNFeatureExtractor(objective="pca").fit(X)
    with pytest.raises(NotFittedError):
        CNNFeatureExtractor().transform(X)


def test_cnn_feature_extractor_reproducible_clone_pickle(clips):
    X, _ = clips
    user = _Recorder()
    cnn = CNNFeatureExtractor(objective="none", encoder=user).fit(X)
    again = clone(cnn).fit(X)
    np.testing.assert_array_equal(again.transform(X), cnn.transform(X))
    restored = pickle.loads(pickle.dumps(cnn))
    np.testing.assert_array_equal(restored.transform(X), cnn.transform(X))

    first = CNNFeatureExtractor(**FAST).fit(X).transform(X)
    np.testing.assert_array_equal(
        CNNFeatureExtractor(**FAST).fit(X).transform(X), first
    )


def test_cnn_feature_extractor_in_a_classification_pipeline(clips):
    X, _ = clips
    labels = np.arange(len(X)) % 2
    model = make_pipeline(
        CNNFeatureExtractor(**FAST), LSTMClassifier(max_epochs=2, random_state=0)
    ).fit(X, labels)
    assert model.predict_proba(X).shape == (24, 2)


def test_cnn_feature_extractor_documents_its_own_defaults():
    doc = CNNFeatureExtractor.__doc__
    assert "n_features : int, default=32" in doc
    assert "max_epochs : int, default=20" in doc
    assert "pooling : {'avg', 'flatten', 'keypoints'}, default='flatten'" in doc


def test_keypoint_pooling_fits_transforms_and_round_trips():
    X, y = make_moving_digits(24, n_frames=3, frame_size=16, random_state=0)
    cnn = CNNFeatureExtractor(pooling="keypoints", **FAST).fit(X, y)
    features = cnn.transform(X)
    assert features.shape == (24, 3, 6) and np.isfinite(features).all()
    restored = pickle.loads(pickle.dumps(cnn))
    np.testing.assert_array_equal(restored.transform(X), features)


@pytest.mark.parametrize("stacked", [1, 2])
def test_cnn_feature_extractor_stacked_frames_see_the_frame_before(stacked):
    X, _ = make_moving_digits(8, n_frames=3, frame_size=16, random_state=0)
    moved = X.copy()
    moved[:, 1] = np.roll(X[:, 1], 3, axis=2)  # only frame 1 changes
    cnn = CNNFeatureExtractor(
        objective="none", stacked_frames=stacked, random_state=0
    ).fit(X)
    before, after = cnn.transform(X), cnn.transform(moved)
    np.testing.assert_array_equal(before[:, 0], after[:, 0])
    assert np.allclose(before[:, 2], after[:, 2]) == (stacked == 1)
    # 'auto': stacked for numeric targets and the autoencoder, single frames for
    # class labels (shapes)
    auto = {"channels": (2,), "max_epochs": 1, "random_state": 0}
    labels = np.array(["a", "b"] * 4)
    assert CNNFeatureExtractor(**auto).fit(X).net_.module_.stacked_frames == 2
    velocity = np.linspace(0, 1, 8)
    assert CNNFeatureExtractor(**auto).fit(X, velocity).net_.module_.stacked_frames == 2
    assert CNNFeatureExtractor(**auto).fit(X, labels).net_.module_.stacked_frames == 1
    # a user encoder sees one frame at a time, whatever stacked_frames says
    user = CNNFeatureExtractor(
        objective="none", encoder=_Recorder(), stacked_frames=stacked
    ).fit(X)
    assert user.net_.module_.stacked_frames == 1
    assert user.transform(X).shape == (8, 3, 2)
