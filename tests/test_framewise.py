"""FrameWise."""

import numpy as np
import pytest
from indexable import Indexable
from sklearn.decomposition import PCA, IncrementalPCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_st import FrameWise, LSTMRegressor


@pytest.fixture(scope="module")
def frames():
    X = np.random.RandomState(0).randint(0, 256, size=(30, 5, 6, 6, 2))
    return X.astype(np.uint8)


def test_framewise_pca_is_pca_of_the_frames(frames):
    fitted = FrameWise(PCA(4, random_state=0)).fit(frames)
    out = fitted.transform(frames)
    assert out.shape == (30, 5, 4) and fitted.n_features_out_ == 4
    flat = frames.reshape(150, -1)
    expected = PCA(4, random_state=0).fit(flat).transform(flat).reshape(30, 5, 4)
    np.testing.assert_allclose(out, expected, atol=1e-8)


def test_framewise_default_is_pca_with_up_to_16_components(frames):
    assert FrameWise().fit(frames).transformer_.n_components == 16
    # large enough for PCA's randomized solver: refits agree all the same
    big = np.repeat(frames, 20, axis=0) + np.arange(600)[:, None, None, None, None]
    np.testing.assert_array_equal(
        FrameWise().fit_transform(big), FrameWise().fit_transform(big)
    )
    # frames of 3 values: 3 components
    assert FrameWise().fit(frames[:, :, 0, 0, :1].repeat(3, -1)).n_features_out_ == 3


class _Batches(StandardScaler):
    """A StandardScaler that records the rows of each partial_fit call."""

    def partial_fit(self, X, y=None, sample_weight=None):
        self.calls_ = [*getattr(self, "calls_", []), X.shape]
        return super().partial_fit(X, y, sample_weight)


def test_framewise_fits_partial_fit_transformers_chunk_by_chunk(frames):
    # 15,000 clips of 5 frames of 72 values: 43 MB as float64, chunks of 16 MB
    big = np.repeat(frames, 500, axis=0)
    fitted = FrameWise(_Batches()).fit(Indexable(big))
    calls = fitted.transformer_.calls_
    assert len(calls) == 2 and sum(rows for rows, _ in calls) == 15000 * 5
    assert all(values == 72 for _, values in calls)
    expected = StandardScaler().fit(big.reshape(-1, 72))
    np.testing.assert_allclose(fitted.transformer_.mean_, expected.mean_)
    np.testing.assert_allclose(fitted.transformer_.scale_, expected.scale_)


def test_framewise_incremental_pca_on_a_memmap(frames, tmp_path):
    path = tmp_path / "frames.dat"
    big = np.repeat(frames, 100, axis=0)
    big.tofile(path)
    mapped = np.memmap(path, dtype=np.uint8, mode="r", shape=big.shape)
    out = FrameWise(IncrementalPCA(8)).fit(mapped).transform(mapped)
    assert out.shape == (3000, 5, 8) and np.isfinite(out).all()


def test_framewise_takes_a_fitted_function_transformer(frames):
    mean = FunctionTransformer(lambda F: F.mean(axis=1, keepdims=True))
    out = FrameWise(mean).fit_transform(frames)
    np.testing.assert_allclose(out[..., 0], frames.reshape(30, 5, -1).mean(axis=2))


def test_framewise_is_tuned_in_a_grid_search(frames):
    y = frames.reshape(30, -1).mean(axis=1)
    pipe = Pipeline(
        [
            ("framewise", FrameWise(PCA())),
            ("lstm", LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0)),
        ]
    )
    grid = {"framewise__transformer__n_components": np.array([2, 6])}
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(frames, y)
    best = search.best_params_["framewise__transformer__n_components"]
    assert search.best_estimator_[0].n_features_out_ == best
    assert search.best_estimator_[-1].sample_shape_ == (5, best)


def test_framewise_default_says_how_to_tune_its_pca():
    pipe = Pipeline([("framewise", FrameWise()), ("lstm", LSTMRegressor())])
    with pytest.raises(ValueError, match=r"FrameWise\(PCA\(16\)\), then framewise"):
        pipe.set_params(framewise__transformer__n_components=4)
    # with the transformer set in the same call, its parameters may follow
    pipe.set_params(
        framewise__transformer=PCA(), framewise__transformer__n_components=4
    )
    assert pipe[0].transformer.n_components == 4
